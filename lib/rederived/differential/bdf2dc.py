"""Variable-step BDF2 with deferred correction (DC3, DC3-DC4) and classical variable-step BDF.

The problem is v' = f(t, v), v(t_0) = v_0 in R^m, on an arbitrary increasing grid
t_0 < t_1 < ... < t_N with steps τ_k = t_k − t_{k−1} and ratios r_k = τ_k/τ_{k−1}
(Yue, Liao and Liu, arXiv:2402.06129; the BDF2 stability theory is Li and Liao, SINUM 60, 2022).

- BDF2 (the level "DC2") solves D₂u^n = f(t_n, u^n) for n ≥ 2, where D₂ is the derivative at t_n
  of the quadratic through (t_{n−2}, t_{n−1}, t_n); its first value u^1 comes from a starter.
- Each deferred-correction level p + 1 (p = 2, 3, ...) solves, from the previous level u,

      D₂w^n − f(t_n, w^n) = D₂u^n − D_{p+1}u^n,   n ≥ 2,   w^0 = v_0,  w^1 = u^1,

  where D_q is the derivative at t_n of the degree-q interpolant of u through q + 1 nodes: the
  backward nodes t_{n−q}, ..., t_n when n ≥ q, else the first ones t_0, ..., t_q. The paper's own
  formula is not in the sources this book can reach; this is the standard deferred correction of
  Bourgault and Garon (BIT 62, 2022) on which it builds. A correction chain ``corrections=(3, 4)``
  is BDF2-DC3-DC4; ``(4,)`` corrects BDF2 by the fourth-order formula in one jump.
- :func:`bdf` is the classical variable-step BDF-q, the control: its stability needs bounded step
  ratios (for BDF3 the Li–Liao bound is 2.553).

Starters for the first value(s): ``"bdf1"`` (backward Euler, order 1), ``"rk2"`` (Alexander's
two-stage L-stable SDIRK, order 2), ``"rk3"`` (Alexander's three-stage L-stable SDIRK, order 3),
or the values themselves as an array. Implicit stages and steps are solved by Newton's method with
the Jacobian ``jac`` (dense array or SciPy sparse matrix); a linear f converges in one iteration.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from fractions import Fraction
from numbers import Integral

import numpy as np
import scipy.sparse
import scipy.sparse.linalg

from rederived._checks import count, positive

__all__ = [
    "ADAPTIVE_FACTOR",
    "MAX_DOC_EXACT_STEPS",
    "MAX_DOC_STEPS",
    "MAX_VALUES",
    "RESIDUAL_TOLERANCE",
    "STARTERS",
    "STENCILS",
    "bdf",
    "bdf2_dc",
    "derivative_weights",
    "doc_kernels",
    "quadrature_weights",
    "step_ratios",
]

#: the most stored solution values (levels × (N + 1) × m) a call makes: 5·10⁷ floats are 400 MB
MAX_VALUES = 50_000_000

#: an implicit step is accepted only where its equation holds to this share of the size of its
#: terms (√ε): a wrong Jacobian can make Newton's steps small without solving anything
RESIDUAL_TOLERANCE = 1.5e-8

#: the most steps whose DOC kernel matrix (N² entries) :func:`doc_kernels` builds
MAX_DOC_STEPS = 4000

#: the most steps of an exact (Fraction) grid: the kernels' denominators grow with the number of
#: steps, so time and memory grow like its cube (0.9 GB at 800 steps)
MAX_DOC_EXACT_STEPS = 300

#: the largest correction order (D_q with q + 1 nodes) and BDF order offered
MAX_ORDER = 6


def _sdirk_tableaux() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    # Alexander (SINUM 14, 1977): stiffly accurate, L-stable SDIRK methods of orders 2 and 3
    g2 = 1.0 - np.sqrt(0.5)
    a2 = np.array([[g2, 0.0], [1.0 - g2, g2]])
    # γ is the root of γ³ − 3γ² + 3γ/2 − 1/6 in (1/6, 1/2), the one that makes the method L-stable
    roots = np.roots([1.0, -3.0, 1.5, -1.0 / 6.0])
    g3 = float(next(r.real for r in roots if abs(r.imag) < 1e-12 and 1 / 6 < r.real < 1 / 2))
    b1 = -(6 * g3**2 - 16 * g3 + 1) / 4
    b2 = (6 * g3**2 - 20 * g3 + 5) / 4
    a3 = np.array([[g3, 0.0, 0.0], [(1 - g3) / 2, g3, 0.0], [b1, b2, g3]])
    return {
        "rk2": (a2, a2[-1].copy(), a2.sum(axis=1)),
        "rk3": (a3, a3[-1].copy(), a3.sum(axis=1)),
    }


_TABLEAUX = _sdirk_tableaux()

#: the starters by name and their orders
STARTERS = {"bdf1": 1, "rk2": 2, "rk3": 3}


def _grid(t: object, name: str = "t", minimum: int = 3) -> np.ndarray:
    """A strictly increasing, finite 1-D float grid with at least ``minimum`` points."""
    raw = np.asarray(t) if not isinstance(t, (str, bytes)) else None
    if raw is None or raw.dtype.kind not in "iuf":
        kind = type(t).__name__ if raw is None else str(raw.dtype)
        raise TypeError(f"{name} must be a 1-D array of real times, got {kind}")
    grid = raw.astype(float)
    if grid.ndim != 1 or grid.size < minimum:
        raise ValueError(
            f"{name} must be a 1-D array of at least {minimum} times, got shape {grid.shape}"
        )
    if not np.all(np.isfinite(grid)):
        raise ValueError(f"{name} must be finite")
    steps = np.diff(grid)
    if not np.all(steps > 0):
        raise ValueError(f"{name} must be strictly increasing")
    # a step below the spacing of floats near t makes the difference formulas meaningless
    if np.any(steps < 64 * np.spacing(np.maximum(np.abs(grid[1:]), np.abs(grid[:-1])))):
        raise ValueError(
            f"{name} has a step within 64 ulps of its times: the steps are not resolved"
        )
    return grid


def _is_exact(t: object) -> bool:
    return isinstance(t, (list, tuple)) and len(t) > 0 and all(isinstance(v, Fraction) for v in t)


def _exact_grid(t: Sequence[Fraction], minimum: int) -> None:
    if len(t) < minimum or any(b <= a for a, b in itertools.pairwise(t)):
        raise ValueError(f"t must be strictly increasing with at least {minimum} times")


def step_ratios(t: object) -> np.ndarray:
    """Step ratios r_k = τ_k/τ_{k−1}, k = 2..N, of a grid.

    Parameters
    ----------
    t : array_like, shape (N + 1,)
        Strictly increasing finite times, N ≥ 2.

    Returns
    -------
    numpy.ndarray, shape (N − 1,), float64
    """
    steps = np.diff(_grid(t))
    return steps[1:] / steps[:-1]


def _derivative_weights_exact(t: Sequence[Fraction], q: int) -> list[list[Fraction]]:
    out = []
    for n in range(1, len(t)):
        lo = n - q if n >= q else 0
        nodes = t[lo : lo + q + 1]
        i = n - lo
        row = []
        for j in range(q + 1):
            if j == i:
                row.append(
                    sum((1 / (nodes[i] - nodes[k]) for k in range(q + 1) if k != i), Fraction(0))
                )
            else:
                num = Fraction(1)
                for k in range(q + 1):
                    if k not in (i, j):
                        num *= nodes[i] - nodes[k]
                den = Fraction(1)
                for k in range(q + 1):
                    if k != j:
                        den *= nodes[j] - nodes[k]
                row.append(num / den)
        out.append(row)
    return out


def derivative_weights(
    t: object, order: int, stencil: str = "backward"
) -> tuple[np.ndarray, np.ndarray]:
    """Weights of D_q: the derivative at t_n of the interpolant through q + 1 grid nodes.

    With ``stencil="backward"`` (the BDF formulas) the stencil for n = 1..N is t_{n−q}, ..., t_n
    when n ≥ q and t_0, ..., t_q otherwise; with ``"best"``, among the q + 1 consecutive nodes
    that contain t_n, the one with the smallest Σ_j |weight_j| (the backward one on ties); with
    ``"adaptive"`` the backward one unless another is ADAPTIVE_FACTOR times smaller. Then
    D_q v^n = Σ_j weights[n − 1, j] · v^{first[n − 1] + j} is exact for polynomials of degree
    ≤ q. The weights are the derivatives of the Lagrange basis polynomials at t_n, from products
    of node differences (no Vandermonde solve, so no conditioning loss at large step ratios).

    Parameters
    ----------
    t : array_like, shape (N + 1,)
        Strictly increasing finite times with N ≥ q; a sequence of ``fractions.Fraction`` gives
        exact weights.
    order : int
        q, 1 ≤ q ≤ MAX_ORDER.
    stencil : {"backward", "best", "adaptive"}
        How the stencil is chosen (above); an exact grid takes the backward one.

    Returns
    -------
    weights : numpy.ndarray, shape (N, q + 1)
        float64, or object (Fractions) for an exact grid.
    first : numpy.ndarray, shape (N,), int
        Index of each stencil's first node.
    """
    q = count(order, "order", 1)
    if q > MAX_ORDER:
        raise ValueError(f"order must be at most {MAX_ORDER}, got {q}")
    exact = _is_exact(t)
    if exact:
        if _stencil(stencil) != "backward":
            raise ValueError("an exact grid takes stencil='backward'")
        _exact_grid(t, q + 1)
        n_steps = len(t) - 1
        first = np.array([n - q if n >= q else 0 for n in range(1, n_steps + 1)], dtype=np.intp)
        return np.array(_derivative_weights_exact(list(t), q), dtype=object), first
    grid = _grid(t, "t", minimum=q + 1)
    stencil = _stencil(stencil)
    n = np.arange(1, grid.size)
    last = grid.size - 1 - q  # the largest first index
    if stencil == "backward":
        first = np.where(n >= q, n - q, 0)
        return _derivative_weights_at(grid, first, q), first
    candidates = [np.clip(n - q + shift, 0, last) for shift in range(q + 1)]
    factor = ADAPTIVE_FACTOR if stencil == "adaptive" else 1.0
    return _pick(candidates, lambda first: _derivative_weights_at(grid, first, q), factor)


STENCILS = ("backward", "best", "adaptive")

#: "adaptive" leaves the backward stencil only for one whose weights are this many times smaller
ADAPTIVE_FACTOR = 4.0


def _stencil(stencil: object) -> str:
    if not isinstance(stencil, str) or stencil not in STENCILS:
        raise ValueError(f"stencil must be one of {STENCILS}, got {stencil!r}")
    return stencil


def _pick(candidates, weights_of, factor=1.0):
    """For each row, the candidate stencil with the smallest Σ|w|; the first (backward) one is
    kept unless another is smaller by more than ``factor`` (1: the smallest, ties to the first)."""
    first, weights = candidates[0], weights_of(candidates[0])
    backward = np.abs(weights).sum(axis=1)
    size = backward.copy()
    for other in candidates[1:]:
        w = weights_of(other)
        s = np.abs(w).sum(axis=1)
        better = s < size * (1 - 1e-9)
        first = np.where(better, other, first)
        weights = np.where(better[:, None], w, weights)
        size = np.where(better, s, size)
    keep = size * factor >= backward * (1 - 1e-9)
    first = np.where(keep, candidates[0], first)
    weights = np.where(keep[:, None], weights_of(candidates[0]), weights)
    return weights, first


def _derivative_weights_at(grid: np.ndarray, first: np.ndarray, q: int) -> np.ndarray:
    """Weights of the derivative at t_n, n = 1..N, of the interpolant on grid[first[n−1] + 0..q]."""
    n = np.arange(1, grid.size)
    # in the coordinate (t − t_n)/τ_n, so that products of differences neither overflow nor
    # underflow at any time scale; the weights are divided by τ_n at the end
    tau = (grid[n] - grid[n - 1])[:, None]
    nodes = grid[first[:, None] + np.arange(q + 1)]  # (N, q + 1)
    i = n - first  # position of t_n in its stencil
    # differences of the times themselves (exact for close times), then divided by τ_n
    diff = (nodes[:, :, None] - nodes[:, None, :]) / tau[:, :, None]
    eye = np.eye(q + 1, dtype=bool)
    # den_j = Π_{k≠j} (t_j − t_k)
    den = np.prod(np.where(eye, 1.0, diff), axis=2)
    # num_j = Π_{k≠i,j} (t_n − t_k): the product over k ≠ j of (t_n − t_k), with the vanishing
    # factor t_n − t_i replaced by 1
    gap = (grid[n][:, None] - nodes) / tau
    own = np.arange(q + 1)[None, :] == i[:, None]
    gap_i = np.where(own, 1.0, gap)
    num = np.prod(np.where(eye[None], 1.0, gap_i[:, None, :]), axis=2)
    weights = num / den
    # the weight of t_n itself: Σ_{k≠i} 1/(t_n − t_k)
    weights[np.arange(n.size), i] = np.where(own, 0.0, 1.0 / gap_i).sum(axis=1)
    weights = weights / tau
    if not np.all(np.isfinite(weights)):
        raise ValueError("t spans too wide a range of step sizes for finite weights")
    return weights


def doc_kernels(t: object) -> np.ndarray:
    """The discrete orthogonal convolution (DOC) kernels θ^{(n)}_{n−k} of variable-step BDF2.

    With BDF2 written as D₂v^n = Σ_{k=1}^{n} b^{(n)}_{n−k} ∇_τ v^k (b^{(1)}_0 = 1/τ₁ for the
    backward-Euler first step; b^{(n)}_0 = (1 + 2r_n)/(τ_n(1 + r_n)),
    b^{(n)}_1 = −r_n²/(τ_n(1 + r_n)), zero beyond), the kernels are defined by
    Σ_{j=k}^{n} θ^{(n)}_{n−j} b^{(j)}_{j−k} = δ_{nk}; they have the closed form
    θ^{(n)}_{n−k} = (1/b^{(k)}_0) Π_{i=k+1}^{n} r_i²/(1 + 2r_i) (Li and Liao 2022).

    Parameters
    ----------
    t : array_like, shape (N + 1,)
        Strictly increasing times, N ≥ 1, 2 ≤ N + 1 ≤ MAX_DOC_STEPS + 1; a list of
        ``fractions.Fraction`` gives exact kernels.

    Returns
    -------
    numpy.ndarray, shape (N, N)
        ``theta[n − 1, k − 1]`` = θ^{(n)}_{n−k} for k ≤ n, zero above the diagonal; float64, or
        object (Fractions) for an exact grid (at most MAX_DOC_EXACT_STEPS steps). The kernels
        are positive; in float64, long products underflow to 0 (on a uniform grid the factor is
        1/3 per step).
    """
    exact = _is_exact(t)
    if exact:
        _exact_grid(t, 2)
        if len(t) - 1 > MAX_DOC_EXACT_STEPS:
            raise ValueError(
                f"an exact grid may have at most {MAX_DOC_EXACT_STEPS} steps, got {len(t) - 1}"
            )
        tau = [b - a for a, b in itertools.pairwise(t)]
        one, zero = Fraction(1), Fraction(0)
    else:
        grid = _grid(t, "t", minimum=2)
        tau = list(np.diff(grid))
        one, zero = 1.0, 0.0
    n_steps = len(tau)
    if n_steps > MAX_DOC_STEPS:
        raise ValueError(
            f"t has {n_steps} steps; the kernel matrix is built for at most {MAX_DOC_STEPS}"
        )
    b0 = [one / tau[0]]
    factor = [zero]
    for k in range(1, n_steps):
        r = tau[k] / tau[k - 1]
        b0.append((1 + 2 * r) / (tau[k] * (1 + r)))
        factor.append(r * r / (1 + 2 * r))
    if exact:
        theta = np.full((n_steps, n_steps), zero, dtype=object)
        for k in range(n_steps):
            value = one / b0[k]
            theta[k, k] = value
            for n in range(k + 1, n_steps):
                value = value * factor[n]
                theta[n, k] = value
        return theta
    # products of the factors in logarithms, so long products neither overflow nor underflow
    # before they are taken
    logf = np.concatenate([[0.0], np.cumsum(np.log(np.asarray(factor[1:], dtype=float)))])
    logs = logf[:, None] - logf[None, :] - np.log(np.asarray(b0, dtype=float))[None, :]
    with np.errstate(over="ignore", under="ignore"):
        theta = np.exp(np.where(np.tri(n_steps, dtype=bool), logs, -np.inf))
    return theta


Function = Callable[[float, np.ndarray], object]


class _Problem:
    """The right-hand side and Jacobian with their outputs checked, and Newton's method."""

    def __init__(self, fun: object, jac: object, m: int, tol: float, max_newton: int, linear: bool):
        if not callable(fun):
            raise TypeError(f"fun must be callable f(t, v), got {type(fun).__name__}")
        if not callable(jac):
            raise TypeError(f"jac must be callable J(t, v), got {type(jac).__name__}")
        self.fun, self.jac, self.m = fun, jac, m
        self.tol, self.max_newton, self.linear = tol, max_newton, linear
        self.evaluations = 0
        self.solves = 0

    def f(self, t: float, v: np.ndarray) -> np.ndarray:
        out = np.asarray(self.fun(t, v))
        self.evaluations += 1
        if out.shape != (self.m,) or out.dtype.kind not in "iuf":
            raise ValueError(
                f"fun must return a real array of shape ({self.m},), got {out.dtype} {out.shape}"
            )
        if not np.all(np.isfinite(out)):
            raise FloatingPointError(f"fun returned a non-finite value at t = {t!r}")
        return out.astype(float, copy=False)

    def _newton_step(self, t: float, y: np.ndarray, alpha: float, residual: np.ndarray):
        jac = self.jac(t, y)
        if scipy.sparse.issparse(jac):
            if jac.shape != (self.m, self.m):
                raise ValueError(f"jac must return a ({self.m}, {self.m}) matrix, got {jac.shape}")
            data = jac.tocsc()
            if data.dtype.kind not in "iuf" or not np.all(np.isfinite(data.data)):
                raise ValueError(f"jac must return finite real entries at t = {t!r}")
            matrix = (alpha * scipy.sparse.identity(self.m, format="csc") - data).tocsc()
            with np.errstate(all="ignore"):
                step = np.atleast_1d(scipy.sparse.linalg.spsolve(matrix, residual))
        else:
            dense = np.asarray(jac)
            if dense.shape != (self.m, self.m):
                raise ValueError(
                    f"jac must return a ({self.m}, {self.m}) matrix, got {dense.shape}"
                )
            if dense.dtype.kind not in "iuf" or not np.all(np.isfinite(dense)):
                raise ValueError(f"jac must return finite real entries at t = {t!r}")
            try:
                step = np.linalg.solve(alpha * np.eye(self.m) - dense.astype(float), residual)
            except np.linalg.LinAlgError:
                step = np.full(self.m, np.nan)
        self.solves += 1
        if not np.all(np.isfinite(step)):
            raise FloatingPointError(
                f"Newton's method met a singular or non-finite system at t = {t!r}"
            )
        return step

    def solve(self, t: float, alpha: float, rhs: np.ndarray, guess: np.ndarray) -> np.ndarray:
        """Solve α y − f(t, y) = rhs by Newton's method from ``guess``."""
        y = guess.copy()
        scale = 1.0 + np.max(np.abs(guess))
        for _ in range(self.max_newton):
            residual = alpha * y - self.f(t, y) - rhs
            step = self._newton_step(t, y, alpha, residual)
            y = y - step
            if self.linear or np.max(np.abs(step)) <= self.tol * scale:
                # a small step is not enough (a wrong or huge Jacobian makes every step small):
                # the equation itself must hold to √ε of the size of its terms, whatever tol
                value = self.f(t, y)
                left = alpha * y - value - rhs
                size = np.max(np.abs(alpha * y)) + np.max(np.abs(value)) + np.max(np.abs(rhs))
                if np.max(np.abs(left)) <= RESIDUAL_TOLERANCE * (size + 1e-300):
                    return y
                if self.linear:
                    raise FloatingPointError(
                        f"the linear step at t = {t!r} leaves a residual of "
                        f"{np.max(np.abs(left)):.3g}: is jac the Jacobian of fun, and fun affine? "
                        "(or is the problem too stiff for double precision at this step?)"
                    )
        raise RuntimeError(
            f"Newton's method did not converge in {self.max_newton} iterations at t = {t!r} "
            "(reduce the step or raise max_newton)"
        )


