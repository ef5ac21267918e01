"""Unit tests of rederived.approximation.approx."""

from __future__ import annotations

import itertools

import mpmath
import numpy as np
import pytest

from rederived.approximation.approx import pade, remez, taylor


def exp2(x):
    return mpmath.power(2, x)


def test_taylor_of_exp_has_inverse_factorial_coefficients():
    T = taylor(mpmath.exp, 0.0, 5, (-0.5, 0.5))
    assert [float(c) for c in T.numerator] == pytest.approx([1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120])
    assert T.operations == 10
    x = np.linspace(-0.5, 0.5, 7)
    expected = 1 + x + x**2 / 2 + x**3 / 6 + x**4 / 24 + x**5 / 120
    np.testing.assert_allclose(T(x), expected, rtol=1e-15)
    ends = max(abs(float(T.error(-0.5))), abs(float(T.error(0.5))))
    assert T.max_error(n=101) == pytest.approx(ends, rel=1e-6)


def test_pade_one_one_of_exp():
    P = pade(mpmath.exp, 0.0, 1, 1)
    assert [float(c) for c in P.numerator] == pytest.approx([1, 0.5])
    assert [float(c) for c in P.denominator] == pytest.approx([1, -0.5])
    assert P.operations == 5


def test_remez_equioscillates_and_beats_taylor():
    R = remez(exp2, (0.0, 1.0), 4)
    errors = [float(R.error(x)) for x in R.reference]
    assert len(errors) == 6
    assert all(e1 * e2 < 0 for e1, e2 in itertools.pairwise(errors))  # alternating signs
    assert max(map(abs, errors)) / min(map(abs, errors)) - 1 < 1e-9  # equal magnitudes
    assert R.spread[-1] < 1e-10 and R.spread[0] > 1e-3  # the exchange levelled the extrema
    assert R.max_error(n=401) == pytest.approx(R.levelled_error, rel=1e-3)
    assert R.max_error(n=401) < taylor(exp2, 0.5, 4, (0, 1)).max_error(n=401)


def test_rational_remez_and_float32_evaluation():
    R = remez(exp2, (0.0, 1.0), None, rational=(2, 2))
    assert R.degrees == (2, 2) and R.operations == 9
    assert R.max_error(n=201) < pade(exp2, 0.5, 2, 2, (0, 1)).max_error(n=201)
    x = np.linspace(0, 1, 11, dtype=np.float32)
    assert R(x).dtype == np.float32
    np.testing.assert_allclose(R(x), 2.0**x, rtol=1e-5)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: taylor(mpmath.exp, 0.0, -1), ValueError, "degree must be >= 0"),
        (lambda: taylor(mpmath.exp, 0.0, 2.5), TypeError, "degree must be an int"),
        (lambda: pade(mpmath.exp, 0.0, 1, 1, (1, 0)), ValueError, "a < b"),
        (lambda: remez(exp2, "ab", 3), TypeError, "interval"),
        (lambda: remez(exp2, (0, 1), None, rational=(1, 2, 3)), ValueError, "rational"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- programs and evolution ---------------------------------------------------------------


def test_remez_warns_when_it_stops_early_and_refuses_degrees_below_precision():
    with pytest.warns(RuntimeWarning, match="did not converge"):
        early = remez(mpmath.exp, (-1, 1), 6, max_iter=2)
    assert not early.converged
    assert remez(mpmath.exp, (-1, 1), 6).converged
    with pytest.raises(ValueError, match=r"degree 25: the minimax error .* working precision"):
        remez(mpmath.exp, (-0.35, 0.35), 25)
