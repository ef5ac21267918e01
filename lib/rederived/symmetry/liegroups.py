"""Decompositions of GL⁺(n, ℝ) and SL(n, ℝ), the reach of the exponential map, Haar sampling.

Every g with det g > 0 factors uniquely as g = P R with P symmetric positive definite and
R ∈ SO(n) (the polar, or Cartan, decomposition): P = (g gᵀ)^½, R = P⁻¹ g. With P = exp(S),
S symmetric (traceless for SL(n)), the pair (S, R) is a global chart of the group, which the
exponential map of the whole group is not: in SL(2, ℝ) a matrix is an exponential exactly when
its trace exceeds −2 (or it is −I). On SL(2, ℝ) the chart is (t, φ, θ) ↦
R(φ) diag(e^t, e^−t) R(−φ) R(θ), and the Haar measure in these coordinates is ∝ sinh(2t).

The two layers of an equivariant network on these groups: :func:`lift` takes an image on the
plane to a function on the affine group ℝ² ⋊ GL⁺(2), and :func:`group_convolution` convolves a
function on SL(2, ℝ) with a kernel over the Haar measure of the chart.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rederived._checks import count, positive, real_array
from rederived._checks import memory as _memory

__all__ = [
    "group_convolution",
    "in_exp_image_sl2",
    "iwasawa",
    "lift",
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


def _values(fn: Callable, points: np.ndarray, name: str, expected: tuple) -> np.ndarray:
    """``fn`` at a stack of points, checked: real, finite, one value per point (``expected``
    is the stack's shape)."""
    with np.errstate(all="ignore"):
        out = np.asarray(fn(points))
    if out.shape != expected:
        raise ValueError(
            f"{name} must return one value per point, shape {expected}, got {out.shape}"
        )
    if out.dtype.kind not in "biuf":
        raise TypeError(f"{name} must return real numbers, got dtype {out.dtype}")
    out = out.astype(float)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name} returned values that are not finite")
    return out


def _group_elements(g: object, name: str = "g") -> np.ndarray:
    g = real_array(g, name)
    if g.ndim < 2 or g.shape[-2:] != (2, 2):
        raise ValueError(
            f"{name} must be a stack of 2×2 matrices, shape (..., 2, 2), got {g.shape}"
        )
    if not np.all(np.isfinite(g)):
        raise ValueError(f"{name} must be finite")
    if np.any(np.linalg.det(g) <= 0):
        raise ValueError(f"{name} must have positive determinants (elements of GL⁺(2))")
    return g


#: the self-check of the layers' quadratures: the same rule on nodes shifted by half a spacing
#: must agree with it to this fraction of the integrand's absolute mass (two samplings of a
#: resolved integrand agree to its accuracy; an integrand squeezed between the nodes or turning
#: faster than they do gives two different sums), and the integrand must vanish to ``_EDGE`` of
#: its mass at the edge of the domain (the truncation error's size)
_RESOLVED = 1e-8
_EDGE = 1e-10


def _check_resolved(
    full: np.ndarray, shifted: np.ndarray, mass: np.ndarray, at_edge: np.ndarray, what: str
) -> None:
    """Refuse a quadrature whose value on shifted nodes differs from its value (per element)
    beyond ``_RESOLVED`` of the absolute mass, or whose integrand has more than ``_EDGE`` of its
    mass at the edge of the domain."""
    mass = np.maximum(mass, np.finfo(float).tiny)
    if np.any(at_edge > _EDGE * mass):  # first: a truncated integrand also fails the shift
        raise ValueError(
            f"{what}: the integrand does not vanish at the edge of the domain integrated "
            f"({float(np.max(at_edge / mass)):.1e} of its mass there)"
        )
    if np.any(np.abs(full - shifted) > _RESOLVED * mass):
        raise ValueError(
            f"{what}: the quadrature does not resolve the integrand (on nodes shifted by half a "
            f"spacing it differs by {float(np.max(np.abs(full - shifted) / mass)):.1e} of its "
            "mass): use more nodes, or elements closer to the identity"
        )


