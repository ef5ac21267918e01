"""Unit tests of rederived.differential.wkb: exact terms, truncated solutions, Taylor reference."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from rederived.differential import wkb

AIRY_C = [1, Fraction(-1, 4), Fraction(5, 32), Fraction(15, 64), Fraction(-1105, 2048)]


def test_airy_terms_are_the_known_constants():
    s = wkb.series([0, 1], 4)
    assert all(len(p) == 1 for p in s.numerators)  # S_n' = c_n x^((1 - 3n)/2): P_n constant
    assert [s.power_coefficient(n)[0] for n in range(5)] == AIRY_C
    assert s.power_form == (1, 0, 1)
    assert [s.exponent(n) for n in range(3)] == [Fraction(1, 2), -1, Fraction(-5, 2)]


def test_terms_agree_with_sympy_recursion_for_a_general_quadratic():
    x = sp.symbols("x", positive=True)
    coeffs = [2, 1, 3]  # a = 3x² + x + 2 > 0
    a = sum(c * x**i for i, c in enumerate(coeffs))
    terms = [sp.I * sp.sqrt(a)]
    for n in range(1, 5):
        rhs = terms[n - 1].diff(x) + sum(terms[j] * terms[n - j] for j in range(1, n))
        terms.append(sp.simplify(-rhs / (2 * terms[0])))
    s = wkb.series(coeffs, 4)
    assert s.power_form is None and s.shift == 0
    for n in range(5):
        num = sum(sp.Rational(c) * x**i for i, c in enumerate(s.numerators[n]))
        mine = (sp.I * sp.sqrt(a)) ** (1 - n % 2) * num / a ** s.denominator_power(n)
        assert sp.simplify(mine - terms[n]) == 0


def test_pure_power_is_expanded_about_its_zero():
    s = wkb.series([4, 4, 1], 6)  # (x + 2)²
    assert s.shift == -2
    for p in s.numerators:  # monomials in x + 2
        assert sum(1 for c in p if c) == 1
    assert [s.power_coefficient(n)[0] for n in range(3)] == [1, Fraction(-1, 2), Fraction(3, 8)]


def test_solution_meets_the_initial_value_and_float_matches_mpmath():
    s = wkb.series([1, 0, 1], 6)
    x = np.linspace(0, 1, 7)
    low = wkb.solution(s, 0.1, x, 0.0, 1.0, 1j)
    high = wkb.solution(s, 0.1, x, 0.0, 1.0, 1j, dps=30)
    assert low.shape == high.shape == (7, 7)
    assert np.allclose(low[:, 0], 1.0, atol=1e-14)
    assert np.max(np.abs(low - high.astype(complex))) < 1e-11


def test_truncation_error_against_airy_functions_falls_like_eps_to_the_n():
    errs = []
    for eps in (0.05, 0.025):
        x = np.linspace(1, 2, 9)
        k = -(mpmath.mpf(eps) ** (-mpmath.mpf(2) / 3))
        # the solution Ai(kx) itself, with its own data at x = 1
        phi0 = complex(mpmath.airyai(k))
        dphi0 = complex(eps * k * mpmath.airyai(k, derivative=1))
        exact = [mpmath.airyai(k * v) for v in x]
        ref, _ = wkb.taylor_reference([0, 1], eps, x, 1.0, phi0, dphi0, dps=30)
        # the reference solves the problem with the data as given (rounded to double)
        assert max(abs(r - e) for r, e in zip(ref, exact, strict=True)) < 1e-12
        approx = wkb.solution(wkb.series([0, 1], 3), eps, x, 1.0, phi0, dphi0, dps=30)
        errs.append(wkb.truncation_errors(approx, ref).max(axis=1))
    slopes = np.log(errs[0] / errs[1]) / np.log(2)
    assert np.all(np.abs(slopes[1:] - np.arange(1, 4)) < 0.3)


def test_quadrature_matches_closed_form_phases():
    exact = wkb.series([4, 4, 1], 5)
    nudged = wkb.series([Fraction(4) + Fraction(1, 10**40), 4, 1], 5)  # not a pure power
    assert nudged.power_form is None
    x = np.linspace(0, 1, 5)
    a = wkb.solution(exact, 0.2, x, 0.0, 1.0, 2j, dps=40)
    b = wkb.solution(nudged, 0.2, x, 0.0, 1.0, 2j, dps=40)
    assert max(abs(u - v) for u, v in zip(a.ravel(), b.ravel(), strict=True)) < 1e-30


def test_taylor_reference_keeps_the_wronskian():
    x = np.linspace(0, 2, 5)
    phi, dphi = wkb.taylor_reference([1, -1, 1], 0.05, x, 0.0, 1.0 + 0.5j, 0.3j, dps=40)
    w = [p * mpmath.conj(d) - d * mpmath.conj(p) for p, d in zip(phi, dphi, strict=True)]
    assert max(abs(v - w[0]) for v in w) < mpmath.mpf(10) ** -35


def test_taylor_reference_crosses_a_turning_point():
    # a = x changes sign at 0: the integrator does not care, Ai is the solution
    x = np.array([-1.0, 0.0, 1.0])
    k = -mpmath.mpf(1)
    phi0, dphi0 = mpmath.airyai(2), -mpmath.airyai(2, derivative=1)  # φ = Ai(−x), x from −2
    phi, _ = wkb.taylor_reference([0, 1], 1.0, x, -2.0, complex(phi0), complex(dphi0), dps=30)
    assert max(abs(p - mpmath.airyai(k * v)) for p, v in zip(phi, x, strict=True)) < 1e-14


def test_bad_input_is_named():
    s = wkb.series([0, 1], 3)
    with pytest.raises(ValueError, match="turning point"):
        wkb.solution(wkb.series([1, -1], 2), 0.1, [0.5, 2.0], 0.0, 1.0, 1j)
    with pytest.raises(ValueError, match="positive"):
        wkb.solution(wkb.series([-1, 0, -1], 2), 0.1, [1.0], 0.0, 1.0, 1j)
    with pytest.raises(ValueError, match="xi"):
        wkb.solution(s, 0.1, [0.5], 1.0, 1.0, 1j)
    with pytest.raises(ValueError, match="eps"):
        wkb.solution(s, -0.1, [1.5], 1.0, 1.0, 1j)
    with pytest.raises(ValueError, match="order"):
        wkb.series([0, 1], wkb.MAX_ORDER + 1)
    with pytest.raises(ValueError, match="zero polynomial"):
        wkb.series([0, 0], 2)
    with pytest.raises(TypeError, match="a\\[1\\]"):
        wkb.series([1, "x"], 2)
    with pytest.raises(ValueError, match="float64 overflows"):
        wkb.solution(wkb.series([0, 1], 120), 0.2, np.linspace(1, 2, 3), 1.0, 1.0, 1j)


def test_phases_do_not_depend_on_the_partition_at_high_order():
    # S_p' has a pole of order ~3p/2 at ±i: the node count must grow with the order
    s = wkb.series([1, 0, 1], 60)
    one = wkb.solution(s, 0.1, [3.0], 0.0, 1.0, 1j, dps=40)
    many = wkb.solution(s, 0.1, [0.7, 1.5, 2.2, 3.0], 0.0, 1.0, 1j, dps=40)
    for n in (20, 40, 60):
        assert abs(one[n, 0] - many[n, -1]) <= mpmath.mpf(10) ** -35 * abs(one[n, 0])


def test_truncation_errors_are_exact_differences():
    with mpmath.workdps(80):
        u = mpmath.mpc(1) + mpmath.mpf(10) ** -60
    err = wkb.truncation_errors(np.array([[u]], dtype=object), [1.0])
    assert err[0, 0] == pytest.approx(1e-60, rel=1e-12)
    with pytest.raises(ValueError, match="range"):
        wkb.truncation_errors(np.array([[mpmath.mpf(10) ** 400]], dtype=object), [0.0])


def test_budgets_refuse_what_would_take_minutes():
    with pytest.raises(ValueError, match="at most"):
        wkb.series([2, 1, 3], 150)
    s = wkb.series([0, 1], 3)
    with pytest.raises(ValueError, match="dps"):
        wkb.solution(s, 0.1, [1.5], 1.0, 1.0, 1j, dps=wkb.MAX_WORK_DPS + 1)
    with pytest.raises(ValueError, match="phase"):
        wkb.solution(s, 1e-14, [2.0], 1.0, 1.0, 1j)
    with pytest.raises(ValueError, match="overflows"):
        wkb.solution(s, 1e300, [2.0], 1.0, 1.0, 1j)


def test_tiny_eps_keeps_its_digits():
    # the phase 1e14 radians costs 14 digits, which the kernel adds
    s = wkb.series([0, 1], 2)
    low = wkb.solution(s, 1e-14, [2.0], 1.0, 1.0, 1j, dps=20)
    high = wkb.solution(s, 1e-14, [2.0], 1.0, 1.0, 1j, dps=60)
    assert abs(low[2, 0] - high[2, 0]) < 1e-15
