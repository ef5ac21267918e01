"""The power-law random-features (PLRF) model and the exact expected loss of one-pass SGD on it.

Data x ∈ R^v with independent coordinates x_j ~ N(0, j^(−2α)) (data complexity α), target
y = ⟨x, b⟩ with b_j = j^(−β) (target complexity β), and a model with d parameters that sees the
data through a fixed random embedding W ∈ R^(v×d), W_ij ~ N(0, 1/d): prediction ⟨Wᵀx, θ⟩. The
population loss is P(θ) = ½ E[(⟨Wᵀx, θ⟩ − ⟨x, b⟩)²] (Maloney, Roberts and Sully's model, trained
by Paquette, Paquette, Xiao and Pennington with one-pass SGD).

With features z = Wᵀx (covariance K = WᵀDW, D = diag(j^(−2α))) and θ* the best parameters,
P(θ) = F₀ + ½ (θ − θ*)ᵀ K (θ − θ*), and the residual y − ⟨z, θ*⟩ is Gaussian, uncorrelated with
z, hence independent of it: SGD sees a noisy linear regression with noise variance 2F₀. For
Gaussian z the fourth moments close (Isserlis), so the diagonal s of E[(θ−θ*)(θ−θ*)ᵀ] in K's
eigenbasis obeys an exact linear recursion

    s ← M s + (γ²/B) 2F₀ λ,   M = diag((1 − γλ)² + γ²λ²/B) + (γ²/B) λλᵀ,

for step size γ and batch B. M is symmetric, so the expected loss after any number of steps is
a finite sum of exponentials in its eigenvalues: :func:`expected_loss` evaluates it at any
times without stepping, exactly up to rounding, for a given draw of W.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
import scipy.linalg

from rederived._checks import count, finite_real, positive
from rederived._checks import memory as _memory
from rederived._checks import real_array as _real

__all__ = ["PLRF", "compute_optimal_frontier", "expected_loss", "plrf", "sgd_losses"]


@dataclass(frozen=True)
class PLRF:
    """One draw of the power-law random-features problem (see :func:`plrf`).

    Attributes
    ----------
    alpha, beta : float
    W : ndarray (v, d)
        The embedding.
    spectrum : ndarray (v,)
        D's diagonal, j^(−2α).
    target : ndarray (v,)
        b, j^(−β).
    eigenvalues, eigenvectors : ndarray
        K = WᵀDW = V diag(λ) Vᵀ, λ ascending.
    theta_star : ndarray (d,)
        The population-optimal parameters.
    limit_loss : float
        F₀ = P(θ*), the loss this d can reach (capacity and embedding together).
    dynamics_cache : dict
        The SGD recursion's eigendecomposition and factorisation per (lr, batch), computed by
        :func:`expected_loss` on first use and shared by :meth:`with_target` (they do not
        depend on the target); ``problem.dynamics_cache.clear()`` frees them.
    """

    alpha: float
    beta: float
    W: np.ndarray
    spectrum: np.ndarray
    target: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    theta_star: np.ndarray
    limit_loss: float
    dynamics_cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def d(self) -> int:
        return self.W.shape[1]

    @property
    def v(self) -> int:
        return self.W.shape[0]

    def loss(self, theta: object) -> np.ndarray:
        """Population loss P(θ) exactly, for θ of shape (d,) or (..., d)."""
        theta = np.asarray(theta, dtype=float)
        if theta.shape[-1:] != (self.d,) or not np.all(np.isfinite(theta)):
            raise ValueError(f"theta must be finite with last axis {self.d}, got {theta.shape}")
        e = (theta - self.theta_star) @ self.eigenvectors
        return self.limit_loss + 0.5 * np.sum(self.eigenvalues * e * e, axis=-1)

    def with_target(self, beta: float) -> PLRF:
        """The same data and embedding with target exponent ``beta`` (θ* and F₀ recomputed)."""
        beta = finite_real(beta, "beta")
        if 2 * (self.alpha + beta) <= 1:
            raise ValueError(
                f"need 2(alpha + beta) > 1 for a finite loss, got {self.alpha}, {beta}"
            )
        target = np.arange(1, self.v + 1, dtype=float) ** (-beta)
        root = np.sqrt(self.spectrum)
        rhs = root * target
        A = root[:, None] * self.W
        V = self.eigenvectors
        theta_star = V @ ((V.T @ (A.T @ rhs)) / self.eigenvalues)
        residual = A @ theta_star - rhs
        return PLRF(
            self.alpha,
            beta,
            self.W,
            self.spectrum,
            target,
            self.eigenvalues,
            V,
            theta_star,
            float(0.5 * residual @ residual),
            self.dynamics_cache,
        )


def plrf(alpha: float, beta: float, d: int, v: int, seed: int = 0) -> PLRF:
    """Draw the embedding W (seeded) and solve the problem's deterministic parts.

    Models with the same seed and v are nested: the columns of W for d parameters are the
    first d columns for any larger d (up to the 1/√d scale).

    The model is defined for α > 0 and 2(α + β) > 1 (otherwise ⟨x, b⟩ has unbounded variance
    as v → ∞); d < v parameters.
    """
    alpha = finite_real(alpha, "alpha")
    if alpha <= 0:
        raise ValueError(f"alpha must be positive, got {alpha}")
    if 2 * (alpha + finite_real(beta, "beta")) <= 1:
        raise ValueError(f"need 2(alpha + beta) > 1 for a finite loss, got {alpha}, {beta}")
    d, v = count(d, "d"), count(v, "v", 2)
    if d >= v:
        raise ValueError(f"need d < v, got d={d}, v={v}")
    if isinstance(seed, bool) or not isinstance(seed, Integral):
        raise TypeError(f"seed must be an int, got {seed!r}")
    _memory(8.0 * (3 * d * v + 3 * d * d), f"an embedding of {v} features in {d} parameters")
    j = np.arange(1, v + 1, dtype=float)
    spectrum = j ** (-2 * alpha)
    # drawn as d rows of length v: with one seed, the model with d parameters sees the first d
    # features of every larger model (nested models, less noise between parameter counts)
    W = np.random.default_rng(seed).normal(scale=1 / np.sqrt(d), size=(d, v)).T
    A = np.sqrt(spectrum)[:, None] * W  # D^½ W, so K = AᵀA
    lam, V = np.linalg.eigh(A.T @ A)
    if lam[0] <= 1e-12 * lam[-1]:
        raise ValueError("the embedded covariance is singular; use a larger v or another seed")
    empty = np.zeros(0)
    return PLRF(alpha, np.nan, W, spectrum, empty, lam, V, empty, np.nan).with_target(beta)


def _times(steps: object) -> np.ndarray:
    t = np.asarray(steps)
    if t.dtype.kind not in "iuf" or t.ndim != 1 or not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError("steps must be a 1-d array of non-negative step counts")
    return t.astype(float)


def _dynamics(problem: PLRF, lr: float, batch: int) -> tuple:
    """Eigendecomposition of the recursion matrix M and an LU factorisation of I − M; they
    depend on K's eigenvalues, the step size and the batch only, not on the target, and are
    kept in ``problem.dynamics_cache``."""
    key = (lr, batch)
    if key not in problem.dynamics_cache:
        lam = problem.eigenvalues
        g2b = lr * lr / batch
        M = np.diag((1 - lr * lam) ** 2 + g2b * lam * lam) + g2b * np.outer(lam, lam)
        mu, U = np.linalg.eigh(M)
        problem.dynamics_cache[key] = (mu, U, scipy.linalg.lu_factor(np.eye(len(lam)) - M))
    return problem.dynamics_cache[key]


def expected_loss(problem: PLRF, steps: object, lr: float, batch: int = 1) -> np.ndarray:
    """E[P(θ_t)] after t steps of one-pass SGD from θ₀ = 0, for every t in ``steps``.

    Exact for the given draw of W (the expectation is over the data only): the second-moment
    recursion in the module docstring, diagonalised once. ``lr`` must keep SGD stable (the
    recursion's spectral radius below 1), else ValueError.
    """
    if not isinstance(problem, PLRF):
        raise TypeError("problem must be a PLRF (from rederived.scaling.plrf.plrf)")
    t = _times(steps)
    lr, batch = positive(lr, "lr"), count(batch, "batch")
    lam = problem.eigenvalues
    g2b = lr * lr / batch
    _memory(8.0 * problem.d * (3 * problem.d + t.size), f"the recursion of {problem.d} parameters")
    mu, U, lu = _dynamics(problem, lr, batch)
    if mu[-1] >= 1:
        raise ValueError(f"lr={lr} is too large: SGD's expected loss diverges (radius {mu[-1]})")
    s0 = (problem.eigenvectors.T @ problem.theta_star) ** 2
    s_inf = scipy.linalg.lu_solve(lu, g2b * 2 * problem.limit_loss * lam)
    weights = (U.T @ lam) * (U.T @ (s0 - s_inf))
    decay = np.exp(np.multiply.outer(t, np.log(np.maximum(mu, np.finfo(float).tiny))))
    return problem.limit_loss + 0.5 * (lam @ s_inf + decay @ weights)


def sgd_losses(
    problem: PLRF, steps: object, lr: float, batch: int = 1, runs: int = 100, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo: ``runs`` independent one-pass SGD runs from θ₀ = 0 (fresh Gaussian samples
    every step); the mean and the standard error of P(θ_t) at each t in ``steps``."""
    if not isinstance(problem, PLRF):
        raise TypeError("problem must be a PLRF (from rederived.scaling.plrf.plrf)")
    t = _times(steps)
    if np.any(t != np.round(t)):
        raise ValueError("steps must be whole numbers of steps")
    t = t.astype(int)
    lr, batch, runs = positive(lr, "lr"), count(batch, "batch"), count(runs, "runs", 2)
    _memory(8.0 * runs * batch * (problem.v + 2 * problem.d), f"{runs} runs of batch {batch}")
    rng = np.random.default_rng(seed)
    scale = np.sqrt(problem.spectrum)
    theta = np.zeros((runs, problem.d))
    record = {int(k): None for k in t}
    if 0 in record:
        record[0] = problem.loss(theta)
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is detected below
        for step in range(1, int(t.max(initial=0)) + 1):
            x = rng.normal(size=(runs, batch, problem.v)) * scale
            z, y = x @ problem.W, x @ problem.target
            residual = np.einsum("rbd,rd->rb", z, theta) - y
            theta -= lr / batch * np.einsum("rbd,rb->rd", z, residual)
            if step in record:
                record[step] = problem.loss(theta)
    losses = np.array([record[int(k)] for k in t])
    start = problem.loss(np.zeros((1, problem.d)))[0]
    if not np.all(np.isfinite(losses)) or np.max(losses, initial=0.0) > 1e6 * start:
        raise ValueError(
            f"SGD diverged: the loss grew beyond 10^6 times its start (lr = {lr!r} is too large "
            "for this problem)"
        )
    return losses.mean(axis=1), losses.std(axis=1, ddof=1) / np.sqrt(runs)


def compute_optimal_frontier(
    flops: object, ds: object, losses: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The loss-minimising parameter count at each compute budget (an IsoFLOP minimum).

    ``losses[i, k]`` is the loss of the model with ``ds[k]`` parameters trained with compute
    ``flops[i]``. The discrete minimum is refined by a parabola in (log d, log P) through it and
    its two neighbours. Returns (d*, P*, interior): where the minimum sits at either end of
    ``ds`` the parabola has no neighbours, d* is that end and ``interior`` is False (do not fit
    those).
    """
    flops = _real(flops, "flops")
    ds, losses = _real(ds, "ds"), _real(losses, "losses")
    if flops.ndim != 1 or not (np.all(np.isfinite(flops)) and np.all(flops > 0)):
        raise ValueError("flops must be a 1-d array of positive, finite compute budgets")
    if ds.ndim != 1 or len(ds) < 3 or np.any(ds <= 0) or np.any(np.diff(ds) <= 0):
        raise ValueError("ds must be increasing positive parameter counts, at least 3")
    if losses.shape != (len(flops), len(ds)) or not np.all(np.isfinite(losses)):
        raise ValueError(f"losses must be a finite ({len(flops)}, {len(ds)}) array")
    if np.any(losses <= 0):
        raise ValueError("losses must be positive")
    x, y = np.log(ds), np.log(losses)
    k = np.argmin(losses, axis=1)
    interior = (k > 0) & (k < len(ds) - 1)
    d_star, p_star = ds[k].copy(), losses[np.arange(len(flops)), k].copy()
    for i in np.flatnonzero(interior):
        c2, c1, c0 = np.polyfit(x[k[i] - 1 : k[i] + 2], y[i, k[i] - 1 : k[i] + 2], 2)
        if c2 > 0:
            xm = -c1 / (2 * c2)
            d_star[i], p_star[i] = np.exp(xm), np.exp(c0 + c1 * xm + c2 * xm * xm)
    return d_star, p_star, interior


# --------------------------------------------------------------------------- the phase sweep

#: the 4+3 phases chapter's grid: data and target exponents, parameter counts, compute budgets
PHASE_GRID = {
    "alphas": [0.3, 0.4, 0.6, 0.8, 1.0, 1.3],
    "betas": [0.2, 0.35, 0.5, 0.7, 0.9, 1.2, 1.6],
    "log2_d": [3.0, 10.0, 0.5],  # d = round(2^k), k from 3 to 10 in steps of ½
    "log10_flops": [2.0, 8.0, 41],  # 41 budgets from 10² to 10⁸
    "v": 4096,
}


def phase_grid_arrays(grid: dict = PHASE_GRID) -> tuple[np.ndarray, np.ndarray]:
    """The parameter counts and compute budgets of :data:`PHASE_GRID`."""
    lo, hi, step = grid["log2_d"]
    ds = np.unique(np.round(2 ** np.arange(lo, hi + step / 2, step)).astype(int))
    flops = np.geomspace(
        10 ** grid["log10_flops"][0], 10 ** grid["log10_flops"][1], int(grid["log10_flops"][2])
    )
    return ds, flops


def phase_item(item: dict) -> dict:
    """One group of embedding draws at one α over the whole grid: for every β with
    2(α + β) > 1, the exact expected loss at every (budget, d) (batch 1, step 0.5/tr K) and the
    limit loss F₀(d), each averaged over the group's draws (``item["seeds"]``), to 8
    significant digits. The models of one draw are nested (the same W columns). With
    ``item["max_d"]`` only the parameter counts up to it are computed (the columns of the full
    result that a spot check compares)."""
    ds, flops = phase_grid_arrays()
    ds = ds[ds <= int(item.get("max_d", ds[-1]))]  # a prefix of the d grid (the spot check's)
    alpha, seeds = float(item["alpha"]), [int(s) for s in item["seeds"]]
    betas = [b for b in PHASE_GRID["betas"] if 2 * (alpha + b) > 1]
    losses = {b: np.zeros((len(flops), len(ds))) for b in betas}
    limit = {b: np.zeros(len(ds)) for b in betas}
    for seed in seeds:
        for k, d in enumerate(ds):
            base = plrf(alpha, 1.0, int(d), int(PHASE_GRID["v"]), seed=seed)
            lr = 0.5 / base.eigenvalues.sum()
            for b in betas:
                problem = base.with_target(b)
                losses[b][:, k] += expected_loss(problem, flops / d, lr) / len(seeds)
                limit[b][k] += problem.limit_loss / len(seeds)

    def digits(a):
        return [float(f"{x:.8g}") for x in np.ravel(a)]

    return {
        "betas": betas,
        "losses": [digits(losses[b]) for b in betas],
        "limit": [digits(limit[b]) for b in betas],
    }


def _phase_items(params) -> list[dict]:
    groups, size = int(params["groups"]), int(params["draws_per_group"])
    children = np.random.SeedSequence(int(params["seed"])).spawn(groups * size)
    seeds = [int(c.generate_state(1)[0]) for c in children]
    return [
        {"alpha": a, "seeds": seeds[g * size : (g + 1) * size]}
        for a in PHASE_GRID["alphas"]
        for g in range(groups)
    ]


def _phase_spot(item: dict) -> dict:
    return {**item, "max_d": 128}  # the first 9 of 15 parameter counts, a few per cent of the cost


def _phase_prefix_agrees(fresh: dict, stored: dict) -> bool:
    """Whether a spot check's first columns match the stored result's (to the sweep's rtol)."""
    ds, flops = phase_grid_arrays()
    k = len(fresh["limit"][0])
    if fresh["betas"] != stored["betas"] or k > len(ds):
        return False
    for b in range(len(stored["betas"])):
        full = np.reshape(stored["losses"][b], (len(flops), len(ds)))[:, :k]
        pairs = [(np.ravel(full), fresh["losses"][b]), (stored["limit"][b][:k], fresh["limit"][b])]
        if not all(np.allclose(a, f, rtol=1e-6, atol=0) for a, f in pairs):
            return False
    return True


def _make_phase_sweep():
    from rederived.sweep import Sweep

    return Sweep(
        name="plrf-phases",
        chapter="scaling/four-plus-three-phases",
        description="the exact expected SGD loss on the whole grid, averaged over a group of "
        "embedding draws.",
        scales={
            "book": {"groups": 6, "draws_per_group": 1, "seed": 2024},
            # six independent groups of four draws: 24 embeddings at every α
            "paper": {"groups": 6, "draws_per_group": 4, "seed": 2024},
        },
        items=_phase_items,
        run_item=phase_item,
        rtol=1e-6,  # eigendecompositions round differently with the BLAS kernels
        spot_item=_phase_spot,
        spot_compare=_phase_prefix_agrees,
    )


PHASE_SWEEP = _make_phase_sweep()
