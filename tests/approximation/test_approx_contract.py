"""Contract of rederived.approximation.approx, on its whole domain (Hypothesis).

Domain: f maps mpmath reals to finite reals on the interval (nonzero and of one sign there for
the relative error); intervals finite with a < b; expansion points finite reals; degrees ints
≥ 0 with m + n ≤ MAX_DEGREE; max_iter ≥ 1. Results: Taylor coefficients equal to the series,
Padé approximants that match it to order m + n, minimax approximants whose error
equioscillates and is no larger than Taylor's; degenerate systems, complex or non-finite f
refused; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import itertools

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.approximation.approx import Approximant, Minimax, pade, remez, taylor

COVERS = ("Approximant", "Minimax", "pade", "remez", "taylor")


@given(st.integers(0, 12), st.floats(-2, 2))
def test_taylor_coefficients_of_exp(degree, x0):
    a = taylor(mpmath.exp, x0, degree)
    assert isinstance(a, Approximant) and a.degrees == (degree, 0)
    with mpmath.workdps(40):
        for j, c in enumerate(a.numerator):
            assert abs(c - mpmath.exp(x0) / mpmath.factorial(j)) < mpmath.mpf(10) ** -25
    xs = np.linspace(x0 - 0.1, x0 + 0.1, 5)
    assert np.allclose(a(xs), [float(a.exact(x)) for x in xs], rtol=1e-13)


@given(st.integers(0, 5), st.integers(0, 5))
def test_pade_matches_the_series_to_order_m_plus_n(m, n):
    a = pade(mpmath.exp, 0.0, m, n)
    with mpmath.workdps(40):
        h = mpmath.mpf(10) ** -3
        # the error is O(h^(m+n+1)): at h = 1e-3 below 10^(−3(m+n+1)) times a modest constant
        assert abs(a.error(h, relative=False)) < 10 * h ** (m + n + 1)


@settings(max_examples=max(4, settings.default.max_examples // 5))
@given(st.integers(1, 6), st.sampled_from([(0.0, 1.0), (-1.0, 1.0), (1.0, 3.0)]))
def test_minimax_equioscillates_and_beats_taylor(degree, interval):
    mm = remez(mpmath.exp, interval, degree)
    assert isinstance(mm, Minimax) and mm.converged
    assert mm.spread[-1] < 1e-10
    assert abs(mm.max_error(n=401) - mm.levelled_error) <= 1e-6 * mm.levelled_error
    mid = sum(interval) / 2
    t = taylor(mpmath.exp, mid, degree, interval)
    assert mm.max_error(n=401) <= t.max_error(n=401)
    signs = [mpmath.sign(mm.error(x)) for x in mm.reference]
    assert all(a == -b for a, b in itertools.pairwise(signs))


def sqrt_f(x):
    return mpmath.sqrt(x)


BAD = [
    (lambda: taylor(mpmath.exp, 0.0, 10**9), ValueError, "degree"),
    (lambda: taylor(mpmath.exp, 0.0, -1), ValueError, "degree"),
    (lambda: taylor(mpmath.exp, "a", 3), TypeError, "x0"),
    (lambda: taylor(mpmath.exp, np.nan, 3), ValueError, "x0"),
    (lambda: taylor(mpmath.exp, 10.0**9, 3), ValueError, "not finite in double"),
    (lambda: taylor(lambda x: mpmath.nan, 0.0, 3), ValueError, "f must be finite"),
    (lambda: taylor(lambda x: "a", 0.0, 3), TypeError, "f must return"),
    (lambda: taylor(sqrt_f, -1.0, 2), ValueError, "real"),
    (lambda: taylor(5, 0.0, 2), TypeError, "f"),
    (lambda: pade(mpmath.exp, 0.0, 30, 30), ValueError, "at most"),
    (lambda: pade(lambda x: mpmath.mpf(1), 0.0, 2, 2), ValueError, "degenerate"),
    (lambda: remez(mpmath.exp, (0.0, 1.0), 400), ValueError, "at most"),
    (lambda: remez(mpmath.exp, (1.0, 0.0), 3), ValueError, "interval"),
    (lambda: remez(mpmath.exp, None, 3), TypeError, "interval"),
    (lambda: remez(mpmath.exp, (0.0, 1.0), 3, max_iter=0), ValueError, "max_iter"),
    (lambda: remez(mpmath.exp, (0.0, 1.0), 3, rational=5), ValueError, "rational"),
    (lambda: remez(mpmath.sin, (-1.0, 1.0), 3), ValueError, "vanishes or changes sign"),
    (lambda: remez(lambda x: x - mpmath.mpf(0.3), (0.0, 1.0), 2), ValueError, "changes sign"),
    (lambda: remez(lambda x: mpmath.nan, (0.0, 1.0), 2), ValueError, "finite"),
    (lambda: remez(sqrt_f, (-1.0, 1.0), 2, relative=False), ValueError, "real"),
    (lambda: remez(mpmath.exp, (0.0, 1e-300), 3), ValueError, "singular"),
    (lambda: remez(lambda x: x, (1.0, 2.0), 1), ValueError, "represented exactly"),
    (lambda: taylor(mpmath.exp, 0.0, 3)(np.array([1j])), TypeError, "x"),
    (lambda: taylor(mpmath.exp, 0.0, 12)(np.array([np.nan])), ValueError, "NaN"),
    (lambda: taylor(mpmath.exp, 0.0, 12)(np.array([1e30])), ValueError, "not finite"),
    (lambda: pade(mpmath.exp, 0.0, 1, 1)(np.array([2.0])), ValueError, "pole"),
    (lambda: taylor(mpmath.exp, 0.0, 3).exact(mpmath.mpf("nan")), ValueError, "finite"),
    (
        lambda: Approximant("taylor", (np.complex128(1 + 1j),), (1,), 0.0, (0, 1), mpmath.exp),
        TypeError,
        "real",
    ),
    (lambda: taylor(mpmath.exp, 0.0, 3).exact("a"), TypeError, "x"),
    (lambda: taylor(mpmath.sin, 0.0, 3).error(0.0), ValueError, "vanishes"),
    (lambda: taylor(mpmath.exp, 0.0, 3).max_error(n=1), ValueError, "n"),
    (lambda: Approximant("taylor", (1,), (2,), 0.0, (0, 1), mpmath.exp), ValueError, "denominator"),
    (lambda: Approximant("taylor", (), (1,), 0.0, (0, 1), mpmath.exp), ValueError, "numerator"),
    (lambda: Approximant("spline", (1,), (1,), 0.0, (0, 1), mpmath.exp), ValueError, "kind"),
    (lambda: Approximant("taylor", (1,), (1,), 0.0, None, mpmath.exp), TypeError, "interval"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()


def test_numpy_scalars_are_points():
    a = taylor(mpmath.exp, np.float32(0.5), 4)
    assert a.exact(np.float32(0.5)) == a.exact(0.5)
    assert a.exact(np.longdouble(0.5)) == a.exact(0.5)
