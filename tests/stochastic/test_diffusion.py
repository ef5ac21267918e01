"""Unit tests of rederived.stochastic.diffusion: α-rule simulation, stationary densities, path
integral."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.stochastic import diffusion as df


def D(x):
    return 0.5 + x**2 / (1 + x**2)


def dD(x):
    return 2 * x / (1 + x**2) ** 2


GRID = np.linspace(-6, 6, 241)


def test_ornstein_uhlenbeck_variance_with_constant_diffusion():
    # dx = −x dt + √2 dW: stationary variance 1 for every α (D is constant)
    x0 = np.random.default_rng(0).standard_normal(20_000)
    for alpha in (0.0, 0.5, 1.0):
        _, avg = df.simulate(
            lambda x: -x,
            lambda x: np.ones_like(x),
            x0,
            0.01,
            400,
            alpha,
            average_from=100,
            richardson=True,
            seed=1,
        )
        assert abs(avg.mean(2, extrapolated=True) - 1) < 4 * avg.error(2, extrapolated=True) + 0.01


def test_stationary_density_with_and_without_the_drift():
    boltz = df.stationary_density(lambda x: x**2 / 2, D, 0.0, GRID, corrected=True)
    assert np.allclose(boltz, np.exp(-(GRID**2) / 2) / np.sqrt(2 * np.pi), atol=1e-6)
    ito = df.stationary_density(lambda x: x**2 / 2, D, 0.0, GRID, corrected=False)
    target = np.exp(-(GRID**2) / 2) / D(GRID)
    assert np.allclose(ito, target / np.trapezoid(target, GRID))
    anti = df.stationary_density(lambda x: x**2 / 2, D, 1.0, GRID, corrected=False)
    assert np.allclose(anti, boltz), "the anti-Itô rule needs no added drift"


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
def test_path_integral_converges_to_the_fokker_planck_density(alpha):
    def drift(x):
        return -D(x) * x + (1 - alpha) * dD(x)

    exact = df.stationary_density(lambda x: x**2 / 2, D, alpha, GRID, corrected=True)
    tv = [
        0.5
        * np.trapezoid(
            np.abs(
                df.chain_stationary(df.alpha_point_kernel(drift, D, alpha, GRID, dt), GRID) - exact
            ),
            GRID,
        )
        for dt in (0.04, 0.02)
    ]
    assert tv[1] < 0.01 and tv[1] < 0.7 * tv[0], "first-order convergence"


def test_time_average_groups_and_richardson_need_a_coarse_run():
    avg = df.TimeAverage((2,), np.array([[1.0, 1.2, 0.8, 1.0]]))
    assert avg.mean(2) == pytest.approx(1.0) and avg.error(2) > 0
    with pytest.raises(ValueError, match="richardson=True"):
        avg.mean(2, extrapolated=True)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: df.simulate(np.negative, D, [0.0, 1.0], 0.01, 10, 1.5), "alpha"),
        (lambda: df.simulate(np.negative, D, [0.0, 1.0], -0.01, 10, 0.5), "dt must be positive"),
        (lambda: df.simulate(np.negative, D, [0.0, np.nan], 0.01, 10, 0.5), "x0"),
        (
            lambda: df.simulate(np.negative, lambda x: x - 5, [0.0, 1.0], 0.01, 10, 0, groups=2),
            "D must be positive",
        ),
        (
            lambda: df.simulate(np.negative, D, [0.0, 1.0], 0.01, 11, 0, groups=2, richardson=True),
            "even",
        ),
        (lambda: df.simulate(np.negative, D, [0.0, 1.0, 2.0], 0.01, 10, 0, groups=2), "divide"),
        (lambda: df.stationary_density(np.square, D, 0.5, [0.0, 1.0], corrected=True), "grid"),
        (lambda: df.alpha_point_kernel(np.negative, D, 0.5, [0.0, 1.0, 3.0], 0.1), "uniform"),
        (lambda: df.chain_stationary(np.eye(3), GRID), "square, of the grid"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
