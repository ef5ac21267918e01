"""Unit tests of rederived.sampling.wmmd: embeddings against quadrature, the estimators against
the brute-force formula and the exact Gaussian MMD, Bayesian-quadrature weights, refusals."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate
from scipy.spatial.distance import pdist

from rederived.sampling import wmmd as W


@pytest.mark.parametrize("ell", [0.05, 0.3, 2.0])
def test_embeddings_match_quadrature(ell):
    u = np.array([[0.0, 0.2], [0.5, 0.93], [1.0, 0.01]])
    z = W.uniform_embedding(u, ell)
    for i, row in enumerate(u):
        parts = [
            integrate.quad(lambda v, a=a: np.exp(-((a - v) ** 2) / (2 * ell**2)), 0, 1)[0]
            for a in row
        ]
        assert z[i] == pytest.approx(np.prod(parts), rel=1e-10)
    g = W.gaussian_embedding(u, ell)
    for i, row in enumerate(u):
        parts = [
            integrate.quad(
                lambda v, a=a: (
                    np.exp(-((a - v) ** 2) / (2 * ell**2) - v * v / 2) / np.sqrt(2 * np.pi)
                ),
                -np.inf,
                np.inf,
            )[0]
            for a in row
        ]
        assert g[i] == pytest.approx(np.prod(parts), rel=1e-9)


def test_weights_interpolate_the_embedding_and_integrate_constants():
    u = np.random.default_rng(0).random((64, 1))
    ell = W.median_heuristic(u)
    z = W.uniform_embedding(u, ell)
    w = W.optimal_weights(u, z, ell)
    C = W.gaussian_gram(u, u, ell)
    assert np.allclose(C @ w + 1e-8 * w, z, atol=1e-10)
    assert abs(w.sum() - 1.0) < 1e-3  # the constant is nearly in the span of c(u_i, ·)


def test_mmd_equals_the_brute_force_formula():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(30, 2)), rng.normal(0.3, 1.0, size=(50, 2))
    ell = 0.8
    w = rng.uniform(0, 0.1, 30)
    K = W.gaussian_gram(np.vstack([x, y]), np.vstack([x, y]), ell)
    brute = w @ K[:30, :30] @ w - 2 * w @ K[:30, 30:].mean(axis=1) + K[30:, 30:].mean()
    assert W.mmd_squared(x, y, ell, weights=w) == pytest.approx(brute, rel=1e-12)
    v = np.full(30, 1 / 30)
    assert W.mmd_squared(x, y, ell) == pytest.approx(
        v @ K[:30, :30] @ v - 2 * K[:30, 30:].mean() + K[30:, 30:].mean(), rel=1e-12
    )
    again = W.mmd_squared(
        x, y, ell, weights=w, data_term=W.kernel_mean(y, y, ell), cross=W.cross_means(x, y, ell)
    )
    assert again == pytest.approx(brute, rel=1e-12)


def test_u_statistic_drops_the_diagonal():
    rng = np.random.default_rng(9)
    x, y = rng.normal(size=(40, 2)), rng.normal(size=(30, 2))
    K = W.gaussian_gram(x, x, 0.7)
    off_diagonal = (K.sum() - np.trace(K)) / (40 * 39)
    want = off_diagonal - 2 * W.gaussian_gram(x, y, 0.7).mean() + W.kernel_mean(y, y, 0.7)
    assert W.mmd_squared(x, y, 0.7, unbiased=True) == pytest.approx(want, rel=1e-12)
    with pytest.raises(ValueError):
        W.mmd_squared(x, y, 0.7, unbiased=True, weights=np.full(40, 1 / 40))
    with pytest.raises(ValueError):
        W.mmd_squared(x[:1], y, 0.7, unbiased=True)
    with pytest.raises(TypeError):
        W.mmd_squared(x, y, 0.7, unbiased=1)


def test_blocks_agree_with_one_matrix():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(2500, 1)), rng.normal(size=(700, 1))
    assert W.kernel_mean(a, b, 0.5) == pytest.approx(W.gaussian_gram(a, b, 0.5).mean(), rel=1e-12)
    assert np.allclose(W.cross_means(a, b, 0.5), W.gaussian_gram(a, b, 0.5).mean(axis=1))


def test_gaussian_mmd_matches_quadrature():
    ell, (m1, s1, m2, s2) = 0.7, (0.5, 1.3, 0.0, 1.0)

    def expect(ma, sa, mb, sb):
        def f(a, b):
            gauss = np.exp(-((a - ma) ** 2) / (2 * sa**2) - (b - mb) ** 2 / (2 * sb**2))
            return np.exp(-((a - b) ** 2) / (2 * ell**2)) * gauss / (2 * np.pi * sa * sb)

        return integrate.dblquad(f, -12, 12, -12, 12, epsabs=1e-11)[0]

    want = expect(m1, s1, m1, s1) + expect(m2, s2, m2, s2) - 2 * expect(m1, s1, m2, s2)
    assert W.gaussian_mmd_squared(m1, s1, m2, s2, ell) == pytest.approx(want, rel=1e-7)
    assert W.gaussian_mmd_squared(1.0, 2.0, 1.0, 2.0, 0.3) == 0.0


def test_optimal_weights_beat_uniform_weights_on_a_smooth_simulator():
    rng = np.random.default_rng(3)
    ell = 1.0
    truth = W.gaussian_mmd_squared(0.5, 1.3, 0.0, 1.0, ell)
    u = rng.standard_normal((64, 1))
    x = 0.5 + 1.3 * u
    cross = W.gaussian_embedding(x, ell)  # E_y k(x, y) for y ~ N(0, 1)
    data = ell / np.sqrt(ell**2 + 2)
    lc = W.median_heuristic(u)
    w = W.optimal_weights(u, W.gaussian_embedding(u, lc), lc)
    ow = W.mmd_squared(x, x, ell, weights=w, data_term=data, cross=cross)
    v = W.mmd_squared(x, x, ell, data_term=data, cross=cross)
    assert abs(ow - truth) < 1e-3 < abs(v - truth)


def test_median_heuristic_and_gandk():
    p = np.random.default_rng(4).normal(size=(300, 3))
    assert W.median_heuristic(p) == pytest.approx(np.sqrt(np.median(pdist(p, "sqeuclidean")) / 2))
    u = np.linspace(0.001, 0.999, 101)[:, None]
    x = W.gandk(u)
    assert np.all(np.diff(x[:, 0]) > 0) and W.gandk([[0.5]])[0, 0] == pytest.approx(3.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: W.gaussian_gram(np.ones((2, 1)), np.ones((2, 2)), 1.0),
        lambda: W.gaussian_gram(np.ones((2, 1)), np.ones((2, 1)), 0.0),
        lambda: W.gaussian_gram(np.ones((4000, 1)), np.ones((4000, 1)), 1.0),
        lambda: W.kernel_mean([[np.nan]], [[0.0]], 1.0),
        lambda: W.uniform_embedding([[1.5]], 0.2),
        lambda: W.gaussian_embedding([[0.0]], -1.0),
        lambda: W.optimal_weights([[0.1], [0.2]], [1.0], 0.2),
        lambda: W.optimal_weights([[0.1], [0.2]], [1.0, 1.0], 0.2, nugget=0.0),
        lambda: W.mmd_squared([[0.0]], [[0.0, 1.0]], 1.0),
        lambda: W.mmd_squared([[0.0]], [[0.0]], 1.0, weights=[1.0, 2.0]),
        lambda: W.mmd_squared([[0.0]], [[0.0]], 1.0, cross=[np.inf]),
        lambda: W.median_heuristic([[1.0], [1.0]]),
        lambda: W.median_heuristic([[1.0]]),
        lambda: W.gandk([[0.0]]),
        lambda: W.gandk([[0.5]], b=-1.0),
        lambda: W.gandk([[0.5]], c=1.0),
        lambda: W.gaussian_mmd_squared(0.0, 0.0, 0.0, 1.0, 1.0),
        lambda: W.kernel_mean(np.ones((2, 1)), np.ones((2, 1)), 1.0, weights=[1.0]),
        lambda: W.cross_means(np.ones((2, 1)), np.ones((2, 2)), 1.0),
    ],
)
def test_bad_input_is_refused(call):
    with pytest.raises((ValueError, TypeError)):
        call()
