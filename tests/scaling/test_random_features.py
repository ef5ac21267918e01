"""Unit tests of rederived.scaling.random_features: kernel limit, exact cases, nested fits, bad
input."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.scaling.random_features import (
    fourier_teacher,
    learning_curve,
    random_features,
    relu_kernel,
    relu_kernel_spectrum,
    relu_teacher,
    sphere_points,
)


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


def test_learning_curve_fits_several_targets_at_once():
    X = sphere_points(200, 2, seed=1)
    Y = np.stack([relu_teacher(3, seed=s)(X) for s in (2, 3)], axis=1)
    X_test = sphere_points(10, 2, seed=3)
    sizes = np.array([20, 200])
    for width in (None, 50):
        both = learning_curve(X, Y, X_test, sizes, width, 1e-6, seed=4)
        assert both.shape == (2, 10, 2)
        for k in range(2):
            one = learning_curve(X, Y[:, k], X_test, sizes, width, 1e-6, seed=4)
            np.testing.assert_allclose(both[..., k], one, rtol=1e-10, atol=1e-12)


def test_relu_kernel_blocks_agree_with_the_formula():
    # 300 columns: several row blocks, the last one partial
    X1, X2 = sphere_points(700, 3, seed=1), sphere_points(300, 3, seed=2)
    cos = np.clip((X1 @ X2.T / 4 + 1) / 2, -1, 1)  # s = 2 on this sphere
    theta = np.arccos(cos)
    direct = 2 * (np.sin(theta) + (np.pi - theta) * cos) / (2 * np.pi)
    np.testing.assert_allclose(relu_kernel(X1, X2), direct, rtol=1e-13, atol=1e-15)


def test_relu_kernel_spectrum_against_independent_checks():
    import mpmath

    values, degrees = relu_kernel_spectrum(3, 500)
    assert np.all(np.diff(values) <= 0) and degrees[0] == 0
    # multiplicities on S^3 are (ℓ + 1)²
    for ell in range(5):
        assert np.count_nonzero(degrees == ell) == (ell + 1) ** 2
    # Mercer: the eigenvalues with multiplicity sum to k(x, x) = s/2 = 1; the tail is small
    full, _ = relu_kernel_spectrum(3, 4000)
    assert 1 - 1e-4 < full.sum() < 1
    # one eigenvalue by adaptive quadrature in 30-digit arithmetic, t = cos φ, weight sin² φ
    mpmath.mp.dps = 30
    ell = 5

    def integrand(p):
        c = (mpmath.cos(p) + 1) / 2
        th = mpmath.acos(c)
        k = 2 * (mpmath.sin(th) + (mpmath.pi - th) * c) / (2 * mpmath.pi)
        g = mpmath.gegenbauer(ell, 1, mpmath.cos(p)) / mpmath.gegenbauer(ell, 1, 1)
        return k * g * mpmath.sin(p) ** 2

    exact = mpmath.quad(integrand, [0, mpmath.pi]) / (mpmath.pi / 2)
    mpmath.mp.dps = 15
    assert values[degrees == ell][0] == pytest.approx(float(exact), rel=1e-10)
    # the Gram matrix of n points, over n, approaches the spectrum (Monte Carlo, a few %)
    X = sphere_points(1500, 2, seed=5)
    gram = np.linalg.eigvalsh(relu_kernel(X, X))[::-1] / 1500
    exact2, _ = relu_kernel_spectrum(2, 9)
    np.testing.assert_allclose(gram[[0, 1, 4, 8]].sum(), exact2[[0, 1, 4, 8]].sum(), rtol=0.03)
    # d = 1: cosines, multiplicity 2
    _, d1 = relu_kernel_spectrum(1, 5)
    assert list(d1) == [0, 1, 1, 2, 2]


def test_seeds_may_be_seed_sequences():
    a, b = np.random.SeedSequence(5).spawn(2)
    assert np.array_equal(sphere_points(4, 2, seed=a), sphere_points(4, 2, seed=a))
    assert not np.array_equal(sphere_points(4, 2, seed=a), sphere_points(4, 2, seed=b))
    X = sphere_points(30, 2, seed=1)
    y = X[:, 0]
    m1, m2 = random_features(X, y, 8, seed=a), random_features(X, y, 8, seed=a)
    assert np.array_equal(m1.weights, m2.weights)
    with pytest.raises(TypeError, match="seed must be an int or a numpy SeedSequence"):
        sphere_points(4, 2, seed=1.5)
    with pytest.raises(ValueError, match="seed must be non-negative"):
        sphere_points(4, 2, seed=-1)


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
        (
            lambda: random_features(np.ones((3, 2)), np.ones(4), 4),
            "y must be a finite array of shape",
        ),
        (lambda: random_features(np.ones((3, 2)), [1, np.nan, 1], 4), "y must be a finite array"),
        (lambda: random_features([[np.nan, 1]], [1], 4), "X must be finite"),
        (lambda: random_features(np.ones((3, 2)), np.ones(3), 0), "width must be >= 1"),
        (lambda: random_features(np.ones((3, 2)), np.ones(3), 4, ridge=-1), "ridge"),
        (lambda: relu_kernel(np.ones((2, 2)), np.ones((2, 3))), "X2 must have 2 columns"),
        (lambda: relu_kernel(np.ones((2, 2)), np.ones((2, 2)), weight_var=0), "weight_var"),
        (lambda: relu_teacher(0), "dim must be a positive int"),
        (lambda: sphere_points(-1, 2), "n must be a positive int"),
        (lambda: fourier_teacher(2, bandwidth=0), "bandwidth"),
        (lambda: relu_kernel_spectrum(2, 0), "count must be >= 1"),
        (lambda: relu_kernel_spectrum(2, 10, bias_var=0.0), "bias_var must be positive"),
        (lambda: relu_kernel_spectrum(1, 2000), "beyond what double-precision"),
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


def test_kernel_and_spectrum_at_the_extremes():
    # x = 0 without a bias: the feature is identically 0, so is the kernel (not 0/0)
    zero = relu_kernel(np.zeros((2, 2)), np.array([[0.0, 0.0], [1.0, 0.0]]), bias_var=0.0)
    assert np.array_equal(zero, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="X1 is too large"):
        relu_kernel(np.array([[1e200, 0.0]]), np.ones((1, 2)))
    # high dimension: a degree has more harmonics than count, and nothing is materialised
    values, degrees = relu_kernel_spectrum(50, 10)
    assert np.all(np.isfinite(values)) and list(degrees[:2]) == [0, 1]


def test_learning_curve_on_a_singular_kernel_says_what_to_do():
    # repeated inputs with a tiny ridge raised SciPy's LinAlgError from inside the Cholesky
    X = np.repeat(np.random.default_rng(0).normal(size=(3, 2)), 20, axis=0)
    y = np.ones(len(X))
    with pytest.raises(ValueError, match="increase ridge"):
        learning_curve(X, y, X[:4], [10, 60], None, 1e-300)
