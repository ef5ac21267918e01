"""Contract of rederived.scaling.random_features, on its whole domain (Hypothesis).

Domain: inputs are finite real (n, dim) arrays, targets finite real (n,) or (n, k); widths
positive ints or None (the kernel limit); ridge ≥ 0 (> 0 for nested curves); weight_var > 0,
bias_var ≥ 0 (> 0 for the spectrum); seeds ints ≥ 0 or SeedSequences; every array within 2 GiB.
Results: a symmetric kernel whose diagonal is E relu(pre-activation)² = s/2, spectra that are
positive, sorted and within the kernel's trace, interpolating fits at ridge 0, nested curves that
equal separate fits, points on their sphere; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rederived.scaling import random_features as rf

COVERS = (
    "FourierTeacher",
    "RandomFeatureRegression",
    "fourier_teacher",
    "learning_curve",
    "random_features",
    "relu_kernel",
    "relu_kernel_spectrum",
    "relu_teacher",
    "sphere_points",
)

INPUTS = st.integers(1, 4).flatmap(
    lambda dim: hnp.arrays(float, (6, dim), elements=st.floats(-1e3, 1e3, width=64))
)
VARIANCES = st.tuples(st.floats(1e-3, 10), st.sampled_from([0.0, 0.1, 1.0]))


@given(INPUTS, VARIANCES)
def test_the_kernel_is_symmetric_with_the_relu_second_moment_on_its_diagonal(X, variances):
    weight_var, bias_var = variances
    K = rf.relu_kernel(X, X, weight_var=weight_var, bias_var=bias_var)
    # rounding, relative to the largest entry: near θ = π the arc-cosine profile
    # sin θ + (π − θ) cos θ cancels to a few ulps of either sign
    scale = 1e-14 * np.max(np.abs(K), initial=0)
    assert np.all(np.isfinite(K)) and np.allclose(K, K.T, rtol=1e-12, atol=scale)
    s = weight_var * np.sum(X * X, axis=1) / X.shape[1] + bias_var
    assert np.allclose(np.diag(K), s / 2, rtol=1e-12, atol=1e-300)
    assert np.all(K >= -scale)  # ReLU features are ≥ 0


@given(st.integers(1, 4), st.integers(1, 60), VARIANCES)
def test_spectra_are_positive_sorted_and_within_the_trace(dim, count, variances):
    weight_var, bias_var = variances[0], max(variances[1], 0.1)
    try:
        values, degrees = rf.relu_kernel_spectrum(
            dim, count, weight_var=weight_var, bias_var=bias_var
        )
    except ValueError as err:  # eigenvalues below the quadrature's resolution: said clearly
        assert "below 1e-11" in str(err)
        return
    assert values.shape == degrees.shape == (count,)
    assert np.all(values > 0) and np.all(np.diff(values) <= 1e-15 * values[0])
    # Mercer: every eigenvalue with its multiplicity sums to k(x, x) = (weight_var + bias_var)/2
    assert values.sum() <= (weight_var + bias_var) / 2 * (1 + 1e-9)


@given(st.sampled_from([100, 3000, 10**4]))
def test_high_dimensional_spectra(dim):
    # multiplicities beyond int64 once raised NumPy's casting TypeError (dim = 10**6); degree 1
    # has eigenvalue about (weight_var + bias_var)/2 · 1/(3·dim) for large dim
    values, degrees = rf.relu_kernel_spectrum(dim, 5)
    assert list(degrees) == [0, 1, 1, 1, 1]
    assert values[1] == pytest.approx(1 / (3 * dim), rel=0.01)


@given(st.integers(2, 12), st.integers(1, 3), st.integers(0, 2**31))
def test_ridge_zero_interpolates_and_nested_curves_equal_separate_fits(n, dim, seed):
    X = rf.sphere_points(n, dim, seed=seed)
    assert np.allclose(np.linalg.norm(X, axis=1), np.sqrt(dim + 1), rtol=1e-12)
    teacher = rf.fourier_teacher(dim + 1, 8, seed=seed)
    assert isinstance(teacher, rf.FourierTeacher)
    y = teacher(X)
    wide = rf.random_features(X, y, 10 * n, 0.0, seed=seed)
    assert isinstance(wide, rf.RandomFeatureRegression)
    assert np.allclose(wide(X), y, atol=1e-6 * max(1.0, np.abs(y).max()))
    curve = rf.learning_curve(X, y, X[:2], [1, n], None, 1e-3, seed=seed)
    alone = rf.random_features(X, y, None, 1e-3, seed=seed)
    assert np.allclose(curve[-1], alone(X[:2]), rtol=1e-8, atol=1e-10)
    relu = rf.relu_teacher(dim + 1, 16, seed=seed)
    assert np.all(np.isfinite(relu(X))) and np.all(relu.features(X) >= 0)


X3 = rf.sphere_points(3, 2)
BAD = [
    (lambda: rf.relu_kernel(np.ones((2, 2)) * 1j, np.ones((2, 2))), TypeError, "X1"),
    (lambda: rf.relu_kernel(np.ones((2, 2)), np.ones((2, 3))), ValueError, "X2"),
    (lambda: rf.relu_kernel(np.ones((0, 2)), np.ones((2, 2))), ValueError, "X1"),
    (lambda: rf.relu_kernel(np.full((2, 2), np.nan), np.ones((2, 2))), ValueError, "X1"),
    (
        lambda: rf.relu_kernel(np.ones((2, 2)), np.ones((2, 2)), weight_var=0.0),
        ValueError,
        "weight_var",
    ),
    (lambda: rf.relu_kernel(np.ones((2, 2)), np.ones((2, 2)), bias_var="1"), TypeError, "bias_var"),
    (lambda: rf.relu_kernel(np.ones((10**5, 2)), np.ones((10**5, 2))), ValueError, "GiB"),
    (lambda: rf.relu_kernel(np.full((2, 2), 1e308), np.ones((2, 2))), ValueError, "too large"),
    (lambda: rf.relu_kernel_spectrum(2, 0), ValueError, "count"),
    (lambda: rf.relu_kernel_spectrum(10**6, 5), ValueError, "dim"),
    (lambda: rf.relu_kernel_spectrum(2.0, 3), TypeError, "dim"),
    (lambda: rf.relu_kernel_spectrum(2, 3, bias_var=0.0), ValueError, "bias_var"),
    (lambda: rf.random_features(X3, np.ones(4), 5), ValueError, "y must"),
    (lambda: rf.random_features(X3, np.ones(3) * 1j, 5), TypeError, "y"),
    (lambda: rf.random_features(X3, np.ones(3), 0), ValueError, "width"),
    (lambda: rf.random_features(X3, np.ones(3), 2.5), TypeError, "width"),
    (lambda: rf.random_features(X3, np.ones(3), 5, ridge=-1.0), ValueError, "ridge"),
    (lambda: rf.random_features(X3, np.ones(3), 5, seed=-1), ValueError, "seed"),
    (lambda: rf.random_features(X3, np.ones(3), 10**10), ValueError, "GiB"),
    (lambda: rf.learning_curve(X3, np.ones(3), X3, [1, 3], None, 0.0), ValueError, "ridge"),
    (lambda: rf.learning_curve(X3, np.ones(3), X3, [2, 1], None, 0.1), ValueError, "sizes"),
    (lambda: rf.learning_curve(X3, np.ones(3), X3, [1.0, 2.0], None, 0.1), TypeError, "sizes"),
    (lambda: rf.learning_curve(X3, np.ones(3), X3[:, :2], [1, 2], None, 0.1), ValueError, "X_test"),
    (lambda: rf.fourier_teacher(0), ValueError, "dim"),
    (lambda: rf.fourier_teacher(2, bandwidth=-1.0), ValueError, "bandwidth"),
    (lambda: rf.fourier_teacher(2, bandwidth="1"), TypeError, "bandwidth"),
    (lambda: rf.fourier_teacher(10**6, 10**6), ValueError, "GiB"),
    (lambda: rf.relu_teacher(2, 0), ValueError, "width"),
    (lambda: rf.relu_teacher(10**6, 10**6), ValueError, "GiB"),
    (lambda: rf.sphere_points(0, 2), ValueError, "n must"),
    (lambda: rf.sphere_points(10**9, 10**3), ValueError, "GiB"),
    (lambda: rf.relu_teacher(3, 4).features(np.ones((2, 2))), ValueError, "X"),
    (lambda: rf.random_features(X3, np.ones(3), None).features(X3), ValueError, "no explicit"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
