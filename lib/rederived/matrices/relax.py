"""Successive over-relaxation on shifted Laplacians, and bandits that tune it from iteration
counts alone (Khodak, Chow, Balcan and Talwalkar, ICLR 2024, arXiv:2310.02246).

The systems are A_t x = b_t with A_t = Δ_N + s_t I, where Δ_N is the five-point Laplacian on an
N × N grid of interior points with diagonal 4 (MATLAB's ``delsq(numgrid('S', N + 2))``), so A_t
is symmetric positive definite for s_t > −λ_min = −(4 − 4 cos(π/(N+1))). SOR with relaxation
factor ω counts the iterations of the paper's Algorithm 1: x₀ = 0, r_k = b − A x_k, stop at the
first k with ‖r_k‖₂ ≤ ε‖r₀‖₂, else x ← x + (D/ω + L)⁻¹ r_k.

Here the unknowns are ordered red–black (checkerboard). That ordering, like the natural one the
paper uses, is *consistently ordered*, so Young's theory holds unchanged: with β the spectral
radius of the Jacobi iteration, the SOR defect-reduction matrix has spectral radius

    ρ(ω) = ¼ (ωβ + √(ω²β² − 4(ω − 1)))²  for ω < ω*,   ω − 1  for ω ≥ ω*,

minimal at ω* = 2 / (1 + √(1 − β²)). The counts of the two orderings differ by a few
iterations in the transient; :func:`sor_reference` runs Algorithm 1 on any ordering.

The learners see only the counts: :func:`tsallis_inf` plays one factor from a grid per system
(the paper's Algorithm 2, with the anytime rate η_t = 2/√t of its experiments), and with
``contexts`` and ``bins`` keeps one such learner per bin of a scalar context (Algorithm 5).
"""

from __future__ import annotations

import base64
import zlib
from dataclasses import dataclass

import numpy as np

from rederived._checks import count, finite_real, generator, memory, real_array

__all__ = [
    "RELAX_SWEEP",
    "BanditRun",
    "block_instances",
    "decode_counts",
    "expected_regret",
    "jacobi_radius",
    "optimal_omega",
    "red_black_order",
    "relax_block",
    "shifted_laplacian",
    "smallest_shift",
    "sor_counts",
    "sor_radius",
    "sor_reference",
    "surrogate_bound",
    "tsallis_inf",
]

#: the largest grid side of the dense matrices built here (N² = 4096 unknowns, 128 MiB)
MAX_DENSE_SIDE = 64

#: the smallest relative tolerance. Where the residual stalls at its rounding floor (about 1e-16
#: times the condition number, more for ω near 2), whether and when it crosses the tolerance is
#: decided by rounding, and two correct implementations disagree; at 1e-10 and above they agree
#: on every test system
MIN_EPS = 1e-10


def smallest_shift(n_side: int) -> float:
    """−λ_min(Δ_N) = −(4 − 4 cos(π/(N+1))): A = Δ_N + sI is positive definite iff s exceeds it."""
    n_side = count(n_side, "n_side")
    return -8.0 * np.sin(np.pi / (2 * (n_side + 1))) ** 2  # 4 − 4cos θ without cancellation


def _real(value: object, name: str) -> np.ndarray:
    """A float64 array of real numbers; booleans (a likely mistake) refused by name."""
    if np.asarray(value).dtype == bool:
        raise TypeError(f"{name} must be real numbers, not booleans")
    return real_array(value, name)


def _shifts(shift: object, n_side: int, name: str = "shift") -> np.ndarray:
    s = _real(shift, name)
    if not np.all(np.isfinite(s)):
        raise ValueError(f"{name} must be finite")
    lowest = smallest_shift(n_side)
    if np.any(s <= lowest):
        raise ValueError(
            f"{name} must exceed {lowest:.6g} (−λ_min of the {n_side} × {n_side} Laplacian), "
            f"where A = Δ + sI stops being positive definite; got {s.min():.6g}"
        )
    if np.any(_jacobi(n_side, s) >= 1):
        raise ValueError(
            f"{name} is so close to {lowest:.6g} (or the grid so large) that the Jacobi radius "
            "rounds to 1: SOR would not converge in floating point"
        )
    return s


def _jacobi(n_side: int, s: np.ndarray) -> np.ndarray:
    return 4.0 * np.cos(np.pi / (n_side + 1)) / (4.0 + s)


