"""Unit tests of rederived.matrices.ridgeless."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.matrices.ridgeless import (
    limiting_risk,
    min_norm_fit,
    optimal_sketch_ratio,
    simulated_risks,
    sketch_matrix,
)


def test_limits_by_hand():
    assert limiting_risk(0.5, 10, 5) == pytest.approx(25.0)
    assert limiting_risk(2.0, 6, 2) == pytest.approx(36 * 0.5 + 4)
    # orthogonal sketch: the full-sample limit at φ/ψ; Gaussian: plus σ²φ/(1 − φ) when φ/ψ < 1
    assert limiting_risk(0.5, 10, 5, psi=0.8) == pytest.approx(limiting_risk(0.625, 10, 5))
    assert limiting_risk(0.5, 10, 5, psi=1.0, sketch="gaussian") == pytest.approx(50.0)
    assert limiting_risk(0.5, 10, 5, psi=0.2, sketch="gaussian") == pytest.approx(
        limiting_risk(2.5, 10, 5)
    )


def test_the_optimal_ratio_minimises_the_limit():
    alpha, sigma = 6.0, 2.0
    for phi in (0.5, 0.84, 0.9, 1.2, 1.5, 3.0):
        psi = float(optimal_sketch_ratio(phi, alpha, sigma))
        grid = np.linspace(0.01, 1.0, 2000)
        grid = grid[np.abs(phi / grid - 1) > 1e-3]
        best = limiting_risk(phi, alpha, sigma, psi=grid).min()
        assert limiting_risk(phi, alpha, sigma, psi=psi) <= best + 1e-9
    # weak signal: no sketch below α²/(α² + σ²), the smallest sketch above it
    assert optimal_sketch_ratio(0.3, 3.0, 4.0) == 1.0
    assert optimal_sketch_ratio(0.5, 3.0, 4.0) == 0.0
    assert limiting_risk(0.5, 3.0, 4.0, psi=1e-6) == pytest.approx(9.0, rel=1e-4)
    # α so large that 2α overflows: the window's lower end is still 1 − σ/(2α)
    assert optimal_sketch_ratio(1.0, 1.7e308, 1.7e307) == pytest.approx(0.9)


def test_orthogonal_sketch_has_orthonormal_rows_and_gaussian_the_right_scale():
    S = sketch_matrix(30, 80, "orthogonal", 1)
    np.testing.assert_allclose(S @ S.T, np.eye(30), atol=1e-12)
    G = sketch_matrix(300, 400, "gaussian", 2)
    assert G.var() == pytest.approx(1 / 400, rel=0.02)


def test_haar_rows_are_uniform():
    # the first entry of a uniform unit vector in R^n has mean 0 and variance 1/n
    first = np.array([sketch_matrix(1, 10, "orthogonal", s)[0, 0] for s in range(4000)])
    assert abs(first.mean()) < 4 * np.sqrt(0.1 / 4000)
    assert first.var() == pytest.approx(0.1, rel=0.1)


def test_min_norm_fit_interpolates_with_minimum_norm():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 12)), rng.normal(size=5)
    beta = min_norm_fit(X, y)
    np.testing.assert_allclose(X @ beta, y, atol=1e-12)
    np.testing.assert_allclose(beta, np.linalg.pinv(X) @ y, atol=1e-12)
    tall = rng.normal(size=(12, 5))
    np.testing.assert_allclose(
        min_norm_fit(tall, tall @ np.arange(5.0)), np.arange(5.0), atol=1e-12
    )


def test_simulations_approach_the_limits():
    for kwargs, phi, psi in (({}, 0.5, 1.0), ({"m": 70}, 0.5, 0.7), ({"m": 40}, 0.5, 0.4)):
        risks = simulated_risks(100, 50, 10.0, 5.0, 200, 3, **kwargs)
        assert risks.mean() == pytest.approx(float(limiting_risk(phi, 10, 5, psi=psi)), rel=0.15)
    again = simulated_risks(100, 50, 10.0, 5.0, 5, 3, m=70)
    np.testing.assert_array_equal(again, simulated_risks(100, 50, 10.0, 5.0, 5, 3, m=70))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: limiting_risk(1.0, 1, 1), ValueError, "diverges"),
        (lambda: limiting_risk(0.5, 1, 1, psi=0.5), ValueError, "diverges"),
        (lambda: limiting_risk(-0.5, 1, 1), ValueError, "phi"),
        (lambda: limiting_risk(np.nan, 1, 1), ValueError, "phi"),
        (lambda: limiting_risk(0.5, 1, 1, psi=1.5), ValueError, "psi"),
        (lambda: limiting_risk(0.5, 1, 0), ValueError, "sigma"),
        (lambda: limiting_risk(0.5, -1, 1), ValueError, "alpha"),
        (lambda: limiting_risk(2.0, 1e200, 1), ValueError, "overflow"),
        (lambda: limiting_risk(0.5, 1, 1, sketch="hadamard"), ValueError, "sketch"),
        (lambda: limiting_risk("a", 1, 1), TypeError, "phi"),
        (lambda: optimal_sketch_ratio(0.0, 1, 1), ValueError, "phi"),
        (lambda: sketch_matrix(5, 3, "orthogonal", 0), ValueError, "m"),
        (lambda: sketch_matrix(2, 3, "rademacher", 0), ValueError, "kind"),
        (lambda: sketch_matrix(2, 3, "gaussian", -1), ValueError, "seed"),
        (lambda: sketch_matrix(2, 10**6, "gaussian", 0), ValueError, "n"),
        (lambda: min_norm_fit(np.ones((3, 2)), np.ones(2)), ValueError, "X"),
        (lambda: min_norm_fit(np.full((2, 2), np.inf), np.ones(2)), ValueError, "finite"),
        (lambda: simulated_risks(10, 5, 1, 1, 0, 0), ValueError, "draws"),
        (lambda: simulated_risks(10, 5, 1, 1, 2, 0, m=11), ValueError, "m"),
        (lambda: simulated_risks(10, 5, 1, 1, 2, 0, sketch="x"), ValueError, "sketch"),
        (lambda: simulated_risks(10, 5, 1, 1, 2, 0, sketch="gaussian"), ValueError, "m"),
        (lambda: simulated_risks(10, 5, 1, 1, 10**13, 0), ValueError, "draws"),
        (lambda: limiting_risk(0.5, 1, 1, psi=0.5 + 1e-14), ValueError, "diverges"),
        (lambda: limiting_risk(np.array([True]), 1, 1), TypeError, "phi"),
        (
            lambda: min_norm_fit(np.ones((2, 2)) * 1e-310, np.ones(2) * 1e300),
            ValueError,
            "overflow",
        ),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
