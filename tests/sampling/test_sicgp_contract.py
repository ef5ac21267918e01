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

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import integrate

from rederived.sampling.sicgp import (
    LIKELIHOODS,
    GaussianPosterior,
    advantage,
    best_gaussian,
    elbo,
    excesses,
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
    "advantage",
    "best_gaussian",
    "elbo",
    "excesses",
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
    # the definition: each next point is a farthest one from those before it
    u = x / np.abs(x).max() if np.abs(x).max() > 0 else x
    for i in range(1, len(x)):
        gap = np.sqrt(((u[:, None, :] - u[order[:i]][None]) ** 2).sum(-1)).min(axis=1)
        gap[order[:i]] = -1
        assert gap[order[i]] >= gap.max() * (1 - 1e-12)


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
            u = x / np.abs(x).max()
            d_later = ((u[later] - u[i]) ** 2).sum(-1)
            d_rest = ((u[rest] - u[i]) ** 2).sum(-1)
            assert d_later.max() <= d_rest.min() * (1 + 1e-9) + 1e-300


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
    assert all(b <= a * (1 + 1e-8) + 1e-8 for a, b in itertools.pairwise(kls))
    assert kls[-1] <= 1e-7 * max(1.0, kls[0])


@settings(max_examples=40, deadline=None)
@given(
    point_sets(max_n=12),
    st.sampled_from([1e-300, 1e-6, 1.0, 1e6, 1e300]),
    st.sampled_from([1e-300, 1.0, 1e300]),
    st.sampled_from([0.0, 1e-4, 1.0]),
)
def test_matern32_is_its_closed_form_at_any_scale(x, ell_rel, var, nugget):
    scale = np.abs(x).max()
    with np.errstate(over="ignore"):
        ell = ell_rel * (scale if scale > 0 else 1.0)
    assume(0 < ell < np.inf)
    K = matern32(x, ell, var, nugget * var)
    assert np.all(np.isfinite(K)) and np.array_equal(K, K.T)
    u = x / scale if scale > 0 else x
    for i in range(len(x)):
        for j in range(len(x)):
            t = min(np.sqrt(3) * np.linalg.norm(u[i] - u[j]) / ell_rel, 800.0)
            want = var * ((1 + t) * np.exp(-t)) + (nugget * var if i == j else 0.0)
            assert K[i, j] == pytest.approx(want, rel=1e-9, abs=1e-300 * var)


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(["bernoulli", "poisson"]),
    st.floats(-30, 30),
    st.sampled_from([1e-6, 0.3, 1.0, 3.0, 50.0, 1e4]),
    st.integers(0, 4),
)
def test_expected_loglik_is_its_integral_and_derivatives(like, m, v, y):
    if like == "bernoulli":
        y = y % 2
    if like == "poisson" and m + v / 2 > 700:
        return
    e, a, c = expected_loglik([float(y)], [m], [v], like)
    sd = np.sqrt(v)

    def logp(f):
        return y * f - np.logaddexp(0, f) if like == "bernoulli" else y * f - np.exp(f)

    def dens(f):
        return np.exp(-0.5 * ((f - m) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))

    def mean_of(g):
        cuts = sorted({m - 14 * sd, min(max(0.0, m - 14 * sd), m + 14 * sd), m + 14 * sd})
        return sum(
            integrate.quad(lambda f: g(f) * dens(f), a_, b_, limit=400, epsabs=1e-12)[0]
            for a_, b_ in itertools.pairwise(cuts)
        )

    shift = 0.0 if like == "bernoulli" else float(np.sum(np.log(np.arange(1, y + 1))))
    assert e[0] + shift == pytest.approx(mean_of(logp), rel=1e-7, abs=1e-9)
    h = 1e-5 * (1 + abs(m))
    hv = min(v / 2, 1e-4 * max(v, 1.0))
    up = expected_loglik([float(y)], [m + h], [v], like)[0][0]
    down = expected_loglik([float(y)], [m - h], [v], like)[0][0]
    assert a[0] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-7)
    upv = expected_loglik([float(y)], [m], [v + hv], like)[0][0]
    downv = expected_loglik([float(y)], [m], [v - hv], like)[0][0]
    assert c[0] == pytest.approx((upv - downv) / (2 * hv), rel=1e-4, abs=1e-8)


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
    # the optimum over all Gaussians: its own ELBO, stationary in the mean and the precision
    assert best.objective == pytest.approx(elbo(best.mean, best.cov, K, y, like), rel=1e-10)
    _, a, c = expected_loglik(y, best.mean, np.diag(best.cov), like)
    assert np.allclose(np.linalg.solve(K, best.mean), a, rtol=1e-5, atol=1e-6)
    precision = np.linalg.inv(best.cov) - np.linalg.inv(K)
    assert np.allclose(precision, np.diag(-2 * c), rtol=1e-4, atol=1e-4 * np.abs(precision).max())
    # the full pattern under the exact prior reaches it
    exact = fit_sic_posterior(
        np.linalg.cholesky(np.linalg.inv(K)), y, like, neighbour_pattern(x, n)
    )
    assert exact.converged
    assert elbo(exact.mean, exact.cov, K, y, like) == pytest.approx(best.objective, abs=1e-5)
    p = neighbour_pattern(x, 2)
    L = sic_factor(K, p)
    sic = fit_sic_posterior(L, y, like, p)
    mf = fit_sic_posterior(L, y, like, None)
    assert mf.objective <= sic.objective + 1e-7 * (1 + abs(sic.objective))
    sv = fit_svgp(K, np.arange(n - 2, n), y, like)
    for q in (sic, mf, sv):
        assert q.converged and np.all(np.isfinite(q.mean)) and np.all(np.isfinite(q.cov))
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


