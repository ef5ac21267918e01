"""Loss-function-based orthogonal matching pursuit for weighted sparse recovery (Mohammad-Taheri
and Brugiapaglia, arXiv 2303.00844).

Recover a sparse ``x`` from ``y = Ax + e`` (``A`` of size m × N) by greedy descent on a
regularised loss ``G``: at each step add the index whose one-coordinate move lowers ``G`` most,
then minimise ``G`` over the coefficients of the selected indices (the *local fit*). With
weights ``w_j > 0`` (prior information: a large weight makes an index expensive) and the residual
``r = y − Az``, ``c_j = a_jᵀr`` and ``α_j = ‖a_j‖₂``, the best one-coordinate decrease of each
loss has a closed form (derived and asserted in the chapter):

- ``"l0"``, weighted ℓ⁰: ``G = ‖Az − y‖₂² + λ Σ_{j ∈ supp z} w_j²``; gain ``c_j²/α_j² − λw_j²``
  (with λ = 0 and w = 1 this is OMP's rule, ``|c_j|/α_j`` largest);
- ``"l1"``, weighted LASSO: ``G = ‖Az − y‖₂² + λ Σ w_j|z_j|``; gain
  ``(|c_j| − λw_j/2)₊²/α_j²`` (a soft threshold);
- ``"sr"``, square-root LASSO: ``G = ‖Az − y‖₂ + λ Σ w_j|z_j|``; with ``μ = λw_j < α_j`` and
  ``d_j² = ‖r‖² − c_j²/α_j²`` (the distance from ``r`` to the line of ``a_j``), gain
  ``‖r‖ − d_j √(1 − μ²/α_j²) − μ|c_j|/α_j²`` when positive (none when ``μ ≥ α_j``);
- ``"lad"``, least absolute deviations LASSO: ``G = ‖Az − y‖₁ + λ Σ w_j|z_j|``; the best step
  is a weighted median of the breakpoints ``r_i/a_ij`` (weights ``|a_ij|``) and 0 (weight
  ``λw_j``).

The local fits: least squares by an updated QR factorisation (``"l0"``); a small weighted LASSO
by accelerated proximal gradient finished by an exact solve on its sign pattern (``"l1"``); the
same inside the scaled-LASSO alternation ``σ = ‖A_S z − y‖`` (``"sr"``); a linear programme
(HiGHS, ``"lad"``). Every run is a descent: ``G`` never rises by more than rounding (10⁻¹⁰ of
its value; a larger rise is an error), recorded in :attr:`GreedyRun.losses`. The run stops
when no index lowers ``G`` by more than :data:`GAIN_TOLERANCE` of its value (plus 10⁻¹⁵ of
``G(0)``, the rounding floor once the data are fitted exactly), or at ``max_support`` indices.

Domain: ``A`` finite real m × N with no zero column, ``m, N`` at most :data:`MAX_SIZE` and
``m·N`` at most :data:`MAX_ENTRIES` (the LAD gains hold a few m × N arrays), columns within
a factor ``1/``:data:`MIN_COLUMN_RATIO` of each other in size; ``y``
finite of length m; ``λ ≥ 0`` finite; weights finite and positive, of length N (default 1). Any
scale: the problem is solved on ``A/max|A|`` and ``y/max|y|`` with ``λ`` rescaled to match, and a
λ or a result that leaves float64 under that rescaling is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.linalg import solve_triangular
from scipy.optimize import linprog

from rederived._checks import count as _count
from rederived._checks import generator as _generator
from rederived._checks import nonnegative as _nonnegative
from rederived._checks import real_array as _real_array

__all__ = [
    "GAIN_TOLERANCE",
    "LOSSES",
    "MAX_ENTRIES",
    "MAX_LEGENDRE_DEGREE",
    "MAX_SIZE",
    "MIN_COLUMN_RATIO",
    "GreedyRun",
    "coordinate_gains",
    "gaussian_problem",
    "hyperbolic_cross",
    "lad_lasso",
    "legendre_design",
    "local_fit",
    "loss",
    "loss_omp",
    "omp",
]

LOSSES = ("l0", "l1", "sr", "lad")
MAX_SIZE = 20_000
MAX_ENTRIES = 4_000_000
# columns smaller than this fraction of the largest are refused: their squared norms underflow
MIN_COLUMN_RATIO = 1e-100
# highest polynomial degree legendre_design evaluates
MAX_LEGENDRE_DEGREE = 1000
# a step must lower G by more than this fraction of G to count as a gain
GAIN_TOLERANCE = 1e-12
# losses below this fraction of G(0) are rounding: no gain is counted there, no rise is refused
_ROUNDING = 1e-15
_FISTA_ITERATIONS = 20_000


# --------------------------------------------------------------------------------------------
# argument checks and scaling


def _kind(kind: object) -> str:
    if not isinstance(kind, str) or kind not in LOSSES:
        raise ValueError(f"kind must be one of {', '.join(map(repr, LOSSES))}, got {kind!r}")
    return kind


def _matrix(A: object) -> np.ndarray:
    A = _real_array(A, "A")
    if A.ndim != 2 or A.shape[0] < 1 or A.shape[1] < 1:
        raise ValueError(f"A must be a non-empty 2-D array, got shape {A.shape}")
    if max(A.shape) > MAX_SIZE:
        raise ValueError(f"A must be at most {MAX_SIZE} in each dimension, got {A.shape}")
    if A.size > MAX_ENTRIES:
        raise ValueError(f"A must have at most {MAX_ENTRIES:,} entries, got {A.size:,}")
    if not np.all(np.isfinite(A)):
        raise ValueError("A must be finite")
    if np.any(np.all(A == 0, axis=0)):
        raise ValueError("A must have no zero column (a zero column's gain is undefined)")
    peaks = np.max(np.abs(A), axis=0)
    if np.min(peaks) < MIN_COLUMN_RATIO * np.max(peaks):
        raise ValueError(
            f"A's columns must be within a factor {1 / MIN_COLUMN_RATIO:.0e} of each other in "
            "size (rescale the columns and the weights together)"
        )
    return A


def _vector(y: object, m: int, name: str = "y") -> np.ndarray:
    y = _real_array(y, name)
    if y.shape != (m,):
        raise ValueError(f"{name} must have shape ({m},) to match A, got {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{name} must be finite")
    return y


def _weights(weights: object, N: int) -> np.ndarray:
    if weights is None:
        return np.ones(N)
    w = _real_array(weights, "weights")
    if w.shape != (N,):
        raise ValueError(f"weights must have shape ({N},), one per column of A, got {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise ValueError("weights must be finite and positive")
    return w


def _lam(lam: object) -> float:
    return _nonnegative(lam, "lam")


def _scaled_lam(kind: str, lam: float, sa: float, sy: float, w: np.ndarray) -> float:
    """λ of the problem on A/sa, y/sy (so that G scales by sy² or sy); refused if it, or a
    penalty λw_j, leaves float64."""
    with np.errstate(over="ignore", under="ignore"):
        if kind == "l0":
            out = lam / sy / sy
        elif kind == "l1":
            out = lam / sy / sa
        else:
            out = lam / sa
    if not np.isfinite(out) or (lam > 0 and out == 0):
        raise ValueError("lam is out of float64's range at the scale of A and y")
    with np.errstate(over="ignore"):
        penalties = out * w * w if kind == "l0" else out * w
    if not np.all(np.isfinite(penalties)):
        raise ValueError("lam × weights overflows float64 at the scale of A and y")
    return float(out)


# --------------------------------------------------------------------------------------------
# losses and one-coordinate gains


def _loss(kind: str, A: np.ndarray, y: np.ndarray, z: np.ndarray, lam: float, w: np.ndarray):
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused by the caller
        r = A @ z - y
        if kind == "l0":
            return float(r @ r + lam * np.sum(w[z != 0] ** 2))
        penalty = lam * float(np.sum(w * np.abs(z)))
        if kind == "l1":
            return float(r @ r) + penalty
        if kind == "sr":
            return float(np.linalg.norm(r)) + penalty
        return float(np.sum(np.abs(r))) + penalty


def loss(A, y, z, lam, *, kind: str, weights=None) -> float:
    """The loss ``G(z)`` of ``kind`` (see the module's docstring) at coefficients ``z``."""
    kind = _kind(kind)
    A = _matrix(A)
    y = _vector(y, A.shape[0])
    z = _vector(z, A.shape[1], "z")
    w = _weights(weights, A.shape[1])
    value = _loss(kind, A, y, z, _lam(lam), w)
    if not np.isfinite(value):
        raise ValueError("the loss overflows float64: scale A, y or z down")
    return value


def _gains(kind: str, A: np.ndarray, r: np.ndarray, lam: float, w: np.ndarray, alpha: np.ndarray):
    """Best one-coordinate decrease of G and the step achieving it, for every column."""
    c = A.T @ r
    if kind == "l0":
        step = c / alpha**2
        return c**2 / alpha**2 - lam * w**2, step
    mu = lam * w
    if kind == "l1":
        shrunk = np.maximum(np.abs(c) - mu / 2, 0.0)
        return shrunk**2 / alpha**2, np.sign(c) * shrunk / alpha**2
    if kind == "sr":
        rn = float(np.linalg.norm(r))
        gain = np.zeros_like(c)
        step = np.zeros_like(c)
        if rn == 0:
            return gain, step
        # in units of ‖r‖: ĉ = c/(α‖r‖) is the cosine between r and a_j
        cos = np.clip(c / (alpha * rn), -1.0, 1.0)
        d = np.sqrt(np.maximum(1.0 - cos**2, 0.0))
        # near-parallel columns: 1 − cos² cancels, so take the distance to the line directly
        near = np.flatnonzero(np.abs(cos) > 0.7)
        if near.size:
            along = A[:, near] * (c[near] / alpha[near] ** 2)[None, :]
            d[near] = np.linalg.norm(r[:, None] - along, axis=0) / rn
        k = mu / alpha
        ok = k < 1
        root = np.sqrt(np.maximum(1.0 - k**2, 0.0))
        # along a_j the optimal residual component is u = k d / √(1 − k²) (units of ‖r‖); the
        # step is taken only if that leaves part of r's component |cos| along a_j to remove
        u = np.full_like(c, np.inf)
        u[ok] = k[ok] * d[ok] / root[ok]
        value = d * root + k * np.abs(cos)  # optimal G / ‖r‖ when the step is taken
        # u < |cos| is the same as k < |cos| (the chapter asserts it); it makes value < 1
        take = ok & (u < np.abs(cos))
        gain[take] = rn * (1.0 - value[take])
        step[take] = np.sign(c[take]) * (np.abs(cos[take]) - u[take]) * rn / alpha[take]
        return gain, step
    # lad: weighted median of the breakpoints r_i / a_ij (weights |a_ij|) and 0 (weight μ_j)
    with np.errstate(divide="ignore", invalid="ignore"):
        points = np.where(A != 0, r[:, None] / A, 0.0)
    points = np.vstack([points, np.zeros((1, A.shape[1]))])
    weights = np.vstack([np.abs(A), mu[None, :]])
    order = np.argsort(points, axis=0, kind="stable")
    sorted_points = np.take_along_axis(points, order, axis=0)
    cum = np.cumsum(np.take_along_axis(weights, order, axis=0), axis=0)
    first = np.argmax(cum >= cum[-1] / 2, axis=0)
    step = sorted_points[first, np.arange(A.shape[1])]
    value = np.sum(np.abs(r[:, None] - A * step[None, :]), axis=0) + mu * np.abs(step)
    gain = np.sum(np.abs(r)) - value
    return np.maximum(gain, 0.0), np.where(gain > 0, step, 0.0)


def coordinate_gains(A, r, lam, *, kind: str, weights=None):
    """Best decrease of ``G`` by moving one coordinate from a point with residual ``r = y − Az``
    at which that coordinate is zero, for every column; returns ``(gains, steps)``.

    The formulas are those of the module's docstring. For ``"l0"`` the gain includes the
    penalty ``λw_j²`` that the new index costs, and may be negative.
    """
    kind = _kind(kind)
    A = _matrix(A)
    r = _vector(r, A.shape[0], "r")
    w = _weights(weights, A.shape[1])
    lam = _lam(lam)
    sa = float(np.max(np.abs(A)))
    sr = float(np.max(np.abs(r)))
    if sr == 0:
        g0 = -lam * w**2 if kind == "l0" else np.zeros(A.shape[1])
        return g0, np.zeros(A.shape[1])
    As, rs = A / sa, r / sr
    lam_s = _scaled_lam(kind, lam, sa, sr, w)
    gains, steps = _gains(kind, As, rs, lam_s, w, np.linalg.norm(As, axis=0))
    unit = sr * sr if kind in ("l0", "l1") else sr
    with np.errstate(over="ignore"):
        gains = gains * unit
        steps = steps * (sr / sa)
    if not (np.all(np.isfinite(gains)) and np.all(np.isfinite(steps))):
        raise ValueError("gains or steps overflow float64: scale A or r")
    return gains, steps


# --------------------------------------------------------------------------------------------
# local fits on the selected columns


def _soft(v: np.ndarray, t: np.ndarray) -> np.ndarray:
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)


