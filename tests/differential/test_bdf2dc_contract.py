"""Contract of rederived.differential.bdf2dc, on its whole domain (Hypothesis).

Domain: grids are strictly increasing finite float arrays whose steps are resolved (over 64 ulps
of their times), with any step ratios; orders and node counts are ints in [1, MAX_ORDER]
(corrections in [3, MAX_ORDER]); f and its Jacobian return finite real arrays of the right shape.
Results: finite weights exact on polynomials of their degree, positive DOC kernels orthogonal to
BDF2's, solutions that every method gets exactly right where it must (constants and quadratics)
and that stay bounded under the residual of a dissipative problem; or a ValueError/TypeError
naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rederived.differential.bdf2dc import (
    MAX_ORDER,
    bdf,
    bdf2_dc,
    derivative_weights,
    doc_kernels,
    quadrature_weights,
    step_ratios,
)

COVERS = (
    "bdf",
    "bdf2_dc",
    "derivative_weights",
    "doc_kernels",
    "quadrature_weights",
    "step_ratios",
)


@st.composite
def grids(draw, min_steps=1, max_steps=24, spread=3.0):
    """Grids on [t0, t0 + length] whose steps span up to 10^spread (ratios up to 10^(2 spread))."""
    n = draw(st.integers(min_steps, max_steps))
    logs = draw(st.lists(st.floats(-spread, spread), min_size=n, max_size=n))
    t0 = draw(st.sampled_from([0.0, -3.0, 1e3]))
    length = draw(st.sampled_from([1e-3, 1.0, 50.0]))
    steps = 10.0 ** np.array(logs)
    t = t0 + length * np.concatenate([[0.0], np.cumsum(steps)]) / steps.sum()
    # inside the kernels' domain: every step resolved (over 64 ulps of its times; a short
    # grid far from 0 can fall below, e.g. steps of 5e-4 and 1e-13 near t = 1000, and
    # unresolved grids have tests of their own, which expect a ValueError)
    assume(np.all(np.diff(t) >= 64 * np.spacing(np.maximum(np.abs(t[1:]), np.abs(t[:-1])))))
    return t


STENCILS = st.sampled_from(["backward", "best"])


@given(grids(min_steps=6), st.integers(1, MAX_ORDER), STENCILS)
def test_derivative_weights_differentiate_low_degree_polynomials(t, q, stencil):
    if t.size < q + 1:
        with pytest.raises(ValueError, match="at least"):
            derivative_weights(t, q, stencil)
        return
    weights, first = derivative_weights(t, q, stencil)
    n = np.arange(1, t.size)
    assert np.all((first <= n) & (n <= first + q)) and np.all(first + q <= t.size - 1)
    assert np.all(np.isfinite(weights))
    nodes = t[first[:, None] + np.arange(q + 1)]
    at = t[1:, None]
    scale = np.abs(weights).sum(axis=1) * np.abs(nodes - at).max(axis=1)
    # constants differentiate to 0, (t − t_n) to 1, in the stencil's own coordinate
    assert np.all(np.abs(weights.sum(axis=1)) <= 1e-9 * np.abs(weights).sum(axis=1))
    assert np.all(np.abs((weights * (nodes - at)).sum(axis=1) - 1) <= 1e-9 * scale)


@given(grids(min_steps=6), st.integers(1, MAX_ORDER), STENCILS)
def test_quadrature_weights_integrate_constants_and_lines(t, q, stencil):
    weights, first = quadrature_weights(t, q, stencil)
    k = np.arange(1, t.size)
    if q >= 2:  # every stencil holds both ends of its step
        assert np.all((first <= k - 1) & (k <= first + q - 1))
    tau = np.diff(t)
    nodes = t[first[:, None] + np.arange(q)] - t[:-1, None]
    scale = np.abs(weights).sum(axis=1)
    assert np.all(np.isfinite(weights))
    assert np.all(np.abs(weights.sum(axis=1) - tau) <= 1e-9 * scale)
    if q >= 2:
        line = (weights * nodes).sum(axis=1)
        assert np.all(np.abs(line - tau**2 / 2) <= 1e-9 * scale * np.abs(nodes).max(axis=1))


@given(grids(min_steps=1, max_steps=40, spread=4.0))
def test_doc_kernels_are_positive_and_orthogonal(t):
    theta = doc_kernels(t)
    n = t.size - 1
    tau = np.diff(t)
    assert theta.shape == (n, n)
    lower = np.tri(n, dtype=bool)
    assert np.all(theta[lower] >= 0) and np.all(theta[~lower] == 0) and np.all(np.isfinite(theta))
    assert np.all(np.diag(theta) > 0)
    b = np.zeros((n, n))
    b[0, 0] = 1 / tau[0]
    r = tau[1:] / tau[:-1]
    b[np.arange(1, n), np.arange(1, n)] = (1 + 2 * r) / (tau[1:] * (1 + r))
    b[np.arange(1, n), np.arange(n - 1)] = -(r**2) / (tau[1:] * (1 + r))
    product = theta @ b
    # rows of θ·b are δ_nk up to rounding of the terms summed
    scale = np.abs(theta) @ np.abs(b)
    assert np.all(np.abs(product - np.eye(n)) <= 1e-12 * scale + 1e-12 * np.eye(n))


@given(grids(min_steps=2))
def test_step_ratios_multiply_to_the_step_growth(t):
    r = step_ratios(t)
    tau = np.diff(t)
    assert np.all(r > 0) and np.all(np.isfinite(r))
    assert np.exp(np.log(r).sum()) == pytest.approx(tau[-1] / tau[0], rel=1e-9)


def two_t(t, v):
    return np.full_like(v, 2.0 * t)


def zero_jac(t, v):
    return np.zeros((v.size, v.size))


@settings(max_examples=60, deadline=None)
@given(
    grids(min_steps=4, spread=2.0),
    st.sampled_from([(), (3,), (3, 4), (4,), (3, 4, 5)]),
    st.sampled_from(["rk2", "rk3"]),
    st.sampled_from(["integral", "derivative"]),
)
def test_every_level_is_exact_for_a_quadratic_solution(t, corrections, start, residual):
    # v' = 2t, v(t0) = t0²: BDF2, the second- and third-order starters and every correction
    # formula are exact for quadratics, on any grid
    if t.size < max((2, *corrections)) + 1:
        with pytest.raises(ValueError, match="at least"):
            bdf2_dc(two_t, zero_jac, t, [t[0] ** 2], corrections, start, residual)
        return
    out = bdf2_dc(two_t, zero_jac, t, [t[0] ** 2], corrections, start, residual, linear=True)
    scale = np.max(t**2) + 1.0
    assert out.shape == (1 + len(corrections), t.size, 1)
    err = np.abs(out[..., 0] - t**2).max()
    # rounding grows with the largest step ratio (the weights' size), never like a wrong answer
    ratio = max(1.0, step_ratios(t).max(), 1 / step_ratios(t).min())
    assert err <= 1e-10 * scale * ratio**2


@settings(max_examples=40, deadline=None)
@given(grids(min_steps=4, spread=2.0), st.integers(1, 4), st.floats(-1e6, 0.0))
def test_classical_bdf_is_exact_for_constants_and_finite_on_dissipative_problems(t, q, lam):
    def f(s, v):
        return lam * v

    def jac(s, v):
        return np.array([[lam]])

    if t.size < q + 1:
        with pytest.raises(ValueError, match="at least"):
            bdf(f, jac, t, [1.0], order=q)
        return
    constant = bdf(lambda s, v: np.zeros(1), zero_jac, t, [3.0], order=q)
    assert np.allclose(constant, 3.0, rtol=0, atol=1e-9 * max(1.0, step_ratios(t).max()))
    out = bdf(f, jac, t, [1.0], order=q, linear=True)
    assert np.all(np.isfinite(out))


@settings(max_examples=40, deadline=None)
@given(grids(min_steps=6, spread=1.0), st.floats(-1e4, -1e-3), st.sampled_from([(3,), (3, 4)]))
def test_dissipative_linear_problems_stay_bounded(t, lam, corrections):
    # v' = λv, λ < 0, v0 = 1 on grids with ratios up to 100: no level leaves [−C, 1 + C]
    out = bdf2_dc(
        lambda s, v: lam * v,
        lambda s, v: np.array([[lam]]),
        t,
        [1.0],
        corrections,
        "rk3",
        linear=True,
    )
    assert np.all(np.isfinite(out)) and np.abs(out).max() < 50.0


BAD_GRIDS = [
    ([0.0, 1.0, 1.0, 2.0, 3.0], ValueError, "increasing"),
    (np.array([0.0, 1.0, 2.0, np.inf, 5.0]), ValueError, "finite"),
    (np.array([[0.0, 1.0, 2.0, 3.0]]), ValueError, "1-D"),
    (np.array([0, 1, 2, 3], dtype=np.uint8)[::-1], ValueError, "increasing"),
    (np.array([1 + 2j, 2, 3, 4]), TypeError, "real"),
    ([], ValueError, "at least"),
    ([0.0], ValueError, "at least"),
    (np.array([0.0, 5e-324, 1.0, 2.0]), ValueError, "ulps"),
    ("0123", TypeError, "t must"),
]


@pytest.mark.parametrize("t, error, match", BAD_GRIDS)
def test_bad_grids_are_named(t, error, match):
    for call in (
        lambda: derivative_weights(t, 3),
        lambda: quadrature_weights(t, 3),
        lambda: step_ratios(t),
        lambda: bdf2_dc(two_t, zero_jac, t, [0.0]),
        lambda: bdf(two_t, zero_jac, t, [0.0]),
    ):
        with pytest.raises(error, match=match):
            call()


@pytest.mark.parametrize("order", [0, -1, MAX_ORDER + 1, 2.5, True, "3"])
def test_bad_orders_are_named(order):
    t = np.linspace(0, 1, 12)
    for call, name in (
        (lambda: derivative_weights(t, order), "order"),
        (lambda: quadrature_weights(t, order), "nodes"),
        (lambda: bdf(two_t, zero_jac, t, [0.0], order=order), "order"),
    ):
        with pytest.raises((ValueError, TypeError), match=name):
            call()


@pytest.mark.parametrize("stencil", ["forward", None, 1])
def test_bad_stencils_are_named(stencil):
    t = np.linspace(0, 1, 12)
    for call in (
        lambda: derivative_weights(t, 3, stencil),
        lambda: quadrature_weights(t, 3, stencil),
        lambda: bdf2_dc(two_t, zero_jac, t, [0.0], stencil=stencil),
    ):
        with pytest.raises(ValueError, match="stencil"):
            call()


@pytest.mark.parametrize("v0", [[np.nan], [np.inf], [], [[1.0]], ["x"], [1 + 1j]])
def test_bad_initial_values_are_named(v0):
    t = np.linspace(0, 1, 6)
    for call in (lambda: bdf2_dc(two_t, zero_jac, t, v0), lambda: bdf(two_t, zero_jac, t, v0)):
        with pytest.raises((ValueError, TypeError), match="v0"):
            call()


def test_exact_grids_are_checked():
    from fractions import Fraction

    with pytest.raises(ValueError, match="increasing"):
        doc_kernels([Fraction(1), Fraction(0)])
    with pytest.raises(ValueError, match="increasing"):
        derivative_weights([Fraction(0), Fraction(1), Fraction(1), Fraction(2)], 2)
    with pytest.raises(ValueError, match="at least"):
        derivative_weights([Fraction(0), Fraction(1)], 2)
