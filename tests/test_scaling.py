"""Unit tests of rederived.scaling (synthetic data with known parameters)."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.scaling import (
    ChinchillaFit,
    bootstrap_chinchilla,
    chinchilla_objective,
    compute_optimal,
    fit_chinchilla,
    fit_power_law,
)

TRUE = ChinchillaFit(E=1.8, A=480.0, B=2100.0, alpha=0.35, beta=0.37)


@pytest.fixture(scope="module")
def surface():
    rng = np.random.default_rng(7)
    N = 10 ** rng.uniform(7.5, 10.5, 120)
    D = 10 ** rng.uniform(8.5, 11.5, 120)
    return N, D, TRUE(N, D)


def test_power_law_recovers_exact_parameters():
    x = np.logspace(2, 5, 25)
    fit = fit_power_law(x, 3.0 * x**-0.35 + 0.05, n_starts=5)
    assert (fit.a, fit.alpha, fit.c) == pytest.approx((3.0, 0.35, 0.05), rel=1e-4)
    np.testing.assert_allclose(fit(x), 3.0 * x**-0.35 + 0.05, rtol=1e-6)


def test_power_law_without_offset_and_interval_covers_truth():
    rng = np.random.default_rng(3)
    x = np.logspace(1, 4, 30)
    y = 2.0 * x**-0.5 * np.exp(rng.normal(0, 0.02, x.size))
    fit = fit_power_law(x, y, offset=False, loss="mse", n_starts=3)
    assert fit.c == 0 and fit.alpha == pytest.approx(0.5, abs=0.02)
    lo, hi = fit.confidence_interval(n_boot=30, seed=1)["alpha"]
    assert lo < 0.5 < hi and hi - lo < 0.05


def test_chinchilla_recovers_noise_free_surface(surface):
    fit = fit_chinchilla(*surface, refine=10)
    got = (fit.E, fit.A, fit.B, fit.alpha, fit.beta)
    assert got == pytest.approx((1.8, 480.0, 2100.0, 0.35, 0.37), rel=1e-3)
    assert fit.objective < 1e-10
    assert chinchilla_objective(TRUE, *surface) < 1e-20


def test_bootstrap_is_seeded_and_spreads(surface):
    N, D, L = surface
    noisy = L * np.exp(np.random.default_rng(0).normal(0, 0.01, L.size))
    start = fit_chinchilla(N, D, noisy, refine=10)
    a = bootstrap_chinchilla(N, D, noisy, n_boot=8, seed=4, start=start)
    b = bootstrap_chinchilla(N, D, noisy, n_boot=8, seed=4, start=start)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (8, 5) and np.ptp(a[:, 3]) > 1e-4  # the refits really move


def test_compute_optimal_minimises_loss_on_the_budget():
    C = 1e23
    n_opt, d_opt = compute_optimal(TRUE, C)
    assert 6 * n_opt * d_opt == pytest.approx(C, rel=1e-12)
    for factor in (0.8, 1.25):  # moving along the budget line only increases the loss
        assert TRUE(n_opt * factor, d_opt / factor) > TRUE(n_opt, d_opt)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: fit_power_law([1, 2, -3], [1, 2, 3]), ValueError, "x must be positive"),
        (lambda: fit_power_law([1, 2, 3], [1, 2]), ValueError, "lengths differ"),
        (lambda: fit_power_law([1, 2, 3], [1, np.nan, 3]), ValueError, "y must be finite"),
        (lambda: fit_power_law([1, 2, 3, 4], [1, 2, 3, 4], loss="l1"), ValueError, "loss"),
        (lambda: fit_power_law([1, 2, 3, 4], [1, 2, 3, 4], space="exp"), ValueError, "space"),
        (lambda: fit_chinchilla([1, 2], [1, 2], [1, 0]), ValueError, "loss must be positive"),
        (lambda: fit_chinchilla(*[range(1, 7)] * 3, delta=0), ValueError, "delta"),
        (lambda: compute_optimal((1, 2, 3, 4, 5), 1e20), TypeError, "ChinchillaFit"),
        (lambda: compute_optimal(TRUE, -1.0), ValueError, "C must be positive"),
        (lambda: bootstrap_chinchilla(*[range(1, 7)] * 3, n_boot=1), ValueError, "n_boot"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- random features -------------------------------------------------------------------------


def test_lbfgs_options_are_passed_through(surface):
    N, D, L = surface
    start = ChinchillaFit(E=2.0, A=300.0, B=1500.0, alpha=0.3, beta=0.3)
    tight = fit_chinchilla(N, D, L, starts=[start])
    loose = fit_chinchilla(N, D, L, starts=[start], lbfgs_options={"maxiter": 2})
    assert loose.objective > tight.objective
    with pytest.raises(TypeError, match="lbfgs_options"):
        fit_chinchilla(N, D, L, starts=[start], lbfgs_options=[("maxiter", 2)])


def test_fits_need_more_points_than_parameters_and_laws_positive_terms():
    x = np.array([10.0, 100.0, 1000.0])
    with pytest.raises(ValueError, match="more points than its 3 parameters"):
        fit_power_law(x, 2 * x**-0.5 + 0.1)
    with pytest.raises(ValueError, match="more points than its 2 parameters"):
        fit_power_law(x[:2], 2 * x[:2] ** -0.5, offset=False)
    N = np.array([1e8, 1e9, 1e10, 1e8, 1e9])
    with pytest.raises(ValueError, match="5 parameters and needs more points"):
        fit_chinchilla(N, 20 * N, TRUE(N, 20 * N))
    with pytest.raises(ValueError, match="A must be positive"):
        ChinchillaFit(E=1.8, A=-480.0, B=2100.0, alpha=0.35, beta=0.37)
    with pytest.raises(ValueError, match="beta must be finite"):
        ChinchillaFit(E=1.8, A=480.0, B=2100.0, alpha=0.35, beta=np.nan)
    with pytest.raises(TypeError, match="E must be a real number"):
        ChinchillaFit(E="1.8", A=480.0, B=2100.0, alpha=0.35, beta=0.37)
    # NumPy numbers are accepted wherever Python ones are
    fit = ChinchillaFit(E=np.float32(1.8), A=np.int64(480), B=2100.0, alpha=0.35, beta=0.37)
    assert isinstance(fit.A, float) and fit.A == 480.0
    x = np.logspace(2, 5, 12)
    assert fit_power_law(x, 3.0 * x**-0.35 + 0.05, n_starts=np.int64(2)).alpha > 0


def test_fit_chinchilla_mean_reduction_same_minimum_and_checked():
    rng = np.random.default_rng(3)
    N = 10 ** rng.uniform(7, 10, 60)
    D = 10 ** rng.uniform(9, 11, 60)
    truth = ChinchillaFit(E=1.8, A=450.0, B=2000.0, alpha=0.35, beta=0.37)
    loss = truth(N, D) * np.exp(0.005 * rng.standard_normal(60))
    summed = fit_chinchilla(N, D, loss)
    averaged = fit_chinchilla(N, D, loss, reduction="mean")
    # same minimum with tight tolerances; the reported objective is the sum in both cases
    assert averaged.objective == pytest.approx(summed.objective, rel=1e-6)
    assert averaged.beta == pytest.approx(summed.beta, rel=1e-4)
    with pytest.raises(ValueError, match="reduction"):
        fit_chinchilla(N, D, loss, reduction="median")


def test_bootstrap_power_law_over_independent_curves():
    from rederived.scaling import bootstrap_power_law

    rng = np.random.default_rng(0)
    x = 2.0 ** np.arange(4, 12)
    # ten repetitions of a law with exponent 0.8, each with its own multiplicative noise
    curves = (2 * x**-0.8 + 0.01) * np.exp(0.05 * rng.standard_normal((10, x.size)))
    fit, interval, samples = bootstrap_power_law(x, curves, n_boot=60, seed=1)
    assert samples.shape == (60, 3)

    # the interval's width matches the spread of the exponent over independent experiments
    def experiment(rng):
        noisy = (2 * x**-0.8 + 0.01) * np.exp(0.05 * rng.standard_normal((10, x.size)))
        return fit_power_law(x, noisy.mean(axis=0), n_starts=4).alpha

    spread = np.std([experiment(np.random.default_rng(s)) for s in range(1, 13)], ddof=1)
    half_width = (interval["alpha"][1] - interval["alpha"][0]) / 2 / 1.96
    assert 0.5 < half_width / spread < 2
    assert abs(fit.alpha - 0.8) < 4 * spread
    assert fit.alpha == pytest.approx(fit_power_law(x, curves.mean(axis=0)).alpha)
    # the same seed and number of rows draw the same resamples: paired samples
    _, _, again = bootstrap_power_law(x, curves, n_boot=60, seed=1)
    np.testing.assert_array_equal(samples, again)
    # options reach the fits
    pure, _, _ = bootstrap_power_law(x, curves, n_boot=2, offset=False)
    assert pure.c == 0
    for bad, match in (
        (curves[:1], "at least 2 repetitions"),
        (curves[:, :-1], "one per size"),
        (-curves, "positive"),
    ):
        with pytest.raises(ValueError, match=match):
            bootstrap_power_law(x, bad)
