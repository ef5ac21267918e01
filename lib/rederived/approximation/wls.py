"""Weighted least squares from random samples: i.i.d. optimal sampling, projection DPPs, and
volume-rescaled sampling.

The measure μ is discrete here: N points ``grid`` with equal mass (a fine grid standing in for a
continuous measure). The approximation space V_m is spanned by the columns of ``basis``
(N × m), orthonormalised on the grid so that (1/N) ΦᵀΦ = I exactly; then the Christoffel
function k(x) = Σ_j φ_j(x)² is the density (times m) of the optimal i.i.d. sampling, and
K = ΦΦᵀ/N is the kernel of the projection determinantal point process (DPP) with m points,
whose inclusion probability of grid point i is K_ii = k(x_i)/N. Every sampler is exact for
this discrete measure.
"""

from __future__ import annotations

import numpy as np

from rederived._checks import count, real_array
from rederived._checks import memory as _memory

__all__ = [
    "best_error",
    "l2_error",
    "legendre_features",
    "orthonormal_features",
    "projection_dpp",
    "sample_iid",
    "volume_rescaled",
    "weighted_fit",
]


def legendre_features(x: object, m: int) -> np.ndarray:
    """Legendre polynomials P_0 … P_{m−1} at x ∈ [−1, 1], scaled √(2k+1) (orthonormal for the
    uniform probability measure), shape (len(x), m)."""
    x = real_array(x, "x")
    m = count(m, "m")
    if x.ndim != 1 or not np.all(np.abs(x) <= 1):
        raise ValueError("x must be a 1-d array in [-1, 1]")
    _memory(16.0 * x.size * m, f"{x.size} × {m} Legendre features")
    return np.polynomial.legendre.legvander(x, m - 1) * np.sqrt(2 * np.arange(m) + 1)


def orthonormal_features(Phi: object) -> np.ndarray:
    """Φ made exactly orthonormal for the grid's uniform measure, (1/N) ΦᵀΦ = I, spanning the
    same space (a QR factorisation; ValueError if the columns are dependent on the grid)."""
    Phi = real_array(Phi, "Phi")
    if Phi.ndim != 2 or Phi.shape[0] < Phi.shape[1] or Phi.shape[1] < 1:
        raise ValueError(f"Phi must be an (N, m) array with N >= m >= 1, got {Phi.shape}")
    if not np.all(np.isfinite(Phi)):
        raise ValueError("Phi must be finite")
    # columns scaled to unit size first (by powers of two, exactly): a column of size 1e-300
    # next to one of size 1 is badly scaled, not dependent
    scale = np.max(np.abs(Phi), axis=0)
    if np.any(scale == 0):
        raise ValueError(f"Phi has {int(np.sum(scale == 0))} zero column(s): no space to span")
    Q, R = np.linalg.qr(np.ldexp(Phi, -np.frexp(scale)[1]))
    if np.min(np.abs(np.diag(R))) < 1e-10 * np.max(np.abs(np.diag(R))):
        raise ValueError("the features are linearly dependent on the grid")
    return Q * np.sign(np.diag(R)) * np.sqrt(Phi.shape[0])


def _check_features(Phi: object) -> np.ndarray:
    Phi = real_array(Phi, "Phi")
    if Phi.ndim != 2 or Phi.shape[0] < Phi.shape[1] or Phi.shape[1] < 1:
        raise ValueError(f"Phi must be an (N, m) array with N >= m >= 1, got {Phi.shape}")
    if not np.all(np.isfinite(Phi)):
        raise ValueError("Phi must be finite")
    N, m = Phi.shape
    if not np.allclose(Phi.T @ Phi / N, np.eye(m), atol=1e-8):
        raise ValueError("Phi must be orthonormal on the grid: use orthonormal_features")
    return Phi


def _check_rng(rng: object) -> None:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")