def lift(
    f: Callable,
    kernel: Callable,
    g: object,
    shift: object = None,
    *,
    extent: float = 6.0,
    points: int = 96,
) -> np.ndarray:
    """The lifting layer: an image f on the plane to a function on the affine group ℝ² ⋊ GL⁺(2),

        F(x, g) = |det g|⁻¹ ∫ f(y) k(g⁻¹(y − x)) dy,

    by the trapezoid rule on the square [−extent, extent]² with ``points``² nodes, spectrally
    accurate for a smooth integrand that vanishes at the square's edge. Equivariant: lifting
    y ↦ f(h⁻¹(y − b)) gives F(h⁻¹(x − b), h⁻¹g), exactly in the integral, because the change of
    variables y = h y' + b brings det h, which the factor |det g|⁻¹ absorbs.

    The quadrature checks itself: where the same rule on nodes shifted by half a spacing differs
    by more than 1e-8 of the integrand's absolute mass (a kernel squeezed between the nodes
    by a small g), or the integrand does not vanish at the edge (a g that stretches the kernel
    beyond the square, a shift that moves it out), it raises instead of returning a wrong value.

    Parameters
    ----------
    f, kernel : callable
        Functions of points of the plane: an array (..., 2) to real values (...).
    g : array_like, shape (..., 2, 2)
        Group elements, det g > 0.
    shift : array_like, shape (..., 2), optional
        The translations x (default 0), broadcast with g.
    extent : float
        Half-width of the square, at most 1e6.
    points : int
        Nodes per side, 8 to 4096.
    """
    if not callable(f) or not callable(kernel):
        raise TypeError("f and kernel must be callables of points of the plane")
    g = _group_elements(g)
    x = np.zeros((*g.shape[:-2], 2)) if shift is None else real_array(shift, "shift")
    if x.shape[-1:] != (2,) or not np.all(np.isfinite(x)):
        raise ValueError(f"shift must be finite points of the plane, shape (..., 2), got {x.shape}")
    try:
        shape = np.broadcast_shapes(g.shape[:-2], x.shape[:-1])
    except ValueError:
        raise ValueError(f"g and shift do not broadcast: {g.shape} and {x.shape}") from None
    extent = positive(extent, "extent")
    if extent > 1e6:
        raise ValueError(f"extent must be at most 1e6, got {extent}")
    points = count(points, "points", 8)
    if points > 4096:
        raise ValueError(f"points must be at most 4096 (per side), got {points}")
    g = np.broadcast_to(g, (*shape, 2, 2)).reshape(-1, 2, 2)
    x = np.broadcast_to(x, (*shape, 2)).reshape(-1, 2)
    block_size = 16
    # per element and node: the local points (2), the kernel's values, the terms and the
    # kernel's own temporaries
    _memory(8.0 * 12 * points**2 * min(len(g), block_size), f"lifting on {points}² nodes")
    axis = np.linspace(-extent, extent, points)
    step = axis[1] - axis[0]
    weight = np.full(points, step)
    weight[[0, -1]] = step / 2
    Y = np.stack(np.meshgrid(axis, axis, indexing="ij"), axis=-1).reshape(-1, 2)
    fw = _values(f, Y, "f", Y.shape[:-1]) * np.outer(weight, weight).ravel()
    mid = axis[:-1] + step / 2  # the shifted nodes, all interior
    Y2 = np.stack(np.meshgrid(mid, mid, indexing="ij"), axis=-1).reshape(-1, 2)
    fw2 = _values(f, Y2, "f", Y2.shape[:-1]) * step**2
    edge = np.zeros((points, points), dtype=bool)
    edge[:2, :], edge[-2:, :], edge[:, :2], edge[:, -2:] = True, True, True, True
    edge = edge.ravel()
    inverse = np.linalg.inv(g)
    out = np.empty(len(g))
    for start in range(0, len(g), block_size):  # blocks of group elements bound the memory
        block = slice(start, start + block_size)
        local = np.einsum("mij,mnj->mni", inverse[block], Y[None, :, :] - x[block, None, :])
        terms = _values(kernel, local, "kernel", local.shape[:-1]) * fw
        local = np.einsum("mij,mnj->mni", inverse[block], Y2[None, :, :] - x[block, None, :])
        shifted = _values(kernel, local, "kernel", local.shape[:-1]) @ fw2
        out[block] = terms.sum(axis=1)
        _check_resolved(
            out[block],
            shifted,
            np.abs(terms).sum(axis=1),
            np.abs(terms[:, edge]).sum(axis=1),
            "lift",
        )
    return (out / np.linalg.det(g)).reshape(shape)


