"""Diffusion with a state-dependent diffusion coefficient, under the α-rule for its noise.

The overdamped Langevin equation dx = A(x) dt + √(2D(x)) ∘_α dW evaluates the noise amplitude at
x + α·dx: α = 0 is Itô, α = ½ Stratonovich, α = 1 the anti-Itô (Hänggi–Klimontovich) rule. Its
Fokker–Planck equation is ∂P/∂t = −∂x[(A + αD')P] + ∂x²[DP]. With A = −βDU' the long-time
density is e^{−βU} D^{−(1−α)}; adding the drift (1 − α)D' makes it Boltzmann, e^{−βU}, for every
α (the chapter *State-dependent diffusion* derives both).

- :func:`simulate` integrates walkers with the α-point Euler scheme (the noise amplitude taken
  at a predictor's α-point), vectorised, seeded, and time-averages observables;
- :func:`stationary_density` gives the exact long-time density on a grid;
- :func:`alpha_point_kernel` is the short-time propagator of the α-point discretisation (a
  path integral's one step, with its α-dependent Jacobian), and :func:`chain_stationary` the
  long-time density of the Markov chain it defines;
- :func:`correlation` and :func:`chain_correlation` give the equilibrium correlation
  ⟨x(0)x(t)⟩ − ⟨x⟩², from walkers and from the path integral's chain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from rederived._checks import count as _count
from rederived._checks import memory as _memory
from rederived._checks import positive as _positive
from rederived._checks import real_array as _real

#: the largest |A'(x)|·dt simulate accepts: explicit Euler is unstable beyond 2 and, already at
#: 1, gives the Ornstein–Uhlenbeck process twice its variance
MAX_STIFFNESS = 0.5

__all__ = [
    "MAX_STIFFNESS",
    "TimeAverage",
    "alpha_point_kernel",
    "chain_correlation",
    "chain_stationary",
    "correlation",
    "simulate",
    "stationary_density",
]


def _alpha(alpha: object) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, Real) or not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be a number in [0, 1], got {alpha!r}")
    return float(alpha)


def _diffusivity(D: Callable, x: np.ndarray) -> np.ndarray:
    d = np.asarray(D(x), dtype=float)
    if d.shape != x.shape:
        raise ValueError("D must map an array of positions to an array of the same shape")
    if not np.all(np.isfinite(d)) or np.any(d <= 0):
        bad = x[~(np.isfinite(d) & (d > 0))][0]
        raise ValueError(f"D must be positive and finite, got D({bad!r}) = {D(np.array([bad]))}")
    return d


@dataclass(frozen=True)
class TimeAverage:
    """Time averages of x**p over a window, per group of walkers (for error bars); with
    ``coarse``, the same averages along the coupled run at twice the step."""

    powers: tuple[int, ...]
    means: np.ndarray  # shape (len(powers), groups)
    coarse: np.ndarray | None = None

    def _per_group(self, p: int, extrapolated: bool) -> np.ndarray:
        fine = self.means[self.powers.index(p)]
        if not extrapolated:
            return fine
        if self.coarse is None:
            raise ValueError("no coupled coarse run: simulate with richardson=True")
        return 2 * fine - self.coarse[self.powers.index(p)]

    def mean(self, p: int, *, extrapolated: bool = False) -> float:
        """Average of x**p; ``extrapolated``: Richardson's 2·(step dt) − (step 2dt), which
        removes an error of first order in dt."""
        return float(self._per_group(p, extrapolated).mean())

    def error(self, p: int, *, extrapolated: bool = False) -> float:
        """Standard error of :meth:`mean` from the spread between groups."""
        m = self._per_group(p, extrapolated)
        return float(m.std(ddof=1) / np.sqrt(m.size))


def _walkers(x0: object) -> np.ndarray:
    """The starting walkers: a finite 1-D array of at least 2."""
    x = _real(x0, "x0")
    if x.ndim != 1 or x.size < 2 or not np.all(np.isfinite(x)):
        raise ValueError("x0 must be a finite 1-D array of at least 2 walkers")
    return x


def _groups(groups: object, walkers: int) -> int:
    """A number of groups (at least 2) that divides the walkers."""
    groups = _count(groups, "groups")
    if groups < 2 or walkers % groups:
        raise ValueError(f"groups must be >= 2 and divide the number of walkers, got {groups}")
    return groups


def _alpha_point_step(drift, D, alpha, x, h, dW):
    """One step of the α-point scheme: the noise amplitude at a predictor's α-point."""
    a, b = np.asarray(drift(x), dtype=float), np.sqrt(2 * _diffusivity(D, x))
    if alpha:
        predictor = x + a * h + b * dW
        b = np.sqrt(2 * _diffusivity(D, x + alpha * (predictor - x)))
    return x + a * h + b * dW


