"""Newton's method with stepsizes for convex functions (Hanzely, Abdukhakimov and Takáč,
arXiv 2405.18926).

One iteration is ``x⁺ = x − α n`` with the Newton direction ``n = ∇²f(x)⁻¹∇f(x)`` and the
Newton decrement ``g = ‖∇f(x)‖*_x = (∇f(x)ᵀ n)^{1/2}``, the size of the gradient in the norm of
the inverse Hessian. The schedules differ only in ``α`` as a function of ``g`` (derived and
asserted in the chapter); :func:`stepsize` evaluates them, vectorised over ``g``:

- ``"pure"``: ``α = 1``;
- ``"damped"``: ``α = 1/(1 + g)``, the damped Newton method of self-concordant analysis;
- ``"cubic"``: ``α = 2/(1 + √(1 + 2Lg))``, the step that minimises the cubic model
  ``f − αg² + α²g²/2 + (L/6)α³g³`` along ``n`` (an affine-invariant cubic Newton step);
- ``"regularised"``: the root in (0, 1] of ``1 − α − σ α^{q−1} g^{q−2}``, the minimiser along
  ``n`` of the model with the regulariser ``σ/q ‖h‖_x^q`` (``q = 3`` is ``"cubic"`` with
  ``L = 2σ``);
- ``"root"``: ``α = 1/(1 + θ)`` with ``θ = (9M)^{1/(q−1)} g^{(q−2)/(q−1)}``, the explicit
  schedule the paper derives from the regularised one (``θ`` replaces ``σα^{q−2}g^{q−2}``, which
  depends on ``α``); its factor 9 is as secondary sources report it, since the paper's text was
  not reachable.

:func:`stepsized_newton` runs a schedule with a fixed constant; :func:`greedy_newton` takes the
exact line search over ``α ∈ [0, 1]`` (shortened where f is infinite); :func:`backtracking_newton`
needs no known constant: it doubles ``σ`` until the regularised model of order ``q`` bounds
``f`` at the trial point, and halves it after each accepted step (its start, by default, makes
the first trial step 1/2, which keeps the run invariant under scaling f); :func:`armijo_newton`
is the textbook damped Newton method with Armijo's line search and :func:`cubic_newton` the
classical cubic regularisation (a different direction, in the Euclidean norm), for contrast.

Domain: a :class:`Problem` whose Hessian is symmetric positive definite wherever it is
evaluated (at ``x0`` this is checked and a failure is a ValueError; later a failed Cholesky
factorisation stops the run with status ``"singular hessian"``); ``x0`` finite of the problem's
dimension; constants positive and finite; ``q ∈ [2, 4]``. ``value`` must return a real
number (else a TypeError naming it); a gradient or Hessian of the wrong shape, or a Hessian
that is not symmetric, is a ValueError naming the iteration. A schedule that is not a descent
method (``"pure"``, or a constant that is too small) may diverge: the run stops with status
``"diverged"`` when ``f`` or ``x`` leaves float64 (or f is NaN there, as outside the domain of
a function like ``x − log x``), and returns what it has; a step too small to
change ``x`` in float64 ends the run with status ``"stalled"`` rather than spending the budget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve
from scipy.optimize import brentq, minimize_scalar
from scipy.special import expit, softmax
from scipy.special import logsumexp as _logsumexp

from rederived._checks import count as _count
from rederived._checks import generator as _generator
from rederived._checks import nonnegative as _nonnegative
from rederived._checks import positive as _positive
from rederived._checks import real_array as _real_array

__all__ = [
    "MAX_ENTRIES",
    "MAX_ITERATIONS",
    "SCHEDULES",
    "SLACK",
    "STATUSES",
    "GridSearch",
    "NewtonRun",
    "Problem",
    "armijo_newton",
    "backtracking_newton",
    "cubic_newton",
    "greedy_newton",
    "grid_search",
    "local_orders",
    "log_sum_exp",
    "logistic_regression",
    "minimise",
    "newton_step",
    "pseudo_huber_regression",
    "sqrt_one_plus_square",
    "stepsize",
    "stepsized_newton",
]

SCHEDULES = ("pure", "damped", "cubic", "regularised", "root")
# the smallest σ backtracking keeps (halving further would underflow to 0)
_TINY = 1e-300
#: how a run can end (see :class:`NewtonRun`)
STATUSES = ("converged", "iterations", "diverged", "singular hessian", "rose", "stalled")
#: the most data entries a problem builder allocates (m × d)
MAX_ENTRIES = 4_000_000
#: the most iterations one run takes
MAX_ITERATIONS = 100_000
#: the rounding allowed in comparisons of f (relative to |f|): a sum of many terms, as in the
#: test problems, carries more than a few ulp of error, and a rise or a missed model bound
#: smaller than this is taken for rounding (a step that overshoots changes f by far more)
SLACK = 1e-12


@dataclass(frozen=True)
class Problem:
    """A twice differentiable convex function on R^d: ``value(x)`` a float, ``gradient(x)`` of
    shape (d,), ``hessian(x)`` of shape (d, d)."""

    value: Callable[[np.ndarray], float]
    gradient: Callable[[np.ndarray], np.ndarray]
    hessian: Callable[[np.ndarray], np.ndarray]
    dimension: int
    name: str = "problem"


@dataclass(frozen=True)
class NewtonRun:
    """One run: ``values[k] = f(x_k)`` and ``decrements[k] = g_k`` for k = 0..K, ``stepsizes[k]``
    the α taken from x_k (K of them), ``evaluations[k]`` the function values computed up to
    x_k (cumulative; line searches and rejected trials count), ``x = x_K``, and ``status``:
    ``"converged"`` (g ≤ tolerance), ``"iterations"`` (the budget ran out), ``"diverged"``
    (f, x or the Newton direction left float64), ``"singular hessian"`` (its Cholesky
    factorisation failed, which includes a Hessian that underflows to zero far out),
    ``"rose"`` (f rose under ``monotone=True``) or ``"stalled"`` (the step left x unchanged
    in float64: a stepsize below the rounding of x, or no decrease found by a line search)."""

    x: np.ndarray
    values: np.ndarray
    decrements: np.ndarray
    stepsizes: np.ndarray
    evaluations: np.ndarray
    status: str
    constants: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def gaps(self, f_star: float) -> np.ndarray:
        """``f(x_k) − f*`` for every k."""
        return self.values - float(f_star)

    def iterations_to(self, f_star: float, epsilon: float) -> int | None:
        """The first k with ``f(x_k) − f* ≤ ε``, or None if the run never got there."""
        hit = np.flatnonzero(self.gaps(f_star) <= epsilon)
        return int(hit[0]) if hit.size else None


def _q(q: object) -> float:
    q = _positive(q, "q")
    if not 2.0 <= q <= 4.0:
        raise ValueError(f"q must be in [2, 4] (Hölder smoothness of order q), got {q}")
    return q


def stepsize(decrement: object, schedule: str, constant: object = None, q: object = 3.0):
    """The stepsize α ∈ (0, 1] of ``schedule`` at Newton decrement(s) ``g ≥ 0``.

    ``constant`` is L for ``"cubic"``, σ for ``"regularised"`` and M for ``"root"`` (positive,
    finite; unused and not allowed for ``"pure"`` and ``"damped"``); ``q ∈ [2, 4]`` is the
    order of ``"regularised"`` and ``"root"``. Vectorised over ``decrement``; computed in
    logarithms, so huge ``g`` or constants give tiny α, never an overflow. α is 0 only where
    it underflows.
    """
    if schedule not in SCHEDULES:
        raise ValueError(
            f"schedule must be one of {', '.join(map(repr, SCHEDULES))}, got {schedule!r}"
        )
    g = _real_array(decrement, "decrement")
    if not np.all(np.isfinite(g)) or np.any(g < 0):
        raise ValueError("decrement must be finite and non-negative")
    q = _q(q)
    if schedule in ("pure", "damped"):
        if constant is not None:
            raise ValueError(f"schedule {schedule!r} takes no constant")
        alpha = np.ones_like(g) if schedule == "pure" else 1.0 / (1.0 + g)
        return alpha if alpha.ndim else float(alpha)
    if constant is None:
        raise ValueError(f"schedule {schedule!r} needs a constant")
    c = _positive(constant, "constant")
    with np.errstate(divide="ignore", over="ignore", under="ignore"):
        log_g = np.log(g)  # −inf at g = 0
        if schedule == "cubic":
            t = np.exp(0.5 * (np.log(2.0) + np.log(c) + log_g))  # √(2Lg), 0 at g = 0
            alpha = 2.0 / (1.0 + np.hypot(1.0, t))
        elif schedule == "root":
            log_theta = np.full_like(g, np.log(9.0) / (q - 1.0) + np.log(c) / (q - 1.0))
            if q > 2.0:
                log_theta = log_theta + (q - 2.0) / (q - 1.0) * log_g
            alpha = 1.0 / (1.0 + np.exp(log_theta))
        else:
            alpha = _regularised_root(
                np.log(c) + (q - 2.0) * log_g if q > 2.0 else np.full_like(g, np.log(c)), q - 2.0
            )
    return alpha if alpha.ndim else float(alpha)


def _regularised_root(log_c: np.ndarray, beta: float) -> np.ndarray:
    """The root α ∈ (0, 1] of ``1 − α − c α^{1+β}`` for ``c = exp(log_c)`` (β ∈ [0, 2])."""
    c = np.exp(log_c)
    if beta == 0.0:
        return 1.0 / (1.0 + c)
    if beta == 1.0:
        # 2/(1 + √(1 + 4c)), with √(4c) formed from log c
        return 2.0 / (1.0 + np.hypot(1.0, np.exp(0.5 * log_c + np.log(2.0))))
    # Newton's method from above: φ(α) = 1 − α − cα^{1+β} is decreasing and concave, so from a
    # start at or above the root the iterates fall monotonically onto it; both 1 and
    # c^{−1/(1+β)} are at or above it (φ ≤ 0 there)
    alpha = np.minimum(1.0, np.exp(-log_c / (1.0 + beta)))
    for _ in range(100):
        power = np.exp(log_c + beta * np.log(alpha))  # c α^β
        phi = 1.0 - alpha - power * alpha
        slope = -1.0 - (1.0 + beta) * power
        new = np.clip(alpha - phi / slope, 0.0, alpha)
        done = np.all(alpha - new <= 4e-16 * alpha)
        alpha = new
        if done:
            break
    return alpha


def newton_step(gradient: object, hessian: object) -> tuple[np.ndarray, float]:
    """The Newton direction ``n = H⁻¹∇f`` and decrement ``g = (∇fᵀn)^{1/2}`` by a Cholesky
    factorisation; a Hessian that is not symmetric positive definite is a ValueError."""
    grad = _real_array(gradient, "gradient")
    H = _real_array(hessian, "hessian")
    if grad.ndim != 1 or H.shape != (grad.size, grad.size):
        raise ValueError(
            f"hessian must have shape ({grad.size}, {grad.size}) to match the "
            f"gradient, got {H.shape}"
        )
    if np.any(np.isnan(grad)) or np.any(np.isnan(H)):
        raise ValueError("gradient and hessian must not be NaN")
    if not (np.all(np.isfinite(grad)) and np.all(np.isfinite(H))):
        raise _NotFinite("gradient and hessian must be finite")
    scale = float(np.max(np.abs(H))) if H.size else 0.0
    if not np.allclose(H, H.T, rtol=1e-10, atol=1e-10 * scale):
        raise ValueError("hessian must be symmetric")
    try:
        factor = cho_factor(H, check_finite=False)
    except LinAlgError:
        raise _NotPositiveDefinite("hessian is not positive definite (or underflows)") from None
    if np.any(np.diag(factor[0]) <= 0):
        raise _NotPositiveDefinite("hessian is not positive definite (or underflows)")
    with np.errstate(over="ignore", invalid="ignore"):
        direction = cho_solve(factor, grad, check_finite=False)
        decrement = float(np.sqrt(max(float(grad @ direction), 0.0)))
    if not (np.isfinite(decrement) and np.all(np.isfinite(direction))):
        raise _Overflow("the Newton direction overflows float64 (a nearly singular hessian)")
    return direction, decrement


class _Overflow(ValueError):
    """The Newton direction or decrement left float64."""


class _NotPositiveDefinite(ValueError):
    """The Cholesky factorisation of the Hessian failed."""


class _NotFinite(ValueError):
    """The gradient or the Hessian is infinite (NaN is an error of the problem's)."""


def _value(problem: Problem, x: np.ndarray) -> float:
    """f(x) as a float; a value that is not a real scalar is a TypeError naming problem.value."""
    with np.errstate(over="ignore", invalid="ignore"):
        v = problem.value(x)
    kind = np.asarray(v).dtype.kind if v is not None else "O"
    if kind not in "iuf" or np.ndim(v) != 0:
        raise TypeError(f"problem.value must return a real number, got {v!r:.40}")
    return float(v)


def _start(problem: object, x0: object, iterations: object, tolerance: object):
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be a Problem, got {type(problem).__name__}")
    x = _real_array(x0, "x0")
    if x.shape != (problem.dimension,):
        raise ValueError(f"x0 must have shape ({problem.dimension},), got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x0 must be finite")
    iterations = _count(iterations, "iterations", minimum=0)
    if iterations > MAX_ITERATIONS:
        raise ValueError(f"iterations must be at most {MAX_ITERATIONS}, got {iterations}")
    tolerance = _nonnegative(tolerance, "tolerance")
    f = _value(problem, x)
    if not np.isfinite(f):
        raise ValueError("the problem's value at x0 is not finite")
    try:
        n, g = newton_step(problem.gradient(x), problem.hessian(x))
    except ValueError as err:
        raise ValueError(f"at x0: {err}") from None
    return x, f, n, g, iterations, tolerance


def _iterate(problem, x0, iterations, tolerance, choose, monotone=False) -> NewtonRun:
    """The loop shared by every method; ``choose(x, f, n, g)`` returns (α, x⁺, f⁺, evaluations,
    constant used)."""
    x, f, n, g, iterations, tolerance = _start(problem, x0, iterations, tolerance)
    values, decrements, steps, evals, consts = [f], [g], [], [1], []
    status = "iterations"
    for k in range(iterations):
        if g <= tolerance:
            status = "converged"
            break
        alpha, x_new, f_new, used, constant = choose(x, f, n, g)
        steps.append(alpha)
        consts.append(constant)
        evals.append(evals[-1] + used)
        ended = None
        if not (np.isfinite(f_new) and np.all(np.isfinite(x_new))):
            f_new, ended = (np.inf if np.isnan(f_new) else f_new), "diverged"
        elif monotone and f_new > f + SLACK * abs(f):
            ended = "rose"
        elif np.array_equal(x_new, x):
            ended = "stalled"  # the step is below the rounding of x: no iterate can change
        if ended is not None:
            values.append(f_new)
            decrements.append(np.nan)
            x, status = (x if ended == "diverged" else x_new), ended
            break
        x, f = x_new, f_new
        values.append(f)
        with np.errstate(over="ignore", invalid="ignore"):
            grad, H = problem.gradient(x), problem.hessian(x)
        try:
            n, g = newton_step(grad, H)
        except _Overflow:
            decrements.append(np.nan)
            status = "diverged"
            break
        except _NotPositiveDefinite:
            decrements.append(np.nan)
            status = "singular hessian"
            break
        except _NotFinite:  # the derivatives overflowed on the way out
            decrements.append(np.nan)
            status = "diverged"
            break
        except ValueError as err:  # a gradient or Hessian of the wrong shape, or not symmetric
            raise ValueError(f"at iteration {k + 1}: {err}") from None
        decrements.append(g)
    else:
        if g <= tolerance:
            status = "converged"
    return NewtonRun(
        x=x,
        values=np.array(values),
        decrements=np.array(decrements),
        stepsizes=np.array(steps),
        evaluations=np.array(evals),
        status=status,
        constants=np.array(consts),
    )


def stepsized_newton(
    problem: Problem,
    x0: object,
    schedule: str,
    constant: object = None,
    q: object = 3.0,
    iterations: object = 100,
    tolerance: object = 1e-10,
    monotone: bool = False,
) -> NewtonRun:
    """Newton's method with the stepsize ``schedule`` (see :func:`stepsize`) and a fixed
    constant, until the decrement is at most ``tolerance`` or ``iterations`` steps.

    With ``monotone=True`` the run stops with status ``"rose"`` at the first step that raises
    f by more than :data:`SLACK` times |f|: a constant large enough for the schedule's
    guarantee makes every step a descent, so a rise shows the constant is too small for
    this path. The rising step is recorded."""
    stepsize(0.0, schedule, constant, q)  # validates schedule, constant and q
    if not isinstance(monotone, bool):
        raise TypeError(f"monotone must be a bool, got {monotone!r}")

    def choose(x, f, n, g):
        alpha = stepsize(g, schedule, constant, q)
        with np.errstate(over="ignore", invalid="ignore"):
            x_new = x - alpha * n
        return alpha, x_new, _value(problem, x_new), 1, np.nan if constant is None else constant

    return _iterate(problem, x0, iterations, tolerance, choose, monotone=monotone)


def _finite_reach(line, limit: float = 1.0) -> tuple[float, float, int]:
    """The largest α = limit·2⁻ʲ (j ≤ 1074) at which the line's value is finite, that value, and
    the evaluations spent; α = 0 if there is none (f is finite only at the start)."""
    alpha, used = limit, 0
    while alpha > 0.0:
        value = line(alpha)
        used += 1
        if np.isfinite(value):
            return alpha, value, used
        alpha *= 0.5
    return 0.0, np.nan, used


def greedy_newton(
    problem: Problem, x0: object, iterations: object = 100, tolerance: object = 1e-10
) -> NewtonRun:
    """Newton's method with exact line search: α minimises ``f(x − αn)`` over [0, ᾱ], with ᾱ
        the largest of 1, 1/2, 1/4, … where f is finite (a function with a bounded domain, such
        as ``x − log x``, is infinite or NaN beyond it). The minimiser is bracketed on the
        geometric grid ᾱ·2⁻ʲ (so a minimiser at α = 10⁻²⁰⁰ costs about 660 values, not a failed
        search) and refined by a bounded Brent search (SciPy's, which resolves α to about √ε
    relative, the limit of a search on function values); on a convex f the
        values along the line fall and then rise, which is what the bracketing relies on. A step
        never raises f: if no decrease is found, the run stalls."""

    def choose(x, f, n, g):
        def line(a):
            return _value(problem, x - a * n)

        reach, value, used = _finite_reach(line)
        if reach == 0.0:
            return 0.0, x, f, used, np.nan
        # walk down the grid while the values fall: the minimiser lies within one step of the
        # lowest grid point (α_{j+1} ≤ α* ≤ α_{j−1})
        alpha, best = reach, value
        while alpha > 0.0:
            smaller = 0.5 * alpha
            v = line(smaller)
            used += 1
            if not v < best:
                break
            alpha, best = smaller, v
        lo, hi = 0.5 * alpha, min(2.0 * alpha, reach)

        def finite_line(a):
            v = line(a)
            return v if np.isfinite(v) else np.inf

        if hi > lo:
            found = minimize_scalar(
                finite_line, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12 * hi}
            )
            used += int(found.nfev)
            if float(found.fun) < best:
                alpha, best = float(found.x), float(found.fun)
        if not best <= f:
            return 0.0, x, f, used, np.nan
        return alpha, x - alpha * n, best, used, np.nan

    return _iterate(problem, x0, iterations, tolerance, choose)


