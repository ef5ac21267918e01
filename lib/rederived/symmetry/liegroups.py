"""Decompositions of GL⁺(n, ℝ) and SL(n, ℝ), the reach of the exponential map, Haar sampling.

Every g with det g > 0 factors uniquely as g = P R with P symmetric positive definite and
R ∈ SO(n) (the polar, or Cartan, decomposition): P = (g gᵀ)^½, R = P⁻¹ g. With P = exp(S),
S symmetric (traceless for SL(n)), the pair (S, R) is a global chart of the group, which the
exponential map of the whole group is not: in SL(2, ℝ) a matrix is an exponential exactly when
its trace exceeds −2 (or it is −I). On SL(2, ℝ) the chart is (t, φ, θ) ↦
R(φ) diag(e^t, e^−t) R(−φ) R(θ), and the Haar measure in these coordinates is ∝ sinh(2t).
"""

from __future__ import annotations

import numpy as np

from rederived._checks import count, positive, real_array

__all__ = [
    "in_exp_image_sl2",
    "iwasawa",
    "polar",
    "rotation",
    "sample_sl2",
    "sl2_coordinates",
    "sl2_from_coordinates",
    "sl2_from_iwasawa",
]


def _square_stack(g: object, name: str = "g") -> np.ndarray:
    g = real_array(g, name)
    if g.ndim < 2 or g.shape[-1] != g.shape[-2] or g.shape[-1] < 1 or not np.all(np.isfinite(g)):
        raise ValueError(f"{name} must be finite square matrices (..., n, n), got {g.shape}")
    return g


def _check_positive_determinant(U: np.ndarray, sigma: np.ndarray, Vt: np.ndarray) -> None:
    """Refuse matrices that are numerically singular (σ_min ≤ 1e-13 σ_max: a relative test, so
    that a well-scaled matrix of condition 1e6 passes) or have a negative determinant (its sign
    is that of det U · det Vᵀ, the singular values being positive)."""
    if np.any(sigma[..., -1] <= 1e-13 * sigma[..., 0]):
        raise ValueError("g is numerically singular (σ_min/σ_max ≤ 1e-13): not in GL⁺(n)")
    if np.any(np.linalg.det(U) * np.linalg.det(Vt) < 0):
        raise ValueError("g must have a positive determinant (GL⁺(n))")


def _check_sl2(g: np.ndarray) -> None:
    """2×2 with determinant 1, to rounding relative to the entries' size: the computed
    determinant of an element e^t away from the identity carries an error of order e^{2t} ε."""
    if g.shape[-1] != 2:
        raise ValueError("g must be 2×2 with determinant 1")
    if np.max(np.abs(g), initial=0.0) > 1e150:  # t ≥ 345: beyond the chart, and Σg² overflows
        raise ValueError("g must have entries below 1e150 (t ≤ 300 in the polar chart)")
    size = np.sum(g * g, axis=(-2, -1))
    if np.any(np.abs(np.linalg.det(g) - 1) > 1e-12 * np.maximum(size, 1.0)):
        raise ValueError("g must be 2×2 with determinant 1")


def polar(g: object) -> tuple[np.ndarray, np.ndarray]:
    """(P, R) with g = P R, P symmetric positive definite, R ∈ SO(n), for a stack of matrices
    with positive determinant (from the singular value decomposition, so that R is orthogonal
    to rounding even when g is ill-conditioned)."""
    g = _square_stack(g)
    U, sigma, Vt = np.linalg.svd(g)  # g = U Σ Vᵀ: P = U Σ Uᵀ, R = U Vᵀ (backward stable)
    _check_positive_determinant(U, sigma, Vt)
    P = (U * sigma[..., None, :]) @ np.swapaxes(U, -1, -2)
    R = U @ Vt
    return P, R


