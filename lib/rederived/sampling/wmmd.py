"""Optimally weighted estimators of the maximum mean discrepancy (Bharti, Naslidnyk, Key, Kaski
and Briol, ICML 2023).

A simulator draws ``u`` from a base measure ``U`` (uniform on ``[0, 1]^s`` or standard normal on
``ℝ^s``) and returns ``x = G(u)``. The squared MMD between its law ``P`` and data ``y_1..y_n``
with the Gaussian kernel ``k(a, b) = exp(−‖a − b‖²/(2ℓ²))`` is estimated from ``m`` simulations
by the V-statistic, with weights ``1/m``, or by the optimally weighted (OW) estimator, whose
weights are Bayesian-quadrature weights in the *input* space:

    w = (C + δI)⁻¹ z,   C_ij = c(u_i, u_j),   z_i = ∫ c(u_i, v) U(dv),

for a second Gaussian kernel ``c`` of length scale ``ℓ_c`` on the inputs (``δ`` a small nugget).
Both estimators are ``wᵀK_xx w − 2 wᵀK_xy 1/n + 1ᵀK_yy 1/n²``. The embeddings ``z`` have
closed forms (derived and asserted in the chapter):

- uniform ``U`` on ``[0, 1]^s``: ``z(u) = Π_d √(2π) ℓ_c [Φ((1 − u_d)/ℓ_c) − Φ(−u_d/ℓ_c)]``;
- standard normal ``U``: ``z(u) = (ℓ_c²/(ℓ_c² + 1))^{s/2} exp(−‖u‖²/(2(ℓ_c² + 1)))``.

Domain: finite real point sets as (points × dimension) arrays, at most :data:`MAX_POINTS` points
and :data:`MAX_DIMENSION` coordinates; length scales finite and positive; uniform inputs in
``[0, 1]``. The data term ``1ᵀK_yy 1/n²`` is summed in blocks, so ``n`` up to ``MAX_POINTS`` needs
no n × n matrix (blocks of at most :data:`BLOCK` entries). The weights need a dense factorisation:
at most :data:`MAX_WEIGHT_POINTS` inputs. A Gram matrix of the inputs that is singular beyond the
nugget is refused. The estimator is a squared distance in exact arithmetic; in floating point it
can fall below zero by rounding (about 10⁻⁸ with weights of size 10⁴), and it is only as right
as a ``data_term`` passed in.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.special import erf, ndtri

from rederived._checks import count as _count
from rederived._checks import finite_real as _finite
from rederived._checks import positive as _positive
from rederived._checks import real_array as _real_array

__all__ = [
    "BLOCK",
    "MAX_DIMENSION",
    "MAX_POINTS",
    "MAX_WEIGHT_POINTS",
    "cross_means",
    "gandk",
    "gaussian_embedding",
    "gaussian_gram",
    "gaussian_mmd_squared",
    "kernel_mean",
    "median_heuristic",
    "mmd_squared",
    "optimal_weights",
    "uniform_embedding",
]

MAX_POINTS = 200_000
MAX_DIMENSION = 1_000
# entries of a Gram block held at once (the block's rows shrink as the other set grows)
BLOCK = 4_000_000
# optimal_weights factorises a dense m × m matrix
MAX_WEIGHT_POINTS = 3_000


def _points(value: object, name: str) -> np.ndarray:
    arr = _real_array(value, name)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"{name} must be a non-empty (points × dimension) array, got {arr.shape}")
    if arr.shape[0] > MAX_POINTS or arr.shape[1] > MAX_DIMENSION:
        raise ValueError(
            f"{name} must have at most {MAX_POINTS} points of at most {MAX_DIMENSION} "
            f"coordinates, got {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


def _factor(scale: float, ell: float) -> float:
    """(scale/ℓ)²/2, refused when it leaves float64 (a length scale tiny beside the points)."""
    with np.errstate(over="ignore"):
        out = float((np.float64(scale) / np.float64(ell)) ** 2 / 2.0)
    if not np.isfinite(out):
        raise ValueError("lengthscale is too small beside the points' scale (beyond float64)")
    return out


def _centred(a: np.ndarray, b: np.ndarray):
    """Both sets moved by a common point (the centre of their bounding box) and divided by the
    largest coordinate left, with that scale: distances are unchanged, and ‖a‖² + ‖b‖² − 2a·b no
    longer cancels when the points share a large offset."""
    low = np.minimum(a.min(axis=0), b.min(axis=0))
    high = np.maximum(a.max(axis=0), b.max(axis=0))
    centre = low / 2 + high / 2
    a, b = a - centre, b - centre
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))), 1e-300)
    return a / scale, b / scale, scale


def _rows(n_other: int) -> int:
    """Rows per block so that a block holds at most BLOCK entries."""
    return max(1, BLOCK // max(n_other, 1))


def _squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d2 = np.sum(a * a, axis=1)[:, None] + np.sum(b * b, axis=1)[None, :] - 2.0 * (a @ b.T)
    return np.maximum(d2, 0.0)


def gaussian_gram(a, b, lengthscale) -> np.ndarray:
    """The Gram matrix ``exp(−‖a_i − b_j‖²/(2ℓ²))`` of two point sets (at most 10⁷ entries)."""
    a = _points(a, "a")
    b = _points(b, "b")
    ell = _positive(lengthscale, "lengthscale")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"a and b must have the same dimension, got {a.shape[1]} and {b.shape[1]}")
    if a.shape[0] * b.shape[0] > 10_000_000:
        raise ValueError("a × b must be at most 10⁷ entries: use kernel_mean for large sums")
    # distances of the centred, rescaled points: squares neither overflow, underflow nor cancel
    a, b, scale = _centred(a, b)
    return np.exp(-_squared_distances(a, b) * _factor(scale, ell))


def kernel_mean(a, b, lengthscale, *, weights=None) -> float:
    """``Σ_i Σ_j v_i k(a_i, b_j) / n_b`` with ``v = weights`` (default ``1/n_a``), summed in
    blocks of :data:`BLOCK` rows: the mean of the kernel between two point sets."""
    a = _points(a, "a")
    b = _points(b, "b")
    ell = _positive(lengthscale, "lengthscale")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"a and b must have the same dimension, got {a.shape[1]} and {b.shape[1]}")
    v = (
        np.full(a.shape[0], 1.0 / a.shape[0])
        if weights is None
        else _real_array(weights, "weights")
    )
    if v.shape != (a.shape[0],) or not np.all(np.isfinite(v)):
        raise ValueError(f"weights must be finite, one per point of a ({a.shape[0]})")
    a, b, scale = _centred(a, b)
    factor = _factor(scale, ell)
    total, rows = 0.0, _rows(b.shape[0])
    for start in range(0, a.shape[0], rows):
        block = np.exp(-_squared_distances(a[start : start + rows], b) * factor)
        total += float(v[start : start + rows] @ block.sum(axis=1))
    return total / b.shape[0]


def cross_means(a, b, lengthscale) -> np.ndarray:
    """``(1/n_b) Σ_j k(a_i, b_j)`` for every point of ``a``, in blocks of :data:`BLOCK` rows: the
    simulated points' kernel means against the data, shared by every choice of weights."""
    a = _points(a, "a")
    b = _points(b, "b")
    ell = _positive(lengthscale, "lengthscale")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"a and b must have the same dimension, got {a.shape[1]} and {b.shape[1]}")
    a, b, scale = _centred(a, b)
    factor = _factor(scale, ell)
    out, rows = np.empty(a.shape[0]), _rows(b.shape[0])
    for start in range(0, a.shape[0], rows):
        block = np.exp(-_squared_distances(a[start : start + rows], b) * factor)
        out[start : start + rows] = block.mean(axis=1)
    return out