def armijo_newton(
    problem: Problem,
    x0: object,
    c: object = 0.25,
    iterations: object = 100,
    tolerance: object = 1e-10,
) -> NewtonRun:
    """The textbook damped Newton method: from the full step, halve α until
    ``f(x − αn) ≤ f − c α g²`` (Armijo's condition, ``0 < c < 1/2``), for contrast with the
    schedules (it has no global rate of their kind)."""
    c = _positive(c, "c")
    if c >= 0.5:
        raise ValueError(f"c must be in (0, 1/2), got {c}")

    def choose(x, f, n, g):
        alpha, used = 1.0, 0
        while alpha > 0.0:
            f_new = _value(problem, x - alpha * n)
            used += 1
            if np.isfinite(f_new) and f_new <= f - c * alpha * g * g + SLACK * abs(f):
                return alpha, x - alpha * n, f_new, used, np.nan
            alpha *= 0.5
        return 0.0, x, f, used, np.nan

    return _iterate(problem, x0, iterations, tolerance, choose)


def cubic_newton(
    problem: Problem,
    x0: object,
    M: object,
    iterations: object = 100,
    tolerance: object = 1e-10,
) -> NewtonRun:
    """Cubic regularisation of Newton's method in the Euclidean norm (Nesterov and Polyak):
    ``x⁺ = x + h`` with h the global minimiser of ``⟨∇f, h⟩ + ½hᵀHh + (M/6)‖h‖³``, i.e.
    ``h = −(H + (Mr/2) I)⁻¹∇f`` with ``r = ‖h‖``, found from an eigendecomposition of H by a
    root search in r. Unlike the schedules it leaves the Newton direction and is not affine
    invariant: its constant depends on the coordinates. ``NewtonRun.stepsizes`` holds the
    step's length in the local norm over the Newton step's, ‖h‖ₓ/g ∈ (0, 1]."""
    M = _positive(M, "M")

    def choose(x, f, n, g):
        grad, H = problem.gradient(x), problem.hessian(x)
        lam, Q = np.linalg.eigh(0.5 * (H + H.T))
        c = Q.T @ grad
        lam = np.maximum(lam, 0.0)

        def excess(r):  # ‖h(r)‖ − r, decreasing in r
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                return float(np.linalg.norm(c / (lam + 0.5 * M * r))) - r

        top = np.sqrt(2.0 * np.linalg.norm(c) / M) * (1.0 + 1e-12)  # ‖h(r)‖ ≤ 2‖c‖/(Mr)
        if excess(top) > 0:
            top *= 2.0
        low = 0.0 if np.all(lam > 0) else 1e-300
        r = brentq(excess, low, top, xtol=1e-15 * top, rtol=4 * np.finfo(float).eps)
        h = -(Q @ (c / (lam + 0.5 * M * r)))
        ratio = float(np.sqrt(max(h @ (H @ h), 0.0))) / g if g > 0 else 0.0
        x_new = x + h
        return min(ratio, 1.0), x_new, _value(problem, x_new), 1, M

    return _iterate(problem, x0, iterations, tolerance, choose)


