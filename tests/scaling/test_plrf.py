"""Unit tests of rederived.scaling.plrf: the PLRF model, its exact expected SGD loss, IsoFLOP
minima."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.scaling import plrf


@pytest.fixture(scope="module")
def small():
    return plrf.plrf(1.0, 0.7, 6, 20, seed=3)


def test_loss_decomposes_around_the_optimum(small):
    rng = np.random.default_rng(0)
    theta = rng.normal(size=small.d)
    # the population loss from its definition, ½ (Wθ − b)ᵀ D (Wθ − b)
    residual = small.W @ theta - small.target
    direct = 0.5 * residual @ (small.spectrum * residual)
    assert small.loss(theta) == pytest.approx(direct, rel=1e-10)
    assert small.loss(small.theta_star) == pytest.approx(small.limit_loss)
    assert small.loss(np.zeros(small.d)) == pytest.approx(
        0.5 * np.sum(small.spectrum * small.target**2)
    )


def test_expected_loss_equals_the_stepped_second_moment(small):
    """The closed form against stepping the full matrix recursion E[ee'] (Isserlis) directly."""
    lr, batch = 0.3 / small.eigenvalues.sum(), 2
    K = small.W.T @ (small.spectrum[:, None] * small.W)
    S = np.outer(small.theta_star, small.theta_star)
    noise = 2 * small.limit_loss
    expected = [small.limit_loss + 0.5 * np.trace(K @ S)]
    for _ in range(60):
        S = (
            S
            - lr * (K @ S + S @ K)
            + lr**2 * ((1 + 1 / batch) * K @ S @ K + (np.trace(K @ S) + noise) * K / batch)
        )
        expected.append(small.limit_loss + 0.5 * np.trace(K @ S))
    closed = plrf.expected_loss(small, np.arange(61), lr, batch)
    assert np.allclose(closed, expected, rtol=1e-9)


def test_expected_loss_matches_sgd_within_its_error(small):
    lr = 0.5 / small.eigenvalues.sum()
    steps = np.array([5, 50, 400])
    mean, se = plrf.sgd_losses(small, steps, lr, runs=300, seed=1)
    assert np.all(np.abs(mean - plrf.expected_loss(small, steps, lr)) < 4 * se)


def test_nested_models_share_their_features():
    a, b = plrf.plrf(1.0, 0.5, 4, 30, seed=7), plrf.plrf(1.0, 0.5, 9, 30, seed=7)
    assert np.allclose(a.W * np.sqrt(4), b.W[:, :4] * np.sqrt(9))
    assert b.limit_loss < a.limit_loss  # more features of the same kind fit better


def test_with_target_matches_a_fresh_draw():
    a = plrf.plrf(0.8, 1.1, 5, 40, seed=2)
    b = plrf.plrf(0.8, 0.4, 5, 40, seed=2).with_target(1.1)
    assert np.allclose(a.theta_star, b.theta_star) and a.limit_loss == pytest.approx(b.limit_loss)


def test_frontier_finds_a_planted_minimum():
    flops = np.geomspace(1e3, 1e6, 7)
    ds = np.geomspace(4, 4096, 21)
    # P = (f/d)^-1 + d^-1: minimum at d = √f exactly
    losses = (flops[:, None] / ds[None, :]) ** -1.0 + ds[None, :] ** -1.0
    d_star, p_star, interior = plrf.compute_optimal_frontier(flops, ds, losses)
    assert interior.all()
    assert np.allclose(d_star, np.sqrt(flops), rtol=0.02)
    assert np.allclose(p_star, 2 / np.sqrt(flops), rtol=0.01)
    edge = plrf.compute_optimal_frontier(
        [1e9], ds, (1e9 / ds[None, :]) ** -1.0 + ds[None, :] ** -1.0
    )
    assert not edge[2][0] and edge[0][0] == ds[-1]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: plrf.plrf(0.0, 1.0, 4, 10), ValueError, "alpha must be positive"),
        (lambda: plrf.plrf(0.3, 0.1, 4, 10), ValueError, "2\\(alpha \\+ beta\\) > 1"),
        (lambda: plrf.plrf(1.0, np.nan, 4, 10), TypeError, "beta"),
        (lambda: plrf.plrf(1.0, 1.0, 10, 10), ValueError, "d < v"),
        (lambda: plrf.plrf(1.0, 1.0, 0, 10), ValueError, "d must"),
        (lambda: plrf.plrf(1.0, 1.0, 4, 10, seed=1.5), TypeError, "seed"),
        (lambda: plrf.expected_loss("p", [1], 0.1), TypeError, "PLRF"),
        (lambda: plrf.expected_loss(plrf.plrf(1, 1, 4, 10), [1], 10.0), ValueError, "too large"),
        (lambda: plrf.expected_loss(plrf.plrf(1, 1, 4, 10), [-1], 0.1), ValueError, "steps"),
        (lambda: plrf.expected_loss(plrf.plrf(1, 1, 4, 10), [1], -0.1), ValueError, "lr"),
        (lambda: plrf.sgd_losses(plrf.plrf(1, 1, 4, 10), [1], 0.1, runs=1), ValueError, "runs"),
        (lambda: plrf.plrf(1, 1, 4, 10).loss(np.ones(3)), ValueError, "theta"),
        (lambda: plrf.compute_optimal_frontier([1], [1, 2], [[1, 2]]), ValueError, "ds"),
        (
            lambda: plrf.compute_optimal_frontier([1], [1, 2, 3], [[1, 0, 2]]),
            ValueError,
            "positive",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_the_phase_sweeps_spot_check_compares_a_prefix_and_can_fail():
    """The stored phase grid is checked on its first parameter counts (a cheap prefix of one
    item); a changed value anywhere in that prefix is caught, one outside it is not looked at."""
    item = {"alpha": 1.3, "seeds": [7]}
    small = {**item, "max_d": 16}
    fresh = plrf.phase_item(small)
    ds, flops = plrf.phase_grid_arrays()
    k = len(fresh["limit"][0])
    assert k == int(np.sum(ds <= 16)) and len(fresh["losses"][0]) == len(flops) * k
    # a stored result built from the prefix, padded with other columns, agrees ...
    padded = {"betas": fresh["betas"], "losses": [], "limit": []}
    for losses, limit in zip(fresh["losses"], fresh["limit"], strict=True):
        full = np.ones((len(flops), len(ds)))
        full[:, :k] = np.reshape(losses, (len(flops), k))
        padded["losses"].append(full.ravel().tolist())
        padded["limit"].append(list(limit) + [1.0] * (len(ds) - k))
    assert plrf.PHASE_SWEEP.spot_compare(fresh, padded)
    # ... and a perturbed loss or limit inside the prefix does not
    bad = {**padded, "losses": [list(x) for x in padded["losses"]]}
    bad["losses"][0][1] *= 1 + 1e-4
    assert not plrf.PHASE_SWEEP.spot_compare(fresh, bad)
    bad = {**padded, "limit": [list(x) for x in padded["limit"]]}
    bad["limit"][-1][0] *= 1 + 1e-4
    assert not plrf.PHASE_SWEEP.spot_compare(fresh, bad)
    assert plrf.PHASE_SWEEP.spot_item(item)["max_d"] < ds[-1]


def test_sgd_refuses_fractional_steps_and_a_diverging_step_size(small):
    # 2.7 steps were truncated to 2 silently, and step size 10 returned a loss of 1e228
    with pytest.raises(ValueError, match="whole numbers"):
        plrf.sgd_losses(small, [0, 2.7], 0.1, runs=4)
    with pytest.raises(ValueError, match="diverged"):
        plrf.sgd_losses(small, [0, 200], 10.0, runs=4)
