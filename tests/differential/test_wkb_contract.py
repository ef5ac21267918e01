"""Contract of rederived.differential.wkb, on its whole domain (Hypothesis).

Domain: a is a non-zero real polynomial of degree ≤ MAX_DEGREE (ints, Fractions, finite floats;
floats taken exactly); orders are ints in [0, MAX_ORDER]; eps a finite real > 0; points finite,
at or after xi, with a > 0 and no zero of a on [xi, max x] (for the WKB functions; the Taylor
reference takes any real polynomial); dps an int ≥ 15. Results: exact numerators with the
scaling and translation laws of the recursion, truncations that meet the initial value, a
reference that keeps the Wronskian, finite errors; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from rederived.differential.wkb import (
    MAX_DEGREE,
    MAX_ORDER,
    MAX_STEPS,
    WKBSeries,
    series,
    solution,
    taylor_reference,
    truncation_errors,
)

COVERS = ("WKBSeries", "series", "solution", "taylor_reference", "truncation_errors")

small_ints = st.integers(-4, 4)
polys = st.lists(small_ints, min_size=1, max_size=4).filter(lambda p: any(p))


def shift_poly(p, h):
    """Coefficients of p(x + h), exactly."""
    out = [Fraction(0)] * len(p)
    for i, c in enumerate(p):
        for j in range(i + 1):
            out[j] += Fraction(c) * math.comb(i, j) * Fraction(h) ** (i - j)
    return out


def poly_eval(p, x):
    return sum(c * x**i for i, c in enumerate(p))


@given(polys, st.integers(0, 6), st.fractions(Fraction(1, 5), 5))
def test_series_obeys_the_scaling_law(a, order, lam):
    # a → λa is ε → ε/√λ: P_n[λa] = λ^n P_n[a], exactly
    s, scaled = series(a, order), series([lam * c for c in a], order)
    for n in range(order + 1):
        left = [c for c in scaled.numerators[n]]
        right = [lam**n * c for c in s.numerators[n]]
        if s.shift == scaled.shift:
            assert left == right


@given(polys, st.integers(0, 5), st.fractions(-3, 3, max_denominator=7))
def test_series_obeys_translation(a, order, h):
    # the numerators of a(x + h) are those of a, evaluated at x + h
    s, moved = series(a, order), series(shift_poly(a, h), order)
    for n in range(order + 1):
        for t in (Fraction(-1), Fraction(1, 3), Fraction(2)):
            lhs = poly_eval(moved.numerators[n], t - moved.shift)
            rhs = poly_eval(s.numerators[n], t + h - s.shift)
            assert lhs == rhs


@given(polys, st.integers(1, 6))
def test_series_first_terms(a, order):
    s = series(a, order)
    assert s.order == order and s.numerators[0] == (1,)
    # S_1' = −a'/(4a): P_1 = −a'/4 (in the shifted variable for a pure power)
    t = Fraction(7, 3)
    da = poly_eval([i * Fraction(c) for i, c in enumerate(a)][1:] or [0], t)
    assert poly_eval(s.numerators[1], t - s.shift) == -da / 4
    assert isinstance(s, WKBSeries)


@given(
    st.one_of(
        st.none(),
        st.text(max_size=3),
        st.just([]),
        st.just([0, 0]),
        st.just([1, float("nan")]),
        st.just([1, float("inf")]),
        st.just([True, 1]),
        st.just([1j, 1]),
        st.just([1] * (MAX_DEGREE + 2)),
    )
)
def test_series_refuses_bad_coefficients(a):
    with pytest.raises((TypeError, ValueError), match=r"^a\b|^a\["):
        series(a, 2)


@given(
    st.one_of(
        st.integers(-5, -1),
        st.integers(MAX_ORDER + 1, 10**9),
        st.just(True),
        st.just(2.0),
        st.just("3"),
    )
)
def test_series_refuses_bad_orders(order):
    with pytest.raises((TypeError, ValueError), match="order"):
        series([0, 1], order)


positive_quadratics = st.tuples(st.integers(1, 4), st.integers(-2, 2), st.integers(0, 3)).filter(
    lambda c: c[1] ** 2 < 4 * c[0] * c[2] or (c[2] == 0 and c[1] >= 0)
)


@given(
    positive_quadratics,
    st.floats(0.03, 1.0),
    st.integers(0, 6),
    st.complex_numbers(max_magnitude=5, allow_nan=False, allow_infinity=False),
    st.complex_numbers(max_magnitude=5, allow_nan=False, allow_infinity=False),
)
def test_solution_meets_the_initial_value(a, eps, order, phi0, dphi0):
    s = series(list(a), order)
    x = np.array([0.0, 0.25, 0.5])
    out = solution(s, eps, x, 0.0, phi0, dphi0)
    assert out.shape == (order + 1, 3) and np.all(np.isfinite(out))
    assert np.allclose(out[:, 0], phi0, atol=1e-12 * (1 + abs(phi0)))


@given(positive_quadratics, st.floats(0.05, 0.5))
def test_solution_float_and_mpmath_agree(a, eps):
    s = series(list(a), 4)
    x = np.array([0.0, 0.3, 0.6])
    low, high = solution(s, eps, x, 0.0, 1.0, 1j), solution(s, eps, x, 0.0, 1.0, 1j, dps=25)
    scale = np.max(np.abs(low))
    assert np.max(np.abs(low - high.astype(complex))) <= 1e-9 * scale


SOLUTION_BAD = [
    dict(eps=0.0),
    dict(eps=-1.0),
    dict(eps=float("nan")),
    dict(eps=float("inf")),
    dict(eps=True),
    dict(eps=1e-13),  # a phase of 1e13 radians in float64
    dict(eps=1e300),  # overflows float64
    dict(x=[]),
    dict(x=[[1.0]]),
    dict(x=[float("nan")]),
    dict(x=["a"]),
    dict(x=[-1.0]),
    dict(xi=float("nan")),
    dict(phi0=float("nan")),
    dict(phi0="1"),
    dict(dphi0=complex("inf")),
    dict(order=99),
    dict(order=-1),
    dict(dps=3),
    dict(dps=10**7),
    dict(dps=5000),
    dict(s=[0, 1]),
]


@pytest.mark.parametrize(
    "bad", SOLUTION_BAD, ids=lambda d: f"{next(iter(d))}={next(iter(d.values()))!r}"
)
def test_solution_refuses_bad_input(bad):
    args = dict(s=series([1, 0, 1], 3), eps=0.1, x=[0.0, 0.5], xi=0.0, phi0=1.0, dphi0=1j)
    args.update(bad)
    name = next(iter(bad))
    with pytest.raises((TypeError, ValueError), match=name):
        solution(**args)


@pytest.mark.parametrize("a", [[1, -1], [-1, 0, 1], [0, 0, 1], [-1]])
def test_solution_refuses_a_zero_or_negative_a(a):
    # zeros of 1 − x, x² − 1 inside [0, 2]; x² touches zero at 0; −1 is negative
    with pytest.raises(ValueError, match="a "):
        solution(
            series(a, 2),
            0.1,
            [0.0, 2.0] if a != [-1, 0, 1] else [1.5, 2.0],
            0.0 if a != [-1, 0, 1] else 0.5,
            1.0,
            1j,
        )


@given(
    polys,
    st.floats(0.1, 2.0),
    st.floats(0.1, 1.5),
    st.complex_numbers(max_magnitude=3, allow_nan=False, allow_infinity=False),
    st.complex_numbers(max_magnitude=3, allow_nan=False, allow_infinity=False),
)
def test_taylor_reference_keeps_the_wronskian(a, eps, length, phi0, dphi0):
    # for real a, φ·conj(εφ') − εφ'·conj(φ) is constant along any solution
    x = np.linspace(0.0, length, 3)
    try:
        phi, dphi = taylor_reference(a, eps, x, 0.0, phi0, dphi0, dps=20)
    except ValueError as err:  # a steep polynomial at small eps: refused by the step budget
        assert "Taylor" in str(err)
        return
    w = [p * mpmath.conj(d) - d * mpmath.conj(p) for p, d in zip(phi, dphi, strict=True)]
    size = max(1, max(abs(p) * abs(d) for p, d in zip(phi, dphi, strict=True)))
    assert all(mpmath.isfinite(abs(v)) for v in w)
    assert max(abs(v - w[0]) for v in w) <= mpmath.mpf(10) ** -15 * size


def test_taylor_reference_refuses_too_many_steps():
    with pytest.raises(ValueError, match="Taylor steps"):
        taylor_reference([0, 1], 1e-7, [1.0, 2.0], 1.0, 1.0, 1j, dps=15)
    assert MAX_STEPS > 0


@pytest.mark.parametrize(
    "bad",
    [
        dict(eps=0.0),
        dict(x=[-5.0]),
        dict(dps=2),
        dict(dps=5000),
        dict(a=[]),
        dict(phi0=None),
        dict(a={1: 2}),
    ],
)
def test_taylor_reference_refuses_bad_input(bad):
    args = dict(a=[1, 0, 1], eps=0.1, x=[0.0, 0.5], xi=0.0, phi0=1.0, dphi0=1j, dps=20)
    args.update(bad)
    with pytest.raises((TypeError, ValueError), match=next(iter(bad))):
        taylor_reference(**args)


@given(st.integers(1, 4), st.integers(1, 4))
def test_truncation_errors_shapes_and_refusals(n, m):
    approx = np.ones((n, m), dtype=complex)
    err = truncation_errors(approx, [1.0 + 1e-20j] * m)
    assert err.shape == (n, m) and np.all(err >= 0) and np.all(err < 1e-19)
    with pytest.raises(ValueError, match="reference"):
        truncation_errors(approx, [1.0] * (m + 1))
    with pytest.raises(ValueError, match="approximations"):
        truncation_errors(np.ones(m), [1.0] * m)
    bad = approx.copy()
    bad[0, 0] = complex("nan")
    with pytest.raises(ValueError, match="approximations"):
        truncation_errors(bad, [1.0] * m)
    assume(True)


@given(
    positive_quadratics,
    st.integers(2, 12),
    st.floats(0.05, 0.5),
    st.lists(st.floats(0.05, 2.0), min_size=1, max_size=4, unique=True),
)
def test_solution_does_not_depend_on_the_other_points(a, order, eps, extra):
    # the phases at x = 2 are one integral, however the other points cut [0, 2]
    s = series(list(a), order)
    alone = solution(s, eps, [2.0], 0.0, 1.0, 1j, dps=25)[:, 0]
    cut = solution(s, eps, sorted(set(extra) | {2.0}), 0.0, 1.0, 1j, dps=25)[:, -1]
    for u, v in zip(alone, cut, strict=True):
        assert abs(u - v) <= mpmath.mpf(10) ** -18 * max(1, abs(u))


@given(st.integers(1, 4), st.integers(2, 3), st.floats(0.05, 0.5))
def test_closed_form_and_quadrature_agree_for_pure_powers(shift, k, eps):
    # (x + shift)^k exactly, against the same polynomial nudged off a pure power
    exact = [math.comb(k, j) * shift ** (k - j) for j in range(k + 1)]
    nudged = [Fraction(exact[0]) + Fraction(1, 10**30), *exact[1:]]
    x = [0.0, 0.5, 1.0]
    u = solution(series(exact, 4), eps, x, 0.0, 1.0, 2j, dps=30)
    v = solution(series(nudged, 4), eps, x, 0.0, 1.0, 2j, dps=30)
    assert series(nudged, 1).power_form is None
    for p, q in zip(u.ravel(), v.ravel(), strict=True):
        assert abs(p - q) <= mpmath.mpf(10) ** -20 * max(1, abs(p))


@given(st.integers(-3000, 3000), st.integers(-80, 80))
def test_truncation_errors_take_exact_differences(exponent, offset):
    # a value of any size against itself plus 10^offset relative: the difference is exact
    with mpmath.workdps(200):
        u = mpmath.mpf(10) ** exponent
        v = u * (1 + mpmath.mpf(10) ** offset)
        d = abs(u - v)
    fits = np.finfo(float).tiny <= d <= np.finfo(float).max
    try:
        err = truncation_errors(np.array([[u]], dtype=object), [v])
    except ValueError as exc:
        assert not fits and "range" in str(exc)
        return
    assert fits and err[0, 0] == pytest.approx(float(d), rel=1e-12)


def test_positivity_and_turning_points_are_decided_exactly():
    # (x + 2)^12 at xi = −1.9 is 1e-12 > 0; (3 − x)^8 has its zero just right of [0, 2.95]
    assert solution(
        series([math.comb(12, j) * 2 ** (12 - j) for j in range(13)], 1),
        0.1,
        [-1.8],
        -1.9,
        1.0,
        1j,
        dps=20,
    ).shape == (2, 1)
    eighth = [math.comb(8, j) * (-1) ** j * 3 ** (8 - j) for j in range(9)]
    near = solution(series(eighth, 1), 0.1, [2.9], 0.0, 1.0, 1j, dps=30)
    assert all(mpmath.isfinite(abs(v)) for v in near.ravel())
    with pytest.raises(ValueError, match="turning point"):
        solution(series(eighth, 1), 0.1, [3.5], 0.0, 1.0, 1j)


def test_float64_refuses_what_it_cannot_compute():
    with pytest.raises(ValueError, match="cancel"):  # α's denominator cancels at this eps
        solution(series([0, 1], 4), 1.23039, [1.0, 2.0], 1.0, 1.0, 1j)
    fine = solution(series([0, 1], 4), 1.23039, [1.0, 2.0], 1.0, 1.0, 1j, dps=30)
    assert all(mpmath.isfinite(abs(v)) for v in fine.ravel())
    sixth = [math.comb(6, j) * (-1) ** j * 3 ** (6 - j) for j in range(7)]
    with pytest.raises(ValueError, match="cancellation"):  # a ill-conditioned near its zero
        solution(series(sixth, 2), 0.01, [2.9], 0.0, 1.0, 1j)


@pytest.mark.parametrize("x", [np.array([1.5 + 0j]), [True, True], "12", np.array(["1.5"])])
def test_points_must_be_real_numbers(x):
    with pytest.raises(TypeError, match="x must"):
        solution(series([0, 1], 2), 0.1, x, 1.0, 1.0, 1j)


def test_points_at_the_initial_point_only():
    out = solution(series([1, 0, 1], 3), 0.1, [0.0, 0.0], 0.0, 2.0, 1j)
    assert np.allclose(out, 2.0)
    with pytest.raises(TypeError, match="reference"):
        truncation_errors(out, 5)


def test_truncation_errors_keep_integers_and_refuse_inexact_types():
    assert truncation_errors(np.array([[2**1000]], dtype=object), [2**1000 + 1])[0, 0] == 1.0
    assert truncation_errors(np.array([[2**3000]], dtype=object), [2**3000 + 1])[0, 0] == 1.0
    for bad in (Fraction(1, 3), np.longdouble(1)):
        with pytest.raises(TypeError, match="approximations"):
            truncation_errors(np.array([[bad]], dtype=object), [1.0])
    with pytest.raises(TypeError, match="reference"):
        truncation_errors(np.ones((1, 1)), {1.0})


@pytest.mark.parametrize("a", [[-1, 0, 1], [0, 0, 1]])
def test_a_is_checked_even_when_every_point_is_xi(a):
    with pytest.raises(ValueError, match="a must be positive"):
        solution(series(a, 2), 0.1, [0.0], 0.0, 1.0, 1j)