def _scale_free_sigma(g: float, q: float) -> float:
    """σ with which the regularised step at decrement g is 1/2: (2/g)^{q−2}, within
    [1e-300, 1e300] (1 at g = 0 or q = 2)."""
    if g <= 0.0 or q == 2.0:
        return 1.0
    return float(np.exp(np.clip((q - 2.0) * (np.log(2.0) - np.log(g)), -690.0, 690.0)))


def backtracking_newton(
    problem: Problem,
    x0: object,
    q: object = 3.0,
    sigma0: object = None,
    iterations: object = 100,
    tolerance: object = 1e-10,
) -> NewtonRun:
    """Newton's method with the ``"regularised"`` stepsize of order ``q`` and no known constant:
    σ starts at ``sigma0``, doubles until ``f(x − αn) ≤ f − αg² + α²g²/2 + σ(αg)^q/q`` (the
    model bounds f at the trial point, up to :data:`SLACK` times |f|) and halves after each
    accepted step. ``NewtonRun.constants`` holds the σ accepted at each step (inf where no σ in
    float64 made the model bound f: the run then stalls).

    The default ``sigma0`` makes the first trial step 1/2 (``σ₀ = (2/g₀)^{q−2}``): it depends
    on f only through the Newton decrement, so the run is the same for ``s·f`` (any s > 0) and
    after any affine change of variables, like the Newton direction itself. A σ₀ that is far
    too large costs about log₂ of the excess in iterations (σ only halves per step); one far
    too small costs as many rejected trials in the first step."""
    q = _q(q)
    state = {"sigma": None if sigma0 is None else _positive(sigma0, "sigma0")}

    def choose(x, f, n, g):
        used = 0
        slack = SLACK * abs(f)
        if state["sigma"] is None:
            state["sigma"] = _scale_free_sigma(g, q)
        sigma = state["sigma"]
        rejected = False
        while True:
            alpha = stepsize(g, "regularised", sigma, q)
            x_new = x - alpha * n
            f_new = _value(problem, x_new)
            used += 1
            # at the root σ(αg)^q/q = αg²(1 − α)/q, so the model's decrease is
            # αg²[1 − α/2 − (1 − α)/q] (no power of αg that could overflow)
            with np.errstate(over="ignore", invalid="ignore"):
                drop = alpha * g * g * (1.0 - alpha / 2.0 - (1.0 - alpha) / q)
            if not np.isfinite(drop):
                raise ValueError(
                    f"the model value overflows float64 (a Newton decrement near {g:.1e}): "
                    "scale the problem"
                )
            if np.isfinite(f_new) and f_new <= f - drop + slack:
                if np.array_equal(x_new, x) and not rejected and sigma > _TINY:
                    sigma = max(sigma / 2.0**20, _TINY)  # too cautious to move x at all
                    continue
                break
            rejected = True
            if not np.isfinite(2.0 * sigma):
                # no σ in float64 makes the model bound f: rounding (f at its floor) or a
                # function that is not smooth of order q here; the run stalls
                return 0.0, x, f, used, np.inf
            sigma *= 2.0
        state["sigma"] = max(sigma / 2.0, _TINY)
        return alpha, x_new, f_new, used, sigma

    return _iterate(problem, x0, iterations, tolerance, choose)


