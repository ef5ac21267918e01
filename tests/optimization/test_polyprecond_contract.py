"""Contract of rederived.optimization.polyprecond, on its whole domain (Hypothesis).

Domain: non-negative finite spectra of at most MAX_DIMENSION entries, degrees 0..MAX_DEGREE with
e_{τ+1} > 0, symmetric positive (semi)definite matrices. Results: elementary symmetric
polynomials that agree with the expansion of Π(1 + λt), marginals in [0, 1] summing to τ + 1 and
equal to P_τ⁻¹B's eigenvalues, condition numbers within their bound, methods whose gaps are
finite, non-negative and (for the monotone ones) non-increasing; or a ValueError/TypeError
naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.optimization.polyprecond import (
    MethodRun,
    PolynomialPreconditioner,
    adaptive_method,
    condition_bound,
    condition_number,
    conjugate_gradients,
    elementary_symmetric,
    gradient_method,
    leave_one_out,
    marginals,
    matrix_with_spectrum,
    newton_identities,
    power_traces,
    spiked_spectrum,
    submatrix_inverse_average,
)

COVERS = (
    "MethodRun",
    "PolynomialPreconditioner",
    "adaptive_method",
    "condition_bound",
    "condition_number",
    "conjugate_gradients",
    "elementary_symmetric",
    "gradient_method",
    "leave_one_out",
    "marginals",
    "matrix_with_spectrum",
    "newton_identities",
    "power_traces",
    "spiked_spectrum",
    "submatrix_inverse_average",
)

spectra = st.lists(
    st.floats(1e-3, 1e3, allow_nan=False, allow_infinity=False), min_size=2, max_size=12
).map(lambda v: np.sort(np.array(v))[::-1])


@settings(max_examples=60, deadline=None)
@given(spectra, st.integers(0, 6))
def test_marginals_are_probabilities_within_the_bound(lam, tau):
    tau = min(tau, lam.size - 1)
    e = elementary_symmetric(lam, tau + 1)
    assert np.all(e >= 0) and e[0] == 1
    pi = marginals(lam, tau)
    assert np.all((pi >= 0) & (pi <= 1 + 1e-12)) and np.isclose(pi.sum(), tau + 1, rtol=1e-10)
    # leave-one-out identity: e_{τ+1} = e_{τ+1}(λ_{−i}) + λ_i e_τ(λ_{−i}) for every i
    assert np.allclose(
        leave_one_out(lam, tau + 1) + lam * leave_one_out(lam, tau), e[tau + 1], rtol=1e-10
    )
    assert condition_number(lam, tau) <= condition_bound(lam, tau) * (1 + 1e-9)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(3, 30),
    st.integers(0, 10),
    st.integers(0, 2**31 - 1),
    st.sampled_from([10.0, 1e3, 1e5]),
    st.sampled_from([1e-300, 1e-120, 1.0, 1e120, 1e300]),
)
def test_preconditioner_from_traces_is_accurate_or_refused(n, tau, seed, spike, scale):
    tau = min(tau, n - 1)
    lam = spiked_spectrum(n, min(2, n - 1), spike=spike, seed=seed)
    B = matrix_with_spectrum(lam, seed=seed)
    p = power_traces(B, min(tau + 1, 4))
    assert np.allclose(p, [np.sum(lam**j) for j in range(1, p.size + 1)], rtol=1e-9)
    try:
        pre = PolynomialPreconditioner(scale * B, tau)
    except ValueError as refused:  # a degree the traces cannot resolve, or a scale beyond float
        if "outside the range" in str(refused):
            largest = scale * np.max(np.abs(B))
            assert not np.finfo(float).tiny <= largest <= np.finfo(float).max / (4 * n)
            return
        assert "too large" in str(refused)
        assert tau >= 2  # degrees 0 and 1 are always resolved (no cancellation to speak of)
        return
    assert pre.error_estimate <= 1e-3
    got = np.sort(np.linalg.eigvals(pre.matrix() * scale @ B).real)
    want = np.sort(marginals(lam, tau))
    # the preconditioned spectrum, to the accuracy the estimate promises (and rounding)
    assert np.allclose(got, want, rtol=1e-6 + pre.error_estimate, atol=1e-10)


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 25), st.integers(0, 3), st.integers(0, 2**31 - 1), st.booleans())
def test_methods_decrease_the_gap_and_report_their_cost(n, tau, seed, fast):
    tau = min(tau, n - 1)
    lam = spiked_spectrum(n, min(1, n - 1), spike=50.0, seed=seed)
    B = matrix_with_spectrum(lam, seed=seed + 1)
    b = np.random.default_rng(seed).normal(size=n)
    for run in (
        gradient_method(B, b, tau, 15, accelerated=fast),
        adaptive_method(B, b, tau, 5),
        conjugate_gradients(B, b, 5),
    ):
        assert isinstance(run, MethodRun)
        assert np.all(np.isfinite(run.gaps)) and np.all(run.gaps >= 0)
        assert np.all(np.diff(run.products) > 0)
    slow = gradient_method(B, b, tau, 15)
    assert np.all(np.diff(slow.gaps) <= 1e-12 * slow.gaps[0])


@settings(max_examples=20, deadline=None)
@given(
    st.integers(2, 8),
    st.integers(0, 3),
    st.integers(0, 2**31 - 1),
    st.sampled_from([1e-200, 1.0, 1e200]),
)
def test_volume_sampled_inverses_average_to_the_preconditioner(n, tau, seed, scale):
    tau = min(tau, n - 1)
    lam = np.random.default_rng(seed).uniform(0.1, 5.0, n)
    B = matrix_with_spectrum(lam, seed=seed) * scale
    average = submatrix_inverse_average(B, tau, "volume")
    exact = PolynomialPreconditioner(B, tau).matrix()
    assert np.allclose(average, exact, rtol=1e-9, atol=1e-12 * np.max(np.abs(exact)))
    assert np.all(np.isfinite(submatrix_inverse_average(B, tau, "uniform")))


@pytest.mark.parametrize(
    "call",
    [
        lambda: elementary_symmetric([[1.0]], 1),
        lambda: elementary_symmetric([-1.0], 1),
        lambda: elementary_symmetric([1.0], -1),
        lambda: leave_one_out([], 1),
        lambda: marginals([1.0, 2.0], 2),
        lambda: condition_number([1.0, 0.0], 0),
        lambda: condition_bound([1.0, 2.0], 2),
        lambda: power_traces(np.ones((2, 3)), 2),
        lambda: power_traces(np.eye(2), 0),
        lambda: power_traces(np.full((2, 2), np.inf), 1),
        lambda: newton_identities([]),
        lambda: newton_identities([np.nan]),
        lambda: PolynomialPreconditioner(np.eye(3), -1),
        lambda: PolynomialPreconditioner(np.zeros((3, 3)), 0),
        lambda: PolynomialPreconditioner(np.eye(3), 0).apply(np.ones(4)),
        lambda: PolynomialPreconditioner(np.eye(3), 0).apply([np.nan, 0, 0]),
        lambda: gradient_method(np.eye(2), np.ones(3), 0, 1),
        lambda: gradient_method(np.eye(2), np.ones(2), 0, -1),
        lambda: adaptive_method(-np.eye(2), np.ones(2), 0, 1),
        lambda: conjugate_gradients(np.eye(2), [np.inf, 0], 1),
        lambda: spiked_spectrum(5, 5),
        lambda: spiked_spectrum(5, 1, bulk=(2.0, 1.0)),
        lambda: spiked_spectrum(5, 1, seed=-1),
        lambda: matrix_with_spectrum([1.0, np.inf]),
        lambda: marginals(np.ones(5000), 0),
        lambda: elementary_symmetric(["a"], 0),
        lambda: gradient_method(np.eye(2), np.ones(2), True, 1),
        lambda: submatrix_inverse_average(np.eye(3), 1, "random"),
        lambda: submatrix_inverse_average(np.eye(3), 3),
        lambda: submatrix_inverse_average(np.diag([1.0, 0.0, 1.0]), 1),
        lambda: submatrix_inverse_average(np.eye(60), 5),
    ],
)
def test_bad_input_is_refused_by_name(call):
    with pytest.raises((ValueError, TypeError)):
        call()
