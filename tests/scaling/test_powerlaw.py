"""Unit tests of rederived.scaling.powerlaw (synthetic data with known parameters)."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.scaling.powerlaw import bootstrap_power_law, fit_power_law


def test_power_law_recovers_exact_parameters():
    x = np.logspace(2, 5, 25)
    fit = fit_power_law(x, 3.0 * x**-0.35 + 0.05, n_starts=5)
    assert (fit.a, fit.alpha, fit.c) == pytest.approx((3.0, 0.35, 0.05), rel=1e-4)
    np.testing.assert_allclose(fit(x), 3.0 * x**-0.35 + 0.05, rtol=1e-6)


def test_power_law_without_offset_and_interval_covers_truth():
    rng = np.random.default_rng(3)
    x = np.logspace(1, 4, 30)
    y = 2.0 * x**-0.5 * np.exp(rng.normal(0, 0.02, x.size))
    fit = fit_power_law(x, y, offset=False, loss="mse", n_starts=3)
    assert fit.c == 0 and fit.alpha == pytest.approx(0.5, abs=0.02)
    lo, hi = fit.confidence_interval(n_boot=30, seed=1)["alpha"]
    assert lo < 0.5 < hi and hi - lo < 0.05


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: fit_power_law([1, 2, -3], [1, 2, 3]), ValueError, "x must be positive"),
        (lambda: fit_power_law([1, 2, 3], [1, 2]), ValueError, "lengths differ"),
        (lambda: fit_power_law([1, 2, 3], [1, np.nan, 3]), ValueError, "y must be finite"),
        (lambda: fit_power_law([1, 2, 3, 4], [1, 2, 3, 4], loss="l1"), ValueError, "loss"),
        (lambda: fit_power_law([1, 2, 3, 4], [1, 2, 3, 4], space="exp"), ValueError, "space"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_fit_needs_more_points_than_parameters():
    x = np.array([10.0, 100.0, 1000.0])
    with pytest.raises(ValueError, match="more distinct sizes x than its 3 parameters"):
        fit_power_law(x, 2 * x**-0.5 + 0.1)
    with pytest.raises(ValueError, match="more distinct sizes x than its 2 parameters"):
        fit_power_law(x[:2], 2 * x[:2] ** -0.5, offset=False)
    # five identical sizes were accepted (and "fitted")
    with pytest.raises(ValueError, match="distinct sizes"):
        fit_power_law(np.full(5, 100.0), np.linspace(0.1, 0.5, 5))
    x = np.logspace(2, 5, 12)
    assert fit_power_law(x, 3.0 * x**-0.35 + 0.05, n_starts=np.int64(2)).alpha > 0


def test_bootstrap_power_law_over_independent_curves():
    rng = np.random.default_rng(0)
    x = 2.0 ** np.arange(4, 12)
    # ten repetitions of a law with exponent 0.8, each with its own multiplicative noise
    curves = (2 * x**-0.8 + 0.01) * np.exp(0.05 * rng.standard_normal((10, x.size)))
    fit, interval, samples = bootstrap_power_law(x, curves, n_boot=60, seed=1)
    assert samples.shape == (60, 3)

    # the interval's width matches the spread of the exponent over independent experiments
    def experiment(rng):
        noisy = (2 * x**-0.8 + 0.01) * np.exp(0.05 * rng.standard_normal((10, x.size)))
        return fit_power_law(x, noisy.mean(axis=0), n_starts=4).alpha

    spread = np.std([experiment(np.random.default_rng(s)) for s in range(1, 13)], ddof=1)
    half_width = (interval["alpha"][1] - interval["alpha"][0]) / 2 / 1.96
    assert 0.5 < half_width / spread < 2
    assert abs(fit.alpha - 0.8) < 4 * spread
    assert fit.alpha == pytest.approx(fit_power_law(x, curves.mean(axis=0)).alpha)
    # the same seed and number of rows draw the same resamples: paired samples
    _, _, again = bootstrap_power_law(x, curves, n_boot=60, seed=1)
    np.testing.assert_array_equal(samples, again)
    # options reach the fits
    pure, _, _ = bootstrap_power_law(x, curves, n_boot=2, offset=False)
    assert pure.c == 0
    for bad, match in (
        (curves[:1], "at least 2 repetitions"),
        (curves[:, :-1], "one per size"),
        (-curves, "positive"),
    ):
        with pytest.raises(ValueError, match=match):
            bootstrap_power_law(x, bad)


def test_linear_space_refuses_losses_beyond_its_cap():
    # near 1e200 the capped linear-space prediction cannot reach the data: alpha came out 1.29
    # for a true 0.5, with only warnings
    x = np.logspace(1, 4, 10)
    with pytest.raises(ValueError, match="space='linear'"):
        fit_power_law(x, 1e200 * x**-0.5, space="linear", offset=False)
    assert abs(fit_power_law(x, 1e200 * x**-0.5, offset=False).alpha - 0.5) < 1e-6