def minimise(problem: Problem, x0: object, tolerance: object = 1e-12) -> tuple[np.ndarray, float]:
    """A reference minimum: backtracking Newton (q = 3) until the decrement is at most
    ``tolerance`` times the decrement at ``x0`` (a relative test, so scaling f changes
    nothing), then up to five full Newton steps kept while they do not raise f. Raises
    ValueError if that is not reached within 10 000 iterations."""
    tolerance = _nonnegative(tolerance, "tolerance")
    x = _real_array(x0, "x0")
    if isinstance(problem, Problem) and x.shape == (problem.dimension,) and np.all(np.isfinite(x)):
        _, g0 = newton_step(problem.gradient(x), problem.hessian(x))
    else:
        g0 = 1.0  # the run below raises the right error
    run = backtracking_newton(problem, x0, q=3.0, iterations=10_000, tolerance=tolerance * g0)
    if run.status != "converged":
        raise ValueError(f"the reference run did not converge (status {run.status!r})")
    x, f = run.x, float(run.values[-1])
    for _ in range(5):
        try:
            n, _ = newton_step(problem.gradient(x), problem.hessian(x))
        except ValueError:
            break
        f_new = _value(problem, x - n)
        if not f_new <= f:
            break
        x, f = x - n, f_new
    return x, f


