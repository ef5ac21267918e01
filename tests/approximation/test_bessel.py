"""Unit tests of rederived.approximation.bessel."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from scipy import special

from rederived.approximation import bessel
from rederived.approximation.bessel import (
    debye_polynomials,
    error_units,
    log_iv,
    log_kv,
    methods,
    reference,
)

GRID_V = [0.0, 0.3, 1.0, 7.5, 49.9, 50.0, 120.0, 3000.0, 1e4]
GRID_X = [1e-8, 1e-3, 0.5, 3.0, 60.0, 2000.0, 1e5]


def test_debye_polynomials_match_dlmf():
    u = debye_polynomials()
    assert u[1] == (0, Fraction(1, 8), 0, Fraction(-5, 24))
    assert u[2] == (0, 0, Fraction(9, 128), 0, Fraction(-77, 192), 0, Fraction(385, 1152))


def test_agrees_with_scipy_where_scipy_is_fine():
    v, x = np.meshgrid([0.0, 0.5, 2.0, 10.0], [0.1, 1.0, 10.0, 100.0])
    # absolute tolerance where log f is near 0: there SciPy's log(ive) + x cancels
    np.testing.assert_allclose(log_iv(v, x), np.log(special.ive(v, x)) + x, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(log_kv(v, x), np.log(special.kve(v, x)) - x, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("kind", ["i", "k"])
def test_error_against_mpmath_over_the_whole_range(kind):
    V, X = np.meshgrid(GRID_V, GRID_X, indexing="ij")
    ours = (log_iv if kind == "i" else log_kv)(V, X)
    assert np.all(np.isfinite(ours))
    ref = np.vectorize(lambda v, x: reference(kind, v, x, dps=20))(V, X)
    units = error_units(ours, ref, V, X)
    assert units.max() < 40, (V.ravel()[units.argmax()], X.ravel()[units.argmax()], units.max())


# the documented domain is every finite v >= 0 and x > 0: its corners, the subnormals, and the
# places where the previous version returned NaN (x >= 1e9 with v < 50, x/v >= 1e154 in Debye's
# branch, log K at x <= 1e-305, log I at the smallest subnormal)
EXTREME_V = [0.0, 1e-300, 1e-5, 0.3, 1.0, 2.0, 49.9, 50.0, 3000.0, 16383.0, 1e6]
EXTREME_X = [5e-324, 1e-308, 1e-305, 1e-30, 1e-19, 1.0, 24.9, 25.0, 1e9, 1e12, 1e154, 1e308]


@pytest.mark.parametrize("kind", ["i", "k"])
def test_extremes_are_finite_and_accurate(kind):
    V, X = np.meshgrid(EXTREME_V, EXTREME_X, indexing="ij")
    with np.errstate(over="raise", invalid="raise"):  # no overflow, no NaN on the way
        ours = (log_iv if kind == "i" else log_kv)(V, X)
    assert np.all(np.isfinite(ours))
    ref = np.vectorize(lambda v, x: reference(kind, v, x, dps=25))(V, X)
    units = error_units(ours, ref, V, X)
    assert units.max() < 40, (V.ravel()[units.argmax()], X.ravel()[units.argmax()], units.max())


def test_the_valley_where_log_i_is_near_zero():
    # at v = 16383, log I_v(x) crosses 0 near x = 10861: every term of Debye's expansion is
    # large there, and the error is judged against the conditioning ε·√(v² + x²)
    x = np.linspace(10700.0, 11000.0, 7)
    ours = log_iv(16383.0, x)
    ref = np.array([reference("i", 16383.0, xi, dps=25) for xi in x])
    assert ref.min() < 0 < ref.max()
    assert error_units(ours, ref, 16383.0, x).max() < 4


def test_small_argument_k_matches_its_closed_forms():
    # K_0(x) = −log(x/2) − γ and K_v ~ Γ(v)/2 (2/x)^v, with the second term kept for v < 1
    with mpmath.workdps(40):
        for v in (0.0, 1e-5, 0.5, 0.999, 1.0, 7.5, 49.0):
            for x in (1e-300, 1e-25):
                exact = mpmath.log(mpmath.besselk(v, mpmath.mpf(x)))
                assert error_units(log_kv(v, x), float(exact), v, x) < 4, (v, x)


def test_error_units_definition():
    assert error_units(1.0 + 2**-52, 1.0, 0.0, 0.0) == pytest.approx(1.0)
    assert error_units(1024 * (1 + 2**-52), 1024.0, 0.0, 0.0) == pytest.approx(1.0)
    assert error_units(1.0 + 1e3 * 2**-52, 1.0, 600.0, 800.0) == pytest.approx(1.0)


def test_region_boundaries_are_continuous():
    # v = 50 switches to Debye; x²/4 = v + 1 switches away from the series
    for v in (49.999999, 50.0):
        assert abs(log_iv(v, 100.0) - reference("i", v, 100.0)) < 1e-13 * 100
    x_edge = 2 * np.sqrt(11.0)
    for x in (x_edge * (1 - 1e-9), x_edge * (1 + 1e-9)):
        assert abs(log_iv(10.0, x) - reference("i", 10.0, x)) < 1e-14 * 10


def test_small_argument_limits():
    assert log_iv(0.0, 0.0) == 0.0 and log_iv(2.0, 0.0) == -np.inf
    assert log_kv(1.0, 0.0) == np.inf
    # log I_0(x) = x²/4 + ... keeps its digits near 0
    assert log_iv(0.0, 1e-8) == pytest.approx(2.5e-17, rel=1e-12)
    with mpmath.workdps(30):
        exact = float(mpmath.log(mpmath.besselk(40, mpmath.mpf("1e-8"))))
    assert log_kv(40.0, 1e-8) == pytest.approx(exact, rel=1e-14)


def test_broadcasting_and_shapes():
    out = log_iv(np.arange(3.0)[:, None], np.linspace(1, 2, 4))
    assert out.shape == (3, 4)
    assert np.ndim(log_kv(1.0, 2.0)) == 0


@pytest.mark.parametrize(
    ("v", "x", "error", "match"),
    [
        (-1.0, 1.0, ValueError, "v must be >= 0"),
        (1.0, -1.0, ValueError, "x must be >= 0"),
        (np.nan, 1.0, ValueError, "NaN"),
        (1.0, np.inf, ValueError, "finite"),
        (1.0, 1j, TypeError, "real"),
    ],
)
def test_bad_input(v, x, error, match):
    for f in (log_iv, log_kv):
        with pytest.raises(error, match=match):
            f(v, x)
    with pytest.raises(ValueError, match="kind"):
        reference("j", 1.0, 1.0)


def test_methods_names_the_branch_of_every_point():
    v = np.array([0.0, 2.0, 2.0, 2.0, 60.0, 2.0])
    x = np.array([0.0, 1.0, 5.0, 30.0, 500.0, 1e-25])
    assert list(methods("i", v, x)) == ["zero", "series", "SciPy", "Hankel", "Debye", "series"]
    assert list(methods("k", v, x)) == ["zero", "SciPy", "SciPy", "Hankel", "Debye", "small x"]
    with pytest.raises(ValueError, match="kind"):
        methods("j", 1.0, 1.0)


def test_tiny_orders_keep_the_relative_error_of_log_i_and_subnormal_orders_of_k_are_finite():
    # gammaln(1 + v) rounds 1 + v first: at v = 3e-17, x = 2e-8 log I was 4 % off
    for v in (3e-17, 1e-14, 1e-10, 1e-6):
        with mpmath.workdps(50):
            exact = float(mpmath.log(mpmath.besseli(v, 2e-8)))
        assert abs(bessel.log_iv(v, 2e-8) - exact) <= 8 * np.finfo(float).eps * abs(exact)
    # orders below 1e-100 are order 0 for K (even in v); subnormal ones gave inf or NaN
    x = np.array([1e-30, 1.0, 10.0, 1e5])
    for v in (5e-324, 1e-310, 1e-200):
        np.testing.assert_array_equal(bessel.log_kv(v, x), bessel.log_kv(0.0, x))
    assert np.all(np.isfinite(bessel.log_kv(5e-324, x)))


def test_orders_beyond_the_logarithms_range_are_refused():
    # v = 1.7e308 returned ∓inf with an overflow warning; up to 1e300 the values are finite
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(bessel.log_iv(1e300, 1.0)) and np.isfinite(bessel.log_kv(1e300, 1.0))
    for f in (bessel.log_iv, bessel.log_kv):
        with pytest.raises(ValueError, match="v must be at most"):
            f(1.7e308, 1.0)
