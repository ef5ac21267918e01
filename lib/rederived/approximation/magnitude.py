"""Magnitude of finite metric spaces: weighting vectors, magnitude functions, one-point updates.

For a finite metric space with distance matrix D and a scale t > 0, the similarity matrix is
Z = exp(−t D) (entrywise); the weighting vector w solves Z w = 1 and the magnitude is
|tX| = Σ w_i (Leinster). For subsets of Euclidean space Z is positive definite (e^(−t‖x‖) is a
positive definite kernel), so the solve is a Cholesky factorisation; for other metrics Z may be
indefinite or singular, and the solve falls back to LU with a check of its conditioning.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg
import scipy.spatial

from rederived._checks import count, positive, real_array
from rederived._checks import memory as _memory

__all__ = [
    "Weighting",
    "add_point",
    "check_metric",
    "local_weights",
    "magnitude",
    "magnitude_function",
    "weighting",
]

# 1/cond(Z) below this, the weighting is not determined by Z to any useful accuracy
_SINGULAR = 1e-13


def check_metric(D: object, *, triangle: bool = True) -> np.ndarray:
    """D as a float array if it is a distance matrix: square, finite, symmetric, zero on the
    diagonal and non-negative off it, and (if ``triangle``) satisfying the triangle inequality
    to rounding (checked on all triples in blocks: O(n³), a second for n = 1000)."""
    D = np.asarray(D)
    if D.dtype.kind not in "fiu":
        raise TypeError(f"D must be a real numeric matrix, got dtype {D.dtype}")
    D = D.astype(float)
    if D.ndim != 2 or D.shape[0] != D.shape[1] or D.shape[0] < 1:
        raise ValueError(f"D must be a square matrix, got shape {D.shape}")
    if not np.all(np.isfinite(D)):
        raise ValueError("D must be finite")
    scale = max(float(np.abs(D).max()), 1.0)
    if not np.allclose(D, D.T, rtol=0, atol=1e-12 * scale):
        raise ValueError("D must be symmetric")
    if np.any(np.diag(D) != 0) or np.any(D < 0):
        raise ValueError("D must have a zero diagonal and non-negative entries")
    if triangle:
        n = D.shape[0]
        rows = max(1, (1 << 25) // (n * n))  # a block of rows × n × n doubles: at most 256 MiB
        _memory(8.0 * rows * n * n, f"the triangle check of {n} points")
        for start in range(0, n, rows):
            block = D[start : start + rows]  # rows i; check D[i, j] <= D[i, k] + D[k, j] for all k
            shortest = np.min(block[:, :, None] + D[None, :, :], axis=1)
            if np.any(block > shortest + 1e-12 * scale):
                i, j = np.argwhere(block > shortest + 1e-12 * scale)[0]
                raise ValueError(f"D violates the triangle inequality at ({start + i}, {j})")
    return D


@dataclass(frozen=True)
class Weighting:
    """The weighting vector ``w`` of tX, its magnitude ``magnitude`` = Σ w, the scale ``t``,
    and ``condition``, the 1-norm condition number estimate of Z (how much rounding the solve
    amplifies)."""

    w: np.ndarray
    magnitude: float
    t: float
    condition: float
    # the factorisation of Z, kept so that add_point solves with it in O(n²)
    factor: tuple | None = field(default=None, repr=False, compare=False)


def _factor(Z: np.ndarray) -> tuple[tuple, float]:
    """Cholesky of Z where it is positive definite, LU otherwise; with 1/cond₁(Z)."""
    norm = np.linalg.norm(Z, 1)
    try:
        cho = scipy.linalg.cho_factor(Z, lower=True, check_finite=False)
        return ("cholesky", cho), scipy.linalg.lapack.dpocon(cho[0], norm, uplo="L")[0]
    except np.linalg.LinAlgError:  # not positive definite: a general solve
        with warnings.catch_warnings():  # an exactly singular Z is reported by the caller
            warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
            lu = scipy.linalg.lu_factor(Z, check_finite=False)
        return ("lu", lu), scipy.linalg.lapack.dgecon(lu[0], norm)[0]


def _apply(factor: tuple, rhs: np.ndarray) -> np.ndarray:
    kind, data = factor
    if kind == "cholesky":
        return scipy.linalg.cho_solve(data, rhs, check_finite=False)
    return scipy.linalg.lu_solve(data, rhs, check_finite=False)


def _solve(Z: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, float, tuple]:
    factor, rcond = _factor(Z)
    x = _apply(factor, rhs)
    if not rcond > _SINGULAR or not np.all(np.isfinite(x)):
        raise ValueError(
            f"Z = exp(-t D) is singular or nearly so (1/cond = {rcond:.1e}): the weighting is not "
            "determined; use another t (or merge coincident points)"
        )
    return x, 1.0 / rcond, factor


def weighting(D: object, t: float, *, check: bool = True) -> Weighting:
    """The weighting vector and magnitude of tX for the distance matrix ``D`` (see module)."""
    t = positive(t, "t")
    if check:
        D = check_metric(D)
    else:  # the caller vouches for the metric; its entries must still be finite numbers
        D = real_array(D, "D")
        if D.ndim != 2 or D.shape[0] != D.shape[1] or not np.all(np.isfinite(D)):
            raise ValueError(f"D must be a finite square matrix, got shape {D.shape}")
    with np.errstate(over="ignore"):  # t·D beyond the double range: exp(−∞) = 0, exactly
        Z = np.exp(-t * D)
    w, cond, factor = _solve(Z, np.ones(D.shape[0]))
    return Weighting(w, float(w.sum()), t, cond, factor)


def magnitude(D: object, t: float) -> float:
    """|tX| = Σ_i w_i, with Z w = 1 and Z = exp(−t D)."""
    return weighting(D, t).magnitude


def magnitude_function(D: object, ts: object) -> np.ndarray:
    """t ↦ |tX| at every t in ``ts`` (D is checked once)."""
    D = check_metric(D)
    ts = real_array(ts, "ts")
    if ts.ndim != 1 or ts.size == 0 or not np.all(np.isfinite(ts)) or np.any(ts <= 0):
        raise ValueError("ts must be a non-empty 1-d array of positive scales")
    return np.array([weighting(D, float(t), check=False).magnitude for t in ts])


def add_point(base: Weighting, D: object, distances: object) -> tuple[float, float]:
    """Weight of a new point p and the magnitude of X ∪ {p}, by a Schur complement.

    ``base`` is the weighting of X (distance matrix ``D``, at ``base.t``) and ``distances`` the
    distances from p to the points of X. With c = exp(−t d(p, ·)) and u = Z⁻¹c, the new point's
    weight is (1 − cᵀw)/(1 − cᵀu) and |X ∪ {p}| = |X| + (1 − cᵀw)²/(1 − cᵀu). O(n²) instead of a
    new O(n³) solve: the factorisation of Z that ``weighting`` computed is reused (a
    Weighting built by hand, without it, is factorised here once)."""
    if not isinstance(base, Weighting):
        raise TypeError("base must be a Weighting (from weighting())")
    D = real_array(D, "D")
    if not np.all(np.isfinite(D)):
        raise ValueError("D must be finite")
    c = np.asarray(distances, dtype=float)
    if D.shape != (base.w.size, base.w.size) or c.shape != (base.w.size,):
        raise ValueError("D and distances must match the base space's size")
    if not np.all(np.isfinite(c)) or np.any(c < 0):
        raise ValueError("distances must be finite and non-negative")
    Z = np.exp(-base.t * D)
    if np.max(np.abs(Z @ base.w - 1)) > 1e-8 * base.condition * max(1.0, np.max(np.abs(base.w))):
        raise ValueError("D is not the distance matrix base was computed from (Z w ≠ 1)")
    c = np.exp(-base.t * c)
    if base.factor is not None:
        u = _apply(base.factor, c)
        if not np.all(np.isfinite(u)):
            raise ValueError("the solve with the base space's factorisation is not finite")
    else:
        u, _, _ = _solve(Z, c)
    schur = 1.0 - c @ u
    if not schur > _SINGULAR:
        raise ValueError("the new point (nearly) coincides with the space: Z becomes singular")
    residual = 1.0 - c @ base.w
    return float(residual / schur), float(base.magnitude + residual**2 / schur)


def local_weights(points: object, t: float, k: int) -> np.ndarray:
    """Approximate weights from each point's ``k`` nearest neighbours (itself included): w_i is
    the i-th entry of the weighting of that neighbourhood alone. O(n k³) after the neighbour
    search, in blocks of points held within about 256 MiB (one neighbourhood must fit in
    2 GiB); good when e^(−t·distance) is negligible beyond the k-th neighbour."""
    X = real_array(points, "points")
    if X.ndim != 2 or X.shape[1] < 1 or not np.all(np.isfinite(X)):
        raise ValueError(f"points must be a finite (n, dim) array with dim ≥ 1, got {X.shape}")
    if np.max(np.abs(X), initial=0.0) > 1e150:
        raise ValueError("points must have coordinates below 1e150 (their distances overflow)")
    t = positive(t, "t")
    k = count(k, "k", 2)
    if k > X.shape[0]:
        raise ValueError(f"k must be at most the number of points, got {k} > {X.shape[0]}")
    per_point = 8.0 * k * k * (X.shape[1] + 3)  # the neighbourhood's differences and matrix
    _memory(per_point, f"one neighbourhood of k = {k} points")
    if k == X.shape[0]:  # every neighbourhood is the whole space: one weighting
        d = scipy.spatial.distance.cdist(X, X)
        return weighting(d, t, check=False).w
    if X.shape[0] * float(k) ** 3 > MAX_WORK:
        raise ValueError(
            f"n·k³ = {X.shape[0] * float(k) ** 3:.2g} operations for the neighbourhoods, more "
            f"than {MAX_WORK:.0e}: use a smaller k"
        )
    tree = scipy.spatial.cKDTree(X)
    distances, neighbours = tree.query(X, k=k)
    neighbours = np.asarray(neighbours).reshape(X.shape[0], k)
    if np.any(np.asarray(distances).reshape(X.shape[0], k)[:, 1:] == 0):
        raise ValueError("points holds coincident points: their neighbourhoods are singular")
    out = np.empty(X.shape[0])
    block = max(1, int((1 << 28) // per_point))  # points at once: about 256 MiB
    for start in range(0, X.shape[0], block):
        local = X[neighbours[start : start + block]]  # (b, k, dim), the point itself first
        d = np.linalg.norm(local[:, :, None, :] - local[:, None, :, :], axis=-1)
        try:
            w = np.linalg.solve(np.exp(-t * d), np.ones((local.shape[0], k, 1)))[:, :, 0]
        except np.linalg.LinAlgError:
            raise ValueError(
                f"a neighbourhood's similarity matrix is singular at t = {t}: use a larger t"
            ) from None
        if not np.all(np.isfinite(w)):
            raise ValueError(f"a neighbourhood's weighting is not finite at t = {t}")
        out[start : start + block] = w[:, 0]
    return out


#: the most arithmetic (n·k³) :func:`local_weights` takes on (seconds on one core)
MAX_WORK = 2e10