def iwasawa(g: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(K, A, N) with g = K A N: K ∈ SO(n), A diagonal with positive entries, N upper
    triangular with unit diagonal (the Iwasawa decomposition of GL⁺(n), from a QR
    factorisation with the signs fixed so that the triangular factor has a positive diagonal)."""
    g = _square_stack(g)
    _check_positive_determinant(*np.linalg.svd(g))
    Q, T = np.linalg.qr(g)
    signs = np.sign(np.diagonal(T, axis1=-2, axis2=-1))
    Q = Q * signs[..., None, :]
    T = T * signs[..., :, None]
    diagonal = np.diagonal(T, axis1=-2, axis2=-1)
    A = np.zeros_like(T)
    idx = np.arange(g.shape[-1])
    A[..., idx, idx] = diagonal
    return Q, A, T / diagonal[..., :, None]


def _check_chart(size: np.ndarray, name: str, others: tuple) -> None:
    if not all(np.all(np.isfinite(v)) for v in (size, *others)):
        raise ValueError("the coordinates must be finite")
    if np.any(size < 0) or np.any(size > 300):
        bound = "|s|" if name == "s" else "t"
        raise ValueError(f"{name} must satisfy 0 <= {bound} <= 300 (float64 range of e^{name})")


def rotation(angle: object) -> np.ndarray:
    """2×2 rotation matrices for an array of angles, shape (..., 2, 2)."""
    a = real_array(angle, "angle")
    if not np.all(np.isfinite(a)):
        raise ValueError("angle must be finite")
    c, s = np.cos(a), np.sin(a)
    return np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)


def sl2_from_coordinates(t: object, phi: object, theta: object) -> np.ndarray:
    """R(φ) diag(e^t, e^−t) R(−φ) R(θ): the polar chart of SL(2, ℝ) (0 ≤ t ≤ 300, beyond which
    e^t overflows float64 in products of such matrices)."""
    t, phi, theta = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (t, phi, theta)))
    _check_chart(t, "t", (phi, theta))
    D = np.zeros((*t.shape, 2, 2))
    D[..., 0, 0], D[..., 1, 1] = np.exp(t), np.exp(-t)
    return rotation(phi) @ D @ rotation(-phi) @ rotation(theta)


def sl2_from_iwasawa(theta: object, s: object, u: object) -> np.ndarray:
    """R(θ) diag(e^s, e^−s) [[1, u], [0, 1]]: the Iwasawa chart K A N of SL(2, ℝ), whose Haar
    measure is e^{2s} dθ ds du (|s| ≤ 300, as for t in :func:`sl2_from_coordinates`)."""
    theta, s, u = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (theta, s, u)))
    _check_chart(np.abs(s), "s", (theta, u))
    D = np.zeros((*s.shape, 2, 2))
    D[..., 0, 0], D[..., 1, 1] = np.exp(s), np.exp(-s)
    N = np.zeros((*u.shape, 2, 2))
    N[..., 0, 0] = N[..., 1, 1] = 1.0
    N[..., 0, 1] = u
    with np.errstate(over="ignore", invalid="ignore"):
        g = rotation(theta) @ D @ N
    if not np.all(np.isfinite(g)):
        raise ValueError("the element overflows float64: e^s·u is too large")
    return g


def sl2_coordinates(g: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t, φ, θ) of g ∈ SL(2, ℝ) in the polar chart: t ≥ 0, φ ∈ [0, π), θ ∈ (−π, π]
    (φ is arbitrary when t = 0; then 0 is returned)."""
    g = _square_stack(g)
    _check_sl2(g)
    # the polar rotation of a 2×2 matrix with positive determinant in closed form: g plus its
    # cofactor matrix is a multiple of it, [[a + d, b − c], [c − b, a + d]] (no SVD, whose
    # small singular value e^−t is lost to rounding once t passes about 15)
    a, b, c, d = g[..., 0, 0], g[..., 0, 1], g[..., 1, 0], g[..., 1, 1]
    theta = np.arctan2(c - b, a + d)
    P = g @ np.swapaxes(rotation(theta), -1, -2)
    w, V = np.linalg.eigh((P + np.swapaxes(P, -1, -2)) / 2)  # ascending: e^−t, e^t
    t = np.maximum(np.log(w[..., 1]), 0.0)  # w[1] ≥ 1 exactly; rounding may dip below
    top = V[..., :, 1]
    phi = np.mod(np.arctan2(top[..., 1], top[..., 0]), np.pi)
    return t, np.where(t > 1e-12, phi, 0.0), theta


def in_exp_image_sl2(g: object) -> np.ndarray:
    """Whether g ∈ SL(2, ℝ) is exp(X) for some real traceless X: exactly when tr g > −2, or
    g = −I (tr g = −2 otherwise is a parabolic element with no real logarithm)."""
    g = _square_stack(g)
    _check_sl2(g)
    minus_identity = np.all(np.isclose(g, -np.eye(2), atol=1e-12), axis=(-2, -1))
    return (np.trace(g, axis1=-2, axis2=-1) > -2) | minus_identity


def sample_sl2(
    size: int, t_max: float, rng: np.random.Generator, *, haar: bool = True
) -> tuple[np.ndarray, float]:
    """``size`` elements of SL(2, ℝ) with t ≤ ``t_max``, and the Haar volume of that piece,
    in the normalisation 2 sinh(2t) dt dφ dθ: the left-invariant form g⁻¹dg in the coordinates
    (a₁₁, a₁₂, a₂₁) of the algebra, the same normalisation as e^{2s} dθ ds du in the Iwasawa
    chart (:func:`sl2_from_iwasawa`).

    With ``haar`` the coordinates are drawn from the Haar density ∝ sinh(2t) (by inverting
    its distribution function, cosh 2t uniform), φ and θ uniformly, so that a sample mean times
    the volume estimates a Haar integral over the piece. With ``haar=False`` t is uniform on
    [0, t_max] instead (the density of the chart's flat coordinates), the wrong measure."""
    size, t_max = count(size, "size"), positive(t_max, "t_max")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if t_max > 300:  # cosh(2t) and the matrix entries e^t would overflow float64 beyond ~355
        raise ValueError(f"t_max must be at most 300 (float64 range), got {t_max}")
    u = rng.random(size)
    if haar:  # cosh 2t − 1 = 2 sinh² t uniform: t = asinh(√u sinh t_max), no cancellation
        t = np.arcsinh(np.sqrt(u) * np.sinh(t_max))
    else:
        t = u * t_max
    phi, theta = rng.uniform(0, np.pi, size), rng.uniform(-np.pi, np.pi, size)
    volume = 2 * np.sinh(t_max) ** 2 * np.pi * 2 * np.pi  # ∫ 2 sinh(2t) dt dφ dθ
    return sl2_from_coordinates(t, phi, theta), float(volume)
