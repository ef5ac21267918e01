"""Unit tests of rederived.approximation.magnitude: weightings, magnitude functions, one-point
updates."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from rederived.approximation import magnitude


def test_closed_forms():
    for t in (0.2, 1.0, 3.0):
        two = np.array([[0.0, 1.5], [1.5, 0.0]])
        assert magnitude.magnitude(two, t) == pytest.approx(2 / (1 + np.exp(-1.5 * t)))
        K5 = 1 - np.eye(5)
        assert magnitude.magnitude(K5, t) == pytest.approx(5 / (1 + 4 * np.exp(-t)))
        xs = np.array([0.0, 0.3, 1.1, 4.0])
        line = 1 + np.sum(np.tanh(t * np.diff(xs) / 2))
        assert magnitude.magnitude(np.abs(xs[:, None] - xs), t) == pytest.approx(line)


def test_magnitude_function_and_weights_sum():
    X = np.random.default_rng(0).uniform(size=(40, 2))
    D = cdist(X, X)
    ts = np.array([0.5, 2.0, 10.0])
    values = magnitude.magnitude_function(D, ts)
    assert np.all(np.diff(values) > 0) and values[-1] < 40  # grows with t, below the count
    w = magnitude.weighting(D, 2.0)
    assert w.magnitude == pytest.approx(values[1]) and w.w.sum() == pytest.approx(w.magnitude)
    assert np.allclose(np.exp(-2.0 * D) @ w.w, 1)


def test_add_point_matches_a_new_solve():
    rng = np.random.default_rng(1)
    X, p = rng.uniform(size=(30, 2)), rng.uniform(size=2)
    base = magnitude.weighting(cdist(X, X), 4.0)
    w_p, total = magnitude.add_point(base, cdist(X, X), np.linalg.norm(X - p, axis=1))
    Y = np.vstack([X, p])
    direct = magnitude.weighting(cdist(Y, Y), 4.0)
    assert w_p == pytest.approx(direct.w[-1]) and total == pytest.approx(direct.magnitude)


def test_add_point_reuses_the_factorisation_of_the_base_space(monkeypatch):
    """The update is O(n²) because it solves with the factors ``weighting`` kept: it factorises
    nothing itself, and a Weighting without factors (built by hand) is factorised once."""
    rng = np.random.default_rng(2)
    X, p = rng.uniform(size=(25, 2)), rng.uniform(size=2)
    D, c = cdist(X, X), np.linalg.norm(X - p, axis=1)
    base = magnitude.weighting(D, 3.0)
    expected = magnitude.add_point(base, D, c)
    calls = []
    real_factor = magnitude._factor
    monkeypatch.setattr(magnitude, "_factor", lambda Z: calls.append(Z.shape) or real_factor(Z))
    assert magnitude.add_point(base, D, c) == pytest.approx(expected, rel=1e-12)
    assert calls == []
    bare = magnitude.Weighting(base.w, base.magnitude, base.t, base.condition)
    assert magnitude.add_point(bare, D, c) == pytest.approx(expected, rel=1e-12)
    assert calls == [(25, 25)]

    # an indefinite Z keeps LU factors, which the update uses as well: the graph metric of
    # K(3,2) at t = 0.2, with a sixth vertex joined to the part of three (making K(3,3))
    def bipartite(a, b):
        D = np.full((a + b, a + b), 2.0)
        D[:a, a:] = D[a:, :a] = 1.0
        np.fill_diagonal(D, 0.0)
        return D

    small, large = bipartite(3, 2), bipartite(3, 3)
    graph = magnitude.weighting(small, 0.2)
    assert graph.factor[0] == "lu"
    direct = magnitude.weighting(large, 0.2)
    assert magnitude.add_point(graph, small, large[5, :5]) == pytest.approx(
        (direct.w[-1], direct.magnitude), rel=1e-10
    )


def test_local_weights_converge_at_large_scale():
    X = np.random.default_rng(2).uniform(size=(300, 2))
    exact = magnitude.weighting(cdist(X, X), 200.0).w
    assert np.allclose(magnitude.local_weights(X, 200.0, 40), exact, rtol=1e-6)


def test_singular_scale_is_refused():
    K32 = np.array(
        [[0 if i == j else (2 if (i < 3) == (j < 3) else 1) for j in range(5)] for i in range(5)]
    )
    with pytest.raises(ValueError, match="singular"):
        magnitude.weighting(K32, np.log(np.sqrt(2)))
    assert np.isfinite(magnitude.magnitude(K32, 1.0))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: magnitude.weighting([[0, 1], [2, 0]], 1.0), ValueError, "symmetric"),
        (lambda: magnitude.weighting([[0, -1], [-1, 0]], 1.0), ValueError, "non-negative"),
        (lambda: magnitude.weighting([[1, 1], [1, 1]], 1.0), ValueError, "zero diagonal"),
        (
            lambda: magnitude.weighting(np.array([[0, 1, 5], [1, 0, 1], [5, 1, 0]]), 1.0),
            ValueError,
            "triangle",
        ),
        (lambda: magnitude.weighting([["a"]], 1.0), TypeError, "real numeric"),
        (lambda: magnitude.weighting(np.zeros((2, 3)), 1.0), ValueError, "square"),
        (lambda: magnitude.weighting(np.zeros((2, 2)), 1.0), ValueError, "singular"),  # coincident
        (lambda: magnitude.weighting([[0, 1], [1, 0]], 0.0), ValueError, "t must be positive"),
        (lambda: magnitude.magnitude_function([[0, 1], [1, 0]], [1.0, -1.0]), ValueError, "ts"),
        (lambda: magnitude.add_point("w", [[0]], [1.0]), TypeError, "Weighting"),
        (
            lambda: magnitude.local_weights(np.zeros((3, 2)), 1.0, 5),
            ValueError,
            "k must be at most",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_local_weights_work_in_bounded_blocks():
    # all neighbourhoods at once once meant 119 GiB at k = n = 2000; now blocks of points, and a
    # single neighbourhood beyond the budget is refused
    X = np.random.default_rng(0).uniform(size=(300, 2))
    blocks = magnitude.local_weights(X, 30.0, 40)
    assert blocks.shape == (300,) and np.all(np.isfinite(blocks))
    with pytest.raises(ValueError, match="GiB"):
        magnitude.local_weights(np.random.default_rng(0).uniform(size=(20_000, 2)), 1.0, 20_000)
