"""Unit tests of rederived.differential.bspline_riesz: exact cases, two routes to the symbol,
the classical limit α = 2, convergence, bad input."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import scipy.interpolate

from rederived.differential import bspline_riesz as R


def cardinal_mp(x, p, alpha):
    """(−Δ)^{α/2} φ_p(x) from the truncated powers at 50 digits."""
    with mpmath.workdps(50):
        x, alpha = mpmath.mpf(x), mpmath.mpf(alpha)

        def left(y):
            terms = [
                (-1) ** j * mpmath.binomial(p + 1, j) * (y - j) ** (p - alpha)
                for j in range(p + 2)
                if y > j
            ]
            return mpmath.fsum(terms) / mpmath.gamma(p + 1 - alpha)

        return float((left(x) + left(p + 1 - x)) / (2 * mpmath.cos(mpmath.pi * alpha / 2)))


@pytest.mark.parametrize("p", [2, 3, 5, 6])
@pytest.mark.parametrize("alpha", [1.01, 1.5, 1.9, 2.0])
def test_cardinal_values_match_50_digit_truncated_powers(p, alpha):
    # including points within rounding of the support's ends, where the mirrored point p + 1 − x
    # would round onto a knot
    xs = [-300.5, -12.0, -0.5, -1e-17, 0.3, (p + 1) / 2, p + 0.9, 2.6 * (p + 1), 1000.25]
    got = R.cardinal_riesz(xs, p, alpha)
    want = np.array([cardinal_mp(x, p, alpha) for x in xs])
    # at α = 2 the values beyond the support are exactly 0, which sums reproduce to rounding
    assert np.allclose(got, want, rtol=1e-10, atol=1e-14 * np.abs(want).max())


def test_symbol_equals_the_fourier_series_of_the_coefficients():
    theta = np.linspace(0.05, np.pi, 7)
    for p, alpha in [(2, 1.5), (3, 1.2), (4, 1.9), (5, 1.5)]:
        # a_k decays like k^(−1−α): sum 20000 terms and bound the tail by its integral
        a = R.toeplitz_coefficients(p, alpha, 20000)
        series = a[0] + 2 * np.cos(np.outer(theta, np.arange(1, a.size))) @ a[1:]
        assert np.allclose(R.symbol(theta, p, alpha), series, rtol=0, atol=4 * 20000.0**-alpha)


def test_symbol_is_even_periodic_and_zero_at_zero():
    theta = np.array([0.3, 1.0, 2.9])
    for p, alpha in [(2, 1.1), (3, 1.7)]:
        f = R.symbol(theta, p, alpha)
        assert np.allclose(R.symbol(-theta, p, alpha), f, rtol=1e-13)
        assert np.allclose(R.symbol(theta + 4 * np.pi, p, alpha), f, rtol=1e-12)
        assert R.symbol([0.0, 2 * np.pi], p, alpha).tolist() == [0.0, 0.0]
        small = R.symbol([1e-6], p, alpha)[0]
        assert small == pytest.approx(1e-6**alpha, rel=1e-6)


def test_classical_limit_is_collocation_of_minus_the_second_derivative():
    for p in (2, 3, 4, 5, 6):
        n_el = 10
        matrix = R.collocation_matrix(n_el, p, 2.0)
        knots = R.knot_vector(n_el, p)
        x = R.greville_points(n_el, p)
        second = np.column_stack(
            [
                scipy.interpolate.BSpline(knots, np.eye(n_el + p)[j], p)(x, nu=2)
                for j in range(n_el + p)
            ]
        )[:, 1:-1]
        assert np.allclose(matrix, -second, rtol=0, atol=1e-11 * np.abs(second).max())
    # and the symbol of p = 2 at α = 2, a digamma limit, is (2 − 2cos θ)(3 + cos θ)/4 · 1
    theta = np.linspace(0.2, 3.0, 5)
    a = R.toeplitz_coefficients(2, 2.0, 4)
    assert np.allclose(
        R.symbol(theta, 2, 2.0), a[0] + 2 * a[1] * np.cos(theta) + 2 * a[2] * np.cos(2 * theta)
    )


def test_interior_block_is_toeplitz_and_boundary_columns_agree_with_the_general_route():
    p, alpha, n_el = 4, 1.5, 20
    matrix = R.collocation_matrix(n_el, p, alpha)
    inner = slice(p - 1, n_el - 1)
    block = matrix[inner, inner]
    assert np.allclose(block[1:, 1:], block[:-1, :-1], rtol=1e-12, atol=0)
    # the general (jump) route on a cardinal B-spline gives the cardinal values
    x = R.greville_points(n_el, p)
    general = R.bspline_riesz(np.arange(p + 2) / n_el, p, alpha, x)
    cardinal = R.cardinal_riesz(x * n_el, p, alpha) * n_el**alpha
    assert np.allclose(general, cardinal, rtol=1e-9, atol=1e-12 * np.abs(cardinal).max())


def test_solutions_in_the_spline_space_are_reproduced_exactly():
    # u = x²(1 − x)² is a spline of degree p ≥ 4 on any knots: collocation returns it to
    # rounding, which checks every boundary column and row
    coeff = np.polynomial.polynomial.polyfromroots([0, 0, 1, 1])
    alpha = 1.5

    def rhs(x):
        return R.polynomial_riesz(coeff, x, alpha)

    fine = np.linspace(0, 1, 401)
    for p in (4, 5, 6):
        for n_el in (4, 9):
            c = np.linalg.solve(
                R.collocation_matrix(n_el, p, alpha), rhs(R.greville_points(n_el, p))
            )
            u = scipy.interpolate.BSpline(R.knot_vector(n_el, p), np.r_[0, c, 0], p)(fine)
            assert np.abs(u - np.polynomial.polynomial.polyval(fine, coeff)).max() < 1e-12


def test_symbol_at_small_angles_and_high_degree():
    for p in (3, 40, 60):
        for theta in (1e-17, 1e-8, 1e-5):
            value = R.symbol([theta], p, 1.5)[0]
            assert value == pytest.approx(theta**1.5, rel=1e-9)
    # far cardinal values keep their relative accuracy where they are representable
    assert R.cardinal_riesz([1e120], 2, 1.01)[0] == pytest.approx(
        cardinal_mp(1e120, 2, 1.01), rel=1e-9
    )
    assert np.isfinite(R.cardinal_riesz([1e62], 6, 1.01)).all()


def test_collocation_converges_at_the_papers_orders():
    coeff = np.polynomial.polynomial.polyfromroots([0, 0, 0, 0, 1, 1, 1, 1])  # x⁴(x − 1)⁴
    alpha = 1.5

    def rhs(x):
        return R.polynomial_riesz(coeff, x, alpha)

    fine = np.linspace(0, 1, 801)
    exact = np.polynomial.polynomial.polyval(fine, coeff)
    for p, predicted in [(2, 2.5), (3, 2.5)]:
        errors = []
        for n_el in (64, 128):
            c = np.linalg.solve(
                R.collocation_matrix(n_el, p, alpha), rhs(R.greville_points(n_el, p))
            )
            u = scipy.interpolate.BSpline(R.knot_vector(n_el, p), np.r_[0, c, 0], p)(fine)
            errors.append(np.abs(u - exact).max())
        assert np.log2(errors[0] / errors[1]) == pytest.approx(predicted, abs=0.15)


def test_polynomial_right_hand_sides_match_the_classical_and_cardinal_cases():
    x = np.linspace(0.05, 0.95, 7)
    # α = 2: −u'' of u = x²(1 − x)³ (no boundary terms: u and u' vanish at 0 and 1)
    u = np.polynomial.Polynomial.fromroots([0, 0, 1, 1, 1])
    assert np.allclose(R.polynomial_riesz(u.coef, x, 2.0), -u.deriv(2)(x), rtol=1e-12, atol=1e-12)
    # u = x − x²: the mirrored polynomial is the same, so both sides are the same Γ sums
    alpha = 1.5
    direct = (
        math.gamma(2) / math.gamma(2 - alpha) * (x ** (1 - alpha) + (1 - x) ** (1 - alpha))
        - math.gamma(3) / math.gamma(3 - alpha) * (x ** (2 - alpha) + (1 - x) ** (2 - alpha))
    ) / (2 * math.cos(math.pi * alpha / 2))
    assert np.allclose(R.polynomial_riesz([0, 1, -1], x, alpha), direct, rtol=1e-13)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: R.cardinal_riesz([0.5], 1, 1.5), ValueError, "p must lie"),
        (lambda: R.cardinal_riesz([0.5], 7, 1.5), ValueError, "p must lie"),
        (lambda: R.cardinal_riesz([0.5], 2.0, 1.5), TypeError, "p must be an int"),
        (lambda: R.cardinal_riesz([0.5], True, 1.5), TypeError, "p must be an int"),
        (lambda: R.cardinal_riesz([0.5], 3, 1.0), ValueError, "alpha"),
        (lambda: R.cardinal_riesz([0.5], 3, 2.5), ValueError, "alpha"),
        (lambda: R.cardinal_riesz([0.5], 3, np.nan), ValueError, "alpha"),
        (lambda: R.cardinal_riesz([0.5], 3, 10**400), ValueError, "alpha"),
        (lambda: R.symbol([1e7], 3, 1.5), ValueError, "theta"),
        (lambda: R.symbol([0.5], R.MAX_SYMBOL_DEGREE + 1, 1.5), ValueError, "p must lie"),
        (lambda: R.toeplitz_coefficients(3, 1.5, "5"), TypeError, "count"),
        (lambda: R.bspline_riesz([0, 1, 1.1, 2, 3], 3, 1.5, [5.0]), ValueError, "factor"),
        (lambda: R.cardinal_riesz([np.inf], 3, 1.5), ValueError, "x must be finite"),
        (lambda: R.cardinal_riesz(["a"], 3, 1.5), TypeError, "x must"),
        (lambda: R.symbol([1j], 3, 1.5), TypeError, "theta"),
        (lambda: R.toeplitz_coefficients(3, 1.5, 0), ValueError, "count"),
        (lambda: R.collocation_matrix(1, 3, 1.5), ValueError, "elements"),
        (lambda: R.collocation_matrix(R.MAX_ELEMENTS + 1, 3, 1.5), ValueError, "elements"),
        (lambda: R.greville_points(8.0, 3), TypeError, "elements"),
        (lambda: R.polynomial_riesz([1, 2], [0.0], 1.5), ValueError, "inside"),
        (lambda: R.polynomial_riesz([1, 2], [1.0], 1.5), ValueError, "inside"),
        (lambda: R.polynomial_riesz([], [0.5], 1.5), ValueError, "coefficients"),
        (lambda: R.polynomial_riesz(np.ones(40), [0.5], 1.5), ValueError, "coefficients"),
        (lambda: R.polynomial_riesz([[1.0]], [0.5], 1.5), ValueError, "coefficients"),
        (lambda: R.polynomial_riesz([np.nan], [0.5], 1.5), ValueError, "coefficients"),
        (lambda: R.polynomial_riesz(["a"], [0.5], 1.5), TypeError, "coefficients"),
    ],
)
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