def median_heuristic(points, *, max_points: int = 2000) -> float:
    """``√(median ‖a − b‖²/2)`` over distinct pairs of at most ``max_points`` points, evenly
    spaced through the set (the length scale the paper's code sets both kernels with)."""
    p = _points(points, "points")
    cap = _count(max_points, "max_points", minimum=2)
    if p.shape[0] > cap:
        p = p[np.linspace(0, p.shape[0] - 1, cap).astype(int)]
    if p.shape[0] < 2:
        raise ValueError("points must hold at least two points")
    p, _, scale = _centred(p, p)
    d2 = _squared_distances(p, p)
    upper = d2[np.triu_indices(p.shape[0], k=1)]
    value = float(np.sqrt(np.median(upper) / 2.0)) * scale
    if not value > 0 or not np.isfinite(value):
        raise ValueError("points: the median distance is zero or beyond float64 (repeated points?)")
    return value


def uniform_embedding(u, lengthscale) -> np.ndarray:
    """Kernel mean embedding of the Gaussian kernel ``c`` against the uniform measure on
    ``[0, 1]^s``: ``Π_d √(2π) ℓ [Φ((1 − u_d)/ℓ) − Φ(−u_d/ℓ)]``."""
    u = _points(u, "u")
    ell = _positive(lengthscale, "lengthscale")
    if np.any(u < 0) or np.any(u > 1):
        raise ValueError("u must lie in [0, 1] for the uniform measure")
    # Φ(b) − Φ(a) with a = −u/ℓ ≤ 0 ≤ b = (1 − u)/ℓ: (erf(b/√2) − erf(a/√2))/2, a sum of two
    # non-negative terms (no cancellation, also for a huge ℓ where both are tiny)
    r2 = np.sqrt(2.0)
    with np.errstate(under="ignore"):
        mass = (erf((1 - u) / (ell * r2)) + erf(u / (ell * r2))) / 2
        factors = np.sqrt(2 * np.pi) * ell * mass
        out = np.prod(factors, axis=1)
    if not np.all(np.isfinite(out)):
        raise ValueError("lengthscale: the embedding overflows float64")
    return out


