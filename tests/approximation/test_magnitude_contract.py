"""Contract of rederived.approximation.magnitude, on its whole domain (Hypothesis).

Domain: distance matrices are finite real square matrices, symmetric, zero on the diagonal,
non-negative, obeying the triangle inequality; scales t are finite and positive (t·D may
exceed the double range: e^(−∞) = 0); points are finite (n, dim ≥ 1) arrays below 1e150 without
coincident points, neighbourhood sizes 2 ≤ k ≤ n with n·k³ ≤ MAX_WORK. Results: weightings
with Z w = 1 and the known closed forms, one-point updates equal to a fresh solve, local
weights equal to the exact ones at k = n; singular or ill-determined systems refused; or a
ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.spatial
from hypothesis import given
from hypothesis import strategies as st

from rederived.approximation.magnitude import (
    Weighting,
    add_point,
    check_metric,
    local_weights,
    magnitude,
    magnitude_function,
    weighting,
)

COVERS = (
    "Weighting",
    "add_point",
    "check_metric",
    "local_weights",
    "magnitude",
    "magnitude_function",
    "weighting",
)


def euclidean(seed, n, dim=2):
    X = np.random.default_rng(seed).uniform(size=(n, dim))
    return X, scipy.spatial.distance.cdist(X, X)


@given(st.floats(1e-3, 1e3), st.floats(1e-6, 1e6))
def test_two_points_have_the_closed_form(d, t):
    D = np.array([[0.0, d], [d, 0.0]])
    assert magnitude(D, t) == pytest.approx(2 / (1 + np.exp(-t * d)), rel=1e-9)
    assert magnitude(np.zeros((1, 1)), t) == 1.0


@given(st.integers(2, 25), st.floats(0.5, 50), st.integers(0, 2**32))
def test_weightings_solve_their_system_and_updates_agree(n, t, seed):
    _, D = euclidean(seed, n + 1)
    full = weighting(D, t)
    assert isinstance(full, Weighting) and np.all(np.isfinite(full.w))
    assert np.max(np.abs(np.exp(-t * D) @ full.w - 1)) < 1e-8 * full.condition
    base = weighting(D[:n, :n], t)
    w_new, total = add_point(base, D[:n, :n], D[n, :n])
    assert w_new == pytest.approx(full.w[n], rel=1e-6, abs=1e-9)
    assert total == pytest.approx(full.magnitude, rel=1e-8)
    ts = np.geomspace(0.5, t + 1, 4)
    values = magnitude_function(D, ts)
    assert np.all(np.diff(values) > -1e-9)  # increasing in t for Euclidean points
    assert np.all((values >= 1 - 1e-12) & (values <= n + 1 + 1e-9))


@given(st.integers(3, 30), st.floats(1.0, 100.0), st.integers(0, 2**32))
def test_local_weights_at_k_equal_n_are_the_weighting(n, t, seed):
    X, D = euclidean(seed, n)
    assert np.allclose(local_weights(X, t, n), weighting(D, t).w, rtol=1e-8, atol=1e-10)
    some = local_weights(X, t, max(2, n // 2))
    assert some.shape == (n,) and np.all(np.isfinite(some))


@given(st.sampled_from([1e300, 1e308]))
def test_scales_beyond_the_double_range(t):
    _, D = euclidean(0, 4)
    assert magnitude(D, t) == pytest.approx(4.0)  # every point alone: Z = I


X0, D0 = euclidean(0, 5)
W0 = weighting(D0, 1.0)
BAD = [
    (lambda: check_metric(np.ones((2, 3))), ValueError, "square"),
    (lambda: check_metric(np.array([[0, 1], [2, 0.0]])), ValueError, "symmetric"),
    (lambda: check_metric(np.array([[1, 1], [1, 1.0]])), ValueError, "diagonal"),
    (lambda: check_metric(np.array([[0, np.nan], [np.nan, 0]])), ValueError, "finite"),
    (lambda: check_metric([["a"]]), TypeError, "D"),
    (
        lambda: check_metric(np.array([[0, 1, 5], [1, 0, 1], [5, 1, 0.0]])),
        ValueError,
        "triangle",
    ),
    (lambda: weighting(D0, 0.0), ValueError, "t"),
    (lambda: weighting(D0, np.nan), TypeError, "t"),
    (
        lambda: weighting(np.array([[0, np.nan], [np.nan, 0]]), 1.0, check=False),
        ValueError,
        "finite",
    ),
    (lambda: weighting(np.zeros((3, 3)), 1.0, check=False), ValueError, "singular"),
    (lambda: magnitude_function(D0, ["1"]), TypeError, "ts"),
    (lambda: magnitude_function(D0, [-1.0]), ValueError, "ts"),
    (lambda: add_point(None, D0, D0[0]), TypeError, "base"),
    (lambda: add_point(W0, D0 * 2, D0[0]), ValueError, "not the distance matrix"),
    (lambda: add_point(W0, D0, D0[0][:3]), ValueError, "distances"),
    (lambda: add_point(W0, D0, D0[0]), ValueError, "coincides"),
    (lambda: local_weights(np.vstack([X0, X0[:1]]), 1.0, 3), ValueError, "coincident"),
    (lambda: local_weights([[1e200, 0.0], [0.0, 1.0]], 1.0, 2), ValueError, "1e150"),
    (lambda: local_weights(np.zeros((5, 0)), 1.0, 2), ValueError, "dim"),
    (lambda: local_weights(X0, 1.0, 1), ValueError, "k"),
    (lambda: local_weights(X0, 1.0, 6), ValueError, "k"),
    (
        lambda: local_weights(np.random.default_rng(0).uniform(size=(5000, 2)), 1.0, 4000),
        ValueError,
        "smaller k",
    ),
    (lambda: local_weights(X0 * 1j, 1.0, 2), TypeError, "points"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