@dataclass(frozen=True)
class GridSearch:
    """The best fixed constant of a schedule over a grid: ``iterations[i]`` the fewest
    iterations to the gap ``gaps[i]`` (None if no constant reached it), ``constants[i]`` the
    constant that did; ``lowest`` the constant whose run came lowest, and ``lowest_value`` that
    value of f (for a schedule that reaches no gap)."""

    iterations: tuple
    constants: tuple
    lowest: float
    lowest_value: float


def grid_search(
    problem: Problem,
    x0: object,
    schedule: str,
    grid: object,
    f_star: object,
    gaps: object,
    q: object = 3.0,
    cap: object = 100,
) -> GridSearch:
    """Run ``schedule`` with each constant of ``grid`` (``monotone=True``: a run whose f rises is
    stopped, its constant being too small for the path) and record, for each absolute gap in
    ``gaps``, the fewest iterations to ``f − f* ≤ gap`` within ``cap``. Runs race: once the
    smallest gap has been reached in k iterations, later runs stop at k, which cannot change any
    minimum (a run reaches a larger gap no later than a smaller one)."""
    grid = _real_array(grid, "grid").ravel()
    if grid.size == 0 or not np.all(np.isfinite(grid)) or np.any(grid <= 0):
        raise ValueError("grid must be a non-empty array of positive, finite constants")
    gaps = _real_array(gaps, "gaps").ravel()
    if gaps.size == 0 or not np.all(np.isfinite(gaps)):
        raise ValueError("gaps must be a non-empty array of finite numbers")
    f_star = float(_real_array(f_star, "f_star"))
    if not np.isfinite(f_star):
        raise ValueError("f_star must be finite")
    cap = _count(cap, "cap")
    smallest = int(np.argmin(gaps))
    best = [None] * gaps.size
    chosen = [None] * gaps.size
    lowest, lowest_value = float(grid[0]), np.inf
    for constant in grid:
        budget = cap if best[smallest] is None else best[smallest]
        run = stepsized_newton(
            problem,
            x0,
            schedule,
            float(constant),
            q=q,
            iterations=budget,
            tolerance=0.0,
            monotone=True,
        )
        for i, gap in enumerate(gaps):
            hit = run.iterations_to(f_star, gap)
            if hit is not None and (best[i] is None or hit < best[i]):
                best[i], chosen[i] = hit, float(constant)
        reached = float(np.min(run.values[np.isfinite(run.values)]))
        if reached < lowest_value:
            lowest, lowest_value = float(constant), reached
    return GridSearch(tuple(best), tuple(chosen), lowest, lowest_value)


