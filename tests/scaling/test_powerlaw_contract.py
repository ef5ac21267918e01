"""Contract of rederived.scaling.powerlaw, on its whole domain (Hypothesis).

Domain: sizes x and losses y are finite, positive real arrays of one length with more distinct
sizes than the law has parameters (3 with offset, 2 without); in linear space the losses lie in
1e-100..1e100; bootstrap curves are (repeats ≥ 2, n) arrays of positive losses; n_boot in
2..MAX_BOOT, level in (0, 1). Results: a law that reproduces exact power laws at any scale of
the losses a double holds (log space), predictions that are positive and finite at positive
sizes, intervals that contain the fit; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.scaling.powerlaw import PowerLawFit, bootstrap_power_law, fit_power_law

COVERS = ("PowerLawFit", "bootstrap_power_law", "fit_power_law")

X = np.logspace(1, 4, 12)
# each fit is an L-BFGS run from several starts: a third of the profile's examples
FITS = settings(max_examples=max(5, settings.default.max_examples // 3))


@FITS
@given(
    st.floats(0.1, 10),
    st.floats(0.1, 2),
    st.sampled_from([0.0, 1e-3, 0.1]),
    st.sampled_from([1e-250, 1e-30, 1.0, 1e30, 1e250]),
)
def test_exact_power_laws_are_recovered_at_any_scale(a, alpha, c, scale):
    y = scale * (a * X**-alpha + c)
    fit = fit_power_law(X, y, offset=c > 0)
    assert isinstance(fit, PowerLawFit)
    assert abs(fit.alpha - alpha) < 1e-3 * alpha
    prediction = fit(X)
    assert np.all(np.isfinite(prediction)) and np.all(prediction > 0)
    assert np.max(np.abs(prediction / y - 1)) < 1e-4


@FITS
@given(st.floats(0.2, 1.5), st.integers(0, 2**32))
def test_bootstrap_intervals_contain_the_fit(alpha, seed):
    rng = np.random.default_rng(seed)
    curves = (2 * X**-alpha + 0.01) * np.exp(0.02 * rng.standard_normal((4, X.size)))
    fit, interval, samples = bootstrap_power_law(X, curves, n_boot=5, seed=seed)
    assert samples.shape == (5, 3) and np.all(np.isfinite(samples))
    for key in ("a", "alpha", "c"):
        lo, hi = interval[key]
        assert lo <= hi and np.isfinite(lo) and np.isfinite(hi)
    assert fit.alpha > 0


FIT = fit_power_law(X, 2 * X**-0.5 + 0.1)
BAD = [
    (lambda: fit_power_law(X, -(X**-0.5)), ValueError, "y must be positive"),
    (lambda: fit_power_law(X, X * np.nan), ValueError, "y must be finite"),
    (lambda: fit_power_law(X * 1j, X), TypeError, "x"),
    (lambda: fit_power_law(X, X**-0.5 + 1j), TypeError, "y"),
    (lambda: fit_power_law(["a"] * 12, X), TypeError, "x"),
    (lambda: fit_power_law(X[:5], X), ValueError, "lengths differ"),
    (lambda: fit_power_law(np.full(6, 10.0), X[:6]), ValueError, "distinct sizes"),
    (lambda: fit_power_law(X, X**-0.5, loss="l1"), ValueError, "loss"),
    (lambda: fit_power_law(X, X**-0.5, space="sqrt"), ValueError, "space"),
    (lambda: fit_power_law(X, X**-0.5, n_starts=0), ValueError, "n_starts"),
    (lambda: fit_power_law(X, X**-0.5, delta=0.0), ValueError, "delta"),
    (lambda: fit_power_law(X, 1e200 * X**-0.5, space="linear"), ValueError, "space='linear'"),
    (lambda: FIT(0.0), ValueError, "x must be positive"),
    (lambda: FIT(-1.0), ValueError, "x must be positive"),
    (lambda: FIT(1j), TypeError, "x must hold"),
    (lambda: FIT.confidence_interval(n_boot=1), ValueError, "n_boot"),
    (lambda: FIT.confidence_interval(n_boot=10**9), ValueError, "n_boot"),
    (lambda: FIT.confidence_interval(level=1.0), ValueError, "level"),
    (lambda: bootstrap_power_law(X, [X**-0.5]), ValueError, "curves"),
    (lambda: bootstrap_power_law(X, np.ones((3, 5))), ValueError, "columns"),
    (lambda: bootstrap_power_law(X, np.ones((3, 12)) * 1j), TypeError, "curves"),
    (lambda: bootstrap_power_law(X, np.ones((3, 12)), n_boot=10**9), ValueError, "n_boot"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