def jacobi_radius(n_side: int, shift: object) -> np.ndarray:
    """β = ρ(I − D⁻¹A) = 4 cos(π/(N+1)) / (4 + s) for A = Δ_N + sI (shift: any shape), in
    [0, 1); shifts whose β rounds to 1 are refused."""
    n_side = count(n_side, "n_side")
    return _jacobi(n_side, _shifts(shift, n_side))


def _omegas(omega: object, name: str = "omega") -> np.ndarray:
    w = _real(omega, name)
    if not np.all((w > 0) & (w < 2)):  # NaN refused too
        raise ValueError(f"{name} must lie in (0, 2), where SOR converges for SPD matrices")
    return w


def _betas(beta: object) -> np.ndarray:
    b = _real(beta, "beta")
    if not np.all((b >= 0) & (b < 1)):
        raise ValueError("beta must lie in [0, 1) (a convergent Jacobi iteration)")
    return b


def optimal_omega(beta: object) -> np.ndarray:
    """Young's optimal factor ω* = 2/(1 + √(1 − β²)) = 1 + (β/(1 + √(1 − β²)))², β in [0, 1)."""
    b = _betas(beta)
    return 2.0 / (1.0 + np.sqrt((1.0 - b) * (1.0 + b)))


def sor_radius(omega: object, beta: object) -> np.ndarray:
    """Spectral radius of SOR's defect-reduction matrix for a consistently ordered matrix whose
    Jacobi iteration has real eigenvalues of largest modulus β (Young's theorem), broadcast over
    ω in (0, 2) and β in [0, 1)."""
    w, b = np.broadcast_arrays(_omegas(omega), _betas(beta))
    star = optimal_omega(b)
    disc = np.maximum(w * w * b * b - 4.0 * (w - 1.0), 0.0)
    below = 0.25 * (w * b + np.sqrt(disc)) ** 2
    return np.where(w < star, below, w - 1.0)


def surrogate_bound(omega: object, beta: object, tau: object, eps: float = 1e-8) -> np.ndarray:
    """The paper's near-asymptotic bound on the iteration count (Lemma 2.1),
    U(ω) = 1 + log(1/ε) / log(1/(ρ(ω) + τ(1 − ρ(ω)))), for τ in [0, 1) and ε in (0, 1)."""
    t = _real(tau, "tau")
    if not np.all((t >= 0) & (t < 1)):
        raise ValueError("tau must lie in [0, 1)")
    eps = finite_real(eps, "eps")
    if not 0 < eps < 1:
        raise ValueError(f"eps must lie in (0, 1), got {eps!r}")
    rho = sor_radius(omega, beta)
    rate = rho + t * (1.0 - rho)
    if np.any(rate >= 1):
        raise ValueError(
            "the bound is infinite: ρ(ω) + τ(1 − ρ(ω)) rounds to 1 (ω near 0, or β or τ near 1)"
        )
    return 1.0 + np.log(eps) / np.log(rate)


def shifted_laplacian(n_side: int, shift: float = 0.0) -> np.ndarray:
    """Dense A = Δ_N + sI (N² × N², natural row-by-row ordering), N ≤ MAX_DENSE_SIDE."""
    n_side = count(n_side, "n_side")
    if n_side > MAX_DENSE_SIDE:
        raise ValueError(f"n_side must be at most {MAX_DENSE_SIDE} for a dense matrix")
    s = float(_shifts(finite_real(shift, "shift"), n_side))
    one = 2.0 * np.eye(n_side) - np.eye(n_side, k=1) - np.eye(n_side, k=-1)
    eye = np.eye(n_side)
    return np.kron(eye, one) + np.kron(one, eye) + s * np.eye(n_side * n_side)


def red_black_order(n_side: int) -> np.ndarray:
    """The permutation of the natural ordering that lists the red points (i + j even) first,
    then the black ones, each row by row: ``A[np.ix_(p, p)]`` is the red–black matrix."""
    n_side = count(n_side, "n_side")
    memory(8.0 * n_side * n_side, f"the ordering of {n_side}² points")
    i, j = np.divmod(np.arange(n_side * n_side), n_side)
    red = (i + j) % 2 == 0
    return np.concatenate([np.flatnonzero(red), np.flatnonzero(~red)])


