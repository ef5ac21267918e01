"""Unit tests of rederived.stochastic.persistence: the IIA exponent and density, simulation,
estimators."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from rederived.stochastic import persistence as ps


def test_iia_diffusion_exponents_match_the_classical_values():
    for d, quoted in ((1, 0.1203), (2, 0.1862), (3, 0.2358)):
        assert abs(ps.iia_exponent_diffusion(d) - quoted) < 5e-5


def test_iia_exponent_grows_with_the_decay_rate_and_needs_it():
    # the root lies below the decay rate d/4, and a faster-decaying correlation persists less
    slow, fast = ps.iia_exponent_diffusion(1), ps.iia_exponent_diffusion(4)
    assert 0 < slow < 0.25 and slow < fast < 1.0
    with pytest.raises(ValueError, match="no IIA root below the decay rate"):
        ps.iia_exponent(ps.diffusion_correlation(2), 0.25, 0.05)


def test_iia_interval_density_recovers_exponential_intervals():
    # a telegraph process (exponential intervals of mean τ) has A(t) = e^{-2t/τ}, so
    # g = (τ/4) A'' = e^{-2t/τ}/τ, and the renewal equation must return P = e^{-t/τ}/τ
    tau, h = 2.0, 0.005
    t = np.arange(0, 20, h)
    P = ps.iia_interval_density(np.exp(-2 * t / tau) / tau, h)
    assert np.max(np.abs(P - np.exp(-t / tau) / tau)) < 1e-5


def test_simulated_paths_have_the_requested_correlation():
    f = ps.diffusion_correlation(2)
    X = ps.simulate_stationary(f, 0.1, 60, 20_000, seed=3)
    assert X.shape == (20_000, 60)
    for lag in (0, 5, 20):
        empirical = np.mean(X[:, 10] * X[:, 10 + lag])
        assert abs(empirical - f(np.array([lag * 0.1]))[0]) < 0.03
    again = ps.simulate_stationary(f, 0.1, 60, 20_000, seed=3)
    assert np.array_equal(X, again), "seeded"


def test_persistence_probability_and_intervals():
    paths = np.array([[1.0, 2.0, -1.0, -2.0, 3.0, 1.0], [-1.0, -1.0, -2.0, -1.0, -3.0, -1.0]])
    assert np.allclose(ps.persistence_probability(paths), [1, 1, 0.5, 0.5, 0.5, 0.5])
    # first path: sign changes after steps 1 and 3, one complete interval of 2 steps
    assert np.allclose(ps.interval_lengths(paths, 0.5), [1.0])


def test_diffusion_correlation_is_stable_far_out():
    f = ps.diffusion_correlation(3)
    values = f(np.array([0.0, 1.0, 2000.0]))
    assert values[0] == 1.0 and np.isfinite(values).all() and values[2] == 0.0
    assert abs(float(f(mpmath.mpf(1))) - values[1]) < 1e-15


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ps.iia_exponent_diffusion(0), "d must be positive"),
        (lambda: ps.iia_exponent_diffusion(float("nan")), "finite"),
        (lambda: ps.iia_exponent(lambda T: 2 * T, 1.0, 0.5), "not in"),
        (lambda: ps.iia_exponent(3, 1.0, 0.5), "callable"),
        (lambda: ps.iia_interval_density([1.0], 0.1), "with 2 to 50000 values"),
        (lambda: ps.iia_interval_density([1.0, np.nan], 0.1), "finite"),
        (lambda: ps.iia_interval_density([1.0, 1.0], -0.1), "h must be positive"),
        (lambda: ps.simulate_stationary(np.cos, 0.1, 1, 10), "n_steps"),
        (lambda: ps.persistence_probability(np.zeros(5)), "2-D"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_a_correlation_that_is_not_positive_definite_is_refused():
    # a correlation that stays at 1 then drops to 0 is not positive definite
    with pytest.raises(ValueError, match="positive semi-definite"):
        ps.simulate_stationary(lambda T: np.where(np.asarray(T) < 1.0, 1.0, 0.0), 0.1, 40, 4)


def test_iia_excess_vanishes_at_the_high_precision_root_of_a_gaussian_correlation():
    """For f = exp(−T²/2) the integral converges for every θ; the double-precision left side
    vanishes at the root the mpmath solver finds (bracketed below θ = 3)."""
    root = ps.iia_exponent(lambda T: mpmath.exp(-T * T / 2), 1.0, 3.0)

    def gauss(T):
        return np.exp(-T * T / 2)

    assert abs(ps.iia_excess(gauss, 1.0, root)) < 1e-9
    assert ps.iia_excess(gauss, 1.0, 0.0) == -1.0
    assert ps.iia_excess(gauss, 1.0, root * 0.9) < 0 < ps.iia_excess(gauss, 1.0, root * 1.1)
    with pytest.raises(ValueError, match="theta must be at most 20"):
        ps.iia_excess(gauss, 1.0, 21.0)
    with pytest.raises(ValueError, match="theta"):
        ps.iia_excess(gauss, 1.0, -0.1)
    with pytest.raises(ValueError, match="curvature"):
        ps.iia_excess(gauss, 0.0, 0.5)
    with pytest.raises(ValueError, match="not in"):
        ps.iia_excess(lambda T: 1.5, 1.0, 0.5)
    with pytest.raises(TypeError, match="callable"):
        ps.iia_excess(0.5, 1.0, 0.5)