def _sdirk_step(problem: _Problem, name: str, t0: float, h: float, v: np.ndarray) -> np.ndarray:
    """One step of a stiffly accurate SDIRK method: its last stage value is the result."""
    a, _, c = _TABLEAUX[name]
    slopes: list[np.ndarray] = []
    y = v
    for i in range(len(c)):
        known = v + h * sum((a[i, j] * slopes[j] for j in range(i)), np.zeros_like(v))
        # Y = known + hγ f(Y)  ⇔  Y/(hγ) − f(Y) = known/(hγ)
        alpha = 1.0 / (h * a[i, i])
        y = problem.solve(t0 + c[i] * h, alpha, alpha * known, y)
        if i < len(c) - 1:
            slopes.append(problem.f(t0 + c[i] * h, y))
    return y


def _start(
    problem: _Problem, start: object, grid: np.ndarray, v0: np.ndarray, count_: int
) -> np.ndarray:
    """The first ``count_`` values v^1..v^count_ after v^0."""
    m = v0.size
    if isinstance(start, str):
        if start not in STARTERS:
            raise ValueError(
                f"start must be one of {sorted(STARTERS)} or an array of values, got {start!r}"
            )
        values = [v0]
        for k in range(1, count_ + 1):
            h = grid[k] - grid[k - 1]
            if start == "bdf1":
                values.append(problem.solve(grid[k], 1.0 / h, values[-1] / h, values[-1]))
            else:
                values.append(_sdirk_step(problem, start, grid[k - 1], h, values[-1]))
        return np.array(values[1:])
    raw = np.asarray(start)
    if raw.dtype.kind not in "iuf":
        raise TypeError(f"start must be a starter name or real starting values, got {raw.dtype}")
    given = raw.astype(float)
    if given.shape == (m,) and count_ == 1:
        given = given[None, :]
    if given.shape != (count_, m):
        raise ValueError(f"start values must have shape ({count_}, {m}), got {given.shape}")
    if not np.all(np.isfinite(given)):
        raise ValueError("start values must be finite")
    return given