def sor_reference(
    matrix: object, rhs: object, omega: float, eps: float = 1e-8, max_iter: int = 100_000
) -> int:
    """The paper's Algorithm 1 as written, one system at a time: x₀ = 0, r = b − Ax, return the
    first k with ‖r_k‖ ≤ ε‖r₀‖, else x ← x + (D/ω + L)⁻¹ r (a dense triangular solve). The
    matrix is symmetric with a positive diagonal, at most 4096 × 4096; the ordering is the
    matrix's own; b is scaled by a power of two first (the same count, no overflow in the
    norms). eps in [MIN_EPS, 1). ValueError if it has not converged after ``max_iter``
    iterations."""
    import scipy.linalg

    A = real_array(matrix, "matrix")
    b = real_array(rhs, "rhs")
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"matrix must be square and non-empty, got shape {A.shape}")
    if A.shape[0] > MAX_DENSE_SIDE**2:
        raise ValueError(f"matrix must be at most {MAX_DENSE_SIDE**2} × {MAX_DENSE_SIDE**2}")
    if b.shape != (A.shape[0],):
        raise ValueError(f"rhs must have shape ({A.shape[0]},), got {b.shape}")
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(b))):
        raise ValueError("matrix and rhs must be finite")
    if not np.array_equal(A, A.T) or not np.all(np.diag(A) > 0):
        raise ValueError("matrix must be symmetric with a positive diagonal")
    w = float(_omegas(finite_real(omega, "omega")))
    eps = finite_real(eps, "eps")
    if not 0 < eps < 1:
        raise ValueError(f"eps must lie in (0, 1), got {eps!r}")
    max_iter = count(max_iter, "max_iter")
    if not eps >= MIN_EPS:
        raise ValueError(f"eps must be at least {MIN_EPS:g}: below it rounding decides the count")
    b = np.ldexp(b, -np.frexp(np.max(np.abs(b)))[1])  # a power of two: the same count, no overflow
    W = np.diag(np.diag(A)) / w + np.tril(A, -1)
    x = np.zeros_like(b)
    r = b.copy()
    target = eps * np.linalg.norm(b)
    for k in range(max_iter + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            size = np.linalg.norm(r)
        if size <= target:
            return k
        if not np.isfinite(size):
            raise ValueError(
                f"the iteration diverged after {k} steps (is the matrix positive definite?)"
            )
        with np.errstate(over="ignore", invalid="ignore"):
            x += scipy.linalg.solve_triangular(W, r, lower=True, check_finite=False)
            r = b - A @ x
    raise ValueError(f"no convergence within max_iter = {max_iter} iterations")


def _block(offset: int, n_side: int) -> slice:
    # rows (or columns) offset, offset + 2, ... of the padded grid that are interior (1..N)
    return slice(offset, n_side + 1, 2)


def sor_counts(
    shifts: object,
    rhs: object,
    omegas: object,
    eps: float = 1e-8,
    max_iter: int = 20_000,
    *,
    max_bytes: float | None = None,
) -> np.ndarray:
    """SOR iteration counts (Algorithm 1, red–black ordering) of every system
    (Δ_N + s_t I) x = b_t and every relaxation factor ω_i, batched.

    Parameters
    ----------
    shifts : array (T,)
        s_t, each above :func:`smallest_shift` (positive definite systems).
    rhs : array (T, N, N)
        b_t on the grid (row i, column j), finite; its scale does not matter (the criterion is
        relative; a zero b_t counts 0 iterations).
    omegas : array (d,) or (T, d)
        Relaxation factors in (0, 2): the same d for every system, or d per system.
    eps : float
        Relative residual tolerance in [MIN_EPS, 1).
    max_iter : int
        ValueError if some system needs more iterations.

    Returns
    -------
    int64 array (T, d): the first k with ‖b_t − A_t x_k‖₂ ≤ ε‖b_t‖₂.

    All T·d systems advance together, one red half-sweep and one black half-sweep per
    iteration, on arrays whose last axis runs over the systems; those that have converged are
    dropped once a fifth of the rest has. The residual is not recomputed from scratch: after a
    black half-sweep the black residual is (1 − ω) times the one the sweep used, and the red
    residual is what the next red half-sweep needs anyway.
    """
    rhs = _real(rhs, "rhs")
    if rhs.ndim != 3 or rhs.shape[1] != rhs.shape[2] or rhs.shape[1] == 0:
        raise ValueError(f"rhs must have shape (T, N, N) with N >= 1, got {rhs.shape}")
    if not np.all(np.isfinite(rhs)):
        raise ValueError("rhs must be finite")
    T, n = rhs.shape[0], rhs.shape[1]
    s = _shifts(shifts, n, "shifts")
    if s.shape != (T,):
        raise ValueError(f"shifts must have shape ({T},) to match rhs, got {s.shape}")
    w_grid = _omegas(omegas, "omegas")
    if w_grid.ndim == 1:
        w_grid = np.broadcast_to(w_grid, (T, w_grid.size))
    if w_grid.ndim != 2 or w_grid.shape[0] != T or w_grid.shape[1] == 0:
        raise ValueError(f"omegas must be a non-empty (d,) or ({T}, d) array, got {w_grid.shape}")
    eps = finite_real(eps, "eps")
    if not MIN_EPS <= eps < 1:
        raise ValueError(f"eps must lie in [{MIN_EPS:g}, 1), got {eps!r}")
    max_iter = count(max_iter, "max_iter")
    d = w_grid.shape[1]
    systems = T * d
    memory(4.5 * 8.0 * systems * (n + 2) ** 2, f"{systems} SOR systems of {n}² unknowns", max_bytes)
    if systems == 0:
        return np.zeros((T, d), dtype=np.int64)

    # each b_t scaled by a power of two to a largest entry in [1/2, 1): exact, so the iterates
    # and the counts are those of b_t, and no squared norm overflows or underflows
    largest = np.max(np.abs(rhs), axis=(1, 2))
    rhs = np.ldexp(rhs, -np.frexp(largest)[1][:, None, None])
    diag = np.repeat(4.0 + s, d)
    w = w_grid.ravel().copy()
    b = np.zeros((n + 2, n + 2, systems))
    b[1:-1, 1:-1] = np.repeat(rhs, d, axis=0).transpose(1, 2, 0)
    x = np.zeros_like(b)
    tol2 = eps**2 * np.einsum("ijk,ijk->k", b, b)
    counts = np.full(systems, -1, dtype=np.int64)
    active = np.arange(systems)
    mine = np.full(systems, -1, dtype=np.int64)  # counts of the active systems
    relax, damp = w / diag, (1.0 - w) ** 2
    red, black = ((1, 1), (2, 2)), ((1, 2), (2, 1))

    def residual(r0, c0):
        rows, cols = _block(r0, n), _block(c0, n)
        around = (
            x[_block(r0 - 1, n - 1), cols]
            + x[_block(r0 + 1, n + 1), cols]
            + x[rows, _block(c0 - 1, n - 1)]
            + x[rows, _block(c0 + 1, n + 1)]
        )
        return b[rows, cols] + around - diag * x[rows, cols]

    # at x₀ = 0 the black residual is b there
    black_norm2 = sum(
        np.einsum("ijk,ijk->k", b[_block(r0, n), _block(c0, n)], b[_block(r0, n), _block(c0, n)])
        for r0, c0 in black
    )
    for k in range(max_iter + 1):
        reds = [residual(r0, c0) for r0, c0 in red]
        norm2 = black_norm2 + sum(np.einsum("ijk,ijk->k", r, r) for r in reds)
        mine[(mine < 0) & (norm2 <= tol2)] = k
        pending = mine < 0
        if not pending.any() or np.count_nonzero(pending) <= 0.8 * active.size:
            counts[active[~pending]] = mine[~pending]
            active, x, b = active[pending], x[..., pending], b[..., pending]
            diag, relax, damp, tol2 = diag[pending], relax[pending], damp[pending], tol2[pending]
            mine, reds = mine[pending], [r[..., pending] for r in reds]
            if not active.size:
                return counts.reshape(T, d)
        if k == max_iter:
            break
        for (r0, c0), r in zip(red, reds, strict=True):
            x[_block(r0, n), _block(c0, n)] += relax * r
        black_norm2 = np.zeros(active.size)
        for r0, c0 in black:
            r = residual(r0, c0)
            black_norm2 += np.einsum("ijk,ijk->k", r, r)
            x[_block(r0, n), _block(c0, n)] += relax * r
        black_norm2 *= damp
    raise ValueError(
        f"{active.size} of {systems} systems did not converge within max_iter = {max_iter} "
        "iterations"
    )


# --------------------------------------------------------------------------- the learners


@dataclass(frozen=True)
class BanditRun:
    """Runs of a bandit over tables of costs: for run r and instance t, the arm played, the
    probabilities it was drawn from and the cost it incurred.

    Attributes
    ----------
    arms : int64 array (R, T)
    probabilities : float array (R, T, d)
    costs : float array (R, T)
        The played arm's cost (an iteration count: the only thing the learner saw).
    """

    arms: np.ndarray
    probabilities: np.ndarray
    costs: np.ndarray

    def expected_costs(self, table: object) -> np.ndarray:
        """Σ_i p_{t,i} c_{t,i} per run and instance, (R, T): the cost the learner's distribution
        expects at each instance (less noisy than the played arm's cost)."""
        table = _table(table)
        if table.shape != self.probabilities.shape:
            raise ValueError(
                f"table must have the runs' shape {self.probabilities.shape}, got {table.shape}"
            )
        return np.einsum("rtd,rtd->rt", self.probabilities, table)


def _table(costs: object) -> np.ndarray:
    c = _real(costs, "costs")
    if c.ndim != 3 or 0 in c.shape:
        raise ValueError(f"costs must be a non-empty (R, T, d) array, got shape {c.shape}")
    if not np.all(np.isfinite(c)) or np.any(c < 1):
        raise ValueError(
            "costs must be finite iteration counts of at least 1 (the learner's update "
            "subtracts 1: a count of 0, a zero right-hand side, would be a negative loss)"
        )
    return c


def _tsallis_probabilities(losses: np.ndarray, eta: np.ndarray) -> np.ndarray:
    """argmin over the simplex of ⟨L, p⟩ − (4/η) Σ √p_i, row by row: p_i = 4/(η(L_i − x))²
    with x < min L such that Σ p = 1 (Newton from the right, which converges monotonically:
    Σ p is convex and increasing in x)."""
    eta = eta[:, None]
    x = losses.min(axis=1, keepdims=True) - 2.0 / eta  # Σ p ≥ 1 here
    for _ in range(100):
        p = 4.0 / (eta * (losses - x)) ** 2
        total = p.sum(axis=1, keepdims=True)
        if np.all(np.abs(total - 1.0) <= 1e-13):
            break
        x -= (total - 1.0) / (eta * np.sum(p**1.5, axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


def tsallis_inf(
    costs: object,
    seed: object,
    *,
    contexts: object = None,
    bins: object = None,
    importance_weighted: bool = True,
) -> BanditRun:
    """Tsallis-INF (the paper's Algorithm 2) replayed on tables of costs, R runs at once.

    Parameters
    ----------
    costs : array (R, T, d)
        Cost of each of d arms on each instance (SOR iteration counts ≥ 1, one table per run).
        The learner sees only the played arm's cost.
    seed : int, SeedSequence or Generator
        The arms are drawn from it (one uniform number per run and instance).
    contexts, bins : array (R, T) and increasing array (m + 1,), optional
        With both, one independent learner per bin of the context (Algorithm 5): instance t of
        run r is served by the learner of the bin holding ``contexts[r, t]`` (values outside the
        edges go to the first or last bin).
    importance_weighted : bool
        False gives the broken learner used as a control: the played arm's loss is added
        without dividing by its probability, so that arms played often look costly and arms
        played rarely look cheap.

    As in the authors' code (``learners/TsallisINF.m``), each learner adds (cost − 1)/p of the
    played arm to its estimate of that arm's cumulative loss, and plays the probabilities that
    minimise ⟨L̂/c, p⟩ − (4/η_t) Σ √p_i with η_t = 2/√t (t: the instances it has served, plus
    one) and the scale c = (mean of the costs it has seen) − 1 (1 before its first cost, or
    while that mean is 1). Unlike that code, which takes 20 Newton steps from x = −1 for the
    normalising constant without checking where they end, the minimisation is solved to
    rounding (the paper's Algorithm 2).
    """
    table = _table(costs)
    R, T, d = table.shape
    memory(8.0 * R * T * d * 3, f"{R} runs of {T} instances and {d} arms")
    rng = generator(seed)
    if (contexts is None) != (bins is None):
        raise ValueError("contexts and bins go together: give both or neither")
    if contexts is None:
        which = np.zeros((R, T), dtype=np.int64)
        m = 1
    else:
        ctx = real_array(contexts, "contexts")
        edges = real_array(bins, "bins")
        if ctx.shape != (R, T) or not np.all(np.isfinite(ctx)):
            raise ValueError(f"contexts must be finite with shape ({R}, {T}), got {ctx.shape}")
        if edges.ndim != 1 or edges.size < 2 or not np.all(np.diff(edges) > 0):
            raise ValueError("bins must be an increasing 1-d array of at least two edges")
        m = edges.size - 1
        which = np.clip(np.searchsorted(edges, ctx, side="right") - 1, 0, m - 1)
    if not isinstance(importance_weighted, bool):
        raise TypeError("importance_weighted must be a bool")

    uniforms = rng.random((R, T))
    estimates = np.zeros((R, m, d))  # Σ (cost − 1)/p of each learner's played arms
    served = np.zeros((R, m))  # instances each learner has served
    mean_cost = np.zeros((R, m))  # running mean of each learner's costs (kept without sums)
    arms = np.empty((R, T), dtype=np.int64)
    probabilities = np.empty((R, T, d))
    played = np.empty((R, T))
    runs = np.arange(R)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is refused after the loop
        for t in range(T):
            b = which[:, t]
            seen = served[runs, b]
            # the authors' scale: the mean cost so far minus one (1 before the first cost, or if
            # that is not positive)
            scale = mean_cost[runs, b] - 1.0
            scale = np.where((seen > 0) & (scale > 0), scale, 1.0)
            p = _tsallis_probabilities(estimates[runs, b] / scale[:, None], 2.0 / np.sqrt(seen + 1))
            cdf = np.cumsum(p, axis=1)
            arm = np.minimum((cdf < uniforms[:, t, None] * cdf[:, -1:]).sum(axis=1), d - 1)
            cost = table[runs, t, arm]
            served[runs, b] = seen + 1
            mean_cost[runs, b] += (cost - mean_cost[runs, b]) / (seen + 1)
            loss = cost - 1.0
            if importance_weighted:
                loss = loss / p[runs, arm]
            estimates[runs, b, arm] += loss
            arms[:, t], probabilities[:, t], played[:, t] = arm, p, cost
    if not (np.all(np.isfinite(probabilities)) and np.all(np.isfinite(estimates))):
        raise ValueError("costs too large: the learner's importance-weighted sums overflow")
    return BanditRun(arms, probabilities, played)


def expected_regret(run: BanditRun, costs: object, against: str = "fixed") -> np.ndarray:
    """Cumulative regret of the runs' expected costs, (R, T): Σ_{s≤t} ⟨p_s, c_s⟩ minus, for
    ``against="fixed"``, the best single arm's Σ_{s≤t} c_{s,i} in hindsight (over the first t
    instances), or, for ``"instance"``, Σ_{s≤t} min_i c_{s,i} (the instance-optimal arms)."""
    if not isinstance(run, BanditRun):
        raise TypeError(f"run must be a BanditRun, got {type(run).__name__}")
    table = _table(costs)
    spent = np.cumsum(run.expected_costs(table), axis=1)
    if against == "fixed":
        best = np.cumsum(table, axis=1).min(axis=2)
    elif against == "instance":
        best = np.cumsum(table.min(axis=2), axis=1)
    else:
        raise ValueError(f"against must be 'fixed' or 'instance', got {against!r}")
    return spent - best


# --------------------------------------------------------------------------- the stored run

#: the paper's experiment (§2.3, App. G.1): N = 10 (n = 100), ε = 1e-8, shifts (12c − 3)/20 with
#: c ~ Beta(2, 6) ("low variance") or Beta(1/2, 3/2) ("high variance"), and the authors' code's
#: grid of 20 factors on [1, 1.95]
RELAX_SETUP = {
    "n_side": 10,
    "eps": 1e-8,
    "omegas": [round(1.0 + 0.05 * i, 2) for i in range(20)],
    "settings": {"low": (2.0, 6.0), "high": (0.5, 1.5)},
}


def block_instances(item: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The draws c, shifts s = (12c − 3)/20 and right-hand sides (size, N, N) of one block of
    instances of the stored run, regenerated from the item's seed (they are not stored)."""
    rng = np.random.default_rng(np.random.SeedSequence(item["seed"]))
    a, b = RELAX_SETUP["settings"][item["setting"]]
    n = RELAX_SETUP["n_side"]
    c = rng.beta(a, b, item["size"])
    # the paper draws b from a radially truncated Gaussian; with the relative criterion only
    # b's direction matters, and a Gaussian's direction is uniform with or without truncation
    rhs = rng.normal(size=(item["size"], n, n))
    return c, (12.0 * c - 3.0) / 20.0, rhs


def _encode(counts: np.ndarray) -> str:
    if counts.max(initial=0) >= 2**16:
        raise ValueError("counts above 65535 do not fit the stored format")
    return base64.b64encode(zlib.compress(counts.astype("<u2").tobytes(), 9)).decode("ascii")


def decode_counts(text: str, shape: tuple[int, int]) -> np.ndarray:
    """The (instances × factors) counts of a stored block (zlib-compressed little-endian
    uint16, base64)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if not (isinstance(shape, tuple) and len(shape) == 2):
        raise TypeError(f"shape must be a pair (instances, factors), got {shape!r}")
    rows, cols = count(shape[0], "shape[0]", 0), count(shape[1], "shape[1]", 0)
    expected = 2 * rows * cols
    memory(float(expected), f"{rows} × {cols} counts")
    try:
        unpacker = zlib.decompressobj()
        raw = unpacker.decompress(base64.b64decode(text.encode("ascii"), validate=True), expected)
        leftover = bool(unpacker.unconsumed_tail) or bool(unpacker.decompress(b"", 1))
    except (ValueError, zlib.error) as err:
        raise ValueError(f"text is not a stored block of counts: {err}") from None
    if len(raw) != expected or leftover:
        raise ValueError(f"text does not hold exactly {rows} × {cols} counts")
    return np.frombuffer(raw, dtype="<u2").reshape(rows, cols).astype(np.int64)


def relax_block(item: dict) -> dict:
    """One stored block: every grid factor's SOR count for ``item["size"]`` instances (the
    first ``item.get("limit")`` of them only, for a spot check), encoded as by
    :func:`decode_counts`; the instances are :func:`block_instances` of the item."""
    _, shifts, rhs = block_instances(item)
    k = item.get("limit", item["size"])
    counts = sor_counts(shifts[:k], rhs[:k], RELAX_SETUP["omegas"], RELAX_SETUP["eps"])
    return {"instances": k, "counts": _encode(counts)}


def _relax_items(params) -> list[dict]:
    sequences, blocks, size = (int(params[k]) for k in ("sequences", "blocks", "block_size"))
    items = []
    for index, setting in enumerate(RELAX_SETUP["settings"]):
        root = np.random.SeedSequence([int(params["seed"]), index])
        for s, child in enumerate(root.spawn(sequences)):
            for k, grandchild in enumerate(child.spawn(blocks)):
                seed = int(grandchild.generate_state(1, np.uint64)[0])
                items.append(
                    {"setting": setting, "sequence": s, "block": k, "size": size, "seed": seed}
                )
    return items


def _relax_spot(item: dict) -> dict:
    return {**item, "limit": 25}  # the block's first 25 instances: a twentieth of its cost


def _relax_prefix_agrees(fresh: dict, stored: dict) -> bool:
    k, d = fresh["instances"], len(RELAX_SETUP["omegas"])
    if k > stored["instances"]:
        return False
    full = decode_counts(stored["counts"], (stored["instances"], d))
    return np.array_equal(decode_counts(fresh["counts"], (k, d)), full[:k])


def _make_relax_sweep():
    from rederived.sweep import Sweep

    return Sweep(
        name="relax-counts",
        chapter="matrices/learning-to-relax",
        description="every grid factor's SOR iteration count for one block of shifted-Laplacian "
        "systems of one setting and instance sequence.",
        scales={
            "book": {"sequences": 2, "blocks": 2, "block_size": 50, "seed": 2310},
            # the paper's T = 5000 instances per sequence, five sequences per setting
            "paper": {"sequences": 5, "blocks": 10, "block_size": 500, "seed": 2310},
        },
        items=_relax_items,
        run_item=relax_block,
        spot_item=_relax_spot,
        spot_compare=_relax_prefix_agrees,
    )


RELAX_SWEEP = _make_relax_sweep()
