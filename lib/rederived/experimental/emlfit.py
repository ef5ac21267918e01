"""Symbolic regression with trainable EML trees: the author's soft parametrisation, trained by
Adam with gradients written out by hand (complex arithmetic, no autodiff framework).

A soft tree of depth d is a complete binary tree of eml nodes. Each of its 2^d leaves is a
softmax mixture of the candidates (1, x, y); each input of an internal node is s·1 + (1 − s)·c,
with s = sigmoid(gate) and c the child's value, so a gate at s = 1 replaces a subtree by the
constant 1. Training follows the author's two phases: a search at fixed temperature τ, then a
hardening phase in which τ falls geometrically (in t², t the phase's fraction) while entropy and
binarity penalties grow and the learning rate decays; the weights are then snapped to the
nearest hard choice and the snapped tree is exact or it is not. As in the author's trainer,
hardening restarts Adam from each run's best state of the search.

Simplifications against the author's trainer, each a choice of this module: fixed iteration
counts (no plateau or patience logic), no
intermediate-magnitude penalty (its weight is 1e-4 in the author's runs), and a run
whose loss becomes non-finite restarts from a new random initialisation (up to ``max_restarts``
times, then it counts as a failure). Runs are vectorised: every array carries the run index
first, so a batch of seeds costs about as much Python as one run.

Node order: leaves 0 … 2^d − 1; the gates of the first internal level (pairs of leaves) come
first, then those of the next level up, as in the author's trainer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rederived._checks import count, nonnegative, positive, real_array
from rederived._checks import memory as _memory
from rederived.experimental.eml import Tree, _check

#: the deepest soft tree (2^12 leaves per run)
MAX_DEPTH = 12

__all__ = [
    "STRATEGIES",
    "FitResult",
    "evaluate",
    "fit",
    "forward",
    "gradients",
    "initial_logits",
    "logits_from_tree",
    "snap",
]

STRATEGIES = ("biased", "uniform", "xy_biased", "random_hot")
_CANDIDATES = ("1", "x", "y")


def _depth(depth: object) -> int:
    depth = count(depth, "depth")
    if depth > MAX_DEPTH:
        raise ValueError(f"depth must be at most {MAX_DEPTH}, got {depth}")
    return depth


def _logits(leaf: object, gate: object) -> tuple[np.ndarray, np.ndarray, int]:
    """Batched logits (runs, 2^d, 3) and (runs, 2^d − 1, 2), finite and real, and d."""
    leaf, gate = real_array(leaf, "leaf"), real_array(gate, "gate")
    if leaf.ndim != 3 or leaf.shape[-1] != 3 or leaf.shape[1] < 2:
        raise ValueError(f"leaf must have shape (runs, 2^d, 3) with d ≥ 1, got {leaf.shape}")
    depth = int(np.log2(leaf.shape[1]))
    if 2**depth != leaf.shape[1] or depth > MAX_DEPTH:
        raise ValueError(f"leaf must hold 2^d leaves (d ≤ {MAX_DEPTH}), got {leaf.shape[1]}")
    if gate.shape != (leaf.shape[0], 2**depth - 1, 2):
        raise ValueError(
            f"gate must have shape {(leaf.shape[0], 2**depth - 1, 2)} for these leaves, got "
            f"{gate.shape}"
        )
    if not (np.all(np.isfinite(leaf)) and np.all(np.isfinite(gate))):
        raise ValueError("leaf and gate must be finite")
    return leaf, gate, depth


def _points(x: object, y: object, target: object = None):
    """Real finite 1-d points of one non-empty length (and a finite complex target)."""
    x, y = real_array(x, "x"), real_array(y, "y")
    if x.ndim != 1 or x.shape != y.shape or x.size == 0:
        raise ValueError(
            f"x and y must be non-empty 1-d arrays of one length, got {x.shape}, {y.shape}"
        )
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite")
    if target is None:
        return x, y
    target = np.asarray(target)
    if target.dtype.kind not in "biufc":
        raise TypeError(f"target must be numeric, got dtype {target.dtype}")
    target = target.astype(complex)
    if target.shape != x.shape or not np.all(np.isfinite(target)):
        raise ValueError(f"target must be finite with the shape of x {x.shape}, got {target.shape}")
    return x, y, target


def initial_logits(depth: int, runs: int, strategy: str, rng) -> tuple[np.ndarray, np.ndarray]:
    """Leaf logits (runs, 2^d, 3) and gate logits (runs, 2^d − 1, 2) drawn as the author's
    initialisation strategies describe (unit normal noise plus the strategy's offsets);
    ``"all"`` cycles through the four strategies run by run. ``rng`` is a NumPy Generator."""
    depth, runs = _depth(depth), count(runs, "runs")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    _memory(8.0 * runs * 2**depth * 5 * (5 if strategy == "all" else 1), f"{runs} runs' logits")
    if strategy == "all":
        parts = [initial_logits(depth, runs, name, rng) for name in STRATEGIES]
        pick = np.arange(runs) % len(STRATEGIES)
        leaf = np.stack([parts[k][0][r] for r, k in enumerate(pick)])
        gate = np.stack([parts[k][1][r] for r, k in enumerate(pick)])
        return leaf, gate
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be 'all' or one of {STRATEGIES}, got {strategy!r}")
    leaves, internal = 2**depth, 2**depth - 1
    leaf = rng.normal(size=(runs, leaves, 3))
    gate = rng.normal(size=(runs, internal, 2)) + 4.0
    if strategy == "biased":
        leaf[..., 0] += 2.0
    elif strategy == "xy_biased":
        leaf[..., 1:] += 1.0
    elif strategy == "random_hot":
        hot = rng.integers(0, 3, size=(runs, leaves))
        np.put_along_axis(
            leaf, hot[..., None], np.take_along_axis(leaf, hot[..., None], 2) + 3.0, 2
        )
        gate -= 1.0
        gate[rng.random(size=gate.shape) < 0.25] -= 6.0
    return leaf, gate


def logits_from_tree(tree: Tree, depth: int, k: float = 32.0) -> tuple[np.ndarray, np.ndarray]:
    """Leaf (2^d, 3) and gate (2^d − 1, 2) logits of magnitude ``k`` that make the soft tree of
    ``depth`` the hard tree ``tree``, as the author's manual initialisation does: a child "1"
    above the bottom level is a closed gate, and x and y may only sit at the bottom level."""
    depth = _depth(depth)
    k = positive(k, "k")
    tree = _check(tree)
    leaf = np.full((2**depth, 3), -k)
    leaf[:, 0] = k
    gate = np.full((2**depth - 1, 2), k)

    def place(node, level, pos):
        if isinstance(node, str):
            if node not in _CANDIDATES:
                raise ValueError(f"tree has the leaf {node!r}: a soft tree's leaves are 1, x, y")
            if level != depth:
                raise ValueError(
                    f"leaf {node!r} at depth {level}: x and y must be at depth {depth}"
                )
            leaf[pos] = -k
            leaf[pos, _CANDIDATES.index(node)] = k
            return
        if level >= depth:
            raise ValueError(f"the tree is deeper than {depth}")
        index = 2**depth - 2 ** (level + 1) + pos
        for side, child in enumerate(node):
            closed = child == "1"
            gate[index, side] = k if closed else -k
            if not closed:
                place(child, level + 1, 2 * pos + side)

    place(tree, 0, 0)
    return leaf, gate


def _softmax(u: np.ndarray) -> np.ndarray:
    z = np.exp(u - u.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def _sigmoid(u: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * u))


def forward(leaf: np.ndarray, gate: np.ndarray, x: np.ndarray, y: np.ndarray, tau: float):
    """Soft tree outputs (runs, points), complex, and the intermediate values for
    :func:`gradients`. Logits as :func:`initial_logits` gives them, finite; points real,
    finite, non-empty; ``tau`` > 0. A run whose tree overflows (exp of a large value) gets
    non-finite outputs: the signal :func:`fit` restarts it on."""
    leaf, gate, depth = _logits(leaf, gate)
    x, y = _points(x, y)
    tau = positive(tau, "tau")
    _memory(16.0 * 6 * leaf.shape[0] * x.size * 2**depth, "the soft tree's intermediate values")
    weights = _softmax(leaf / tau)  # (S, L, 3)
    candidates = np.stack([np.ones_like(x), x, y], axis=-1)  # (P, 3)
    value = np.einsum("slc,pc->spl", weights, candidates).astype(complex)
    levels, start = [], 0
    with np.errstate(all="ignore"):
        while value.shape[-1] > 1:
            pairs = value.shape[-1] // 2
            s = _sigmoid(gate[:, start : start + pairs] / tau)  # (S, pairs, 2)
            left, right = value[..., 0::2], value[..., 1::2]
            a = s[:, None, :, 0] + (1 - s[:, None, :, 0]) * left
            b = s[:, None, :, 1] + (1 - s[:, None, :, 1]) * right
            exp_a = np.exp(a)
            value = exp_a - np.log(b)
            levels.append((s, left, right, exp_a, b, start))
            start += pairs
    return value[..., 0], (weights, candidates, levels)


def gradients(
    leaf: np.ndarray,
    gate: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    target: np.ndarray,
    tau: float,
    lam_ent: float = 0.0,
    lam_bin: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(loss, data MSE, d loss/d leaf, d loss/d gate) for every run: the loss is the mean of
    |tree − target|² plus ``lam_ent`` times the uncertainty-weighted leaf entropy and
    ``lam_bin`` times the uncertainty-weighted gate binarity, as in the author's trainer.

    Complex convention: g = 2 ∂L/∂z̄ is carried down the tree; through a holomorphic step
    w = f(z) it becomes g·conj(f'(z)), and a real parameter p gets Re(conj(g) ∂z/∂p).
    Arguments as for :func:`forward`, the target finite with the points' shape, the penalty
    weights ≥ 0; a run whose loss is not finite diverged (see :func:`forward`)."""
    x, y, target = _points(x, y, target)
    lam_ent, lam_bin = nonnegative(lam_ent, "lam_ent"), nonnegative(lam_bin, "lam_bin")
    out, (weights, candidates, levels) = forward(leaf, gate, x, y, tau)
    points = out.shape[-1]
    with np.errstate(all="ignore"):
        error = out - target
        mse = np.mean(np.abs(error) ** 2, axis=-1)
        g = 2 * error[..., None] / points  # (S, P, 1)
        d_gate = np.zeros_like(gate)
        for s, left, right, exp_a, b, start in reversed(levels):
            pairs = s.shape[1]
            g_a = g * np.conj(exp_a)
            g_b = g * np.conj(-1 / b)
            sl, sr = s[:, None, :, 0], s[:, None, :, 1]
            ds_left = np.sum(np.real(np.conj(g_a) * (1 - left)), axis=1)  # dL/ds, (S, pairs)
            ds_right = np.sum(np.real(np.conj(g_b) * (1 - right)), axis=1)
            chain = s * (1 - s) / tau
            d_gate[:, start : start + pairs, 0] = ds_left * chain[..., 0]
            d_gate[:, start : start + pairs, 1] = ds_right * chain[..., 1]
            g_child = np.empty((*g.shape[:-1], 2 * pairs), dtype=complex)
            g_child[..., 0::2] = g_a * (1 - sl)
            g_child[..., 1::2] = g_b * (1 - sr)
            g = g_child
        d_weights = np.einsum("spl,pc->slc", np.real(np.conj(g)), candidates)
    loss = mse.copy()
    if lam_ent:  # mean over leaves of U·H, U = clip((1 − max w)/(2/3), 0, 1)², H the entropy
        u = np.clip((1 - weights.max(axis=-1)) / (2 / 3), 0, 1)
        log_w = np.log(weights + 1e-12)
        entropy = -np.sum(weights * log_w, axis=-1)
        loss += lam_ent * np.mean(u**2 * entropy, axis=-1)
        d_u = np.where((u > 0) & (u < 1), 2 * u * -1.5, 0.0)  # dU/d(max w)
        is_max = np.arange(3) == np.argmax(weights, axis=-1)[..., None]
        d_weights = (
            d_weights
            + lam_ent
            * (u[..., None] ** 2 * -(log_w + 1) + (entropy * d_u)[..., None] * is_max)
            / weights.shape[1]
        )
    if lam_bin:  # mean over gates of V·s(1 − s), V = (1 − |2s − 1|)²
        s_all = _sigmoid(gate / tau)
        v = np.clip(1 - np.abs(2 * s_all - 1), 0, 1)
        loss += lam_bin * np.mean(v**2 * s_all * (1 - s_all), axis=(1, 2))
        d_s = v**2 * (1 - 2 * s_all) + s_all * (1 - s_all) * 2 * v * -2 * np.sign(2 * s_all - 1)
        d_gate = d_gate + lam_bin * d_s * s_all * (1 - s_all) / (tau * gate.shape[1] * 2)
    inner = np.sum(weights * d_weights, axis=-1, keepdims=True)
    d_leaf = weights * (d_weights - inner) / tau
    return loss, mse, d_leaf, d_gate


def snap(leaf: np.ndarray, gate: np.ndarray) -> Tree:
    """The hard tree of one run's logits, leaf (2^d, 3) and gate (2^d − 1, 2), finite: each
    leaf its most likely candidate, each gate open (child) or closed (constant 1) by the sign
    of its logit."""
    leaf, gate, _ = _logits(np.asarray(leaf)[None], np.asarray(gate)[None])
    leaf, gate = leaf[0], gate[0]
    value: list = [_CANDIDATES[int(i)] for i in np.argmax(leaf, axis=-1)]
    start = 0
    while len(value) > 1:
        pairs = len(value) // 2
        nxt = []
        for k in range(pairs):
            left = "1" if gate[start + k, 0] >= 0 else value[2 * k]
            right = "1" if gate[start + k, 1] >= 0 else value[2 * k + 1]
            nxt.append((left, right))
        value, start = nxt, start + pairs
    return value[0]


def evaluate(tree: Tree, x: object, y: object, *, undefined: str = "raise") -> np.ndarray:
    """A hard tree in NumPy complex128 at the points (x, y): principal-branch ln, ln 0 = −∞.

    As in :func:`rederived.experimental.eml.evaluate`, an argument of ln whose imaginary part is
    below 8 units of rounding of its real part is taken as real (+0 imaginary part): such values
    are real in exact arithmetic (exp(e − iπ) = −e^e), and rounding would otherwise put them on
    either side of the branch cut, so that the two evaluators gave i and −i for the same tree.

    x and y are numeric arrays of one shape (complex allowed). A value that is undefined at a
    point (∞ − ∞) is a ValueError, unless ``undefined="nan"``, which marks it NaN instead (as
    :func:`fit` needs to score a snapped tree that is wrong somewhere)."""
    tree = _check(tree)
    if undefined not in ("raise", "nan"):
        raise ValueError(f"undefined must be 'raise' or 'nan', got {undefined!r}")
    x, y = np.asarray(x), np.asarray(y)
    for name, v in (("x", x), ("y", y)):
        if v.dtype.kind not in "biufc":
            raise TypeError(f"{name} must be a numeric array, got dtype {v.dtype}")
    if x.shape != y.shape:
        raise ValueError(f"x and y must have one shape, got {x.shape} and {y.shape}")
    x, y = x.astype(complex), y.astype(complex)
    if np.any(np.isnan(x)) or np.any(np.isnan(y)):
        raise ValueError("x and y must not hold NaN")
    leaves = {"1": np.ones_like(x), "x": x, "y": y}
    tiny = 8 * np.finfo(float).eps

    def ev(t):
        if isinstance(t, str):
            if t not in leaves:
                raise ValueError(f"unknown leaf {t!r}: a fitted tree has leaves 1, x and y")
            return leaves[t]
        with np.errstate(all="ignore"):
            b = ev(t[1])
            b = np.where(np.abs(b.imag) <= tiny * np.abs(b.real), b.real + 0j, b)
            return np.exp(ev(t[0])) - np.log(b)

    out = ev(tree)
    if undefined == "raise" and not np.all(np.isfinite(out)):
        raise ValueError(
            f"the tree's value is undefined (∞ − ∞) or beyond complex128 at "
            f"{int(np.sum(~np.isfinite(out)))} of the {out.size} points (pass undefined='nan' to "
            "keep them as they come)"
        )
    return out


@dataclass(frozen=True)
class FitResult:
    """One run: the snapped tree, its mean squared error on the data, whether that is below
    ``success_mse``, the soft loss at the end, the restarts after non-finite losses, and the
    number of weights that did not harden (a leaf whose largest softmax weight is below 0.99,
    or a gate with sigmoid between 0.01 and 0.99, at τ = 1, the author's snap threshold)."""

    tree: Tree
    snapped_mse: float
    success: bool
    soft_mse: float
    restarts: int
    uncertain: int


def fit(
    target: object,
    x: object,
    y: object,
    depth: int,
    *,
    runs: int,
    strategy: str,
    seed: int,
    search_iters: int = 6000,
    hardening_iters: int = 2000,
    lr: float = 0.01,
    tau_search: float = 2.5,
    tau_hard: float = 0.01,
    lam_ent: float = 2e-2,
    lam_bin: float = 2e-2,
    success_mse: float = 1e-20,
    max_restarts: int = 20,
    start: tuple | None = None,
    noise: float = 0.0,
) -> list[FitResult]:
    """Train ``runs`` soft trees of ``depth`` on complex ``target`` values at real points
    (x, y), from seeded initialisations of the given strategy, or, when ``start`` gives
    (leaf, gate) logits (see :func:`logits_from_tree`), from those plus normal noise of scale
    ``noise``; return each run's outcome."""
    depth, runs = count(depth, "depth"), count(runs, "runs")
    search_iters, hardening_iters = (
        count(search_iters, "search_iters"),
        count(hardening_iters, "hardening_iters"),
    )
    lr, tau_search, tau_hard = (
        positive(v, n) for v, n in ((lr, "lr"), (tau_search, "tau_search"), (tau_hard, "tau_hard"))
    )
    depth = _depth(depth)
    x, y, target = _points(x, y, target)
    lam_ent, lam_bin = nonnegative(lam_ent, "lam_ent"), nonnegative(lam_bin, "lam_bin")
    success_mse = positive(success_mse, "success_mse")
    max_restarts = count(max_restarts, "max_restarts", 0)
    rng = np.random.default_rng(count(seed, "seed", 0))
    _memory(16.0 * 8 * runs * x.size * 2**depth, f"{runs} soft trees of depth {depth}")
    if start is not None:
        if not isinstance(start, tuple | list) or len(start) != 2:
            raise ValueError("start must be a pair (leaf, gate) of logits")
        start_leaf, start_gate = (
            real_array(v, n) for v, n in zip(start, ("leaf", "gate"), strict=True)
        )
        if start_leaf.shape != (2**depth, 3) or start_gate.shape != (2**depth - 1, 2):
            raise ValueError(f"start must hold logits of a depth-{depth} tree")
        if not (np.all(np.isfinite(start_leaf)) and np.all(np.isfinite(start_gate))):
            raise ValueError("start must hold finite logits")
        noise = nonnegative(noise, "noise")

    def draw():
        if start is None:
            return initial_logits(depth, runs, strategy, rng)
        return (
            start_leaf + noise * rng.normal(size=(runs, *start_leaf.shape)),
            start_gate + noise * rng.normal(size=(runs, *start_gate.shape)),
        )

    leaf, gate = draw()
    params = [leaf, gate]
    moments = [np.zeros_like(p) for p in params] + [np.zeros_like(p) for p in params]
    steps = np.zeros(runs)
    restarts = np.zeros(runs, dtype=int)
    alive = np.ones(runs, dtype=bool)
    b1, b2, eps = 0.9, 0.999, 1e-8
    total = search_iters + hardening_iters
    mse = np.full(runs, np.inf)
    best_loss = np.full(runs, np.inf)
    best_leaf, best_gate = leaf.copy(), gate.copy()
    for it in range(total):
        if it == search_iters:  # hardening starts from each run's best soft state, fresh Adam
            leaf[...], gate[...] = best_leaf, best_gate
            for m in moments:
                m[...] = 0.0
            steps[:] = 0
        if it < search_iters:
            tau, ent, bin_, rate = tau_search, 0.0, 0.0, lr
        else:
            t = (it - search_iters) / hardening_iters
            tau = tau_search * (tau_hard / tau_search) ** (t**2)
            ent, bin_, rate = t * lam_ent, t * lam_bin, lr * max(0.01, (1 - t) ** 2)
        loss, mse, d_leaf, d_gate = gradients(leaf, gate, x, y, target, tau, ent, bin_)
        bad = ~(
            np.isfinite(loss)
            & np.all(np.isfinite(d_leaf), axis=(1, 2))
            & np.all(np.isfinite(d_gate), axis=(1, 2))
        )
        bad &= alive
        if np.any(bad):  # restart those runs from a new draw
            fresh_leaf, fresh_gate = draw()
            leaf[bad], gate[bad] = fresh_leaf[bad], fresh_gate[bad]
            for m in moments:
                m[bad] = 0.0
            steps[bad] = 0
            restarts[bad] += 1
            alive &= restarts <= max_restarts
            d_leaf[bad], d_gate[bad] = 0.0, 0.0
        d_leaf[~alive], d_gate[~alive] = 0.0, 0.0
        if it < search_iters:
            better = alive & ~bad & (loss < best_loss)
            best_loss[better] = loss[better]
            best_leaf[better], best_gate[better] = leaf[better], gate[better]
        steps += 1
        for p, grad, m, v in zip(params, (d_leaf, d_gate), moments[:2], moments[2:], strict=True):
            m *= b1
            m += (1 - b1) * grad
            v *= b2
            v += (1 - b2) * grad**2
            shape = (-1,) + (1,) * (p.ndim - 1)
            m_hat = m / (1 - b1 ** steps.reshape(shape))
            v_hat = v / (1 - b2 ** steps.reshape(shape))
            p -= rate * m_hat / (np.sqrt(v_hat) + eps)
    results = []
    for r in range(runs):
        tree = snap(leaf[r], gate[r])
        with np.errstate(all="ignore"):
            snapped = float(np.mean(np.abs(evaluate(tree, x, y, undefined="nan") - target) ** 2))
        if not np.isfinite(snapped):
            snapped = float("inf")
        leaf_hard = _softmax(leaf[r]).max(axis=-1) >= 0.99
        gate_s = _sigmoid(gate[r])
        uncertain = int(np.sum(~leaf_hard) + np.sum((gate_s > 0.01) & (gate_s < 0.99)))
        results.append(
            FitResult(
                tree,
                snapped,
                bool(alive[r] and snapped < success_mse),
                float(mse[r]),
                int(restarts[r]),
                uncertain,
            )
        )
    return results


# --------------------------------------------------------------------------- the recovery sweep

#: the author's targets as trees: depth 2 and 3 from random starts, depth 5 from its exact tree
#: with noise (EML_toolkit, PyTorch_v16_final)
AUTHOR_TARGETS = {
    2: "eml(1,eml(y,x))",  # e − ln(e^y − ln x)
    3: "eml(eml(1,eml(y,x)),1)",  # e^e / (e^y − ln x)
    5: "eml(1,eml(eml(1,eml(1,eml(x,y))),1))",  # ln(e − ln(e^x − ln y))
}


def author_grid(step: float) -> tuple[np.ndarray, np.ndarray]:
    """The points x, y ∈ [1, 3] in steps of ``step`` (the author's 0.1 gives 441 points)."""
    grid = np.round(np.arange(1.0, 3.0 + step / 2, step), 10)
    X, Y = np.meshgrid(grid, grid, indexing="ij")
    return X.ravel(), Y.ravel()


def recovery_run(item: dict) -> dict:
    """One training run of the recovery sweep: ``item`` gives the target's depth, the
    initialisation ``strategy`` (or ``"known"``: the exact tree plus noise 12, 3000 + 1200
    steps, on the points where the target is real), the grid ``step`` and the run's ``seed``.
    Returns the snapped tree, whether it is exactly the target, its mean squared error and how
    many weights did not harden."""
    from rederived.experimental import eml

    depth, strategy = int(item["depth"]), str(item["strategy"])
    tree = eml.parse(AUTHOR_TARGETS[depth])
    X, Y = author_grid(float(item["step"]))
    target = evaluate(tree, X, Y)
    options: dict = {}
    if strategy == "known":
        real = np.abs(target.imag) < 1e-12  # the author keeps the points where it is real
        X, Y, target = X[real], Y[real], target[real]
        options = dict(
            search_iters=3000,
            hardening_iters=1200,
            start=logits_from_tree(tree, depth),
            noise=12.0,
        )
    result = fit(
        target,
        X,
        Y,
        depth,
        runs=1,
        strategy="all" if strategy == "known" else strategy,
        seed=int(item["seed"]),
        **options,
    )[0]
    return {
        "tree": eml.to_string(result.tree),
        "target": result.success and eml.to_string(result.tree) == eml.to_string(tree),
        "snapped_mse": float(result.snapped_mse),
        "uncertain": int(result.uncertain),
        "restarts": int(result.restarts),
    }


def _recovery_items(params) -> list[dict]:
    seeds = np.random.SeedSequence(int(params["seed"])).spawn(10_000)
    items, i = [], 0
    for depth, runs in params["runs"].items():
        strategies = ("known",) if int(depth) == 5 else STRATEGIES
        for r in range(int(runs)):
            items.append(
                {
                    "depth": int(depth),
                    "strategy": strategies[r % len(strategies)],
                    "step": params["step"],
                    "seed": int(seeds[i].generate_state(1)[0]),
                }
            )
            i += 1
    return items


def _make_recovery_sweep():
    from rederived.sweep import Sweep

    return Sweep(
        name="eml-regression",
        chapter="experimental/eml-regression",
        description="one run of the author's trainer on one of his targets, snapped.",
        scales={
            # the author's grid and run counts (depth 2: 32, depth 3: 64, depth 5 known: 4)
            "paper": {"step": 0.1, "runs": {"2": 32, "3": 64, "5": 4}, "seed": 20260320},
            # a few minutes on two cores: the old chapter's coarse grid
            "book": {"step": 0.2, "runs": {"2": 8, "3": 24, "5": 4}, "seed": 20260320},
        },
        items=_recovery_items,
        run_item=recovery_run,
        rtol=1e-6,
    )


RECOVERY_SWEEP = _make_recovery_sweep()
