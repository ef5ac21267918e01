"""Unit tests of rederived.sampling.sicgp: the maximin ordering and patterns against brute force,
the KL-optimal factor against a generic optimiser and dense formulas, the ELBO's pieces against
quadrature and closed forms, the variational fits against exact posteriors and each other, and
refusals of bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.linalg as la
import scipy.optimize as opt
from scipy import integrate

from rederived.sampling import sicgp as G


def _problem(n=40, ell=0.2, seed=0, like="bernoulli"):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 2))
    order, _ = G.maximin_order(x)
    x = x[order[::-1]]
    K = G.matern32(x, ell, 1.0, 1e-4)
    _, y = G.sample_data(x, ell, like, seed + 1)
    return x, K, y


def test_maximin_order_against_the_definition():
    x = np.random.default_rng(1).random((60, 2))
    order, lengths = G.maximin_order(x)
    assert sorted(order) == list(range(60))
    assert np.all(np.diff(lengths) <= 1e-15)
    for i in range(1, 60):
        earlier = x[order[:i]]
        d = np.sqrt(((x[:, None, :] - earlier[None]) ** 2).sum(-1)).min(axis=1)
        d[order[:i]] = -1
        assert d[order[i]] == pytest.approx(d.max(), abs=1e-15)
        assert lengths[i] == pytest.approx(d.max(), abs=1e-15)
    # repeated points come last, with length 0
    _, l_ = G.maximin_order(np.vstack([x[:5], x[:2]]))
    assert l_[-1] == 0 and l_[-2] == 0


def test_neighbour_pattern_holds_the_nearest_later_points():
    x = np.random.default_rng(2).random((50, 2))
    p = G.neighbour_pattern(x, 4)
    assert p.shape == (50, 5) and np.all(p[:, 0] == np.arange(50))
    for i in range(50):
        later = np.arange(i + 1, 50)
        want = later[np.argsort(((x[later] - x[i]) ** 2).sum(1), kind="stable")[:4]]
        got = p[i, 1:][p[i, 1:] >= 0]
        assert list(got) == list(want)
    assert np.all(p[-1, 1:] == -1) and np.all(p[-3, 3:] == -1)
    assert G.neighbour_pattern(x, 0).shape == (50, 1)


def test_random_pattern_is_a_valid_pattern_of_the_same_sizes():
    p = G.random_pattern(30, 5, 3)
    q = G.neighbour_pattern(np.random.default_rng(0).random((30, 2)), 5)
    assert np.array_equal((p >= 0).sum(1), (q >= 0).sum(1))
    G.sic_factor(np.eye(30), p)  # accepted as a pattern
    assert np.array_equal(p, G.random_pattern(30, 5, 3))


def test_matern32_closed_form_and_positive_definiteness():
    x = np.array([[0.0, 0.0], [0.3, 0.4], [1.0, 0.0]])
    K = G.matern32(x, 0.5, 2.0, 0.1)
    r = 0.5
    t = np.sqrt(3) * r / 0.5
    assert K[0, 1] == pytest.approx(2 * (1 + t) * np.exp(-t), rel=1e-14)
    assert K[0, 0] == pytest.approx(2.1)
    assert np.all(np.linalg.eigvalsh(G.matern32(np.random.default_rng(0).random((80, 2)), 0.3)) > 0)


def test_sic_factor_is_the_kl_minimiser_over_its_pattern():
    x, K, _ = _problem(n=12, ell=0.3)
    p = G.neighbour_pattern(x, 3)
    L = G.sic_factor(K, p).toarray()
    mask = L != 0

    def kl(values):
        M = np.zeros_like(L)
        M[mask] = values
        P = M @ M.T
        sign, logdet = np.linalg.slogdet(P @ K)
        return 0.5 * (np.trace(P @ K) - logdet - len(K)) if sign > 0 else np.inf

    found = opt.minimize(kl, L[mask] * 1.1, method="BFGS", options={"gtol": 1e-10})
    assert found.fun == pytest.approx(kl(L[mask]), abs=1e-8)
    assert kl(L[mask]) == pytest.approx(G.prior_kl(K, p), rel=1e-10)
    # the full pattern is exact: L Lᵀ = K⁻¹ and KL = 0
    full = G.neighbour_pattern(x, 11)
    Lf = G.sic_factor(K, full).toarray()
    assert np.allclose(
        Lf @ Lf.T, np.linalg.inv(K), rtol=1e-8, atol=1e-8 * np.abs(np.linalg.inv(K)).max()
    )
    assert G.prior_kl(K, full) == pytest.approx(0, abs=1e-9)


def test_prior_kl_falls_as_the_pattern_grows():
    x, K, _ = _problem(n=60, ell=0.2)
    kls = [G.prior_kl(K, G.neighbour_pattern(x, k)) for k in (1, 3, 6, 12, 59)]
    assert all(a > b for a, b in itertools.pairwise(kls[:-1])) and kls[-1] < 1e-9


@pytest.mark.parametrize("like", G.LIKELIHOODS)
def test_expected_loglik_against_quadrature_and_finite_differences(like):
    y = np.array([1.0, 0.0, 2.0]) if like != "bernoulli" else np.array([1.0, 0.0, 1.0])
    m, v = np.array([0.3, -1.2, 0.8]), np.array([0.5, 2.0, 0.01])

    def logp(f, yi):
        if like == "gaussian":
            return -0.5 * np.log(2 * np.pi * 0.1) - (yi - f) ** 2 / 0.2
        if like == "poisson":
            return yi * f - np.exp(f) - np.log(float(np.prod(np.arange(1, yi + 1))))
        return yi * f - np.logaddexp(0, f)

    e, a, c = G.expected_loglik(y, m, v, like)
    for i in range(3):
        ref = integrate.quad(
            lambda f, i=i: logp(f, y[i]) * np.exp(-((f - m[i]) ** 2) / (2 * v[i])), -40, 40
        )[0] / np.sqrt(2 * np.pi * v[i])
        assert e[i] == pytest.approx(ref, rel=1e-9, abs=1e-10)
    h = 1e-6
    e_m = (
        (G.expected_loglik(y, m + h, v, like)[0] - G.expected_loglik(y, m - h, v, like)[0]) / 2 / h
    )
    e_v = (
        (G.expected_loglik(y, m, v + h, like)[0] - G.expected_loglik(y, m, v - h, like)[0]) / 2 / h
    )
    assert np.allclose(a, e_m, rtol=1e-6, atol=1e-8) and np.allclose(c, e_v, rtol=1e-5, atol=1e-8)


def test_gaussian_noise_best_gaussian_is_the_exact_posterior_and_the_bound_is_tight():
    _x, K, y = _problem(n=50, like="gaussian")
    best = G.best_gaussian(K, y, "gaussian")
    S = K - K @ np.linalg.solve(K + 0.1 * np.eye(50), K)
    assert np.allclose(best.cov, S, atol=1e-10)
    assert np.allclose(best.mean, K @ np.linalg.solve(K + 0.1 * np.eye(50), y), atol=1e-9)
    log_evidence = float(
        -0.5 * y @ np.linalg.solve(K + 0.1 * np.eye(50), y)
        - 0.5 * np.linalg.slogdet(2 * np.pi * (K + 0.1 * np.eye(50)))[1]
    )
    assert best.objective == pytest.approx(log_evidence, rel=1e-10)


@pytest.mark.parametrize("like", ["bernoulli", "poisson"])
def test_best_gaussian_is_stationary_and_beats_every_restricted_fit(like):
    x, K, y = _problem(n=40, like=like)
    best = G.best_gaussian(K, y, like)
    _, a, c = G.expected_loglik(y, best.mean, np.diag(best.cov), like)
    assert np.allclose(np.linalg.solve(K, best.mean), a, atol=1e-8)
    lam = -2 * c
    assert np.allclose(best.cov, np.linalg.inv(np.linalg.inv(K) + np.diag(lam)), atol=1e-8)
    assert best.objective == pytest.approx(G.elbo(best.mean, best.cov, K, y, like), rel=1e-11)
    # the full pattern under the exact prior reaches the same optimum
    Fexact = la.cholesky(np.linalg.inv(K), lower=True)
    full = G.fit_sic_posterior(Fexact, y, like, G.neighbour_pattern(x, 39))
    assert G.elbo(full.mean, full.cov, K, y, like) == pytest.approx(best.objective, abs=1e-6)
    L = G.sic_factor(K, G.neighbour_pattern(x, 4))
    for q in (
        G.fit_sic_posterior(L, y, like, G.neighbour_pattern(x, 4)),
        G.fit_sic_posterior(L, y, like, None),
        G.fit_svgp(K, np.arange(30, 40), y, like),
    ):
        assert q.converged and G.elbo(q.mean, q.cov, K, y, like) <= best.objective + 1e-9


def test_svgp_with_every_point_inducing_is_the_best_gaussian():
    _x, K, y = _problem(n=30, like="bernoulli")
    best = G.best_gaussian(K, y, "bernoulli")
    s = G.fit_svgp(K, np.arange(30), y, "bernoulli")
    assert s.objective == pytest.approx(best.objective, abs=1e-6)
    assert np.allclose(s.mean, best.mean, atol=1e-4)


def test_elbo_against_a_dense_formula():
    _x, K, y = _problem(n=20, like="poisson")
    rng = np.random.default_rng(4)
    A = rng.normal(size=(20, 20)) * 0.1
    S, m = A @ A.T + 0.05 * np.eye(20), rng.normal(size=20)
    e = G.expected_loglik(y, m, np.diag(S), "poisson")[0].sum()
    Ki = np.linalg.inv(K)
    kl = 0.5 * (
        np.trace(Ki @ S) + m @ Ki @ m - 20 + np.linalg.slogdet(K)[1] - np.linalg.slogdet(S)[1]
    )
    assert G.elbo(m, S, K, y, "poisson") == pytest.approx(e - kl, rel=1e-10)


def test_mean_field_and_pattern_fits_agree_where_they_coincide():
    # with the k = 0 pattern the SIC posterior is the mean-field one
    x, K, y = _problem(n=30, like="bernoulli")
    L = G.sic_factor(K, G.neighbour_pattern(x, 5))
    a = G.fit_sic_posterior(L, y, "bernoulli", None)
    b = G.fit_sic_posterior(L, y, "bernoulli", G.neighbour_pattern(x, 0))
    assert a.objective == pytest.approx(b.objective, abs=1e-8)
    assert np.allclose(a.cov, b.cov, atol=1e-6)


def test_sweep_item_cheap_part_is_a_prefix_of_the_full_item():
    item = {"likelihood": "bernoulli", "lengthscale": 0.1, "n": 60, "k": 4, "M": [8, 16], "seed": 5}
    full = G.sweep_item(item)
    cheap = G.sweep_item({**item, "cheap": True})
    assert set(cheap) < set(full) and {"dkl", "dkl_random_order"} <= set(full) - set(cheap)
    assert G._spot_compare(cheap, full)
    assert full["dkl"] < full["dkl_random_pattern"] and full["dkl"] >= -1e-6
    light = G.sweep_item(G._spot_item(item))
    assert set(light) < set(cheap) and len(light["svgp"]) == 1 and G._spot_compare(light, full)
    prior = G.sweep_item({**item, "prior_only": True})
    assert set(prior) == {"prior_kl", "prior_kl_random_order", "prior_kl_random_pattern"}
    assert G._spot_compare(prior, full)
    no_order = G.sweep_item({**item, "random_order": False})
    assert "dkl_random_order" not in no_order and no_order["dkl"] == full["dkl"]
    # a tampered stored value is caught
    assert not G._spot_compare(cheap, {**full, "mean_field": full["mean_field"] * 1.001})


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: G.maximin_order(np.zeros((3,))), "points"),
        (lambda: G.maximin_order([[0.0, np.nan]]), "points"),
        (lambda: G.neighbour_pattern(np.zeros((3, 2)), -1), "k"),
        (lambda: G.matern32(np.zeros((3, 2)), 0.0), "lengthscale"),
        (lambda: G.matern32(np.zeros((3, 2)), 1.0, nugget=-1.0), "nugget"),
        (lambda: G.sic_factor(np.eye(3), np.array([[1, -1], [1, 2], [2, -1]])), "pattern"),
        (lambda: G.sic_factor(np.eye(3), np.array([[0, 0], [1, -1], [2, -1]])), "pattern"),
        (lambda: G.sic_factor(np.eye(3), np.array([[0, -1, 1], [1, 2, -1], [2, -1, -1]])), "pad"),
        (lambda: G.sic_factor(np.ones((2, 3)), np.zeros((2, 1), int)), "covariance"),
        (lambda: G.sic_factor(-np.eye(2), np.array([[0], [1]])), "positive definite"),
        (
            lambda: G.sic_factor(np.array([[3.0, 1.0], [0.0, 3.0]]), np.array([[0, 1], [1, -1]])),
            "symmetric",
        ),
        (lambda: G.expected_loglik([0.5], [0.0], [1.0], "bernoulli"), "0 or 1"),
        (lambda: G.expected_loglik([1.5], [0.0], [1.0], "poisson"), "integers"),
        (lambda: G.expected_loglik([1.0], [0.0], [-1.0], "gaussian"), "var"),
        (lambda: G.expected_loglik([1.0], [0.0], [1.0], "student"), "likelihood"),
        (lambda: G.expected_loglik([1.0], [800.0], [1.0], "poisson"), "700"),
        (lambda: G.fit_sic_posterior(np.eye(3), [1.0, 0.0], "bernoulli"), "prior_factor"),
        (lambda: G.fit_sic_posterior(np.triu(np.ones((2, 2))), [1.0, 0.0], "bernoulli"), "lower"),
        (lambda: G.fit_sic_posterior(-np.eye(2), [1.0, 0.0], "bernoulli"), "diagonal"),
        (lambda: G.fit_svgp(np.eye(3), np.array([0, 0]), [1.0, 0.0, 1.0], "bernoulli"), "distinct"),
        (lambda: G.fit_svgp(np.eye(3), np.array([5]), [1.0, 0.0, 1.0], "bernoulli"), "inducing"),
        (lambda: G.elbo([0.0], [[-1.0]], [[1.0]], [1.0], "gaussian"), "cov"),
        (lambda: G.best_gaussian(np.eye(2), [1.0, 0.0], "bernoulli", maxiter=0), "maxiter"),
        (lambda: G.random_pattern(0, 2, 0), "n"),
        (lambda: G.sample_data([*np.zeros((2, 2)), [0, 0], [1, 1]], 0.3, "gaussian", -1), "seed"),
    ],
)
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_memory_is_bounded():
    with pytest.raises(ValueError, match="GiB"):
        G.matern32(np.zeros((100_000, 2)), 1.0)


@pytest.mark.parametrize("like", G.LIKELIHOODS)
def test_elbo_gradients_match_finite_differences(like, monkeypatch):
    # the objectives are closures handed to L-BFGS: catch them there and compare their
    # gradients with central differences at a perturbed starting point
    x, K, y = _problem(n=14, like=like)
    caught = []
    original = G._lbfgs

    def spy(fun, x0, steps):
        caught.append((fun, x0))
        return original(fun, x0, steps)

    monkeypatch.setattr(G, "_lbfgs", spy)
    p = G.neighbour_pattern(x, 3)
    L = G.sic_factor(K, p)
    G.fit_sic_posterior(L, y, like, p)
    G.fit_sic_posterior(L, y, like, None)
    G.fit_svgp(K, np.arange(10, 14), y, like)
    rng = np.random.default_rng(0)
    for fun, x0 in caught:
        point = x0 + 0.05 * rng.standard_normal(x0.size)
        _, grad = fun(point)
        h = 1e-6
        fd = np.array(
            [(fun(point + h * e)[0] - fun(point - h * e)[0]) / (2 * h) for e in np.eye(x0.size)]
        )
        assert np.allclose(grad, fd, rtol=1e-5, atol=1e-6 * (1 + np.abs(fd).max()))