def _lasso_small(G: np.ndarray, b: np.ndarray, mu: np.ndarray, z0: np.ndarray) -> np.ndarray:
    """argmin zᵀGz − 2bᵀz + Σ μ_j|z_j| (G = A_SᵀA_S, b = A_Sᵀy): accelerated proximal gradient
    with restarts, then an exact solve on the sign pattern if it satisfies the optimality
    conditions."""
    polished = _polish(G, b, mu, z0)
    if polished is not None:
        return polished
    L = 2.0 * float(np.linalg.eigvalsh(G)[-1])
    z = z0.copy()
    v = z.copy()
    t = 1.0
    for it in range(_FISTA_ITERATIONS):
        grad = 2.0 * (G @ v - b)
        z_new = _soft(v - grad / L, mu / L)
        if np.dot(z_new - z, v - z_new) > 0:  # restart when the momentum points uphill
            t = 1.0
            v = z.copy()
            continue
        t_new = (1 + np.sqrt(1 + 4 * t * t)) / 2
        v = z_new + (t - 1) / t_new * (z_new - z)
        done = np.max(np.abs(z_new - z)) <= 1e-13 * max(float(np.max(np.abs(z_new))), 1e-300)
        z, t = z_new, t_new
        if done:
            break
        # polish every 20 iterations: the exact solution on the current sign pattern
        if it % 20 == 19:
            polished = _polish(G, b, mu, z)
            if polished is not None:
                return polished
    polished = _polish(G, b, mu, z)
    return z if polished is None else polished