BAD = st.sampled_from([np.nan, np.inf, -np.inf, 1 + 1j, "x", None])


@settings(max_examples=30, deadline=None)
@given(BAD, st.integers(0, 5))
def test_bad_values_are_refused_by_name(bad, where):
    x = np.random.default_rng(0).random((4, 2))
    K = matern32(x, 0.3, 1.0, 1e-4)
    y = np.array([1.0, 0.0, 1.0, 0.0])
    tampered = np.array(x, dtype=object)
    tampered[1, 0] = bad
    bad_cov = np.eye(4).astype(object)
    bad_cov[0, 0] = bad
    calls = [
        (lambda: maximin_order(tampered), "points"),
        (lambda: neighbour_pattern(tampered, 2), "points"),
        (lambda: matern32(tampered, 0.3), "points"),
        (lambda: matern32(x, bad), "lengthscale"),
        (lambda: expected_loglik(y, [0.0, bad, 0.0, 0.0], np.ones(4), "bernoulli"), "mean"),
        (lambda: elbo(np.zeros(4), bad_cov, K, y, "bernoulli"), "cov"),
    ]
    call, name = calls[where]
    with pytest.raises((ValueError, TypeError), match=name):
        call()


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


POSITIVE = st.floats(1e-300, 1e300)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(POSITIVE, POSITIVE, POSITIVE, POSITIVE), min_size=1, max_size=6))
def test_advantage_is_the_log_ratio_to_the_better_competitor(rows):
    results = [{"dkl": a, "mean_field": b, "svgp": [c, d]} for a, b, c, d in rows]
    for j in (0, 1):
        got = advantage(results, "dkl", j)
        want = [np.log10(min(r[2 + j], r[1])) - np.log10(r[0]) for r in rows]
        assert np.all(np.isfinite(got)) and np.allclose(got, want, rtol=1e-12, atol=1e-12)
    assert np.array_equal(excesses(results, "svgp1"), [r[3] for r in rows])
    with pytest.raises(ValueError, match="svgp2"):
        excesses(results, "svgp2")
    with pytest.raises(ValueError, match="positive"):
        advantage([{"dkl": 0.0, "mean_field": 1.0, "svgp": [1.0]}])
    with pytest.raises(ValueError, match="m_index"):
        advantage(results, "dkl", -1)
