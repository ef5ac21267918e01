"""Unit tests of rederived.optimization.polyprecond: exact small cases, identities, bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from rederived.optimization import polyprecond as pp


def brute_marginals(lam, tau):
    """Volume sampling of tau + 1 indices, P(S) ∝ Π_{i∈S} λ_i, by enumeration."""
    weights = {S: np.prod(lam[list(S)]) for S in itertools.combinations(range(lam.size), tau + 1)}
    total = sum(weights.values())
    return np.array([sum(w for S, w in weights.items() if i in S) / total for i in range(lam.size)])


def test_elementary_symmetric_of_small_integers_is_exact():
    # (1 + t)(1 + 2t)(1 + 3t) = 1 + 6t + 11t² + 6t³
    assert pp.elementary_symmetric([1, 2, 3], 4).tolist() == [1, 6, 11, 6, 0]
    assert pp.elementary_symmetric([0, 0], 2).tolist() == [1, 0, 0]


def test_leave_one_out_equals_recomputing_without_the_entry():
    lam = np.random.default_rng(0).uniform(0, 5, 9)
    for k in range(5):
        direct = [pp.elementary_symmetric(np.delete(lam, i), k)[k] for i in range(lam.size)]
        assert np.allclose(pp.leave_one_out(lam, k), direct, rtol=1e-14, atol=0)


def test_newton_identities_recover_the_elementary_polynomials_from_power_sums():
    lam = np.array([4.0, 3.0, 2.0, 1.0, 1.0])
    p = np.array([np.sum(lam**j) for j in range(1, 6)])
    assert np.allclose(pp.newton_identities(p), pp.elementary_symmetric(lam, 5), rtol=1e-13)


def test_power_traces_match_the_eigenvalues():
    lam = np.array([3.0, 2.0, 0.5, 0.25])
    B = pp.matrix_with_spectrum(lam, seed=1)
    assert np.allclose(pp.power_traces(B, 5), [np.sum(lam**j) for j in range(1, 6)], rtol=1e-12)


@pytest.mark.parametrize("tau", [0, 1, 2, 3])
def test_marginals_are_volume_sampling_probabilities(tau):
    lam = np.array([5.0, 3.0, 2.0, 1.0, 0.5, 0.1])
    pi = pp.marginals(lam, tau)
    assert np.allclose(pi, brute_marginals(lam, tau), rtol=1e-13)
    assert np.isclose(pi.sum(), tau + 1) and np.all(pi <= 1) and np.all(np.diff(pi) <= 0)


@pytest.mark.parametrize("tau", [0, 1, 2, 4])
def test_preconditioned_matrix_has_the_marginals_as_eigenvalues(tau):
    lam = pp.spiked_spectrum(40, 3, seed=tau)
    B = pp.matrix_with_spectrum(lam, seed=7)
    pre = pp.PolynomialPreconditioner(B, tau)
    M = pre.matrix() @ B
    assert np.allclose(
        np.sort(np.linalg.eigvals(M).real), np.sort(pp.marginals(lam, tau)), atol=1e-11
    )
    v = np.random.default_rng(0).normal(size=(40, 3))
    assert np.allclose(pre.apply(v), pre.matrix() @ v, rtol=1e-10, atol=1e-14)


def test_tau_zero_is_the_trace_scaled_identity():
    B = pp.matrix_with_spectrum([4.0, 1.0, 1.0], seed=0)
    assert np.allclose(pp.PolynomialPreconditioner(B, 0).matrix(), np.eye(3) / 6.0)
    assert np.isclose(pp.condition_number([4.0, 1.0, 1.0], 0), 4.0)


def test_condition_number_obeys_the_bound_and_the_bound_drops_the_top_eigenvalues():
    lam = np.array([1000.0, 100.0, 3.0, 2.0, 1.0])
    assert pp.condition_bound(lam, 2) == pytest.approx(6.0)
    for tau in range(5):
        assert pp.condition_number(lam, tau) <= pp.condition_bound(lam, tau) * (1 + 1e-12)


def test_gradient_method_gaps_follow_the_spectral_formula():
    lam = np.array([50.0, 4.0, 2.0, 1.0])
    Q = np.linalg.qr(np.random.default_rng(2).normal(size=(4, 4)))[0]
    B = (Q * lam) @ Q.T
    b = np.array([1.0, -2.0, 0.5, 3.0])
    tau = 1
    run = pp.gradient_method(B, b, tau, 20)
    c = Q.T @ np.linalg.solve(B, b)  # x0 - x* = -x* in the eigenbasis
    pi = pp.marginals(lam, tau)
    exact = [0.5 * np.sum(lam * (1 - pi) ** (2 * k) * c**2) for k in range(21)]
    assert np.allclose(run.gaps, exact, rtol=1e-8, atol=1e-14)
    assert run.products.tolist() == [2 * k for k in range(21)]


def test_adaptive_and_cg_solve_small_quadratics_exactly():
    lam = np.array([10.0, 5.0, 1.0])
    B = pp.matrix_with_spectrum(lam, seed=4)
    b = np.array([1.0, 1.0, 1.0])
    assert pp.adaptive_method(B, b, 2, 1).gaps[-1] <= 1e-12 * pp.adaptive_method(B, b, 2, 1).gaps[0]
    assert pp.conjugate_gradients(B, b, 3).gaps[-1] <= 1e-12


def test_adaptive_step_is_no_worse_than_the_polynomial_step():
    lam = pp.spiked_spectrum(60, 2, seed=3)
    B = pp.matrix_with_spectrum(lam, seed=3)
    b = np.random.default_rng(3).normal(size=60)
    for tau in range(4):
        one = pp.adaptive_method(B, b, tau, 1).gaps[1]
        assert one <= pp.gradient_method(B, b, tau, 1).gaps[1] * (1 + 1e-10)


def test_iterations_to_and_bad_input():
    run = pp.MethodRun(np.array([1.0, 0.5, 0.01]), np.array([0, 1, 2]), np.zeros(1))
    assert run.iterations_to(0.1) == 2 and run.iterations_to(1e-3) is None
    with pytest.raises(ValueError, match="B must be symmetric"):
        pp.PolynomialPreconditioner(np.array([[1.0, 2.0], [0.0, 1.0]]), 0)
    with pytest.raises(ValueError, match="positive definite"):
        pp.gradient_method(np.diag([1.0, 0.0]), np.ones(2), 0, 3)
    with pytest.raises(ValueError, match="e_3"):
        pp.marginals([1.0, 1.0, 0.0], 2)
    with pytest.raises(TypeError, match="tau"):
        pp.marginals([1.0, 2.0], 1.0)
    with pytest.raises(ValueError, match="tau must be below"):
        pp.PolynomialPreconditioner(np.eye(2), 2)
    with pytest.raises(ValueError, match="values must be finite"):
        pp.elementary_symmetric([1.0, np.nan], 1)
    with pytest.raises(ValueError, match="overflow"):
        pp.elementary_symmetric([1e200, 1e200], 2)
    with pytest.raises(TypeError, match="real"):
        pp.marginals([1 + 1j], 0)
    with pytest.raises(ValueError, match="at most"):
        pp.spiked_spectrum(10**6, 1)
    with pytest.raises(ValueError, match="spike must be at most"):
        pp.spiked_spectrum(10, 1, spike=1e308)
    with pytest.raises(TypeError, match="accelerated"):
        pp.gradient_method(np.eye(2), np.ones(2), 0, 3, accelerated="no")
    with pytest.raises(ValueError, match="iterations must be at most"):
        pp.conjugate_gradients(np.eye(2), np.ones(2), 10**7)


def test_scale_does_not_matter_and_bad_matrices_are_refused():
    B = pp.matrix_with_spectrum([3.0, 2.0, 1.0, 0.5], seed=5)
    reference = pp.PolynomialPreconditioner(B, 2).matrix()
    for c in (1e-150, 1e-105, 1e150):
        assert np.allclose(
            pp.PolynomialPreconditioner(c * B, 2).matrix() * c, reference, rtol=1e-12
        )
    with pytest.raises(ValueError, match="positive semidefinite"):
        pp.PolynomialPreconditioner(np.diag([2.0, 1.0, -0.5]), 1)
    with pytest.raises(ValueError, match="must not be zero"):
        pp.PolynomialPreconditioner(np.zeros((3, 3)), 0)
    with pytest.raises(ValueError, match="outside the range"):
        pp.PolynomialPreconditioner(1e-310 * B, 1)
    with pytest.raises(ValueError, match="overflows"):
        pp.gradient_method(B, np.full(4, 1e300), 0, 3)
    with pytest.raises(ValueError, match="normal float64 range"):
        pp.adaptive_method(1e-310 * np.eye(2), np.ones(2), 0, 1)
    assert np.allclose(pp.marginals([1e-200] * 3, 2), 1.0)


def test_a_degree_beyond_what_the_traces_resolve_is_refused_not_wrong():
    spectrum = pp.spiked_spectrum(200, 3, spike=1e4, bulk=(1.0, 2.0), seed=11)
    B = pp.matrix_with_spectrum(spectrum, seed=12)
    lam, Q = np.linalg.eigh(B)
    accepted = 0
    for tau in range(9):
        try:
            pre = pp.PolynomialPreconditioner(B, tau)
        except ValueError as refused:
            assert "too large" in str(refused)
            continue
        accepted += 1
        exact = (
            Q * (pp.leave_one_out(lam, tau) / pp.elementary_symmetric(lam, tau + 1)[tau + 1])
        ) @ Q.T
        error = np.linalg.norm(pre.matrix() - exact) / np.linalg.norm(exact)
        assert error <= max(pre.error_estimate, 1e-13)
    assert 4 <= accepted < 9  # the small degrees are accepted, the large ones refused


@pytest.mark.parametrize(
    "call",
    [
        lambda: pp.condition_number([1e300, 1e-300], 0),
        lambda: pp.condition_bound([1.5e308, 1.5e308, 1.0], 0),
        lambda: (
            pp.PolynomialPreconditioner(
                1e-100 * pp.matrix_with_spectrum([3.0, 2, 1, 0.5]), 3
            ).coefficients
        ),
        lambda: pp.matrix_with_spectrum([1.5e308, 1.0]),
        lambda: pp.elementary_symmetric([1e-200, 1e-200], 2),
        lambda: pp.leave_one_out([1e-200, 1e-200, 1e-200], 2),
        lambda: pp.power_traces(1e-200 * np.eye(2), 2),
        lambda: pp.MethodRun(np.ones(2), np.arange(2), np.zeros(1)).iterations_to(float("nan")),
        lambda: pp.gradient_method(np.eye(2), np.full(2, 1e-170), 0, 2),
        lambda: pp.marginals([1e300, 1e-200, 1e-200], 1),
    ],
)
def test_results_beyond_float64_are_refused_not_rounded(call):
    with pytest.raises((ValueError, TypeError)):
        call()