def _setup(fun, jac, t, v0, tol, max_newton, minimum, linear):
    grid = _grid(t, "t", minimum=minimum)
    raw = np.asarray(v0) if not isinstance(v0, (str, bytes)) else None
    if raw is None or (raw.dtype.kind not in "iuf" and raw.size > 0):
        kind = type(v0).__name__ if raw is None else str(raw.dtype)
        raise TypeError(f"v0 must be a real vector, got {kind}")
    initial = np.atleast_1d(raw.astype(float))
    if initial.ndim != 1 or initial.size == 0:
        raise ValueError(f"v0 must be a non-empty vector, got shape {np.shape(v0)}")
    if not np.all(np.isfinite(initial)):
        raise ValueError("v0 must be finite")
    tol = positive(tol, "tol")
    if not 1e-15 <= tol <= 1e-2:
        raise ValueError(f"tol must lie in [1e-15, 1e-2], got {tol!r}")
    max_newton = count(max_newton, "max_newton", 1)
    if not isinstance(linear, (bool, np.bool_)):
        raise TypeError(f"linear must be a bool, got {linear!r}")
    return grid, initial, _Problem(fun, jac, initial.size, tol, max_newton, bool(linear))


def _check_size(levels: int, grid: np.ndarray, m: int) -> None:
    values = levels * grid.size * m
    if values > MAX_VALUES:
        raise ValueError(
            f"the solution would hold {values:.3g} values (levels × times × unknowns), over the "
            f"budget MAX_VALUES = {MAX_VALUES:.3g}"
        )