def _check_step(drift, x, h, dt):
    """Refuse a step too large for the drift's local slope, or walkers that left."""
    if not np.all(np.isfinite(x)):
        raise ValueError("the walkers left the finite range: dt is too large for this drift")
    eps = 1e-6 * (1 + np.abs(x))
    slope = np.abs(np.asarray(drift(x + eps), float) - np.asarray(drift(x - eps), float))
    stiffness = float(np.max(slope / (2 * eps))) * h
    if not stiffness <= MAX_STIFFNESS:
        raise ValueError(
            f"dt is too large for this drift: |A'(x)|·dt reaches {stiffness:.3g} "
            f"(explicit Euler needs it below {MAX_STIFFNESS}; take dt ≤ "
            f"{MAX_STIFFNESS * dt / stiffness:.3g})"
        )


def simulate(
    drift: Callable,
    D: Callable,
    x0: object,
    dt: object,
    n_steps: object,
    alpha: object,
    *,
    average_from: object = 0,
    powers: tuple[int, ...] = (2,),
    groups: int = 10,
    richardson: bool = False,
    seed: object = 0,
) -> tuple[np.ndarray, TimeAverage]:
    """Integrate dx = A(x) dt + √(2D(x)) ∘_α dW for independent walkers.

    Each step draws ΔW ~ N(0, dt), takes the predictor x̃ = x + A dt + √(2D(x)) ΔW and moves to
    x + A(x) dt + √(2D(x + α(x̃ − x))) ΔW: the noise amplitude at the α-point, which converges
    weakly (order 1) to the α-rule SDE without needing D'.

    Parameters
    ----------
    drift, D : callable
        A(x) and D(x) on arrays; D must stay positive.
    x0 : array_like, shape (walkers,)
        Initial positions, finite.
    dt, n_steps :
        Step and number of steps.
    alpha : float in [0, 1]
    average_from : int
        First step of the time average of x**p (a burn-in), in [0, n_steps).
    powers : tuple of int
        The moments to average (ints ≥ 0).
    groups : int
        The walkers are split into this many groups, averaged apart (for error bars).
    richardson : bool
        Also run the same walkers at step 2·dt, driven by the sums of consecutive increments of
        the same Brownian paths, so that the Richardson extrapolation of the two is not swamped
        by independent noise (``n_steps`` and ``average_from`` must then be even).
    seed : int or numpy.random.SeedSequence

    Returns
    -------
    x : ndarray
        Final positions.
    averages : TimeAverage

    Raises
    ------
    ValueError
        For arguments outside their domain, or a step too large for the drift: the local slope
        |A'(x)| times dt (2·dt with ``richardson``), checked on the walkers ten times per run,
        must stay below :data:`MAX_STIFFNESS` (explicit Euler is inaccurate, then unstable).
    """
    x = _walkers(x0)
    dt, n_steps, alpha = _positive(dt, "dt"), _count(n_steps, "n_steps"), _alpha(alpha)
    if isinstance(average_from, bool) or not isinstance(average_from, Integral):
        raise ValueError(f"average_from must be an int step, got {average_from!r}")
    start = int(average_from)
    if not 0 <= start < n_steps:
        raise ValueError(f"average_from must be in [0, n_steps), got {average_from!r}")
    groups = _groups(groups, x.size)
    if (
        isinstance(powers, str | bytes)
        or not hasattr(powers, "__len__")
        or len(powers) < 1
        or any(isinstance(p, bool) or not isinstance(p, Integral) or p < 0 for p in powers)
    ):
        raise ValueError(f"powers must be a non-empty sequence of ints >= 0, got {powers!r}")
    powers = tuple(int(p) for p in powers)
    _memory(8.0 * x.size * 8, f"{x.size} walkers")
    if richardson and (n_steps % 2 or start % 2):
        raise ValueError("with richardson=True, n_steps and average_from must be even")
    rng = np.random.default_rng(seed)

    def step_once(x, h, dW):
        return _alpha_point_step(drift, D, alpha, x, h, dW)

    def accumulate(total, x):
        for i, p in enumerate(powers):
            total[i] += (x**p).reshape(groups, -1).mean(axis=1)

    def check_step(x, h):
        _check_step(drift, x, h, dt)

    every = max(1, n_steps // 10)
    sums, coarse_sums = np.zeros((len(powers), groups)), np.zeros((len(powers), groups))
    xc, pending = x.copy(), np.zeros_like(x)
    for step in range(n_steps):
        if step % every == 0:
            with np.errstate(all="ignore"):
                check_step(x, 2 * dt if richardson else dt)
        dW = rng.standard_normal(x.size) * np.sqrt(dt)
        x = step_once(x, dt, dW)
        if step >= start:
            accumulate(sums, x)
        if richardson:
            pending += dW
            if step % 2:
                xc, pending = step_once(xc, 2 * dt, pending), np.zeros_like(x)
                if step >= start:  # each coarse state stands for its two fine steps
                    accumulate(coarse_sums, xc)
                    accumulate(coarse_sums, xc)
    if not np.all(np.isfinite(x)) or not np.all(np.isfinite(xc)):
        raise ValueError("the walkers left the finite range: dt is too large for this drift")
    n_avg = n_steps - start
    return x, TimeAverage(powers, sums / n_avg, coarse_sums / n_avg if richardson else None)


def stationary_density(
    U: Callable,
    D: Callable,
    alpha: object,
    grid: object,
    *,
    corrected: bool,
    beta: object = 1.0,
) -> np.ndarray:
    """Long-time density on ``grid`` (normalised by the trapezoidal rule) of the α-rule SDE with
    drift −βDU' (``corrected=False``: e^{−βU} D^{−(1−α)}) or −βDU' + (1 − α)D'
    (``corrected=True``: the Boltzmann density e^{−βU} for every α)."""
    alpha, beta = _alpha(alpha), _positive(beta, "beta")
    x = np.asarray(grid, dtype=float)
    if x.ndim != 1 or x.size < 3 or np.any(np.diff(x) <= 0):
        raise ValueError("grid must be a 1-D increasing array of at least 3 points")
    u = np.asarray(U(x), dtype=float)
    if u.shape != x.shape or not np.all(np.isfinite(u)):
        raise ValueError("U must map the grid to finite values of the same shape")
    log_p = -beta * (u - u.min())
    if not corrected:
        log_p = log_p - (1 - alpha) * np.log(_diffusivity(D, x))
    p = np.exp(log_p - log_p.max())
    return p / np.trapezoid(p, x)


def alpha_point_kernel(
    drift: Callable,
    D: Callable,
    alpha: object,
    grid: object,
    dt: object,
    *,
    jacobian: bool = True,
) -> np.ndarray:
    """One step of the path integral of the α-point discretisation, on a uniform grid.

    The step y = x + A(x̄) dt + b(x̄) ΔW with x̄ = x + α(y − x) and b = √(2D) maps the Gaussian
    increment ΔW to y; its density is the Gaussian in ΔW(y) = (y − x − A(x̄)dt)/b(x̄) times the
    Jacobian |dΔW/dy|, whose α-dependent part is the measure term of the α-rule path integral.
    ``jacobian=False`` keeps only 1/b(x̄), the naive normalisation (a failure case).

    Returns
    -------
    ndarray, shape (n, n)
        K[i, j] = h·P(x_i | x_j): column j is the distribution after one step from x_j.
    """
    alpha, dt = _alpha(alpha), _positive(dt, "dt")
    x = np.asarray(grid, dtype=float)
    if x.ndim != 1 or x.size < 3:
        raise ValueError("grid must be a 1-D array of at least 3 points")
    h = np.diff(x)
    if not np.allclose(h, h[0]) or h[0] <= 0:
        raise ValueError("grid must be uniform and increasing")
    _memory(8.0 * 8 * x.size**2, f"the {x.size}×{x.size} kernel")
    y, x0 = x[:, None], x[None, :]
    mid = x0 + alpha * (y - x0)
    a, d = np.asarray(drift(mid), dtype=float), _diffusivity(D, mid)
    b = np.sqrt(2 * d)
    spread = float(np.sqrt(2 * d.min() * dt))
    if spread < 2 * h[0]:
        raise ValueError(
            f"dt is too small for this grid: one step spreads by √(2D dt) = {spread:.3g}, below "
            f"two grid spacings ({2 * h[0]:.3g}); refine the grid or take a larger dt"
        )
    dW = (y - x0 - a * dt) / b
    density = np.exp(-(dW**2) / (2 * dt)) / np.sqrt(2 * np.pi * dt)
    if jacobian:
        eps = 1e-6
        da = (np.asarray(drift(mid + eps), dtype=float) - np.asarray(drift(mid - eps))) / (2 * eps)
        db = (np.sqrt(2 * _diffusivity(D, mid + eps)) - np.sqrt(2 * _diffusivity(D, mid - eps))) / (
            2 * eps
        )
        # d/dy of (y − x − A(x̄)dt)/b(x̄), with dx̄/dy = α
        jac = (1 - alpha * da * dt) / b - (y - x0 - a * dt) * alpha * db / b**2
        density = density * np.abs(jac)
    else:
        density = density / b
    return density * h[0]


def chain_stationary(kernel: object, grid: object) -> np.ndarray:
    """Stationary density of the Markov chain with transition matrix ``kernel`` (columns are
    the distributions after one step), normalised on ``grid``: the eigenvector of eigenvalue
    closest to 1, the long-time limit of the path integral."""
    K, x = _real(kernel, "kernel"), _real(grid, "grid")
    if K.ndim != 2 or K.shape[0] != K.shape[1] or K.shape[0] != x.size or x.size < 3:
        raise ValueError("kernel must be square, of the grid's size (at least 3 points)")
    if not (np.all(np.isfinite(K)) and np.all(K >= 0)):
        raise ValueError("kernel must hold finite, non-negative transition probabilities")
    if x.ndim != 1 or not np.all(np.isfinite(x)) or np.any(np.diff(x) <= 0):
        raise ValueError("grid must be a finite, 1-D increasing array")
    values, vectors = np.linalg.eig(K)
    v = np.real(vectors[:, np.argmin(np.abs(values - 1))])
    v = v if v.sum() >= 0 else -v
    if v.min() < -1e-8 * v.max():
        raise ValueError(
            "the chain's leading eigenvector is not a density: the kernel is not a resolved "
            "transition matrix on this grid (check dt against the grid spacing and the range)"
        )
    v = np.clip(v, 0, None)
    return v / np.trapezoid(v, x)


def chain_correlation(kernel: object, grid: object, steps: object) -> np.ndarray:
    """⟨x₀ x_n⟩ − ⟨x⟩² for n = 0..steps along the Markov chain with transition matrix
    ``kernel`` (as :func:`alpha_point_kernel` returns it) started from its own stationary
    density (:func:`chain_stationary`): E[x_n | x₀ = x_j] is (Kᵀ)ⁿ applied to the grid.

    Domain: as :func:`chain_stationary`; steps an int ≥ 0 (at most 10⁶). Returns shape
    (steps + 1,)."""
    p = chain_stationary(kernel, grid)  # checks kernel and grid
    K, x = _real(kernel, "kernel"), _real(grid, "grid")
    if isinstance(steps, bool) or not isinstance(steps, Integral) or not 0 <= steps <= 10**6:
        raise ValueError(f"steps must be an int in 0..10**6, got {steps!r}")
    h = np.diff(x)
    weights = p * np.concatenate([[h[0] / 2], (h[:-1] + h[1:]) / 2, [h[-1] / 2]])
    weights /= weights.sum()
    mean = float(weights @ x)
    if not weights @ (x - mean) ** 2 > 0:
        raise ValueError(
            "the chain's stationary density is a point mass (a kernel that does not move, or "
            "does not mix): there is no correlation to follow"
        )
    out, g = np.empty(int(steps) + 1), x.copy()
    for n in range(int(steps) + 1):
        out[n] = weights @ (x * g) - mean * (weights @ g)
        g = K.T @ g
    return out


def correlation(
    drift: Callable,
    D: Callable,
    x0: object,
    dt: object,
    n_steps: object,
    alpha: object,
    *,
    groups: int = 10,
    seed: object = 0,
) -> np.ndarray:
    """⟨x(0)x(t)⟩ − ⟨x(0)⟩⟨x(t)⟩ at t = 0, dt, …, n_steps·dt, per group of walkers, for walkers
    started at ``x0`` (drawn from the stationary density, this is the equilibrium correlation)
    and moved by the α-point scheme of :func:`simulate`.

    Domain: as :func:`simulate`. Returns shape (n_steps + 1, groups); ValueError for a step
    too large for the drift, or walkers that leave the finite range."""
    x = _walkers(x0)
    dt, n_steps, alpha = _positive(dt, "dt"), _count(n_steps, "n_steps"), _alpha(alpha)
    groups = _groups(groups, x.size)
    _memory(8.0 * (x.size * 6 + (n_steps + 1) * groups), f"{x.size} walkers")
    rng = np.random.default_rng(seed)
    start = x.reshape(groups, -1)
    out = np.empty((n_steps + 1, groups))
    a0 = np.asarray(drift(x), dtype=float)
    if a0.shape != x.shape or not np.all(np.isfinite(a0)):
        raise ValueError("drift must map the walkers to finite values of the same shape")

    def record(n, x):
        now = x.reshape(groups, -1)
        out[n] = (start * now).mean(axis=1) - start.mean(axis=1) * now.mean(axis=1)

    with np.errstate(over="ignore", invalid="ignore"):
        record(0, x)
    for n in range(1, n_steps + 1):
        if (n - 1) % max(1, n_steps // 10) == 0:  # ten times per run, from the first step
            with np.errstate(all="ignore"):
                _check_step(drift, x, dt, dt)
        x = _alpha_point_step(drift, D, alpha, x, dt, rng.standard_normal(x.size) * np.sqrt(dt))
        if not np.all(np.isfinite(x)):
            raise ValueError("the walkers left the finite range: dt is too large for this drift")
        with np.errstate(over="ignore", invalid="ignore"):
            record(n, x)
    if not np.all(np.isfinite(out)):
        raise ValueError("the correlation overflows float64: x0 is too far out, scale it")
    return out