def group_convolution(
    F: Callable,
    psi: Callable,
    g: object,
    *,
    t_max: float = 3.0,
    nodes: tuple[int, int, int] = (40, 48, 96),
    haar: bool = True,
) -> np.ndarray:
    """The group convolution on SL(2, ℝ): (F ⋆ ψ)(g) = ∫ F(u) ψ(u⁻¹g) du over the Haar measure,
    on the piece t ≤ ``t_max`` of the polar chart (:func:`sl2_from_coordinates`), by a product
    quadrature: Gauss–Legendre in t with the Haar density 2 sinh(2t), uniform rules in the
    angles φ ∈ [0, π) and θ ∈ [−π, π) (``nodes`` = their numbers of nodes). Left-invariance of
    du makes it equivariant: convolving u ↦ F(h⁻¹u) gives (F ⋆ ψ)(h⁻¹g), to the quadrature's
    error, where F and ψ are smooth and their product vanishes beyond t_max.

    The quadrature checks itself, as :func:`lift`'s does: the rule with its angular nodes
    shifted by half a spacing must agree with it to 1e-8 of the integrand's absolute mass (far
    from the identity the integrand turns quickly with the angles, as e^{2t}), and the
    integrand must be negligible at the last node in t; otherwise it raises instead of
    returning a wrong value.
    With ``haar=False`` the density in t is 1 (the chart's flat coordinates): not invariant,
    the wrong measure.

    Parameters
    ----------
    F, psi : callable
        Functions on the group: a stack (..., 2, 2) to real values (...).
    g : array_like, shape (..., 2, 2)
        Elements of SL(2, ℝ): determinant 1 to 1e-9 relative to the entries' size.
    t_max : float
        The piece integrated, 0 < t_max ≤ 300.
    nodes : (int, int, int)
        Nodes in t, φ and θ, each at least 2, at most 10⁶ in all (the self-check evaluates the
        angular rule twice).
    """
    if not callable(F) or not callable(psi):
        raise TypeError("F and psi must be callables of stacks of 2×2 matrices")
    g = _group_elements(g)
    size = np.max(np.abs(g), axis=(-2, -1))
    if np.any(np.abs(np.linalg.det(g) - 1) > 1e-9 * np.maximum(size**2, 1)):
        raise ValueError("g must be in SL(2) (determinant 1 to 1e-9 of its entries' size)")
    t_max = positive(t_max, "t_max")
    if t_max > 300:
        raise ValueError(f"t_max must be at most 300 (float64 range), got {t_max}")
    if not isinstance(haar, bool | np.bool_):
        raise TypeError(f"haar must be a bool, got {haar!r}")
    if isinstance(nodes, str) or not hasattr(nodes, "__len__") or len(nodes) != 3:
        raise ValueError(f"nodes must be three counts (t, φ, θ), got {nodes!r}")
    n_t, n_phi, n_theta = (
        count(n, name, 2) for n, name in zip(nodes, ("t nodes", "φ nodes", "θ nodes"), strict=True)
    )
    q = n_t * n_phi * n_theta
    if q > 10**6:
        raise ValueError(f"nodes give {q:,} quadrature points, more than 10^6")
    shape = g.shape[:-2]
    g = g.reshape(-1, 2, 2)
    block_size = 8
    _memory(8.0 * 12 * q * min(len(g), block_size), f"group convolution on {q:,} nodes")
    z, w = np.polynomial.legendre.leggauss(n_t)
    t = (z + 1) * t_max / 2
    w_t = w * t_max / 2 * (2 * np.sinh(2 * t) if haar else np.ones_like(t))
    weight = (w_t[:, None, None] * np.ones((1, n_phi, n_theta))).ravel() * (
        np.pi / n_phi * 2 * np.pi / n_theta
    )
    last_t = np.zeros((n_t, n_phi, n_theta), dtype=bool)
    last_t[-1] = True
    last_t = last_t.ravel()
    rules = []
    for offset in (0.0, 0.5):  # the angular nodes, and the same shifted by half a spacing
        phi = (np.arange(n_phi) + offset) * np.pi / n_phi
        theta = -np.pi + (np.arange(n_theta) + offset) * 2 * np.pi / n_theta
        tt, pp, th = np.meshgrid(t, phi, theta, indexing="ij")
        U = sl2_from_coordinates(tt, pp, th).reshape(-1, 2, 2)
        FU = _values(F, U, "F", U.shape[:-2]) * weight
        # the inverse of a determinant-1 matrix, exactly (np.linalg.inv fails far out)
        U_inv = np.empty_like(U)
        U_inv[:, 0, 0], U_inv[:, 1, 1] = U[:, 1, 1], U[:, 0, 0]
        U_inv[:, 0, 1], U_inv[:, 1, 0] = -U[:, 0, 1], -U[:, 1, 0]
        rules.append((U_inv, FU))
    out = np.empty(len(g))
    for start in range(0, len(g), block_size):
        block = slice(start, start + block_size)
        sums = []
        for U_inv, FU in rules:
            moved = U_inv[None] @ g[block, None]
            terms = _values(psi, moved, "psi", moved.shape[:-2]) * FU
            sums.append((terms.sum(axis=1), terms))
        (full, terms), (shifted, _) = sums
        out[block] = full
        _check_resolved(
            full,
            shifted,
            np.abs(terms).sum(axis=1),
            np.abs(terms[:, last_t]).sum(axis=1),
            "group_convolution",
        )
    return out.reshape(shape)