def local_orders(decrements: object, low: object = 1e-12, high: object = 1e-2) -> np.ndarray:
    """Estimates of the local order of convergence, ``p_k = log(g_{k+1}/g_k) / log(g_k/g_{k−1})``
    (``g_{k+1} ≈ C g_k^p``), from the decrements of a run: one for each k whose three decrements
    ``g_{k−1}, g_k, g_{k+1}`` lie in (low, high) and strictly fall; non-finite entries are
    skipped. Empty if there are none."""
    g = _real_array(decrements, "decrements").ravel()
    low, high = _positive(low, "low"), _positive(high, "high")
    if low >= high:
        raise ValueError(f"low must be below high, got {low} and {high}")
    g = g[np.isfinite(g)]
    out = []
    for k in range(1, g.size - 1):
        a, b, c = g[k - 1], g[k], g[k + 1]
        if low < c < b < a < high:
            out.append(np.log(c / b) / np.log(b / a))
    return np.array(out)


# ----- test problems -----------------------------------------------------------------------


def sqrt_one_plus_square(d: object = 1) -> Problem:
    """``f(x) = Σᵢ (√(1 + xᵢ²) − 1)``: convex, minimum 0 at 0, Hessian diagonal
    ``(1 + xᵢ²)^{−3/2}``. Pure Newton maps each coordinate to ``−xᵢ³`` and diverges from
    ``|xᵢ| > 1``; f grows linearly, so it has no global self-concordance constant."""
    d = _count(d, "d")
    if d > 10_000:
        raise ValueError(f"d must be at most 10 000, got {d}")

    def value(x):
        # √(1 + x²) − 1 = x²/(√(1 + x²) + 1), no cancellation near 0, no overflow for large x
        h = np.hypot(1.0, x)
        return float(np.sum(x * (x / (h + 1.0))))

    def hessian(x):
        return np.diag(np.hypot(1.0, x) ** -3.0)

    return Problem(
        value=value,
        gradient=lambda x: x / np.hypot(1.0, x),
        hessian=hessian,
        dimension=d,
        name="sqrt(1 + x^2)",
    )


