"""Contract of rederived.differential.bspline_riesz, on its whole domain (Hypothesis).

Domain: degrees p in [2, MAX_DEGREE], orders α in [MIN_ORDER, 2], finite real points and angles,
knots non-decreasing with first < last, elements in [2, MAX_ELEMENTS]. Results: finite values
with the operator's symmetries (mirror, translation, scaling by h^{−α}), two independent routes
that agree, a non-negative even periodic symbol; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rederived.differential.bspline_riesz import (
    MAX_DEGREE,
    MAX_ELEMENTS,
    MAX_SYMBOL_DEGREE,
    MIN_ORDER,
    bspline_riesz,
    cardinal_riesz,
    collocation_matrix,
    greville_points,
    knot_vector,
    polynomial_riesz,
    symbol,
    toeplitz_coefficients,
)

COVERS = (
    "bspline_riesz",
    "cardinal_riesz",
    "collocation_matrix",
    "greville_points",
    "knot_vector",
    "polynomial_riesz",
    "symbol",
    "toeplitz_coefficients",
)

degrees = st.integers(2, MAX_DEGREE)
orders = st.one_of(st.floats(MIN_ORDER, 2.0), st.just(2.0), st.just(MIN_ORDER))
points = st.floats(-1e4, 1e4)


@given(degrees, orders, st.lists(points, min_size=1, max_size=8))
def test_cardinal_values_are_finite_and_mirror_symmetric(p, alpha, xs):
    x = np.array(xs)
    v = cardinal_riesz(x, p, alpha)
    assert v.shape == x.shape and np.all(np.isfinite(v))
    mirrored = cardinal_riesz(p + 1 - x, p, alpha)
    assert np.allclose(v, mirrored, rtol=1e-9, atol=1e-12 * max(1.0, np.abs(v).max()))


@settings(deadline=None)
@given(degrees, orders, st.lists(st.floats(-30, 40), min_size=1, max_size=6))
def test_cardinal_agrees_with_the_general_bspline_route(p, alpha, xs):
    x = np.array(xs)
    knots = np.arange(p + 2, dtype=float)
    # near a knot (within 1e-6) the values are large and both routes lose accuracy to it
    assume(np.min(np.abs(x[:, None] - knots[None, :])) > 1e-6)
    a = cardinal_riesz(x, p, alpha)
    b = bspline_riesz(knots, p, alpha, x)
    # both lose up to (p + 2)^p in relative accuracy to cancellation near the support
    scale = np.abs(cardinal_riesz(np.array([(p + 1) / 2]), p, alpha))[0]
    assert np.allclose(a, b, rtol=1e-6, atol=1e-9 * scale)


@settings(deadline=None)
@given(
    degrees,
    st.floats(1.05, 1.95),
    st.floats(0.1, 10.0),
    st.floats(-5.0, 5.0),
    st.lists(st.floats(0.5, 2.0), min_size=1, max_size=9),
)
def test_bspline_values_scale_and_translate(p, alpha, scale, shift, gaps):
    steps = np.resize(np.array(gaps), p + 1)
    knots = np.concatenate([[0.0], np.cumsum(steps)])
    x = np.array([knots[0] - 3.0, (knots[0] + knots[-1]) / 2 + 1e-3, knots[-1] + 2.5])
    assume(not np.any(np.isin(x, knots)))
    base = bspline_riesz(knots, p, alpha, x)
    moved = bspline_riesz(scale * knots + shift, p, alpha, scale * x + shift)
    tol = 1e-7 * np.abs(base).max() + 1e-300
    assert np.all(np.isfinite(base))
    assert np.allclose(moved * scale**alpha, base, rtol=1e-6, atol=tol)


@given(
    st.integers(2, MAX_SYMBOL_DEGREE),
    orders,
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=8),
)
def test_symbol_is_non_negative_even_and_periodic(p, alpha, thetas):
    theta = np.array(thetas)
    f = symbol(theta, p, alpha)
    assert np.all(np.isfinite(f)) and np.all(f >= 0)
    # the reduction of θ to [0, π] rounds at the size of |θ|·ε, which the values inherit
    rtol = 1e-12 + 1e-14 * np.abs(theta).max()
    assert np.allclose(symbol(-theta, p, alpha), f, rtol=rtol, atol=0)
    assert np.all(f <= 2 * np.pi**alpha)


@given(degrees, st.floats(1.05, 1.99), st.integers(1, 60))
def test_coefficients_are_positive_on_the_diagonal_and_negative_far_off_it(p, alpha, count):
    a = toeplitz_coefficients(p, alpha, count)
    assert a.shape == (count,) and np.all(np.isfinite(a)) and a[0] > 0
    assert np.all(a[p + 1 :] < 0)  # beyond the support the kernel of a positive operator


@settings(deadline=None, max_examples=40)
@given(st.integers(2, 40), degrees, orders)
def test_collocation_matrices_are_finite_with_a_toeplitz_interior(n_el, p, alpha):
    matrix = collocation_matrix(n_el, p, alpha)
    n = n_el + p - 2
    assert matrix.shape == (n, n) and np.all(np.isfinite(matrix))
    assert np.all(np.diag(matrix) > 0)
    inner = matrix[p - 1 : n_el - 1, p - 1 : n_el - 1]
    if inner.shape[0] > 1:
        tiny = 1e-13 * np.abs(matrix).max()
        assert np.allclose(inner[1:, 1:], inner[:-1, :-1], rtol=1e-10, atol=tiny)
    # the mirror x ↦ 1 − x reverses rows and columns
    assert np.allclose(matrix[::-1, ::-1], matrix, rtol=1e-8, atol=1e-10 * np.abs(matrix).max())


@given(st.integers(2, MAX_ELEMENTS), degrees)
def test_greville_points_and_knots(n_el, p):
    x = greville_points(n_el, p)
    t = knot_vector(n_el, p)
    assert x.shape == (n_el + p - 2,) and t.shape == (n_el + 2 * p + 1,)
    assert np.all(np.diff(x) > 0) and x[0] > 0 and x[-1] < 1
    assert np.allclose(x + x[::-1], 1.0) and np.allclose(t + t[::-1], 1.0)


@given(
    st.lists(st.floats(-10, 10), min_size=1, max_size=12),
    st.floats(1.01, 2.0),
    st.lists(st.floats(1e-6, 1 - 1e-6), min_size=1, max_size=6),
)
def test_polynomial_right_hand_sides_are_finite_linear_and_mirror_symmetric(coeffs, alpha, xs):
    c, x = np.array(coeffs), np.array(xs)
    v = polynomial_riesz(c, x, alpha)
    assert v.shape == x.shape and np.all(np.isfinite(v))
    # u(1 − ·) at 1 − x gives the same value; 2u gives twice it
    mirrored = np.polynomial.Polynomial(c)(np.polynomial.Polynomial([1.0, -1.0])).coef
    scale = np.abs(c).sum() * np.max(x**-alpha + (1 - x) ** -alpha) * 2.0**c.size + 1e-300
    assert np.allclose(polynomial_riesz(mirrored, 1 - x, alpha), v, rtol=0, atol=1e-11 * scale)
    assert np.allclose(polynomial_riesz(2 * c, x, alpha), 2 * v, rtol=1e-14, atol=0)


BAD = [
    (lambda: cardinal_riesz([0.5], 1, 1.5), ValueError, "p must lie"),
    (lambda: symbol([0.5], MAX_SYMBOL_DEGREE + 1, 1.5), ValueError, "p must lie"),
    (lambda: cardinal_riesz([0.5], MAX_DEGREE + 1, 1.5), ValueError, "p must lie"),
    (lambda: symbol([0.5], np.int64(3), 1.5), None, None),
    (lambda: symbol([0.5], 3, True), TypeError, "alpha"),
    (lambda: symbol([0.5], 3, "1.5"), TypeError, "alpha"),
    (lambda: symbol([0.5], 3, 1.0), ValueError, "alpha"),
    (lambda: symbol([0.5], 3, float("nan")), ValueError, "alpha"),
    (lambda: symbol([0.5], 3, 1.005), ValueError, "alpha"),
    (lambda: symbol([np.nan], 3, 1.5), ValueError, "theta"),
    (lambda: symbol("0.5", 3, 1.5), TypeError, "theta"),
    (lambda: cardinal_riesz([[np.inf]], 3, 1.5), ValueError, "x"),
    (lambda: toeplitz_coefficients(3, 1.5, 10**8), ValueError, "count"),
    (lambda: toeplitz_coefficients(3, 1.5, 2.0), TypeError, "count"),
    (lambda: collocation_matrix(True, 3, 1.5), TypeError, "elements"),
    (lambda: collocation_matrix(0, 3, 1.5), ValueError, "elements"),
    (lambda: knot_vector(4, 1), ValueError, "p must lie"),
    (lambda: bspline_riesz([0, 1, 2], 3, 1.5, [5.0]), ValueError, "knots must have"),
    (lambda: bspline_riesz([0, 2, 1, 3, 4], 3, 1.5, [5.0]), ValueError, "non-decreasing"),
    (lambda: bspline_riesz([1, 1, 1, 1, 1], 3, 1.5, [5.0]), ValueError, "non-decreasing"),
    (lambda: bspline_riesz([0, 0, 0, 0, 1], 3, 1.5, [0.0]), ValueError, "jumps"),
    (lambda: bspline_riesz([0, 1, 2, 3, np.nan], 3, 1.5, [5.0]), ValueError, "knots"),
    (lambda: bspline_riesz([0, 1, 2, 3, 4], 3, 1.5, [1j]), TypeError, "x"),
]


@pytest.mark.parametrize("call, error, match", BAD)
def test_bad_input_is_named(call, error, match):
    if error is None:  # NumPy integers are ints
        assert np.all(np.isfinite(call()))
        return
    with pytest.raises(error, match=match):
        call()
