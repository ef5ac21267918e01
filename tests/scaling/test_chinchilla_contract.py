"""Contract of rederived.scaling.chinchilla, on its whole domain (Hypothesis).

Domain: a law has finite E, A, B > 0 and finite exponents; it is evaluated at positive, finite
N and D; fits take more than five positive, finite (N, D, loss) points, a positive delta and
starts that are laws or finite 5-vectors; compute_optimal needs positive exponents and budgets;
n_boot in 2..MAX_BOOT. Results: losses above E, a fit that recovers an exact law, a compute
split with 6·N·D = C on the law's optimum; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.scaling.chinchilla import (
    ChinchillaFit,
    bootstrap_chinchilla,
    chinchilla_objective,
    compute_optimal,
    fit_chinchilla,
)

COVERS = (
    "ChinchillaFit",
    "bootstrap_chinchilla",
    "chinchilla_objective",
    "compute_optimal",
    "fit_chinchilla",
)

LAWS = st.builds(
    ChinchillaFit,
    E=st.floats(0.5, 3),
    A=st.floats(10, 2000),
    B=st.floats(10, 5000),
    alpha=st.floats(0.1, 0.8),
    beta=st.floats(0.1, 0.8),
)
N = np.geomspace(1e7, 1e10, 5).repeat(4)
D = np.tile(np.geomspace(1e9, 1e12, 4), 5)
FITS = settings(max_examples=max(5, settings.default.max_examples // 3))


@given(LAWS, st.floats(1, 1e15), st.floats(1, 1e15))
def test_the_law_is_above_its_floor_and_decreasing(law, n, d):
    value = law(n, d)
    assert np.isfinite(value) and value > law.E
    assert law(2 * n, d) < value and law(n, 2 * d) < value


@given(LAWS, st.floats(1e15, 1e30))
def test_the_compute_optimal_split_spends_the_budget_at_the_optimum(law, C):
    n_opt, d_opt = compute_optimal(law, C)
    assert abs(6 * n_opt * d_opt / C - 1) < 1e-9
    # along the budget's curve, nearby splits are no better
    for factor in (0.9, 1.1):
        assert law(n_opt * factor, d_opt / factor) >= law(n_opt, d_opt) * (1 - 1e-12)


@FITS
@given(LAWS)
def test_a_fit_from_a_nearby_start_recovers_an_exact_law(law):
    loss = law(N, D)
    start = ChinchillaFit(law.E * 1.1, law.A * 0.8, law.B * 1.2, law.alpha * 0.9, law.beta * 1.1)
    fit = fit_chinchilla(N, D, loss, starts=[start])
    # exact data: the objective (½ Σ r², r the log residuals) is 0 at the law, but SciPy's
    # relative stop counts changes against max(|f|, 1), so on these flat valleys L-BFGS stops
    # once the objective is small in absolute terms: below 1e-6 (RMS log residual < 3e-4)
    assert fit.objective < 1e-6
    assert np.max(np.abs(fit(N, D) / loss - 1)) < 1e-3
    assert chinchilla_objective(fit, N, D, loss) <= chinchilla_objective(start, N, D, loss)
    samples = bootstrap_chinchilla(N, D, loss, n_boot=2, start=fit)
    assert samples.shape == (2, 5) and np.all(np.isfinite(samples))


LAW = ChinchillaFit(1.69, 406.4, 410.7, 0.34, 0.28)


@given(st.sampled_from([5e-324, 1e-300, 1.0, 1e300]))
def test_compute_optimal_across_the_double_range(C):
    # C/6 underflowed for C = 5e-324 and N = D = 0 came out; in logarithms both stay positive
    n_opt, d_opt = compute_optimal(LAW, C)
    assert n_opt > 0 and d_opt > 0 and np.isfinite(n_opt) and np.isfinite(d_opt)
    assert np.log(6 * n_opt) + np.log(d_opt) == pytest.approx(np.log(C), rel=1e-12)


LOSS = LAW(N, D)
BAD = [
    (lambda: ChinchillaFit(1.0, -1.0, 1.0, 0.3, 0.3), ValueError, "A must be positive"),
    (lambda: ChinchillaFit(1.0, 1.0, 1.0, np.nan, 0.3), ValueError, "alpha must be finite"),
    (lambda: ChinchillaFit(1.0, 1.0, 1.0, "0.3", 0.3), TypeError, "alpha"),
    (lambda: LAW(-1.0, 1e9), ValueError, "N must be positive"),
    (lambda: LAW(1e9, 0.0), ValueError, "D must be positive"),
    (lambda: LAW(1e9 + 1j, 1e9), TypeError, "N"),
    (lambda: compute_optimal(LAW, -1.0), ValueError, "C must"),
    (lambda: compute_optimal(LAW, 1e20 + 1j), TypeError, "C"),
    (lambda: compute_optimal((1, 2, 3, 4, 5), 1e20), TypeError, "params"),
    (lambda: compute_optimal(ChinchillaFit(1, 1, 1, -0.1, 0.3), 1e20), ValueError, "exponents"),
    (lambda: chinchilla_objective(LAW, N, D, LOSS, delta=0.0), ValueError, "delta"),
    (lambda: chinchilla_objective(LAW, N, D, LOSS, delta=np.nan), ValueError, "delta"),
    (lambda: chinchilla_objective((1, 2), N, D, LOSS), TypeError, "params"),
    (lambda: fit_chinchilla(N[:5], D[:5], LOSS[:5]), ValueError, "more points"),
    (lambda: fit_chinchilla(N, D[:5], LOSS), ValueError, "lengths differ"),
    (lambda: fit_chinchilla(N, D, -LOSS), ValueError, "loss must be positive"),
    (lambda: fit_chinchilla(N, D, LOSS, starts=[[1.0, 2.0]]), ValueError, "starts"),
    (lambda: fit_chinchilla(N, D, LOSS, starts=[[1.0, 2, 3, 4, np.inf]]), ValueError, "starts"),
    (lambda: fit_chinchilla(N, D, LOSS, refine=0), ValueError, "refine"),
    (lambda: fit_chinchilla(N, D, LOSS, reduction="max"), ValueError, "reduction"),
    (lambda: fit_chinchilla(N, D, LOSS, lbfgs_options=[1]), TypeError, "lbfgs_options"),
    (lambda: bootstrap_chinchilla(N, D, LOSS, n_boot=1, start=LAW), ValueError, "n_boot"),
    (lambda: bootstrap_chinchilla(N, D, LOSS, n_boot=10**9, start=LAW), ValueError, "n_boot"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