def gaussian_embedding(u, lengthscale) -> np.ndarray:
    """Kernel mean embedding of the Gaussian kernel ``c`` against the standard normal measure:
    ``(ℓ²/(ℓ² + 1))^{s/2} exp(−‖u‖²/(2(ℓ² + 1)))``."""
    u = _points(u, "u")
    ell = _positive(lengthscale, "lengthscale")
    s = u.shape[1]
    ell2 = np.float64(ell) ** 2 if ell < 1e150 else np.float64(np.inf)
    with np.errstate(under="ignore", over="ignore"):
        shrink = 1.0 / (1.0 + 1.0 / ell2)  # ℓ²/(ℓ² + 1), also for ℓ² beyond float64
        sq = np.sum(u * u, axis=1)
        out = shrink ** (s / 2) * np.exp(-sq / (2 * (ell2 + 1.0)))
    if not np.all(np.isfinite(out)):
        raise ValueError("u: squared norms beyond float64")
    return out


def optimal_weights(u, z, lengthscale, *, nugget: float = 1e-8) -> np.ndarray:
    """Bayesian-quadrature weights ``(C + δI)⁻¹ z`` with ``C`` the Gaussian Gram matrix of the
    inputs (length scale ``lengthscale``) and ``δ = nugget``, by a Cholesky factorisation."""
    u = _points(u, "u")
    z = _real_array(z, "z")
    if z.shape != (u.shape[0],) or not np.all(np.isfinite(z)):
        raise ValueError(f"z must be finite, one value per input ({u.shape[0]})")
    delta = _positive(nugget, "nugget")
    if u.shape[0] > MAX_WEIGHT_POINTS:
        raise ValueError(
            f"u must have at most {MAX_WEIGHT_POINTS} points (the Gram matrix is dense)"
        )
    C = gaussian_gram(u, u, lengthscale) + delta * np.eye(u.shape[0])
    try:
        factor = cho_factor(C, lower=True)
    except np.linalg.LinAlgError as exc:
        raise ValueError("the inputs' Gram matrix is singular beyond the nugget") from exc
    w = cho_solve(factor, z)
    if not np.all(np.isfinite(w)):
        raise ValueError("the weights overflow float64: raise the nugget")
    return w


