"""Contract of rederived.scaling.plrf, on its whole domain (Hypothesis).

Domain: α > 0 and 2(α + β) > 1, 1 ≤ d < v within a 2 GiB budget, integer seeds; step counts
non-negative (whole numbers for Monte Carlo), step sizes that keep SGD stable; IsoFLOP tables of
positive, finite losses over increasing parameter counts. Results: θ* minimises the loss at F₀,
the expected loss starts at P(0), stays above F₀ and agrees with Monte Carlo SGD; the frontier's
minima are those of the table; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rederived.scaling import plrf

COVERS = ("PLRF", "compute_optimal_frontier", "expected_loss", "plrf", "sgd_losses")

PROBLEMS = st.builds(
    plrf.plrf,
    alpha=st.floats(0.3, 1.5),
    beta=st.floats(0.3, 1.5),
    d=st.integers(1, 12),
    v=st.just(40),
    seed=st.integers(0, 2**31),
)


@given(PROBLEMS, st.integers(0, 2**32))
def test_theta_star_is_the_minimum_and_f0_its_loss(problem, seed):
    assert isinstance(problem, plrf.PLRF)
    assert np.all(problem.eigenvalues > 0) and np.all(np.diff(problem.eigenvalues) >= 0)
    assert problem.limit_loss >= 0
    assert abs(problem.loss(problem.theta_star) - problem.limit_loss) <= 1e-12
    step = np.random.default_rng(seed).normal(size=problem.d)
    assert problem.loss(problem.theta_star + 1e-3 * step) >= problem.limit_loss


@given(PROBLEMS, st.floats(0.05, 0.5))
def test_expected_loss_starts_at_p0_and_stays_above_f0(problem, fraction):
    lr = fraction / problem.eigenvalues.sum()  # well inside SGD's stable range
    steps = np.array([0, 1, 10, 100, 1000])
    expected = plrf.expected_loss(problem, steps, lr)
    assert np.all(np.isfinite(expected))
    assert abs(expected[0] - problem.loss(np.zeros(problem.d))) <= 1e-12 * expected[0]
    assert np.all(expected >= problem.limit_loss - 1e-12)


@given(st.integers(0, 2**31))
def test_monte_carlo_sgd_agrees_with_the_expected_loss(seed):
    problem = plrf.plrf(1.0, 0.7, 6, 30, seed=seed)
    lr = 0.3 / problem.eigenvalues.sum()
    steps = np.array([0, 5, 50])
    mean, se = plrf.sgd_losses(problem, steps, lr, runs=200, seed=seed)
    exact = plrf.expected_loss(problem, steps, lr)
    assert np.all(np.abs(mean - exact) <= 5 * se + 1e-12)


@given(st.floats(1.2, 1e6), st.integers(3, 12))
def test_the_frontier_is_the_table_minimum(scale, n):
    ds = np.geomspace(2, 2**n, n)
    flops = np.array([scale])
    losses = (flops[:, None] / ds) ** -1.0 + ds**-1.0  # minimum at d = √flops
    d_star, p_star, interior = plrf.compute_optimal_frontier(flops, ds, losses)
    assert p_star[0] <= losses.min() * (1 + 1e-12)
    assert ds[0] <= d_star[0] <= ds[-1]
    assert interior[0] == (0 < np.argmin(losses[0]) < n - 1)


SMALL = plrf.plrf(1.0, 0.7, 4, 20)
BAD = [
    (lambda: plrf.plrf(0.0, 0.7, 4, 20), ValueError, "alpha"),
    (lambda: plrf.plrf(0.2, 0.2, 4, 20), ValueError, "2\\(alpha \\+ beta\\)"),
    (lambda: plrf.plrf(1.0, np.nan, 4, 20), TypeError, "beta"),
    (lambda: plrf.plrf(1.0, 0.7, 20, 20), ValueError, "d < v"),
    (lambda: plrf.plrf(1.0, 0.7, 0, 20), ValueError, "d must"),
    (lambda: plrf.plrf(1.0, 0.7, 4, 20, seed=1.5), TypeError, "seed"),
    (lambda: plrf.plrf(1.0, 0.7, 10**5, 10**6), ValueError, "GiB"),
    (lambda: SMALL.loss(np.zeros(3)), ValueError, "theta"),
    (lambda: SMALL.with_target(-0.9), ValueError, "2\\(alpha \\+ beta\\)"),
    (lambda: plrf.expected_loss(SMALL, [0, 1], 100.0), ValueError, "lr"),
    (lambda: plrf.expected_loss(SMALL, [-1], 0.1), ValueError, "steps"),
    (lambda: plrf.expected_loss(SMALL, [1j], 0.1), ValueError, "steps"),
    (lambda: plrf.expected_loss("problem", [1], 0.1), TypeError, "problem"),
    (lambda: plrf.expected_loss(SMALL, [1], 0.1, batch=0), ValueError, "batch"),
    (lambda: plrf.sgd_losses(SMALL, [0, 2.7], 0.1, runs=4), ValueError, "whole numbers"),
    (lambda: plrf.sgd_losses(SMALL, [0, 200], 10.0, runs=4), ValueError, "diverged"),
    (lambda: plrf.sgd_losses(SMALL, [1], 0.1, runs=1), ValueError, "runs"),
    (lambda: plrf.sgd_losses(SMALL, [1], 0.1, batch=10**6, runs=10**3), ValueError, "GiB"),
    (lambda: plrf.compute_optimal_frontier([1e3], [1, 2], np.ones((1, 2))), ValueError, "ds"),
    (
        lambda: plrf.compute_optimal_frontier([1e3], [1, 2, 3], np.ones((2, 3))),
        ValueError,
        "losses",
    ),
    (
        lambda: plrf.compute_optimal_frontier([1e3], [1, 2, 3], -np.ones((1, 3))),
        ValueError,
        "positive",
    ),
    (
        lambda: plrf.compute_optimal_frontier([-1.0], [1, 2, 3], np.ones((1, 3))),
        ValueError,
        "flops",
    ),
    (
        lambda: plrf.compute_optimal_frontier([1e3], [1, 2, 3], np.ones((1, 3)) * 1j),
        TypeError,
        "losses",
    ),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