def sample_iid(Phi: object, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n i.i.d. grid indices from the optimal density k(x)/m (with respect to μ), and their
    weights m/k(x_i)."""
    Phi = _check_features(Phi)
    n = count(n, "n")
    _check_rng(rng)
    _memory(24.0 * n, f"{n} samples")
    k = np.sum(Phi**2, axis=1)
    idx = rng.choice(Phi.shape[0], size=n, p=k / k.sum())
    return idx, Phi.shape[1] / k[idx]


def projection_dpp(Phi: object, rng: np.random.Generator) -> np.ndarray:
    """m grid indices from the projection DPP with kernel K = ΦΦᵀ/N (chain rule: each point is
    drawn with probability proportional to what remains of its feature vector after projecting
    out the points already drawn; O(N m²))."""
    Phi = _check_features(Phi)
    _check_rng(rng)
    N, m = Phi.shape
    if N * float(m) ** 2 > 2e9:  # the chain rule's projections: N m² operations
        raise ValueError(f"N·m² = {N * float(m) ** 2:.2g} operations, more than 2e9")
    V = Phi / np.sqrt(N)  # orthonormal columns: K = V Vᵀ, K_ii = ‖V_i‖²
    remaining = np.sum(V**2, axis=1)
    basis = np.empty((m, m))  # orthonormal basis of the rows drawn so far
    chosen = np.empty(m, dtype=int)
    for step in range(m):
        p = np.maximum(remaining, 0)
        if not p.sum() > 0:  # rng.choice would refuse this p; say why instead of drawing 0
            raise ValueError("the features leave no mass to draw from (Phi has rank < m)")
        # rng.choice(N, p=p / p.sum()) without its validation of p, which costs as much as the
        # step: the same cumulative sum, the same single uniform draw, the same index
        cdf = np.cumsum(p / p.sum())
        cdf /= cdf[-1]
        i = int(cdf.searchsorted(rng.random(), side="right"))
        chosen[step] = i
        # the part of row i orthogonal to the rows already drawn (Gram–Schmidt, twice for
        # stability); every row's remainder then loses its component along it: one product
        # with V per step instead of projecting all of V
        direction = V[i].copy()
        for _ in range(2):
            direction -= basis[:step].T @ (basis[:step] @ direction)
        basis[step] = direction / np.linalg.norm(direction)
        remaining -= (V @ basis[step]) ** 2
        remaining[chosen[: step + 1]] = 0  # already drawn (their remainder is rounding)
    return chosen


def volume_rescaled(Phi: object, n: int, rng: np.random.Generator) -> np.ndarray:
    """n ≥ m grid indices from volume-rescaled sampling: a projection DPP sample together with
    n − m i.i.d. points from the optimal density (the decomposition of Dereziński, Warmuth and
    Hsu). Use with the weights m/k(x_i)."""
    Phi = _check_features(Phi)
    n = count(n, "n")
    if n < Phi.shape[1]:
        raise ValueError(f"volume-rescaled sampling needs n >= m = {Phi.shape[1]}, got n = {n}")
    extra = sample_iid(Phi, n - Phi.shape[1], rng)[0] if n > Phi.shape[1] else np.empty(0, int)
    return np.concatenate([projection_dpp(Phi, rng), extra])


def weighted_fit(Phi: object, idx: object, y: object) -> np.ndarray:
    """Coefficients c minimising Σ_i w_i (y_i − Φ(x_i) c)², w_i = m/k(x_i), for the grid
    indices ``idx`` and values ``y`` there; ValueError if the weighted design is singular."""
    Phi = _check_features(Phi)
    idx = np.asarray(idx)
    y = real_array(y, "y")
    if idx.ndim != 1 or idx.dtype.kind not in "iu" or y.shape != idx.shape:
        raise ValueError("idx must be integer indices and y the values at them, same length")
    if idx.size and (idx.min() < 0 or idx.max() >= Phi.shape[0]):
        raise ValueError(f"idx must index the grid's {Phi.shape[0]} points (no negative wrap)")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must be finite")
    A = Phi[idx]
    k = np.sum(A**2, axis=1)
    if np.any(k == 0):
        raise ValueError("idx selects a point where every feature vanishes (its weight m/k is inf)")
    w = Phi.shape[1] / k
    root = np.sqrt(w)
    coef, _, rank, _ = np.linalg.lstsq(A * root[:, None], y * root, rcond=None)
    if rank < Phi.shape[1]:
        raise ValueError(f"the sample determines only {rank} of {Phi.shape[1]} coefficients")
    return coef


def l2_error(Phi: object, coef: object, f_grid: object) -> float:
    """‖f − Φc‖² in L²(μ) (the grid's mean square); Φ (N, m), c (m,), f (N,) finite and real.
    The residual is scaled by its largest entry first, so that neither a residual of 1e200
    (whose square overflows) nor one of 1e-200 (whose square underflows) is lost; an error
    that itself exceeds the double range is a ValueError."""
    Phi, coef, f_grid = (
        real_array(Phi, "Phi"),
        real_array(coef, "coef"),
        real_array(f_grid, "f_grid"),
    )
    if Phi.ndim != 2 or coef.shape != (Phi.shape[1],) or f_grid.shape != (Phi.shape[0],):
        raise ValueError(
            f"need Phi (N, m), coef (m,) and f_grid (N,), got {Phi.shape}, {coef.shape}, "
            f"{f_grid.shape}"
        )
    for name, v in (("Phi", Phi), ("coef", coef), ("f_grid", f_grid)):
        if not np.all(np.isfinite(v)):
            raise ValueError(f"{name} must be finite")
    with np.errstate(over="ignore", invalid="ignore"):
        residual = f_grid - Phi @ coef
    if not np.all(np.isfinite(residual)):
        raise ValueError("the residual f − Φc overflows float64")
    scale = np.max(np.abs(residual), initial=0.0)
    if scale == 0:
        return 0.0
    with np.errstate(over="ignore"):
        error = scale**2 * float(np.mean((residual / scale) ** 2))
    if not np.isfinite(error):
        raise ValueError(f"the squared error (about {scale:.3g}²) overflows float64")
    return error


def best_error(Phi: object, f_grid: object) -> tuple[float, np.ndarray]:
    """The best approximation error min_v ‖f − v‖² over V_m and its coefficients (the
    orthogonal projection: c = (1/N) Φᵀ f)."""
    Phi = _check_features(Phi)
    f_grid = real_array(f_grid, "f_grid")
    if f_grid.shape != (Phi.shape[0],) or not np.all(np.isfinite(f_grid)):
        raise ValueError(f"f_grid must be finite with shape ({Phi.shape[0]},), got {f_grid.shape}")
    coef = Phi.T @ f_grid / Phi.shape[0]
    return l2_error(Phi, coef, f_grid), coef
