"""Unit tests of rederived.approximation.wls: features, optimal i.i.d. sampling, projection DPPs,
fits."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.approximation import wls


@pytest.fixture(scope="module")
def Phi():
    return wls.orthonormal_features(wls.legendre_features(np.linspace(-1, 1, 301), 4))


def test_features_are_orthonormal_and_span_the_polynomials(Phi):
    assert np.allclose(Phi.T @ Phi / 301, np.eye(4))
    x = np.linspace(-1, 1, 301)
    cubic = 2 * x**3 - x + 0.5
    coef = Phi.T @ cubic / 301
    assert np.allclose(Phi @ coef, cubic)  # the projection of a cubic is itself
    raw = wls.legendre_features(x, 3)
    assert np.allclose(raw[:, 1], np.sqrt(3) * x)


def test_dpp_draws_m_distinct_points_with_the_right_marginals(Phi):
    rng = np.random.default_rng(0)
    counts = np.zeros(301)
    for _ in range(4000):
        idx = wls.projection_dpp(Phi, rng)
        assert len(set(idx.tolist())) == 4
        counts[idx] += 1
    inclusion = np.sum(Phi**2, axis=1) / 301
    se = np.sqrt(inclusion * (1 - inclusion) / 4000)
    assert np.all(np.abs(counts / 4000 - inclusion) < 5 * se + 1e-12)


def test_fits_recover_functions_in_the_space(Phi):
    rng = np.random.default_rng(1)
    x = np.linspace(-1, 1, 301)
    f = 1 - 3 * x**2 + x**3
    for idx in (wls.projection_dpp(Phi, rng), wls.volume_rescaled(Phi, 9, rng)):
        coef = wls.weighted_fit(Phi, idx, f[idx])
        assert wls.l2_error(Phi, coef, f) < 1e-20
    best, _ = wls.best_error(Phi, np.abs(x))
    assert best > 0
    idx, weights = wls.sample_iid(Phi, 50, rng)
    assert np.allclose(weights, 4 / np.sum(Phi[idx] ** 2, axis=1))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: wls.legendre_features([2.0], 3), ValueError, r"\[-1, 1\]"),
        (lambda: wls.legendre_features([0.0], 0), ValueError, "m must"),
        (lambda: wls.orthonormal_features(np.ones((5, 2))), ValueError, "dependent"),
        (lambda: wls.orthonormal_features(np.ones((2, 5))), ValueError, "N >= m"),
        (
            lambda: wls.sample_iid(np.ones((5, 2)), 3, np.random.default_rng()),
            ValueError,
            "orthonormal",
        ),
        (
            lambda: wls.volume_rescaled(
                wls.orthonormal_features(np.random.default_rng(0).normal(size=(20, 4))),
                3,
                np.random.default_rng(),
            ),
            ValueError,
            "n >= m",
        ),
        (
            lambda: wls.weighted_fit(
                wls.orthonormal_features(np.random.default_rng(0).normal(size=(20, 4))),
                np.array([0, 0, 0, 0]),
                np.zeros(4),
            ),
            ValueError,
            "determines only",
        ),
        (
            lambda: wls.weighted_fit(
                wls.orthonormal_features(np.random.default_rng(0).normal(size=(20, 4))),
                np.array([0.5]),
                np.zeros(1),
            ),
            ValueError,
            "integer indices",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_weighted_fit_refuses_wrapping_indices_and_nan_values():
    # a negative index picked a point from the grid's end, and NaN values gave NaN coefficients
    Phi = wls.orthonormal_features(wls.legendre_features(np.linspace(-1, 1, 50), 3))
    with pytest.raises(ValueError, match="no negative wrap"):
        wls.weighted_fit(Phi, np.array([-1, 0, 10, 20, 30]), np.ones(5))
    with pytest.raises(ValueError, match="no negative wrap"):
        wls.weighted_fit(Phi, np.array([0, 10, 20, 50]), np.ones(4))
    with pytest.raises(ValueError, match="y must be finite"):
        wls.weighted_fit(Phi, np.array([0, 10, 20, 30]), np.array([1.0, np.nan, 1.0, 1.0]))
