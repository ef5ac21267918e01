"""Unit tests of rederived.scaling.chinchilla (synthetic data with known parameters)."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.scaling.chinchilla import (
    ChinchillaFit,
    bootstrap_chinchilla,
    chinchilla_objective,
    compute_optimal,
    fit_chinchilla,
)

TRUE = ChinchillaFit(E=1.8, A=480.0, B=2100.0, alpha=0.35, beta=0.37)


@pytest.fixture(scope="module")
def surface():
    rng = np.random.default_rng(7)
    N = 10 ** rng.uniform(7.5, 10.5, 120)
    D = 10 ** rng.uniform(8.5, 11.5, 120)
    return N, D, TRUE(N, D)


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


def test_lbfgs_options_are_passed_through(surface):
    N, D, L = surface
    start = ChinchillaFit(E=2.0, A=300.0, B=1500.0, alpha=0.3, beta=0.3)
    tight = fit_chinchilla(N, D, L, starts=[start])
    loose = fit_chinchilla(N, D, L, starts=[start], lbfgs_options={"maxiter": 2})
    assert loose.objective > tight.objective
    with pytest.raises(TypeError, match="lbfgs_options"):
        fit_chinchilla(N, D, L, starts=[start], lbfgs_options=[("maxiter", 2)])


def test_fit_needs_more_points_and_the_law_positive_terms():
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


def test_the_law_refuses_sizes_outside_its_domain_and_bad_starts():
    # N = -1 gave NaN and N = 0 inf; starts of the wrong length failed inside the unpacking
    law = ChinchillaFit(406.4, 410.7, 1.69, 0.34, 0.28)
    for bad in (-1.0, 0.0, np.nan, np.inf):
        with pytest.raises(ValueError, match="N must be positive"):
            law(bad, 1e9)
    with pytest.raises(TypeError, match="D"):
        law(1e9, 1e9 + 1j)
    N, D = np.logspace(7, 9, 8), np.logspace(9, 11, 8)
    with pytest.raises(ValueError, match="starts must"):
        fit_chinchilla(N, D, law(N, D), starts=[[1.0, 2.0]])
