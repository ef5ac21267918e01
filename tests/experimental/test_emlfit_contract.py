"""Contract of rederived.experimental.emlfit, on its whole domain (Hypothesis).

Domain: depths 1..MAX_DEPTH; logits finite real arrays of the shapes of a depth-d tree; points
real, finite, 1-d, non-empty, of one length; targets finite complex of that length; τ > 0,
penalty weights ≥ 0, seeds ints ≥ 0, rng a NumPy Generator; work above the memory budget
refused. Results: snapped trees that the logits of a tree reproduce, gradients that agree with
finite differences, a fit that recovers a tree started from its own logits, evaluation that
agrees with the mpmath evaluator; a run that diverges is marked by non-finite loss (fit
restarts it); or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.experimental import eml
from rederived.experimental.emlfit import (
    STRATEGIES,
    FitResult,
    evaluate,
    fit,
    forward,
    gradients,
    initial_logits,
    logits_from_tree,
    snap,
)

COVERS = (
    "FitResult",
    "evaluate",
    "fit",
    "forward",
    "gradients",
    "initial_logits",
    "logits_from_tree",
    "snap",
)


def bottom_trees(d):
    """Trees whose x and y leaves sit at depth d (what a soft tree of depth d can be)."""
    if d == 0:
        return st.sampled_from(["x", "y"])
    return st.tuples(
        st.one_of(st.just("1"), bottom_trees(d - 1)), st.one_of(st.just("1"), bottom_trees(d - 1))
    )


X = np.linspace(1.0, 3.0, 7)
Y = np.linspace(1.5, 2.5, 7)


@given(st.integers(1, 3).flatmap(lambda d: st.tuples(st.just(d), bottom_trees(d))))
def test_logits_of_a_tree_snap_back_to_it(item):
    d, tree = item
    leaf, gate = logits_from_tree(tree, d)
    assert snap(leaf, gate) == tree
    values = evaluate(tree, X, Y, undefined="nan")
    for i in range(0, len(X), 3):
        try:
            reference = complex(eml.evaluate(tree, 30, x=X[i], y=Y[i]))
        except ValueError:
            continue
        if np.isfinite(values[i]):
            assert abs(values[i] - reference) <= 1e-9 * max(1, abs(reference))


@settings(max_examples=max(5, settings.default.max_examples // 3))
@given(st.integers(1, 3), st.sampled_from(STRATEGIES), st.integers(0, 2**32))
def test_gradients_agree_with_finite_differences(d, strategy, seed):
    rng = np.random.default_rng(seed)
    leaf, gate = initial_logits(d, 2, strategy, rng)
    target = evaluate(eml.parse("eml(x,y)"), X, Y)
    loss, _, d_leaf, d_gate = gradients(leaf, gate, X, Y, target, 0.9, 0.05, 0.05)
    if not np.all(np.isfinite(loss)):
        return  # a diverged run: the signal fit restarts on
    h = 1e-6
    for array, grad in ((leaf, d_leaf), (gate, d_gate)):
        index = tuple(rng.integers(0, n) for n in array.shape)
        plus, minus = array.copy(), array.copy()
        plus[index] += h
        minus[index] -= h
        args = (plus, gate) if array is leaf else (leaf, plus)
        args_m = (minus, gate) if array is leaf else (leaf, minus)
        up = gradients(*args, X, Y, target, 0.9, 0.05, 0.05)[0][index[0]]
        down = gradients(*args_m, X, Y, target, 0.9, 0.05, 0.05)[0][index[0]]
        # the difference quotient loses ε·|loss|/h to rounding: a loss of 1e14 (a run near
        # divergence, met in the large profile) leaves it no digits at h = 1e-6
        rounding = 10 * np.finfo(float).eps * max(abs(up), abs(down)) / h
        assert (
            abs((up - down) / (2 * h) - grad[index]) <= 1e-4 * max(1.0, abs(grad[index])) + rounding
        )


@settings(max_examples=3)
@given(st.integers(0, 2**32))
def test_a_fit_started_at_the_answer_recovers_it(seed):
    tree = eml.parse("eml(1,eml(y,x))")
    target = evaluate(tree, X, Y)
    out = fit(
        target, X, Y, 2, runs=2, strategy="all", seed=seed % 1000, search_iters=20,
        hardening_iters=20, start=logits_from_tree(tree, 2), noise=0.0,
    )  # fmt: skip
    assert all(isinstance(r, FitResult) and r.success and r.tree == tree for r in out)


LEAF, GATE = initial_logits(2, 1, "uniform", np.random.default_rng(0))
T = evaluate(eml.parse("eml(x,y)"), X, Y)
BAD = [
    (lambda: initial_logits(0, 1, "uniform", np.random.default_rng(0)), ValueError, "depth"),
    (lambda: initial_logits(40, 1, "uniform", np.random.default_rng(0)), ValueError, "depth"),
    (lambda: initial_logits(2, 0, "uniform", np.random.default_rng(0)), ValueError, "runs"),
    (lambda: initial_logits(2, 10**9, "uniform", np.random.default_rng(0)), ValueError, "GiB"),
    (lambda: initial_logits(2, 1, "uniform", None), TypeError, "rng"),
    (lambda: initial_logits(2, 1, "hot", np.random.default_rng(0)), ValueError, "strategy"),
    (lambda: logits_from_tree(("z", "1"), 1), ValueError, "leaf"),
    (lambda: logits_from_tree(None, 2), TypeError, "tree"),
    (lambda: logits_from_tree(("x", "y"), 2), ValueError, "depth"),
    (lambda: logits_from_tree(("x", "y"), 1, k=0.0), ValueError, "k"),
    (lambda: snap(np.zeros((0, 3)), np.zeros((0, 2))), ValueError, "leaf"),
    (lambda: snap(np.zeros((4, 3)), np.zeros((2, 2))), ValueError, "gate"),
    (lambda: snap(np.zeros((4, 5)), np.zeros((3, 2))), ValueError, "leaf"),
    (lambda: snap(np.full((2, 3), np.nan), np.zeros((1, 2))), ValueError, "finite"),
    (lambda: snap(np.zeros((2, 3)) * 1j, np.zeros((1, 2))), TypeError, "leaf"),
    (lambda: forward(LEAF, GATE, X, Y, 0.0), ValueError, "tau"),
    (lambda: forward(LEAF, GATE, X, Y[:3], 1.0), ValueError, "x and y"),
    (lambda: forward(LEAF, GATE, [], [], 1.0), ValueError, "non-empty"),
    (lambda: forward(LEAF, GATE[:, :1], X, Y, 1.0), ValueError, "gate"),
    (lambda: gradients(LEAF, GATE, X, Y, T[:3], 1.0), ValueError, "target"),
    (lambda: gradients(LEAF, GATE, X, Y, T, 1.0, lam_ent=-1.0), ValueError, "lam_ent"),
    (lambda: evaluate(("x", "y"), None, 1.0), TypeError, "x"),
    (lambda: evaluate(("x", "y"), X, Y[:2]), ValueError, "shape"),
    (lambda: evaluate(("z", "y"), X, Y), ValueError, "leaf"),
    (lambda: evaluate(("1",), X, Y), TypeError, "tree"),
    (lambda: evaluate((("1", "y"), (("1", "y"), "1")), X, 0 * Y), ValueError, "undefined"),
    (lambda: evaluate(("x", "y"), X, Y, undefined="zero"), ValueError, "undefined"),
    (lambda: fit([], [], [], 2, runs=1, strategy="all", seed=0), ValueError, "non-empty"),
    (lambda: fit(T, X + 1j, Y, 2, runs=1, strategy="all", seed=0), TypeError, "x"),
    (lambda: fit(T, X, Y, 2, runs=1, strategy="all", seed=-1), ValueError, "seed"),
    (lambda: fit(T, X, Y, 30, runs=1, strategy="all", seed=0), ValueError, "depth"),
    (lambda: fit(T, X, Y, 2, runs=10**8, strategy="all", seed=0), ValueError, "GiB"),
    (lambda: fit(T, X, Y, 2, runs=1, strategy="all", seed=0, lam_bin=np.nan), TypeError, "lam_bin"),
    (
        lambda: fit(T, X, Y, 2, runs=1, strategy="all", seed=0, success_mse=-1.0),
        ValueError,
        "success_mse",
    ),
    (
        lambda: fit(T, X, Y, 2, runs=1, strategy="all", seed=0, max_restarts=-1),
        ValueError,
        "max_restarts",
    ),
    (
        lambda: fit(T, X, Y, 2, runs=1, strategy="all", seed=0, start=(LEAF[0],)),
        ValueError,
        "start",
    ),
    (
        lambda: fit(
            T, X, Y, 2, runs=1, strategy="all", seed=0, start=(LEAF[0], GATE[0]), noise=None
        ),
        TypeError,
        "noise",
    ),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