def _design(m, d, condition, seed, name_m):
    m = _count(m, name_m)
    d = _count(d, "d")
    if m * d > MAX_ENTRIES:
        raise ValueError(f"{name_m}·d must be at most {MAX_ENTRIES:,}, got {m * d:,}")
    condition = _positive(condition, "condition")
    if not 1.0 <= condition <= 1e12:
        raise ValueError(f"condition must be in [1, 1e12], got {condition}")
    rng = _generator(seed)
    # column scales from 1 down to condition^{-1/2}: AᵀA has about that condition number
    A = rng.normal(size=(m, d)) * np.logspace(0.0, -0.5 * np.log10(condition), d)
    return A, rng


def logistic_regression(
    n: object, d: object, seed: object, condition: object = 1e3, mu: object = 1e-4
) -> Problem:
    """Regularised logistic regression ``f(x) = (1/n) Σ log(1 + exp(−yᵢaᵢᵀx)) + (μ/2)‖x‖²`` on
    n Gaussian samples in d dimensions with column scales from 1 to ``condition^{−1/2}`` and
    labels ``y = sign(aᵀw + noise/2)`` from a planted standard normal w (μ > 0: strongly
    convex)."""
    A, rng = _design(n, d, condition, seed, "n")
    mu = _positive(mu, "mu")
    w = rng.normal(size=A.shape[1])
    y = np.sign(A @ w + 0.5 * rng.normal(size=A.shape[0]))
    y[y == 0] = 1.0
    Z = y[:, None] * A
    count = A.shape[0]

    def value(x):
        return float(np.mean(np.logaddexp(0.0, -(Z @ x))) + 0.5 * mu * (x @ x))

    def gradient(x):
        return -(Z.T @ expit(-(Z @ x))) / count + mu * x

    def hessian(x):
        s = expit(-(Z @ x))
        B = Z * np.sqrt(s * (1.0 - s) / count)[:, None]
        H = B.T @ B  # a symmetric rank-k product: half the work of a general one
        H[np.diag_indices_from(H)] += mu
        return H

    return Problem(
        value=value,
        gradient=gradient,
        hessian=hessian,
        dimension=A.shape[1],
        name="logistic regression",
    )


