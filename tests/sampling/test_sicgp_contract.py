"""Contract of rederived.sampling.sicgp, on its whole domain (Hypothesis).

Domain: point sets of 1..40 points in 1..3 dimensions at any finite scale (1e-150 to 1e150,
repeated points included); patterns of 0..n − 1 later neighbours; Matérn length scales and
variances from 1e-6 to 1e6 with a nugget; data from the three likelihoods; means and variances
of any size (a ValueError where the expected log-likelihood overflows). Results: a maximin
permutation with non-increasing lengths, patterns of the nearest later points, KL-optimal
factors whose columns have unit Θ-norm, prior KLs that are finite, non-negative, zero on the
full pattern and non-increasing as the pattern grows, finite expected log-likelihoods, and
variational fits whose ELBO never exceeds the best Gaussian's, with mean field below the SIC
posterior under the same prior; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.sampling.sicgp import (
    LIKELIHOODS,
    GaussianPosterior,
    best_gaussian,
    elbo,
    expected_loglik,
    fit_sic_posterior,
    fit_svgp,
    matern32,
    maximin_order,
    neighbour_pattern,
    prior_kl,
    random_pattern,
    sample_data,
    sic_factor,
    sweep_item,
)

COVERS = (
    "GaussianPosterior",
    "best_gaussian",
    "elbo",
    "expected_loglik",
    "fit_sic_posterior",
    "fit_svgp",
    "matern32",
    "maximin_order",
    "neighbour_pattern",
    "prior_kl",
    "random_pattern",
    "sample_data",
    "sic_factor",
    "sweep_item",
)

SCALES = st.sampled_from([1e-150, 1e-8, 1.0, 1e8, 1e150])


@st.composite
def point_sets(draw, max_n=40):
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    x = np.random.default_rng(seed).random((n, d)) * draw(SCALES)
    if n > 2 and draw(st.booleans()):
        x[-1] = x[0]  # a repeated point
    return x


@settings(max_examples=40, deadline=None)
@given(point_sets())
def test_maximin_is_a_permutation_with_non_increasing_finite_lengths(x):
    order, lengths = maximin_order(x)
    assert sorted(order) == list(range(len(x)))
    assert np.all(np.isfinite(lengths)) and np.all(lengths >= 0)
    assert np.all(np.diff(lengths) <= 1e-12 * lengths[0])
    # scale equivariance: the same order, lengths scaled
    o2, l2 = maximin_order(x * 2.0)
    assert np.array_equal(order, o2) and np.allclose(l2, 2 * lengths, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(point_sets(), st.integers(0, 45))
def test_neighbour_pattern_is_valid_and_nearest(x, k):
    p = neighbour_pattern(x, k)
    n = len(x)
    assert p.shape == (n, k + 1) and np.all(p[:, 0] == np.arange(n))
    for i in range(n):
        later = p[i, 1:][p[i, 1:] >= 0]
        assert later.size == min(k, n - 1 - i) and np.all(later > i)
        if later.size and later.size < n - 1 - i:
            rest = np.setdiff1d(np.arange(i + 1, n), later)
            d = lambda j: ((x[j] / np.abs(x).max() - x[i] / np.abs(x).max()) ** 2).sum(-1)  # noqa: E731
            assert d(later).max() <= d(rest).min() * (1 + 1e-9) + 1e-300


@settings(max_examples=40, deadline=None)
@given(
    point_sets(max_n=25),
    st.sampled_from([1e-6, 0.05, 1.0, 1e6]),
    st.sampled_from([1e-6, 1.0, 1e6]),
    st.sampled_from([1e-4, 1e-2]),
)
def test_prior_factor_and_kl_on_any_geometry(x, ell, var, rel_nugget):
    K = matern32(x, ell * np.abs(x).max() if np.abs(x).max() > 0 else ell, var, rel_nugget * var)
    assert np.all(np.isfinite(K)) and np.allclose(K, K.T)
    n = len(x)
    kls = []
    for k in sorted({0, 1, 3, max(n - 1, 0)}):
        p = neighbour_pattern(x, k)
        L = sic_factor(K, p).toarray()
        assert np.all(np.isfinite(L)) and np.all(np.diag(L) > 0) and np.allclose(L, np.tril(L))
        for i in range(n):
            s = p[i][p[i] >= 0]
            col = L[s, i]
            assert col @ K[np.ix_(s, s)] @ col == pytest.approx(1.0, rel=1e-7)
        kls.append(prior_kl(K, p))
    assert all(np.isfinite(kls)) and min(kls) >= 0
    # the patterns are nested, so the KL cannot grow; the full one is exact
    assert all(b <= a * (1 + 1e-8) + 1e-8 for a, b in zip(kls, kls[1:], strict=False))
    assert kls[-1] <= 1e-7 * max(1.0, kls[0])


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(LIKELIHOODS),
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=8),
    st.sampled_from([0.0, 1e-300, 1e-6, 1.0, 1e4, 1e300]),
    st.integers(0, 2**32 - 1),
)
def test_expected_loglik_is_finite_or_refused(like, means, var, seed):
    m = np.array(means)
    rng = np.random.default_rng(seed)
    y = (
        rng.integers(0, 2, m.size).astype(float)
        if like == "bernoulli"
        else rng.poisson(3, m.size).astype(float)
        if like == "poisson"
        else rng.normal(size=m.size)
    )
    v = np.full_like(m, var)
    try:
        e, a, c = expected_loglik(y, m, v, like)
    except ValueError as err:
        assert "mean" in str(err) or "var" in str(err) or "700" in str(err)
        return
    assert all(np.all(np.isfinite(t)) for t in (e, a, c)) and np.all(c <= 0)
    if like == "bernoulli":
        assert np.all(e <= 1e-12)  # a log-probability


@settings(max_examples=15, deadline=None)
@given(
    st.integers(3, 14),
    st.sampled_from(LIKELIHOODS),
    st.sampled_from([0.05, 0.3, 2.0]),
    st.integers(0, 2**32 - 1),
)
def test_every_fit_is_below_the_best_gaussian(n, like, ell, seed):
    x = np.random.default_rng(seed).random((n, 2))
    order, _ = maximin_order(x)
    x = x[order[::-1]]
    K = matern32(x, ell, 1.0, 1e-4)
    f, y = sample_data(x, ell, like, seed)
    assert np.all(np.isfinite(f)) and np.all(np.isfinite(y))
    best = best_gaussian(K, y, like)
    assert isinstance(best, GaussianPosterior) and np.isfinite(best.objective)
    p = neighbour_pattern(x, 2)
    L = sic_factor(K, p)
    sic = fit_sic_posterior(L, y, like, p)
    mf = fit_sic_posterior(L, y, like, None)
    assert mf.objective <= sic.objective + 1e-7 * (1 + abs(sic.objective))
    sv = fit_svgp(K, np.arange(n - 2, n), y, like)
    for q in (sic, mf, sv):
        assert np.all(np.isfinite(q.mean)) and np.all(np.isfinite(q.cov))
        assert elbo(q.mean, q.cov, K, y, like) <= best.objective + 1e-7 * (1 + abs(best.objective))


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 60), st.integers(0, 70), st.integers(0, 2**32 - 1))
def test_random_pattern_is_valid(n, k, seed):
    p = random_pattern(n, k, seed)
    sic_factor(np.eye(n), p)  # accepted: a valid pattern
    assert np.array_equal((p >= 0).sum(1), np.minimum(k, n - 1 - np.arange(n)) + 1)


@settings(max_examples=3, deadline=None)
@given(st.sampled_from(["bernoulli", "poisson"]), st.integers(0, 2**32 - 1))
def test_sweep_item_excesses_are_finite_and_non_negative(like, seed):
    item = {"likelihood": like, "lengthscale": 0.1, "n": 30, "k": 3, "M": [4], "seed": seed}
    out = sweep_item(item)
    for key in ("dkl", "dkl_random_order", "dkl_random_pattern", "mean_field"):
        assert np.isfinite(out[key]) and out[key] >= -1e-6
    assert out["prior_kl"] >= 0 and out["svgp"][0] >= -1e-6


@pytest.mark.parametrize(
    "call",
    [
        lambda: matern32(np.ones((2, 2)), 1.0, 1e308, 1e308),
        lambda: expected_loglik([1.0], [1e200], [0.0], "gaussian"),
        lambda: sample_data(np.zeros((2, 2)), 1.0, "gaussian", 0, nugget=0.0),  # singular
    ],
)
def test_overflow_and_singular_input_are_refused(call):
    with pytest.raises(ValueError):
        call()


def test_best_gaussian_reports_non_convergence():
    x = np.random.default_rng(0).random((10, 2))
    K = matern32(x, 0.3, 1.0, 1e-4)
    _, y = sample_data(x, 0.3, "poisson", 1)
    with pytest.raises(RuntimeError, match="converge"):
        best_gaussian(K, y, "poisson", maxiter=1)
