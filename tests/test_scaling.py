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
    fourier_teacher,
    learning_curve,
    random_features,
    relu_kernel,
    relu_teacher,
    sphere_points,
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
        (lambda: fit_power_law([1, 2, 3], [1, 2, 3], loss="l1"), ValueError, "loss"),
        (lambda: fit_power_law([1, 2, 3], [1, 2, 3], space="exp"), ValueError, "space"),
        (lambda: fit_chinchilla([1, 2], [1, 2], [1, 0]), ValueError, "loss must be positive"),
        (lambda: fit_chinchilla([1, 2], [1, 2], [1, 2], delta=0), ValueError, "delta"),
        (lambda: compute_optimal((1, 2, 3, 4, 5), 1e20), TypeError, "ChinchillaFit"),
        (lambda: compute_optimal(TRUE, -1.0), ValueError, "C must be positive"),
        (lambda: bootstrap_chinchilla([1, 2], [1, 2], [1, 2], n_boot=1), ValueError, "n_boot"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- random features -------------------------------------------------------------------------


def test_relu_kernel_is_the_infinite_width_limit_of_the_features():
    X = np.random.default_rng(1).standard_normal((6, 3))
    model = random_features(X, np.zeros(6), 400_000, seed=2)
    phi = model.features(X)
    # Monte Carlo error of a mean of 4e5 products: a few 1e-3
    np.testing.assert_allclose(phi @ phi.T, relu_kernel(X, X), atol=1e-2)


def test_relu_kernel_exact_values():
    # parallel inputs: E relu(u)^2 = s/2; orthogonal (no bias): s/(2π)
    x = np.array([[1.0, 0.0]])
    assert relu_kernel(x, x, bias_var=0.0)[0, 0] == pytest.approx(0.25)  # s = |x|²/dim = 1/2
    k = relu_kernel(x, np.array([[0.0, 1.0]]), bias_var=0.0)[0, 0]
    assert k == pytest.approx(0.5 / (2 * np.pi))
    assert relu_kernel(x, -x, bias_var=0.0)[0, 0] == pytest.approx(0.0, abs=1e-15)


def test_random_features_primal_and_dual_agree_and_interpolate():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((40, 2)), rng.standard_normal(40)
    wide = random_features(X, y, 400, ridge=1e-10, seed=1)  # dual: 40 × 40
    np.testing.assert_allclose(wide(X), y, atol=1e-5)
    narrow = random_features(X, y, 30, ridge=1e-3, seed=1)  # primal: 30 × 30
    phi = narrow.features(X)
    direct = np.linalg.solve(phi.T @ phi + 1e-3 * np.eye(30), phi.T @ y)
    np.testing.assert_allclose(narrow.readout, direct, rtol=1e-8, atol=1e-10)
    # the same seed gives the same features; several targets are fitted at once
    both = random_features(X, np.stack([y, 2 * y], axis=1), 30, ridge=1e-3, seed=1)
    np.testing.assert_allclose(both(X)[:, 1], 2 * narrow(X), rtol=1e-10)


def test_kernel_limit_matches_wide_features():
    X = sphere_points(30, 2, seed=4)
    y = relu_teacher(3, seed=5)(X)
    X_test = sphere_points(20, 2, seed=6)
    limit = random_features(X, y, None, ridge=1e-2)
    wide = random_features(X, y, 200_000, ridge=1e-2, seed=7)
    np.testing.assert_allclose(wide(X_test), limit(X_test), atol=2e-2 * np.abs(y).max())


def test_learning_curve_equals_separate_fits():
    X = sphere_points(300, 3, seed=1)
    y = relu_teacher(4, seed=2)(X)
    X_test = sphere_points(25, 3, seed=3)
    sizes = np.array([5, 50, 120, 300])
    for width in (None, 80):
        curve = learning_curve(X, y, X_test, sizes, width, 1e-6, seed=9)
        for row, n in zip(curve, sizes, strict=True):
            single = random_features(X[:n], y[:n], width, 1e-6, seed=9)(X_test)
            np.testing.assert_allclose(row, single, rtol=1e-7, atol=1e-9)


def test_teachers_and_sphere_points():
    X = sphere_points(2000, 4, seed=0)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), np.sqrt(5))
    assert np.mean(X**2) == pytest.approx(1.0)
    f = fourier_teacher(5, modes=7, seed=1)
    x = X[3]
    explicit = sum(
        a * np.cos(w @ x + p)
        for a, w, p in zip(f.amplitudes, f.frequencies.T, f.phases, strict=True)
    )
    assert f(X)[3] == pytest.approx(explicit * np.sqrt(2 / 7))
    g = relu_teacher(5, width=64, seed=2)
    np.testing.assert_allclose(g(X), g.features(X) @ g.readout)
    assert np.array_equal(sphere_points(3, 2, seed=8), sphere_points(3, 2, seed=8))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: random_features(np.ones(3), np.ones(3), 4), "X must be a non-empty 2-d"),
        (lambda: random_features(np.ones((3, 2)), np.ones(4), 4), "y must have shape"),
        (lambda: random_features(np.ones((3, 2)), [1, np.nan, 1], 4), "y must be finite"),
        (lambda: random_features([[np.nan, 1]], [1], 4), "X must be finite"),
        (lambda: random_features(np.ones((3, 2)), np.ones(3), 0), "width must be >= 1"),
        (lambda: random_features(np.ones((3, 2)), np.ones(3), 4, ridge=-1), "ridge"),
        (lambda: relu_kernel(np.ones((2, 2)), np.ones((2, 3))), "X2 must have 2 columns"),
        (lambda: relu_kernel(np.ones((2, 2)), np.ones((2, 2)), weight_var=0), "weight_var"),
        (lambda: relu_teacher(0), "dim must be a positive int"),
        (lambda: sphere_points(-1, 2), "n must be a positive int"),
        (lambda: fourier_teacher(2, bandwidth=0), "bandwidth"),
        (
            lambda: learning_curve(np.ones((4, 1)), np.ones(4), np.ones((2, 1)), [3, 2], None, 1),
            "sizes must increase",
        ),
        (
            lambda: learning_curve(np.ones((4, 1)), np.ones(4), np.ones((2, 1)), [2], None, 0.0),
            "ridge must be positive",
        ),
    ],
)
def test_random_feature_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_random_feature_type_errors():
    with pytest.raises(TypeError, match="width must be an int or None"):
        random_features(np.ones((3, 2)), np.ones(3), 2.5)
    with pytest.raises(TypeError, match="sizes must be"):
        learning_curve(np.ones((4, 1)), np.ones(4), np.ones((2, 1)), [1.5], None, 1.0)
    with pytest.raises(TypeError, match="X must be an array"):
        random_features("abc", np.ones(3), 2)


def test_lbfgs_options_are_passed_through(surface):
    N, D, L = surface
    start = ChinchillaFit(E=2.0, A=300.0, B=1500.0, alpha=0.3, beta=0.3)
    tight = fit_chinchilla(N, D, L, starts=[start])
    loose = fit_chinchilla(N, D, L, starts=[start], lbfgs_options={"maxiter": 2})
    assert loose.objective > tight.objective
    with pytest.raises(TypeError, match="lbfgs_options"):
        fit_chinchilla(N, D, L, starts=[start], lbfgs_options=[("maxiter", 2)])