def pseudo_huber_regression(
    m: object,
    d: object,
    seed: object,
    delta: object = 0.01,
    condition: object = 100.0,
    noise: object = 0.01,
) -> Problem:
    """Robust regression with the pseudo-Huber loss, ``f(x) = (δ²/m) Σ (√(1 + (rᵢ/δ)²) − 1)``,
    ``r = Ax − b``: A Gaussian m × d over √m with column scales from 1 to
    ``condition^{−1/2}``, ``b = Ax* + noise·ε`` for a standard normal x*. Quadratic for
    residuals below δ, linear above: far from the fit the Hessian is tiny and no global
    self-concordance constant exists. Needs m ≥ d (a positive definite Hessian)."""
    A, rng = _design(m, d, condition, seed, "m")
    if A.shape[0] < A.shape[1]:
        raise ValueError(
            f"m must be at least d for a positive definite Hessian, got "
            f"m = {A.shape[0]} < d = {A.shape[1]}"
        )
    delta = _positive(delta, "delta")
    noise = _nonnegative(noise, "noise")
    A /= np.sqrt(A.shape[0])
    b = A @ rng.normal(size=A.shape[1]) + noise * rng.normal(size=A.shape[0])
    rows = A.shape[0]

    def residual(x):
        return (A @ x - b) / delta

    def value(x):
        r = residual(x)
        return float(delta**2 * np.sum(r * (r / (np.hypot(1.0, r) + 1.0))) / rows)

    def gradient(x):
        r = residual(x)
        return delta * (A.T @ (r / np.hypot(1.0, r))) / rows

    def hessian(x):
        B = A * (np.hypot(1.0, residual(x)) ** -1.5 / np.sqrt(rows))[:, None]
        return B.T @ B  # a symmetric rank-k product: half the work of a general one

    return Problem(
        value=value,
        gradient=gradient,
        hessian=hessian,
        dimension=A.shape[1],
        name="pseudo-Huber regression",
    )


def log_sum_exp(
    m: object, d: object, seed: object, mu: object = 0.05, ridge: object = 0.0
) -> Problem:
    """A smoothed maximum of m affine functions, ``f(x) = μ log Σᵢ exp((aᵢᵀx − bᵢ)/μ) +
    (ridge/2)‖x‖²``, with standard normal rows aᵢ and bᵢ. Bounded below when the aᵢ
    surround the origin (m ≥ 2d Gaussian rows almost always do; a positive ridge always);
    the smaller μ, the closer to the non-smooth maximum and the longer Newton's global
    phase. The Hessian ``(Aᵀdiag(p)A − (Aᵀp)(Aᵀp)ᵀ)/μ`` (p the softmax weights) becomes
    singular where one affine function dominates, far from the minimiser."""
    mu = _positive(mu, "mu")
    ridge = _nonnegative(ridge, "ridge")
    A, rng = _design(m, d, 1.0, seed, "m")  # condition 1: unscaled standard normal rows
    b = rng.normal(size=A.shape[0])

    def value(x):
        return float(mu * _logsumexp((A @ x - b) / mu) + 0.5 * ridge * (x @ x))

    def gradient(x):
        return A.T @ softmax((A @ x - b) / mu) + ridge * x

    def hessian(x):
        p = softmax((A @ x - b) / mu)
        B = A * np.sqrt(p)[:, None]
        v = A.T @ p
        H = (B.T @ B - np.outer(v, v)) / mu
        H = 0.5 * (H + H.T)
        H[np.diag_indices_from(H)] += ridge
        return H

    return Problem(value=value, gradient=gradient, hessian=hessian, dimension=d, name="log-sum-exp")