def mmd_squared(
    x, y, lengthscale, *, weights=None, data_term=None, cross=None, unbiased: bool = False
) -> float:
    """``wᵀK_xx w − 2 wᵀK_xy 1/n + 1ᵀK_yy 1/n²`` with the Gaussian kernel; ``weights=None`` gives
    the V-statistic (``w = 1/m``). ``data_term``, the last sum, and ``cross``, the vector
    ``K_xy 1/n`` (:func:`cross_means`), may be passed when they were computed already: neither
    depends on the weights. ``unbiased=True`` (uniform weights only, ``m ≥ 2``) replaces the
    simulations' term by the U-statistic's ``Σ_{i≠j} k(x_i, x_j)/(m(m − 1))``; the data term is
    used as given."""
    if not isinstance(unbiased, bool):
        raise TypeError(f"unbiased must be True or False, got {unbiased!r}")
    x = _points(x, "x")
    y = _points(y, "y")
    m = x.shape[0]
    w = np.full(m, 1.0 / m) if weights is None else _real_array(weights, "weights")
    if w.shape != (m,) or not np.all(np.isfinite(w)):
        raise ValueError(f"weights must be finite, one per simulated point ({m})")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must have the same dimension, got {x.shape[1]}, {y.shape[1]}")
    ell = _positive(lengthscale, "lengthscale")
    if data_term is None:
        data_term = kernel_mean(y, y, ell)
    data_term = _positive(data_term, "data_term")
    if unbiased and (weights is not None or m < 2):
        raise ValueError("unbiased: the U-statistic takes uniform weights and at least 2 points")
    xx = float(w @ (gaussian_gram(x, x, ell) @ w)) if m <= 3000 else _weighted_xx(x, w, ell)
    if unbiased:  # m²·(1ᵀK1/m²) minus the unit diagonal, over the m(m − 1) distinct pairs
        xx = (m * m * xx - m) / (m * (m - 1))
    if cross is None:
        cross = cross_means(x, y, ell)
    cross = _real_array(cross, "cross")
    if cross.shape != (m,) or not np.all(np.isfinite(cross)):
        raise ValueError(f"cross must be finite, one kernel mean per simulated point ({m})")
    return xx - 2.0 * float(w @ cross) + data_term


def _weighted_xx(x: np.ndarray, w: np.ndarray, ell: float) -> float:
    xs, _, scale = _centred(x, x)
    factor = _factor(scale, ell)
    total, rows = 0.0, _rows(x.shape[0])
    for start in range(0, x.shape[0], rows):
        block = np.exp(-_squared_distances(xs[start : start + rows], xs) * factor)
        total += float(w[start : start + rows] @ (block @ w))
    return total


def gaussian_mmd_squared(mean_p, sd_p, mean_q, sd_q, lengthscale) -> float:
    """Squared MMD between ``N(μ_p, σ_p²)`` and ``N(μ_q, σ_q²)`` (one dimension), in closed form
    up to an absolute rounding of about 10⁻¹⁶ (it is a difference of terms near 1), with the
    Gaussian kernel of length scale ``ℓ``: with ``E k(X, Y) = ℓ/√(ℓ² + σ_X² + σ_Y²) ·
    exp(−(μ_X − μ_Y)²/(2(ℓ² + σ_X² + σ_Y²)))`` for independent X and Y."""
    mp, mq = _finite(mean_p, "mean_p"), _finite(mean_q, "mean_q")
    sp_, sq = _positive(sd_p, "sd_p"), _positive(sd_q, "sd_q")
    ell = _positive(lengthscale, "lengthscale")

    def cross(m1, s1, m2, s2):
        with np.errstate(over="ignore", under="ignore"):
            v = np.float64(ell) ** 2 + np.float64(s1) ** 2 + np.float64(s2) ** 2
            return float(
                np.sqrt(np.float64(ell) ** 2 / v) * np.exp(-((np.float64(m1) - m2) ** 2) / (2 * v))
            )

    value = cross(mp, sp_, mp, sp_) + cross(mq, sq, mq, sq) - 2 * cross(mp, sp_, mq, sq)
    if not np.isfinite(value):
        raise ValueError("the MMD overflows float64 for these arguments")
    return float(max(value, 0.0))


def gandk(u, a=3.0, b=1.0, g=0.1, k=0.1, *, c=0.8) -> np.ndarray:
    """The g-and-k quantile function at uniform inputs ``u`` in (0, 1):
    ``a + b (1 + c tanh(g z/2)) (1 + z²)^k z`` with ``z = Φ⁻¹(u)`` (``(1 − e^{−gz})/(1 + e^{−gz})
    = tanh(gz/2)``). Each coordinate of ``u`` gives one coordinate of the output."""
    u = _points(u, "u")
    if np.any(u <= 0) or np.any(u >= 1):
        raise ValueError("u must lie strictly inside (0, 1)")
    a, g, c = _finite(a, "a"), _finite(g, "g"), _finite(c, "c")
    b = _positive(b, "b")
    k = _finite(k, "k")
    if k < 0 or abs(c) >= 1:
        raise ValueError(f"k must be ≥ 0 and |c| < 1, got k = {k}, c = {c}")
    z = ndtri(u)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused just below
        x = a + b * (1 + c * np.tanh(g * z / 2)) * (1 + z * z) ** k * z
    if not np.all(np.isfinite(x)):
        raise ValueError("the g-and-k values overflow float64 for these parameters")
    return x
