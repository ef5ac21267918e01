"""Contract of rederived.sampling.wmmd, on its whole domain (Hypothesis).

Domain: finite point sets of at most MAX_POINTS points, any scale; positive length scales;
uniform inputs in [0, 1]; g-and-k inputs in (0, 1). Results: Gram matrices in [0, 1] with unit
diagonal, kernel means and cross means that agree with the matrix and are invariant when points
and length scale scale together, embeddings in (0, the measure's mass·√(2π)ℓ per coordinate],
weights that solve their system, squared MMDs that are never negative (a squared distance of
kernel means) and zero between a sample and itself, a monotone g-and-k quantile; or a
ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.sampling.wmmd import (
    cross_means,
    gandk,
    gaussian_embedding,
    gaussian_gram,
    gaussian_mmd_squared,
    kernel_mean,
    median_heuristic,
    mmd_squared,
    optimal_weights,
    uniform_embedding,
)

COVERS = (
    "cross_means",
    "gandk",
    "gaussian_embedding",
    "gaussian_gram",
    "gaussian_mmd_squared",
    "kernel_mean",
    "median_heuristic",
    "mmd_squared",
    "optimal_weights",
    "uniform_embedding",
)

SCALES = [1e-150, 1e-10, 1.0, 1e10, 1e150]


def sets():
    return st.tuples(
        st.integers(1, 30), st.integers(1, 40), st.integers(1, 3), st.integers(0, 2**31 - 1)
    ).map(_make)


def _make(args):
    m, n, d, seed = args
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, d)), rng.normal(0.5, 1.5, size=(n, d))


@settings(max_examples=40, deadline=None)
@given(sets(), st.sampled_from(SCALES), st.sampled_from([0.1, 1.0, 10.0]))
def test_kernel_sums_are_consistent_and_scale_free(pair, scale, ell):
    x, y = pair
    K = gaussian_gram(x, y, ell)
    assert np.all((K >= 0) & (K <= 1))
    assert np.allclose(np.diag(gaussian_gram(x, x, ell)), 1.0)
    assert kernel_mean(x, y, ell) == pytest.approx(K.mean(), rel=1e-12, abs=1e-300)
    assert np.allclose(cross_means(x, y, ell), K.mean(axis=1), rtol=1e-12, atol=0)
    assert np.allclose(gaussian_gram(scale * x, scale * y, scale * ell), K, rtol=1e-9, atol=1e-300)
    assert kernel_mean(scale * x, scale * y, scale * ell) == pytest.approx(
        K.mean(), rel=1e-9, abs=1e-300
    )


@settings(max_examples=30, deadline=None)
@given(sets(), st.sampled_from([0.3, 1.0, 10.0]), st.sampled_from([1e3, 1e6, 1e8, -1e12]))
def test_a_common_shift_changes_nothing(pair, ell, offset):
    # distances do not change when both sets move together (a large offset used to cancel:
    # a Gram error of 1e-2 at 1e7). Adding the offset rounds each point by about eps·|offset|,
    # which moves a kernel value by at most about that over ℓ²·(spread); the bound allows it.
    x, y = pair
    spread = 1.0 + np.max(np.abs(np.vstack([x, y])))
    tol = 1e2 * np.finfo(float).eps * abs(offset) * spread / ell**2 + 1e-12
    shifted = gaussian_gram(x + offset, y + offset, ell)
    assert np.allclose(shifted, gaussian_gram(x, y, ell), rtol=0, atol=tol)
    assert mmd_squared(x + offset, y + offset, ell) == pytest.approx(
        mmd_squared(x, y, ell), abs=8 * tol
    )
    if len(y) >= 2:
        assert median_heuristic(y + offset) == pytest.approx(median_heuristic(y), rel=1e-6 + tol)


@settings(max_examples=40, deadline=None)
@given(sets(), st.sampled_from([0.1, 1.0, 10.0]), st.integers(0, 2**31 - 1))
def test_squared_mmd_is_a_squared_distance(pair, ell, seed):
    x, y = pair
    w = np.random.default_rng(seed).normal(size=x.shape[0])
    for weights in (None, w):
        assert mmd_squared(x, y, ell, weights=weights) >= -1e-12
    if len(x) >= 2:  # the U-statistic's term is the V-statistic's less (1 − it)/(m − 1) ≥ 0
        assert mmd_squared(x, y, ell, unbiased=True) <= mmd_squared(x, y, ell) + 1e-12
    assert abs(mmd_squared(y, y, ell)) <= 1e-12


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 3),
    st.integers(0, 2**31 - 1),
    st.sampled_from([0.01, 0.2, 1.0, 50.0]),
)
def test_embeddings_are_bounded_and_weights_solve_their_system(m, d, seed, ell):
    rng = np.random.default_rng(seed)
    u = rng.random((m, d))
    z = uniform_embedding(u, ell)
    assert np.all(z > 0) and np.all(z <= min(1.0, np.sqrt(2 * np.pi) * ell) ** d * (1 + 1e-12))
    g = gaussian_embedding(rng.normal(size=(m, d)), ell)
    assert np.all(g > 0) and np.all(g <= (ell**2 / (ell**2 + 1)) ** (d / 2) * (1 + 1e-12))
    try:
        w = optimal_weights(u, z, ell, nugget=1e-6)
    except ValueError as refused:  # a Gram matrix singular beyond the nugget
        assert "singular" in str(refused)
        return
    C = gaussian_gram(u, u, ell) + 1e-6 * np.eye(m)
    assert np.allclose(C @ w, z, atol=1e-6 * max(1.0, np.abs(w).max()))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 20), st.integers(1, 3), st.integers(0, 2**31 - 1), st.floats(1e3, 1e250))
def test_embeddings_of_wide_kernels_are_the_measures_mass(m, d, seed, ell):
    # a kernel much wider than the unit cube is 1 on it: the uniform embedding is 1 (no
    # cancellation in the difference of distribution functions), the normal one nearly 1 too
    u = np.random.default_rng(seed).random((m, d))
    assert np.allclose(uniform_embedding(u, ell), 1.0, rtol=0, atol=1e-6)
    assert np.allclose(gaussian_embedding(u, ell), 1.0, rtol=0, atol=1e-5 * d)


@settings(max_examples=40, deadline=None)
@given(
    st.floats(-5, 5),
    st.floats(0.1, 3),
    st.floats(-5, 5),
    st.floats(0.1, 3),
    st.floats(0.05, 20),
)
def test_exact_gaussian_mmd_is_a_symmetric_nonnegative_distance(m1, s1, m2, s2, ell):
    a = gaussian_mmd_squared(m1, s1, m2, s2, ell)
    assert a >= 0 and a == pytest.approx(gaussian_mmd_squared(m2, s2, m1, s1, ell), abs=1e-15)
    assert gaussian_mmd_squared(m1, s1, m1, s1, ell) == 0.0
    assert a <= 2.0


@settings(max_examples=40, deadline=None)
@given(
    st.floats(-10, 10),
    st.floats(0.01, 10),
    st.floats(-3, 3),
    st.floats(0, 2),
    st.integers(0, 2**31 - 1),
)
def test_gandk_is_an_increasing_quantile_function(a, b, g, k, seed):
    u = np.sort(np.random.default_rng(seed).uniform(1e-6, 1 - 1e-6, 50))[:, None]
    x = gandk(u, a, b, g, k)
    assert np.all(np.isfinite(x)) and np.all(np.diff(x[:, 0]) >= 0)
    assert gandk([[0.5]], a, b, g, k)[0, 0] == pytest.approx(a, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 50), st.integers(1, 3), st.integers(0, 2**31 - 1), st.sampled_from(SCALES))
def test_median_heuristic_scales_with_the_points(n, d, seed, scale):
    p = np.random.default_rng(seed).normal(size=(n, d))
    assert median_heuristic(scale * p) == pytest.approx(scale * median_heuristic(p), rel=1e-9)


@pytest.mark.parametrize(
    "call",
    [
        lambda: gaussian_gram([[1.0]], [[1.0]], np.inf),
        lambda: gaussian_gram(np.ones((3, 2, 1)), [[1.0]], 1.0),
        lambda: kernel_mean([["a"]], [[1.0]], 1.0),
        lambda: cross_means(np.ones((300_000, 1)), [[1.0]], 1.0),
        lambda: uniform_embedding([[-0.1]], 1.0),
        lambda: gaussian_embedding(np.ones((1, 2000)), 1.0),
        lambda: optimal_weights(np.ones((30_000, 1)), np.ones(30_000), 1.0),
        lambda: mmd_squared([[0.0]], [[1.0]], 1.0, data_term=-1.0),
        lambda: median_heuristic(np.ones((5, 1)), max_points=1),
        lambda: gandk([[0.5]], k=-0.1),
        lambda: gandk([[1e-300]], k=200.0),
        lambda: gaussian_mmd_squared(0.0, 1.0, np.nan, 1.0, 1.0),
        # a length scale tiny beside the points: refused (an OverflowError before)
        lambda: gaussian_gram([[1.0]], [[0.0]], 1e-160),
        lambda: kernel_mean([[1.0]], [[0.0]], 1e-160),
        lambda: mmd_squared([[1.0]], [[0.0]], 1e-160),
        lambda: optimal_weights(np.random.default_rng(0).random((3001, 1)), np.ones(3001), 0.1),
    ],
)
def test_bad_input_is_refused_by_name(call):
    with pytest.raises((ValueError, TypeError)):
        call()