def _forcing(forcing: object, rows: int, m: int) -> np.ndarray:
    if forcing is None:
        return np.zeros((rows, m))
    raw = np.asarray(forcing) if not isinstance(forcing, (str, bytes)) else None
    if raw is None or raw.dtype.kind not in "iuf":
        raise TypeError("forcing must be an array of real numbers")
    if raw.shape != (rows, m):
        raise ValueError(f"forcing must have shape ({rows}, {m}), got {raw.shape}")
    if not np.all(np.isfinite(raw)):
        raise ValueError("forcing must be finite")
    return raw.astype(float)


def _corrections(corrections: object) -> tuple[int, ...]:
    if isinstance(corrections, (str, bytes)) or not isinstance(corrections, Sequence):
        raise TypeError(
            f"corrections must be a sequence of orders, got {type(corrections).__name__}"
        )
    out = []
    for q in corrections:
        if isinstance(q, bool) or not isinstance(q, Integral):
            raise TypeError(f"corrections must hold ints, got {q!r}")
        if not 3 <= q <= MAX_ORDER:
            raise ValueError(f"each correction order must lie in [3, {MAX_ORDER}], got {q}")
        out.append(int(q))
    return tuple(out)


def quadrature_weights(
    t: object, nodes: int, stencil: str = "backward"
) -> tuple[np.ndarray, np.ndarray]:
    """Weights of ∫ over each step [t_{k−1}, t_k] of the interpolant through ``nodes`` grid nodes.

    With ``stencil="backward"`` the stencil for k = 1..N is t_{k−q+1}, ..., t_k (q = ``nodes``)
    when k ≥ q − 1, else t_0, ..., t_{q−1}; with ``"best"`` it is, among the q consecutive nodes
    that contain t_{k−1} and t_k, the one with the smallest Σ_j |weight_j| (the backward one on
    ties): on a grid whose steps jump, it avoids a stencil whose other nodes crowd against a long
    step, where the weights grow like the step ratio; ``"adaptive"`` keeps the backward one
    unless another is ADAPTIVE_FACTOR times smaller. ∫_{t_{k−1}}^{t_k} P =
    Σ_j weights[k − 1, j] · F^{first[k − 1] + j} is exact for polynomials of degree ≤ q − 1.
    The Lagrange basis is evaluated in product form at Gauss–Legendre points of the step, in the
    step's own coordinate; the relative accuracy of the weights degrades like ε times the step
    ratios involved (about 1e-9 at ratios of 10⁴), far less than a monomial form would lose.

    Parameters
    ----------
    t : array_like, shape (N + 1,)
        Strictly increasing finite times, N + 1 ≥ q.
    nodes : int
        q, 1 ≤ q ≤ MAX_ORDER.
    stencil : {"backward", "best", "adaptive"}
        How the stencil is chosen (above).

    Returns
    -------
    weights : numpy.ndarray, shape (N, q), float64
    first : numpy.ndarray, shape (N,), int
    """
    q = count(nodes, "nodes", 1)
    if q > MAX_ORDER:
        raise ValueError(f"nodes must be at most {MAX_ORDER}, got {q}")
    grid = _grid(t, "t", minimum=max(q, 2))
    stencil = _stencil(stencil)
    k = np.arange(1, grid.size)
    last = grid.size - q  # the largest first index
    if stencil == "backward":
        first = np.where(k >= q - 1, k - q + 1, 0)
        return _quadrature_weights_at(grid, first, q), first
    candidates = [np.clip(k - q + 1 + shift, 0, last) for shift in range(max(1, q - 1))]
    factor = ADAPTIVE_FACTOR if stencil == "adaptive" else 1.0
    return _pick(candidates, lambda first: _quadrature_weights_at(grid, first, q), factor)