def _polish(G, b, mu, z):
    """The exact minimiser if the sign pattern of ``z`` is the optimal one, else None."""
    active = z != 0
    s = np.sign(z)
    out = np.zeros_like(z)
    if np.any(active):
        Ga = G[np.ix_(active, active)]
        try:
            za = np.linalg.solve(Ga, b[active] - mu[active] * s[active] / 2)
        except np.linalg.LinAlgError:
            return None
        if np.any(np.sign(za) != s[active]):
            return None
        out[active] = za
    grad = 2.0 * (G @ out - b)
    tol = 1e-9 * max(float(np.max(np.abs(b))), 1e-300)
    if np.any(np.abs(grad[~active]) > mu[~active] + tol):
        return None
    return out


def _lad_fit(As: np.ndarray, y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """argmin ‖A_S z − y‖₁ + Σ μ_j|z_j| as a linear programme (HiGHS), on columns scaled to
    unit size (HiGHS drops matrix entries below its tolerance)."""
    size = np.max(np.abs(As), axis=0)
    return _lad_fit_unit(As / size, y, mu / size) / size


def _lad_fit_unit(As: np.ndarray, y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    m, k = As.shape
    cost = np.concatenate([mu, mu, np.ones(2 * m)])
    eye = sparse.identity(m, format="csr")
    dense = sparse.csr_matrix(As)
    a_eq = sparse.hstack([dense, -dense, -eye, eye], format="csr")
    res = linprog(cost, A_eq=a_eq, b_eq=y, bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(f"the LAD linear programme failed: {res.message}")
    return res.x[:k] - res.x[k : 2 * k]


def _fit(kind: str, As: np.ndarray, y: np.ndarray, lam: float, w: np.ndarray, z0: np.ndarray):
    """Minimiser of G over the columns As (the problem already scaled)."""
    if kind == "lad":
        return _lad_fit(As, y, lam * w)
    G = As.T @ As
    b = As.T @ y
    if kind == "l0":
        return np.linalg.lstsq(As, y, rcond=None)[0]
    if kind == "l1":
        return _lasso_small(G, b, lam * w, z0)
    # sr: alternate σ = ‖A_S z − y‖ and the LASSO with penalty 2σλ (the scaled LASSO), trying
    # the exact solution on the current sign pattern before and after each alternation
    z = z0.copy()
    exact = _polish_sr(As, G, b, y, lam * w, z)
    if exact is not None:
        return exact
    sigma = float(np.linalg.norm(As @ z - y))
    floor = 1e-14 * max(float(np.linalg.norm(y)), 1e-300)
    for _ in range(200):
        if sigma <= floor:
            break
        z = _lasso_small(G, b, 2 * sigma * lam * w, z)
        exact = _polish_sr(As, G, b, y, lam * w, z)
        if exact is not None:
            return exact
        new = float(np.linalg.norm(As @ z - y))
        if abs(new - sigma) <= 1e-12 * sigma:
            sigma = new
            break
        sigma = new
    # the square-root loss has a kink at σ = 0, which the alternation approaches only slowly:
    # when y lies in the span of the columns, the interpolant of least weighted ℓ¹ norm competes
    interpolant = _interpolant(As, y, lam * w)
    if interpolant is not None:
        if _loss("sr", As, y, interpolant, lam, w) < _loss("sr", As, y, z, lam, w):
            return interpolant
    return z


def _interpolant(As: np.ndarray, y: np.ndarray, mu: np.ndarray):
    """argmin Σ μ_j|z_j| subject to A_S z = y (a linear programme), or None if y is not in
    the span of the columns (to rounding)."""
    z_ls = np.linalg.lstsq(As, y, rcond=None)[0]
    if np.linalg.norm(As @ z_ls - y) > 1e-12 * max(float(np.linalg.norm(y)), 1e-300):
        return None
    k = As.shape[1]
    size = np.max(np.abs(As), axis=0)  # unit columns for HiGHS, as in _lad_fit
    res = linprog(
        np.concatenate([mu, mu]) / np.concatenate([size, size]),
        A_eq=np.hstack([As, -As]) / np.concatenate([size, size]),
        b_eq=y,
        bounds=(0, None),
        method="highs",
    )
    if res.status != 0:
        return z_ls
    z = (res.x[:k] - res.x[k:]) / size
    # HiGHS meets the constraints to its own tolerance: keep the exact least-squares fit on the
    # support it found
    S = np.flatnonzero(z)
    exact = np.zeros(k)
    if S.size:
        exact[S] = np.linalg.lstsq(As[:, S], y, rcond=None)[0]
    return exact


def _polish_sr(As, G, b, y, mu, z):
    """The exact square-root LASSO minimiser on the sign pattern of ``z``, or None.

    On the pattern the optimality condition is ``G z − b = −σ μ∘s`` with ``σ = ‖A_S z − y‖``:
    ``z = z_ls − σv`` with ``v = G⁻¹(μ∘s)``, and since ``A_S v`` is orthogonal to the
    least-squares residual, ``σ² = ‖r_ls‖² + σ²‖A_S v‖²``."""
    active = z != 0
    s = np.sign(z)
    out = np.zeros_like(z)
    if np.any(active):
        Aa = As[:, active]
        try:
            z_ls = np.linalg.solve(G[np.ix_(active, active)], b[active])
            v = np.linalg.solve(G[np.ix_(active, active)], mu[active] * s[active])
        except np.linalg.LinAlgError:
            return None
        r_ls = y - Aa @ z_ls
        av2 = float(np.sum((Aa @ v) ** 2))
        if av2 >= 1:
            return None
        sigma = float(np.linalg.norm(r_ls)) / np.sqrt(1 - av2)
        za = z_ls - sigma * v
        if sigma <= 1e-14 * max(float(np.linalg.norm(y)), 1e-300):
            return None
        if np.any(np.sign(za) != s[active]):
            return None
        out[active] = za
    residual = y - As @ out
    sigma = float(np.linalg.norm(residual))
    if sigma == 0:
        return None
    grad = As.T @ residual / sigma
    if np.any(np.abs(grad[~active]) > mu[~active] * (1 + 1e-9) + 1e-12):
        return None
    return out


def local_fit(A, y, support, lam, *, kind: str, weights=None):
    """Minimise ``G`` over the coefficients of the columns in ``support`` (the others zero);
    returns the full coefficient vector of length N."""
    kind = _kind(kind)
    A = _matrix(A)
    y = _vector(y, A.shape[0])
    w = _weights(weights, A.shape[1])
    lam = _lam(lam)
    S = _support(support, A.shape[1])
    sa, sy = float(np.max(np.abs(A))), float(np.max(np.abs(y)))
    z = np.zeros(A.shape[1])
    if sy == 0 or not S:
        return z
    lam_s = _scaled_lam(kind, lam, sa, sy, w)
    zs = _fit(kind, A[:, S] / sa, y / sy, lam_s, w[S], np.zeros(len(S)))
    with np.errstate(over="ignore"):
        z[S] = zs * (sy / sa)
    if not np.all(np.isfinite(z)):
        raise ValueError("the coefficients overflow float64: scale A or y")
    return z


def _support(support: object, N: int) -> list[int]:
    idx = np.asarray(support)
    if idx.size == 0:
        return []
    if idx.ndim != 1 or idx.dtype.kind not in "iu":
        raise TypeError("support must be a 1-D sequence of column indices (ints)")
    if np.any(idx < 0) or np.any(idx >= N) or np.unique(idx).size != idx.size:
        raise ValueError(f"support must hold distinct column indices in [0, {N})")
    return [int(i) for i in idx]


# --------------------------------------------------------------------------------------------
# the greedy method


@dataclass(frozen=True)
class GreedyRun:
    """One run of :func:`loss_omp`.

    ``x``: the coefficients; ``support``: the selected indices in the order chosen; ``losses``:
    ``G`` after each step, starting from ``G(0)`` (non-increasing up to rounding: 10⁻¹⁰ of its
    value); ``stopped``: ``"no gain"``
    or ``"max support"``.
    """

    x: np.ndarray
    support: tuple[int, ...]
    losses: np.ndarray
    stopped: str

    @property
    def iterations(self) -> int:
        return len(self.support)


def loss_omp(A, y, lam, *, kind: str, weights=None, max_support=None) -> GreedyRun:
    """Greedy descent on the loss ``kind`` (see the module's docstring): select the index of
    largest one-coordinate gain, refit ``G`` on the selected indices, until no index gains more
    than :data:`GAIN_TOLERANCE` of ``G`` or ``max_support`` indices (default ``min(m, N)``)
    are selected."""
    kind = _kind(kind)
    A = _matrix(A)
    m, N = A.shape
    y = _vector(y, m)
    w = _weights(weights, N)
    lam = _lam(lam)
    cap = min(m, N) if max_support is None else _count(max_support, "max_support")
    if cap > min(m, N):
        raise ValueError(f"max_support must be at most min(m, N) = {min(m, N)}, got {cap}")
    sa, sy = float(np.max(np.abs(A))), float(np.max(np.abs(y)))
    if sy == 0:
        return GreedyRun(np.zeros(N), (), np.zeros(1), "no gain")
    lam_s = _scaled_lam(kind, lam, sa, sy, w)
    As, ys = A / sa, y / sy
    alpha = np.linalg.norm(As, axis=0)
    z = np.zeros(N)
    support: list[int] = []
    losses = [_loss(kind, As, ys, z, lam_s, w)]
    stopped = "max support"
    # "l0": the local fit is least squares, kept as a QR factorisation grown by one column per
    # step (Q's columns orthonormal, Qᵀy stored), so the residual updates in O(m)
    Q = np.zeros((m, cap))
    R = np.zeros((cap, cap))
    qty = np.zeros(cap)
    r = ys.copy()
    while len(support) < cap:
        gains, steps = _gains(kind, As, r, lam_s, w, alpha)
        gains[support] = -np.inf
        j = int(np.argmax(gains))
        if not gains[j] > GAIN_TOLERANCE * losses[-1] + _ROUNDING * losses[0]:
            stopped = "no gain"
            break
        k = len(support)
        if kind == "l0":
            Qk = Q[:, :k]
            col = As[:, j]
            h = Qk.T @ col
            q = col - Qk @ h
            h2 = Qk.T @ q  # second Gram-Schmidt pass
            q -= Qk @ h2
            rho = float(np.linalg.norm(q))
            if rho <= 1e-12 * alpha[j]:
                stopped = "no gain"  # the column lies in the span already
                break
            Q[:, k] = q / rho
            R[:k, k] = h + h2
            R[k, k] = rho
            qty[k] = Q[:, k] @ ys
            support.append(j)
            r = r - qty[k] * Q[:, k]
            value = float(r @ r) + lam_s * float(np.sum(w[support] ** 2))
        else:
            support.append(j)
            start = z[support]
            start[-1] = steps[j]  # the one-coordinate step: a sign for the new index
            zs = _fit(kind, As[:, support], ys, lam_s, w[support], start)
            z_new = np.zeros(N)
            z_new[support] = zs
            value = _loss(kind, As, ys, z_new, lam_s, w)
            z = z_new
            r = ys - As @ z
        if value > losses[-1] * (1 + 1e-10) + _ROUNDING * losses[0]:
            raise RuntimeError("the local fit raised the loss: a solver failed to converge")
        losses.append(value)
    if kind == "l0" and support:
        k = len(support)
        z = np.zeros(N)
        z[support] = solve_triangular(R[:k, :k], qty[:k])
    unit = sy * sy if kind in ("l0", "l1") else sy
    with np.errstate(over="ignore"):
        x = z * (sy / sa)
        history = np.asarray(losses) * unit
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(history))):
        raise ValueError("the result overflows float64: scale A or y")
    return GreedyRun(x, tuple(support), history, stopped)


def omp(A, y, n_nonzero) -> GreedyRun:
    """Orthogonal matching pursuit: ``n_nonzero`` steps of largest ``|a_jᵀr|/‖a_j‖`` with a
    least-squares refit (the ``"l0"`` loss with λ = 0 and unit weights), stopping early only
    if the residual vanishes."""
    return loss_omp(A, y, 0.0, kind="l0", max_support=n_nonzero)


# --------------------------------------------------------------------------------------------
# problems and a convex reference


def gaussian_problem(m, N, s, seed, *, noise=0.0, outliers=0, outlier_size=10.0):
    """A compressed-sensing problem: ``A`` with N(0, 1/m) entries, ``x`` with ``s`` standard
    normal entries on a random support, ``y = Ax + e`` with ``‖e‖ = noise·‖Ax‖`` (Gaussian
    direction) plus ``outliers`` entries moved by ``±outlier_size·max|Ax|``. Returns
    ``(A, x, y)``."""
    m = _count(m, "m")
    N = _count(N, "N")
    s = _count(s, "s", minimum=0)
    if max(m, N) > MAX_SIZE or m * N > MAX_ENTRIES:
        raise ValueError(f"m and N must be at most {MAX_SIZE}, m·N at most {MAX_ENTRIES:,}")
    if s > N:
        raise ValueError(f"s must be at most N = {N}, got {s}")
    noise = _nonnegative(noise, "noise")
    outliers = _count(outliers, "outliers", minimum=0)
    if outliers > m:
        raise ValueError(f"outliers must be at most m = {m}, got {outliers}")
    outlier_size = _nonnegative(outlier_size, "outlier_size")
    rng = _generator(seed)
    A = rng.normal(size=(m, N)) / np.sqrt(m)
    x = np.zeros(N)
    x[rng.choice(N, size=s, replace=False)] = rng.normal(size=s)
    clean = A @ x
    e = rng.normal(size=m)
    y = clean + noise * np.linalg.norm(clean) * e / np.linalg.norm(e)
    if outliers:
        where = rng.choice(m, size=outliers, replace=False)
        y[where] += rng.choice([-1.0, 1.0], size=outliers) * outlier_size * np.max(np.abs(clean))
    return A, x, y


def lad_lasso(A, y, lam, *, weights=None) -> np.ndarray:
    """The convex LAD-LASSO, argmin ``‖Az − y‖₁ + λΣw_j|z_j|`` over all N coefficients, as one
    linear programme (HiGHS); the reference the greedy ``"lad"`` run is compared with."""
    A = _matrix(A)
    y = _vector(y, A.shape[0])
    w = _weights(weights, A.shape[1])
    lam = _lam(lam)
    sa, sy = float(np.max(np.abs(A))), float(np.max(np.abs(y)))
    if sy == 0:
        return np.zeros(A.shape[1])
    lam_s = _scaled_lam("lad", lam, sa, sy, w)
    z = _lad_fit(A / sa, y / sy, lam_s * w)
    with np.errstate(over="ignore"):
        x = z * (sy / sa)
    if not np.all(np.isfinite(x)):
        raise ValueError("the coefficients overflow float64: scale A or y")
    return x


# --------------------------------------------------------------------------------------------
# weighted polynomial approximation


def hyperbolic_cross(d, n) -> np.ndarray:
    """Multi-indices ``ν ∈ ℕ^d`` with ``Π(ν_k + 1) ≤ n + 1``, as rows (lexicographic)."""
    d = _count(d, "d")
    n = _count(n, "n", minimum=0)
    if d > 64 or n > 10_000:
        raise ValueError("d must be at most 64 and n at most 10 000")
    out = [()]
    for _ in range(d):
        grown = []
        for nu in out:
            used = int(np.prod([v + 1 for v in nu])) if nu else 1
            k = 0
            while used * (k + 1) <= n + 1:
                grown.append((*nu, k))
                k += 1
        out = grown
        if len(out) > 200_000:
            raise ValueError("the index set has more than 200 000 elements: lower d or n")
    return np.array(sorted(out), dtype=int).reshape(-1, d)


def legendre_design(points, indices) -> tuple[np.ndarray, np.ndarray]:
    """Tensor Legendre polynomials orthonormal for the uniform measure on ``[−1, 1]^d`` at the
    rows of ``points``: returns the design matrix (points × indices) and the intrinsic weights
    ``‖Ψ_ν‖_∞ = Π √(2ν_k + 1)``."""
    P = _real_array(points, "points")
    idx = np.asarray(indices)
    if idx.ndim != 2 or idx.dtype.kind not in "iu" or np.any(idx < 0):
        raise ValueError("indices must be a 2-D array of non-negative ints (one row per ν)")
    if P.ndim != 2 or P.shape[1] != idx.shape[1] or P.shape[0] < 1:
        raise ValueError(f"points must be a 2-D array with {idx.shape[1]} columns")
    if not np.all(np.isfinite(P)) or np.any(np.abs(P) > 1):
        raise ValueError("points must lie in [-1, 1]^d")
    if P.shape[0] * idx.shape[0] > MAX_ENTRIES:
        raise ValueError(f"points × indices must be at most {MAX_ENTRIES:,} entries")
    degree = int(idx.max()) if idx.size else 0
    if degree > MAX_LEGENDRE_DEGREE or (degree + 1) * P.size > MAX_ENTRIES:
        raise ValueError(
            f"indices: degree {degree} is beyond {MAX_LEGENDRE_DEGREE}, or the table of values "
            f"(degree + 1) × points × d exceeds {MAX_ENTRIES:,} entries"
        )
    # orthonormal Legendre values by the three-term recurrence, per coordinate
    vals = np.empty((degree + 1, *P.shape))
    vals[0] = 1.0
    if degree >= 1:
        vals[1] = P
    for k in range(1, degree):
        vals[k + 1] = ((2 * k + 1) * P * vals[k] - k * vals[k - 1]) / (k + 1)
    norms = np.sqrt(2 * np.arange(degree + 1) + 1.0)
    vals *= norms[:, None, None]
    design = np.ones((P.shape[0], idx.shape[0]))
    for k in range(idx.shape[1]):
        design *= vals[idx[:, k], :, k].T
    weights = np.prod(norms[idx], axis=1)
    return design, weights
