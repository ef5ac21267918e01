"""Unit tests of rederived.differential.bdf2dc: exact weights and kernels, orders, bad input."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse

from rederived.differential import bdf2dc


def exact_solution(t):
    return np.sin(2 * t) + np.exp(-t)


def forcing(t, v):
    return -v + 2 * np.cos(2 * t) + np.sin(2 * t)


def minus_one(t, v):
    return -np.eye(1)


def random_grid(n, seed):
    steps = np.random.default_rng(seed).uniform(0, 1, n)
    return np.concatenate([[0.0], np.cumsum(steps)]) / steps.sum()


def test_derivative_weights_are_exact_for_polynomials_in_fractions():
    t = [Fraction(0), Fraction(1, 7), Fraction(1, 2), Fraction(3, 5), Fraction(2), Fraction(9, 4)]
    for q in (1, 2, 3, 4):
        weights, first = bdf2dc.derivative_weights(t, q)
        for n in range(1, len(t)):
            nodes = t[first[n - 1] : first[n - 1] + q + 1]
            for degree in range(q + 1):
                value = sum(w * x**degree for w, x in zip(weights[n - 1], nodes, strict=True))
                assert value == (degree * t[n] ** (degree - 1) if degree else 0)


def test_bdf2_weights_are_the_closed_form_coefficients():
    t = [Fraction(0), Fraction(1, 3), Fraction(1, 2), Fraction(2)]
    weights, _ = bdf2dc.derivative_weights(t, 2)
    for n in (2, 3):
        tau, r = t[n] - t[n - 1], (t[n] - t[n - 1]) / (t[n - 1] - t[n - 2])
        b0, b1 = (1 + 2 * r) / (tau * (1 + r)), -(r**2) / (tau * (1 + r))
        assert list(weights[n - 1]) == [-b1, b1 - b0, b0]


def test_float_weights_agree_with_exact_ones_at_large_ratios():
    exact = [Fraction(0), Fraction(1, 1000), Fraction(1, 999), Fraction(1, 2), Fraction(1)]
    weights, _ = bdf2dc.derivative_weights(exact, 3)
    floats, _ = bdf2dc.derivative_weights(np.array([float(x) for x in exact]), 3)
    assert np.allclose(floats, weights.astype(float), rtol=1e-12, atol=0)


def test_quadrature_weights_integrate_polynomials():
    t = random_grid(30, 1) ** 2
    for q in range(1, 6):
        weights, first = bdf2dc.quadrature_weights(t, q)
        nodes = t[first[:, None] + np.arange(q)]
        for degree in range(q):
            got = (weights * nodes**degree).sum(axis=1)
            want = (t[1:] ** (degree + 1) - t[:-1] ** (degree + 1)) / (degree + 1)
            assert np.allclose(got, want, rtol=1e-10, atol=1e-15)


def test_best_stencils_on_uniform_and_jumping_grids():
    t = np.linspace(0, 1, 11)
    for q in (2, 3):  # the backward and forward stencils tie: the backward one is kept
        best, backward = bdf2dc.quadrature_weights(t, q, "best"), bdf2dc.quadrature_weights(t, q)
        assert np.array_equal(best[1], backward[1])
    # four nodes: the centred stencil (k − 2, ..., k + 1) has the smaller weights inside the grid
    assert np.array_equal(bdf2dc.quadrature_weights(t, 4, "best")[1][1:-1], np.arange(8))
    # for a derivative the centred stencil has the smaller weights
    assert np.array_equal(bdf2dc.derivative_weights(t, 2, "best")[1][1:-1], np.arange(1, 9))
    # a long step after a short one: the backward stencil for ∫ over it crowds two nodes at its
    # left end, the best one reaches forward
    t = np.array([0.0, 1.0, 1.001, 2.001, 3.001, 4.001])
    backward, _ = bdf2dc.quadrature_weights(t, 3)
    best, first = bdf2dc.quadrature_weights(t, 3, "best")
    assert first[2] == 2 and np.abs(best[2]).sum() < np.abs(backward[2]).sum() / 100


def test_doc_kernels_are_orthogonal_to_the_bdf2_kernels_and_positive():
    t = [
        Fraction(0),
        Fraction(1, 10),
        Fraction(1, 2),
        Fraction(6, 10),
        Fraction(5),
        Fraction(51, 10),
    ]
    theta = bdf2dc.doc_kernels(t)
    tau = [b - a for a, b in itertools.pairwise(t)]
    n_steps = len(tau)
    b = np.full((n_steps, n_steps), Fraction(0), dtype=object)  # b[n, k]: coefficient of ∇v^k
    b[0, 0] = 1 / tau[0]
    for n in range(1, n_steps):
        r = tau[n] / tau[n - 1]
        b[n, n] = (1 + 2 * r) / (tau[n] * (1 + r))
        b[n, n - 1] = -(r**2) / (tau[n] * (1 + r))
    product = theta.dot(b)
    assert all(
        product[i, j] == (1 if i == j else 0) for i in range(n_steps) for j in range(n_steps)
    )
    assert all(theta[i, j] > 0 for i in range(n_steps) for j in range(i + 1))
    floats = bdf2dc.doc_kernels(np.array([float(x) for x in t]))
    assert np.allclose(floats, theta.astype(float), rtol=1e-13, atol=0)


def test_step_ratios():
    assert np.allclose(bdf2dc.step_ratios([0.0, 1.0, 3.0, 3.5]), [2.0, 0.25])


@pytest.mark.parametrize("start, order", [("bdf1", 1), ("rk2", 2), ("rk3", 3)])
def test_starters_have_their_order(start, order):
    errors = []
    for h in (0.02, 0.01):
        t = np.array([0.0, h, 2 * h])
        out = bdf2dc.bdf2_dc(
            forcing, minus_one, t, [exact_solution(0.0)], corrections=(), start=start
        )
        errors.append(abs(out[0, 1, 0] - exact_solution(h)))
    assert np.log2(errors[0] / errors[1]) == pytest.approx(order + 1, abs=0.15)


@pytest.mark.parametrize("residual", ["integral", "derivative"])
def test_levels_converge_at_their_orders_on_graded_grids(residual):
    errors = []
    for n in (80, 160):
        t = (np.arange(n + 1) / n) ** 3
        out = bdf2dc.bdf2_dc(
            forcing, minus_one, t, [1.0], corrections=(3, 4), start="rk3", residual=residual
        )
        errors.append(np.abs(out[..., 0] - exact_solution(t)).max(axis=1))
    rates = np.log2(errors[0] / errors[1])
    assert np.all(rates >= np.array([2, 3, 4]) - 0.15)


def test_integral_residual_keeps_its_order_on_random_grids():
    errors, steps = [], []
    for n in (200, 800):
        t = random_grid(n, n)
        out = bdf2dc.bdf2_dc(
            forcing, minus_one, t, [1.0], corrections=(3, 4), start="rk3", linear=True
        )
        errors.append(np.abs(out[..., 0] - exact_solution(t)).max(axis=1))
        steps.append(np.diff(t).max())
    rates = np.log(errors[0] / errors[1]) / np.log(steps[0] / steps[1])
    assert rates[1] > 2.7 and rates[2] > 3.4


def test_linear_flag_changes_nothing_for_an_affine_f():
    t = random_grid(40, 3)
    full = bdf2dc.bdf2_dc(forcing, minus_one, t, [1.0], corrections=(3, 4))
    one_step = bdf2dc.bdf2_dc(forcing, minus_one, t, [1.0], corrections=(3, 4), linear=True)
    assert np.allclose(full, one_step, rtol=0, atol=1e-13)


def test_sparse_and_dense_jacobians_agree():
    lap = scipy.sparse.diags([1.0, -2.0, 1.0], [-1, 0, 1], shape=(6, 6), format="csr") * 10

    def f(t, v):
        return lap @ v + v - v**3

    t = np.linspace(0, 0.5, 21)
    v0 = np.linspace(0.1, 0.6, 6)
    sparse = bdf2dc.bdf2_dc(f, lambda t, v: lap + scipy.sparse.diags(1 - 3 * v**2), t, v0)
    dense = bdf2dc.bdf2_dc(f, lambda t, v: lap.toarray() + np.diag(1 - 3 * v**2), t, v0)
    assert np.allclose(sparse, dense, rtol=0, atol=1e-12)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_classical_bdf_has_its_order_on_uniform_grids(order):
    errors = []
    for n in (100, 200):
        t = np.linspace(0, 1, n + 1)
        start = exact_solution(t[1:order])[:, None]
        out = bdf2dc.bdf(
            forcing, minus_one, t, [1.0], order=order, start=start if order > 1 else "rk3"
        )
        errors.append(np.abs(out[:, 0] - exact_solution(t)).max())
    assert np.log2(errors[0] / errors[1]) == pytest.approx(order, abs=0.15)


def test_newton_failure_and_non_finite_f_are_reported():
    t = np.linspace(0, 1, 11)
    with pytest.raises(RuntimeError, match="Newton"):
        bdf2dc.bdf2_dc(
            lambda t, v: -(v**3), lambda t, v: np.diag(-3 * v**2), t, [5.0], max_newton=1
        )
    with pytest.raises(FloatingPointError, match="non-finite"):
        bdf2dc.bdf2_dc(lambda t, v: v * np.inf, lambda t, v: np.eye(1), t, [1.0])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"t": [0.0, 1.0, 0.5, 2.0, 3.0]}, ValueError, "increasing"),
        ({"t": [0.0, 1.0, 2.0]}, ValueError, "at least 4"),
        ({"t": [0.0, np.nan, 1.0, 2.0]}, ValueError, "finite"),
        ({"t": ["a", "b", "c", "d"]}, TypeError, "t must"),
        ({"t": [1.0, 1.0 + 2e-16, 2.0, 3.0]}, ValueError, "ulps"),
        ({"v0": [np.nan]}, ValueError, "v0"),
        ({"v0": [[1.0]]}, ValueError, "v0"),
        ({"corrections": (2,)}, ValueError, "correction order"),
        ({"corrections": "3"}, TypeError, "corrections"),
        ({"corrections": (3.0,)}, TypeError, "corrections"),
        ({"start": "rk4"}, ValueError, "start"),
        ({"start": [1.0, 2.0]}, ValueError, "start values"),
        ({"residual": "spectral"}, ValueError, "residual"),
        ({"linear": 1}, TypeError, "linear"),
        ({"tol": 0.5}, ValueError, "tol"),
        ({"max_newton": 0}, ValueError, "max_newton"),
        ({"fun": 3}, TypeError, "fun"),
        ({"jac": None}, TypeError, "jac"),
        ({"fun": lambda t, v: np.zeros(2)}, ValueError, "fun must return"),
        ({"jac": lambda t, v: np.zeros((2, 2))}, ValueError, "jac must return"),
    ],
)
def test_bad_input_is_named(kwargs, error, match):
    args = {"fun": forcing, "jac": minus_one, "t": np.linspace(0, 1, 6), "v0": [1.0]}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        bdf2dc.bdf2_dc(**args)


def test_requests_over_the_budget_are_refused(monkeypatch):
    monkeypatch.setattr(bdf2dc, "MAX_VALUES", 100)
    with pytest.raises(ValueError, match="MAX_VALUES"):
        bdf2dc.bdf2_dc(forcing, minus_one, np.linspace(0, 1, 60), [1.0])
    with pytest.raises(ValueError, match="at most"):
        bdf2dc.doc_kernels(np.arange(bdf2dc.MAX_DOC_STEPS + 2.0))


def test_forcing_is_the_difference_of_two_right_hand_sides():
    # for an affine f, a forcing g added to the equations equals adding g to f at t_2..t_N
    t = random_grid(30, 5)
    g = np.random.default_rng(1).normal(size=(29, 1))
    index = {float(v): i for i, v in enumerate(t)}

    def shifted(s, v):
        i = index.get(float(s))
        return forcing(s, v) + (g[i - 2] if i is not None and i >= 2 else 0.0)

    # only the equations are perturbed: the residuals of the corrections use f unperturbed, so
    # compare BDF2 (no residual) and check that every level moves
    plain = bdf2dc.bdf2_dc(forcing, minus_one, t, [1.0], (3, 4), linear=True)
    pushed = bdf2dc.bdf2_dc(forcing, minus_one, t, [1.0], (3, 4), linear=True, forcing=g)
    reference = bdf2dc.bdf2_dc(shifted, minus_one, t, [1.0], (), start=plain[0, 1], linear=True)
    assert np.allclose(pushed[0], reference[0], rtol=0, atol=1e-13)
    assert np.all(np.abs(pushed - plain)[:, 2:].max(axis=1) > 0)


def test_results_do_not_depend_on_the_time_scale():
    t = random_grid(20, 2)

    def scaled(c):
        return bdf2dc.bdf2_dc(
            lambda s, v: -v / c, lambda s, v: -np.eye(1) / c, c * t, [1.0], (3, 4), linear=True
        )

    base = scaled(1.0)
    for c in (1e-60, 1e60):
        assert np.allclose(scaled(c), base, rtol=1e-11, atol=1e-14)


def test_bad_jacobians_are_refused_not_trusted():
    t = np.linspace(0, 1, 8)
    for bad in (np.array([[np.inf]]), np.array([[1j]])):
        with pytest.raises(ValueError, match="jac must return finite real"):
            bdf2dc.bdf2_dc(forcing, lambda s, v, b=bad: b, t, [1.0])
    with pytest.raises(ValueError, match="jac must return finite real"):
        bdf2dc.bdf2_dc(forcing, lambda s, v: scipy.sparse.csr_matrix([[np.nan]]), t, [1.0])
    # a huge (wrong) Jacobian makes every Newton step tiny: the residual test catches it
    with pytest.raises((RuntimeError, FloatingPointError)):
        bdf2dc.bdf2_dc(forcing, lambda s, v: np.array([[1e300]]), t, [1.0])
    with pytest.raises(FloatingPointError, match="residual"):
        bdf2dc.bdf2_dc(forcing, lambda s, v: np.array([[-7.0]]), t, [1.0], linear=True)


def test_starting_values_and_exact_grids_are_checked():
    t = np.linspace(0, 1, 8)
    for start in ([True], ["1.0"], [1j]):
        with pytest.raises(TypeError, match="start"):
            bdf2dc.bdf2_dc(forcing, minus_one, t, [1.0], start=start)
    grid = [Fraction(k) for k in range(bdf2dc.MAX_DOC_EXACT_STEPS + 2)]
    with pytest.raises(ValueError, match="exact grid"):
        bdf2dc.doc_kernels(grid)
    with pytest.raises(ValueError, match="backward"):
        bdf2dc.derivative_weights([Fraction(k) for k in range(6)], 2, "best")


@pytest.mark.parametrize("stencil", bdf2dc.STENCILS)
def test_every_stencil_keeps_the_orders_on_graded_grids(stencil):
    errors = []
    for n in (80, 160):
        t = (np.arange(n + 1) / n) ** 3
        out = bdf2dc.bdf2_dc(
            forcing, minus_one, t, [1.0], (3, 4), "rk3", stencil=stencil, linear=True
        )
        errors.append(np.abs(out[..., 0] - exact_solution(t)).max(axis=1))
    assert np.all(np.log2(errors[0] / errors[1]) >= np.array([2, 3, 4]) - 0.15)