def _quadrature_weights_at(grid: np.ndarray, first: np.ndarray, q: int) -> np.ndarray:
    """Weights of ∫ over [t_{k−1}, t_k], k = 1..N, of the interpolant on grid[first[k−1] + j]."""
    k = np.arange(1, grid.size)
    tau = np.diff(grid)
    # nodes in the step's own coordinate s = (t − t_{k−1})/τ_k
    s = (grid[first[:, None] + np.arange(q)] - grid[k - 1][:, None]) / tau[:, None]
    x, w = np.polynomial.legendre.leggauss(max(1, (q + 1) // 2))
    x, w = (x + 1) / 2, w / 2  # on [0, 1]
    diff = s[:, :, None] - s[:, None, :]
    eye = np.eye(q, dtype=bool)
    den = np.prod(np.where(eye, 1.0, diff), axis=2)  # (N, q)
    # basis values at the Gauss points: Π_{m≠j} (x − s_m) / den_j
    gaps = x[None, :, None] - s[:, None, :]  # (N, points, q)
    prods = np.prod(np.where(eye[None, None], 1.0, gaps[:, :, None, :]), axis=3)  # (N, points, q)
    return tau[:, None] * np.einsum("p,npj->nj", w, prods) / den


def bdf2_dc(
    fun: Function,
    jac: Function,
    t: object,
    v0: object,
    corrections: Sequence[int] = (3,),
    start: object = "rk2",
    residual: str = "integral",
    stencil: str = "adaptive",
    linear: bool = False,
    tol: float = 1e-12,
    max_newton: int = 10,
    forcing: object = None,
) -> np.ndarray:
    """Variable-step BDF2 and its deferred corrections on a given grid.

    Every level solves D₂w^n − f(t_n, w^n) = ρ^n for n ≥ 2 with w^0 = v_0 and w^1 = u^1, the
    starter's value, shared by all levels; level 0 (BDF2) has ρ = 0. A correction of order q
    computes ρ from the previous level u in one of two forms:

    - ``"integral"``: ρ^n = D₂I^n − f(t_n, u^n), where I is the running integral of the
      interpolant of f(t_k, u^k) on q grid nodes (:func:`quadrature_weights`); it is the
      residual of u in integral form, so the error of u enters only through f and its integral,
      which keeps order q on grids whose steps vary at random;
    - ``"derivative"``: ρ^n = D₂u^n − D_q u^n, with D_q from :func:`derivative_weights`; this
      differentiates the error of u, which is not smooth on irregular grids.

    Parameters
    ----------
    fun : callable
        f(t, v) -> real array of shape (m,).
    jac : callable
        ∂f/∂v at (t, v): an (m, m) array or SciPy sparse matrix.
    t : array_like, shape (N + 1,)
        Strictly increasing finite times (any step ratios), N ≥ max(2, largest correction order).
    v0 : array_like, shape (m,) or scalar
        Initial value, finite.
    corrections : sequence of int
        Orders q of the successive corrections, each in [3, MAX_ORDER]: ``()`` is BDF2 alone,
        ``(3,)`` BDF2-DC3, ``(3, 4)`` BDF2-DC3-DC4.
    start : {"bdf1", "rk2", "rk3"} or array_like, shape (m,)
        How the first value u^1 is found, or the value itself.
    residual : {"integral", "derivative"}
        The form of the correction's residual (above).
    stencil : {"adaptive", "backward", "best"}
        How the residual's interpolation stencils are chosen (:func:`quadrature_weights`,
        :func:`derivative_weights`); the BDF2 steps themselves always look back. "best" has
        the smallest weights where steps jump, but switching stencils from step to step leaves
        the switches' local errors in the residual, which stiff problems do not damp;
        "adaptive" keeps the backward stencil unless another has weights ADAPTIVE_FACTOR times
        smaller, so it switches only where the steps jump.
    forcing : array_like, shape (N − 1, m), optional
        A perturbation g^n, n = 2..N, added to the right-hand side of every level's equation
        (D₂w^n − f(t_n, w^n) = ρ^n + g^n; ρ itself uses f unperturbed): the hook for
        measuring how perturbations propagate.
    linear : bool
        Declare f affine in v: one Newton step is then exact and the convergence test is skipped.
    tol : float
        Newton's step tolerance, relative to 1 + |v|, in [1e-15, 1e-2]; a step is also accepted
        only where the equation holds to RESIDUAL_TOLERANCE (√ε) of the size of its terms.
    max_newton : int
        Newton iterations allowed per implicit solve; more raise ``RuntimeError``.

    Returns
    -------
    numpy.ndarray, shape (1 + len(corrections), N + 1, m), float64
        Level 0 is BDF2, level j the j-th correction.

    Raises
    ------
    ValueError, TypeError
        Bad arguments, named; a request over MAX_VALUES stored values.
    RuntimeError, FloatingPointError
        Newton's method failing, or f producing non-finite values.
    """
    orders = _corrections(corrections)
    if residual not in ("integral", "derivative"):
        raise ValueError(f"residual must be 'integral' or 'derivative', got {residual!r}")
    stencil = _stencil(stencil)
    minimum = max((2, *orders)) + 1
    grid, initial, problem = _setup(fun, jac, t, v0, tol, max_newton, minimum, linear)
    m = initial.size
    # the levels, and the residual's gathers of (q + 1) values per step
    _check_size(1 + len(orders) + max(orders, default=0) + 1, grid, m)
    n_steps = grid.size - 1
    extra = _forcing(forcing, n_steps - 1, m)
    first_value = _start(problem, start, grid, initial, 1)[0]
    weights2, _ = derivative_weights(grid, 2)
    w2 = weights2[1:]  # D₂ at n = 2..N on the backward stencil (n − 2, n − 1, n)
    out = np.empty((1 + len(orders), n_steps + 1, m))
    rho = np.zeros((n_steps - 1, m))
    for j in range(len(orders) + 1):
        if j > 0:
            rho = _residual(problem, grid, out[j - 1], orders[j - 1], residual, stencil, w2)
        level, guess = out[j], out[j - 1] if j else None
        level[0], level[1] = initial, first_value
        for n in range(2, n_steps + 1):
            w = w2[n - 2]
            known = w[0] * level[n - 2] + w[1] * level[n - 1]
            level[n] = problem.solve(
                grid[n],
                w[2],
                rho[n - 2] + extra[n - 2] - known,
                level[n - 1] if guess is None else guess[n],
            )
    return out


def _residual(problem, grid, u, q, form, stencil, w2):
    """ρ^n, n = 2..N, of the correction of order q computed from the level u."""
    n_steps = grid.size - 1
    if form == "derivative":
        weights_q, first_q = derivative_weights(grid, q, stencil)
        dq = np.einsum("nj,njm->nm", weights_q[1:], u[first_q[1:, None] + np.arange(q + 1)])
        d2 = w2[:, 0, None] * u[:-2] + w2[:, 1, None] * u[1:-1] + w2[:, 2, None] * u[2:]
        return d2 - dq
    values = np.array([problem.f(grid[n], u[n]) for n in range(n_steps + 1)])
    weights_q, first_q = quadrature_weights(grid, q, stencil)
    increments = np.einsum("kj,kjm->km", weights_q, values[first_q[:, None] + np.arange(q)])
    # D₂I^n = b₀∇I^n + b₁∇I^{n−1}, with b₀ = w₂ and b₁ = w₂ + w₁ in the weights' terms
    d2 = w2[:, 2, None] * increments[1:] + (w2[:, 2] + w2[:, 1])[:, None] * increments[:-1]
    return d2 - values[2:]


def bdf(
    fun: Function,
    jac: Function,
    t: object,
    v0: object,
    order: int = 3,
    start: object = "rk3",
    linear: bool = False,
    tol: float = 1e-12,
    max_newton: int = 10,
    forcing: object = None,
) -> np.ndarray:
    """Classical variable-step BDF-q: D_q v^n = f(t_n, v^n) on the backward stencil, n ≥ q.

    Parameters
    ----------
    fun, jac, v0, linear, tol, max_newton
        As in :func:`bdf2_dc`.
    t : array_like, shape (N + 1,)
        Strictly increasing finite times, N ≥ q.
    order : int
        q in [1, MAX_ORDER].
    start : {"bdf1", "rk2", "rk3"} or array_like, shape (q − 1, m)
        How v^1..v^{q−1} are found (one starter step each), or the values themselves.
    forcing : array_like, shape (N − q + 1, m), optional
        A perturbation g^n, n = q..N, added to the right-hand side: D_q v^n = f(t_n, v^n) + g^n.

    Returns
    -------
    numpy.ndarray, shape (N + 1, m), float64
    """
    q = count(order, "order", 1)
    if q > MAX_ORDER:
        raise ValueError(f"order must be at most {MAX_ORDER}, got {q}")
    grid, initial, problem = _setup(fun, jac, t, v0, tol, max_newton, q + 1, linear)
    m = initial.size
    _check_size(1, grid, m)
    extra = _forcing(forcing, grid.size - q, m)
    out = np.empty((grid.size, m))
    out[0] = initial
    if q > 1:
        out[1:q] = _start(problem, start, grid, initial, q - 1)
    weights, first = derivative_weights(grid, q)
    for n in range(q, grid.size):
        w = weights[n - 1]
        known = np.tensordot(w[:-1], out[first[n - 1] : n], axes=1)
        out[n] = problem.solve(grid[n], w[-1], extra[n - q] - known, out[n - 1])
    return out
