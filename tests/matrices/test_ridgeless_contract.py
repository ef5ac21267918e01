"""Contract of rederived.matrices.ridgeless, on its whole domain (Hypothesis).

Domain: φ > 0, ψ in (0, 1], α ≥ 0, σ > 0 (finite); sketches with 1 ≤ m ≤ n; fits of finite
data. Results: finite non-negative risks that the closed forms give (the full-sample limit at
φ/ψ bounds the orthogonal one from both sides of ψ's effect), ratios in [0, 1], sketches with
orthonormal rows; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.matrices.ridgeless import (
    limiting_risk,
    min_norm_fit,
    optimal_sketch_ratio,
    simulated_risks,
    sketch_matrix,
)

COVERS = (
    "limiting_risk",
    "min_norm_fit",
    "optimal_sketch_ratio",
    "simulated_risks",
    "sketch_matrix",
)

ratios = st.floats(1e-12, 1e12)
scales = st.floats(0.0, 1e100)


@settings(deadline=None, max_examples=300)
@given(ratios, st.floats(1e-12, 1.0), scales, st.floats(1e-100, 1e100), st.booleans())
def test_limits_are_finite_and_non_negative_or_refused(phi, psi, alpha, sigma, gaussian):
    kind = "gaussian" if gaussian else "orthogonal"
    try:
        risk = float(limiting_risk(phi, alpha, sigma, psi=psi, sketch=kind))
    except ValueError as err:
        assert "diverges" in str(err) or "overflows" in str(err)
        return
    assert np.isfinite(risk) and risk >= 0
    if not gaussian and phi / psi > 1:
        assert risk >= alpha**2 * (1 - psi / phi) * (1 - 1e-12)  # the bias alone


@settings(deadline=None, max_examples=300)
@given(ratios, st.floats(0.0, 1.7e308), st.floats(1e-300, 1.7e308))
def test_optimal_ratio_is_a_ratio_and_never_worse_than_no_sketch(phi, alpha, sigma):
    psi = float(optimal_sketch_ratio(phi, alpha, sigma))
    assert 0 <= psi <= 1
    # scale-free: the same answer for (α, σ) scaled together
    assert float(optimal_sketch_ratio(phi, alpha / 2**40, sigma / 2**40)) == psi or sigma < 1e-280
    if psi == 0:  # the null estimator wins: the full sample's risk exceeds α²
        assert alpha <= sigma
    if 0 < psi < 1 and abs(phi / psi - 1) > 1e-9 and abs(phi - 1) > 1e-9:
        try:
            sketched = float(limiting_risk(phi, alpha, sigma, psi=psi))
            full = float(limiting_risk(phi, alpha, sigma))
        except ValueError:
            return
        assert sketched <= full * (1 + 1e-9) + 1e-300


@settings(deadline=None, max_examples=300)
@given(st.floats(1e-300, 1.7e308), st.floats(1.0001, 1e6))
def test_optimal_ratio_at_the_windows_right_end_is_a_valid_ratio(sigma, factor):
    alpha = min(sigma * factor, 1.7e308)
    if not alpha > sigma:
        return
    phi = alpha / (alpha - sigma)  # the right end, where the sketch is the whole sample
    psi = float(optimal_sketch_ratio(phi, alpha, sigma))
    assert 0 < psi <= 1


@settings(deadline=None, max_examples=40)
@given(st.integers(1, 40), st.integers(0, 40), st.integers(0, 2**32 - 1), st.booleans())
def test_sketches_have_the_promised_rows(m, extra, seed, gaussian):
    n = m + extra
    S = sketch_matrix(m, n, "gaussian" if gaussian else "orthogonal", seed)
    assert S.shape == (m, n) and np.all(np.isfinite(S))
    if not gaussian:
        np.testing.assert_allclose(S @ S.T, np.eye(m), atol=1e-10)


@settings(deadline=None, max_examples=60)
@given(
    st.integers(1, 12),
    st.integers(1, 12),
    st.floats(-1e150, 1e150),
    st.sampled_from([1e-310, 1e-200, 1.0, 1e200]),
    st.integers(0, 2**32 - 1),
)
def test_min_norm_fit_solves_least_squares(n, p, scale, x_scale, seed):
    rng = np.random.default_rng(seed)
    X0, y = rng.normal(size=(n, p)), rng.normal(size=n) * scale
    X = X0 * x_scale
    try:
        beta = min_norm_fit(X, y)
    except ValueError as err:  # only where the solution itself leaves the double range
        assert "overflows" in str(err) and abs(scale) / x_scale > 1e290
        return
    assert beta.shape == (p,) and np.all(np.isfinite(beta))
    # the same fit as the unscaled problem, rescaled: X0 (β x_scale) ≈ y in least squares
    reference = np.linalg.lstsq(X0, y, rcond=None)[0]
    np.testing.assert_allclose(beta * x_scale, reference, rtol=1e-8, atol=1e-8 * abs(scale))


@settings(deadline=None, max_examples=25)
@given(
    st.integers(2, 30),
    st.integers(1, 30),
    st.floats(0.0, 1e3),
    st.floats(1e-3, 1e3),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_simulated_risks_are_finite(n, p, alpha, sigma, seed, sketched):
    m = max(1, n // 2) if sketched else None
    risks = simulated_risks(n, p, alpha, sigma, 3, seed, m=m)
    assert risks.shape == (3,) and np.all(np.isfinite(risks)) and np.all(risks >= 0)
