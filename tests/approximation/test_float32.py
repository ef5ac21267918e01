"""Unit tests of rederived.approximation.float32."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from rederived.approximation.approx import remez
from rederived.approximation.float32 import (
    LN2_HI,
    LN2_LO,
    exp32,
    float32_range,
    scan_float32,
    ulp_error,
)
from rederived.approximation.programs import Program

EXP_I = (-0.34657359027997264, 0.34657359027997264)


@pytest.fixture(scope="module")
def core():
    return Program.from_approximant(remez(mpmath.exp, EXP_I, 6))


def test_ln2_split_is_exact_enough():
    assert float(LN2_HI) * 2**9 == int(float(LN2_HI) * 2**9)  # 9 significant bits
    assert abs(float(LN2_HI) + float(LN2_LO) - float(mpmath.log(2))) < 2**-33


def test_ulp_error_units():
    exact = np.array([1.0, 1.5, 0.75, 2.0**-130, 0.0, 3.0])
    y = exact + np.array([2**-23, 2**-23, 2**-24, 2**-149, 2**-149, 2**-22])
    np.testing.assert_array_equal(ulp_error(y, exact), 1.0)


def test_the_scans_fast_error_is_ulp_error_bit_for_bit():
    from rederived.approximation.float32 import _finite_ulp_error

    rng = np.random.default_rng(0)
    for e in np.linspace(-150, 127, 40):  # every binade, subnormals included
        exact = rng.normal(size=5000) * 2.0**e
        exact = np.concatenate([exact, [0.0, 2.0**-149, -(2.0**-126), 1e-310, 2.0**127]])
        with np.errstate(over="ignore"):  # 2**127 may round up past the float32 range
            y = (exact * (1 + 1e-6 * rng.normal(size=exact.size))).astype(np.float32)
        y = np.where(np.isfinite(y), y, np.float32(0))
        np.testing.assert_array_equal(_finite_ulp_error(y, exact), ulp_error(y, exact))
    # an infinity on either side is not finite in the fast version (the scan then falls back)
    fast = _finite_ulp_error(np.float32([np.inf, 1.0, np.inf]), np.array([1.0, np.inf, np.inf]))
    assert not np.any(np.isfinite(fast))


def test_scan_through_an_overflow_uses_the_general_rules():
    # exp overflows float32 above about 88.72: a correctly rounded inf there is 0 ULP
    def rounded_exp(x):
        with np.errstate(over="ignore"):
            return np.exp(x.astype(np.float64)).astype(np.float32)

    scan = scan_float32(rounded_exp, np.exp, (88.7, 88.8))
    assert scan.max_ulp <= 0.5 and scan.above_half == 0


def test_float32_range_counts_every_number():
    rows, total = float32_range(-1.0, 1.0)
    # 0x3F800000 patterns from +0 to 1.0 inclusive, the same for the negatives without -0
    assert total == 2 * 0x3F800000 + 1
    rows, total = float32_range(1.0, 2.0)
    assert total == 2**23 + 1 and rows.shape == (1, 2)
    rows, total = float32_range(-2.0, -1.0)
    assert total == 2**23 + 1


def test_scan_finds_the_planted_error():
    def almost_exp(x):  # correctly rounded except one input, moved by one ULP
        y = np.exp(x.astype(np.float64)).astype(np.float32)
        return np.where(x == np.float32(1.5), np.nextafter(y, np.float32(10)), y)

    scan = scan_float32(almost_exp, np.exp, (1.25, 1.75))
    assert scan.inputs == 2**22 + 1
    assert scan.worst_input == 1.5 and 0.5 < scan.max_ulp < 1.5
    assert scan.above_half == 1


def test_scan_on_two_processes_is_the_same_scan():
    def almost_exp(x):  # two inputs with the same planted error: the first in order wins
        y = np.exp(x.astype(np.float64)).astype(np.float32)
        moved = (x == np.float32(1.3)) | (x == np.float32(1.7))
        return np.where(moved, np.nextafter(y, np.float32(10)), y)

    serial = scan_float32(almost_exp, np.exp, (1.25, 1.75), chunk=1 << 12)
    forked = scan_float32(almost_exp, np.exp, (1.25, 1.75), chunk=1 << 12, workers=2)
    assert forked == serial and serial.above_half == 2


def test_exp32_against_float64(core):
    rng = np.random.default_rng(0)
    x = rng.uniform(-87, 88, 200_000).astype(np.float32)
    y = exp32(x, core)
    assert y.dtype == np.float32
    assert ulp_error(y, np.exp(x.astype(np.float64))).max() < 2.0
    special = np.float32([np.inf, -np.inf, np.nan, 89.0, -104.0, 0.0, -200.0])
    out = exp32(special, core)
    assert out[0] == np.inf and out[1] == 0 and np.isnan(out[2]) and out[3] == np.inf
    assert out[4] == 0 and out[5] == 1 and out[6] == 0


def test_scan_of_the_core_on_a_slice(core):
    scan = scan_float32(core, np.exp, (0.3, EXP_I[1]))
    assert scan.inputs > 10**6 and scan.max_ulp < 1.0


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: exp32([1.0], "core"), TypeError, "core"),
        (lambda: exp32(["a"], np.exp), TypeError, "real array"),
        (lambda: exp32([1.0], lambda r: r.astype(np.float64)), TypeError, "float32"),
        (lambda: float32_range(1.0, 0.0), ValueError, "lo <= hi"),
        (lambda: scan_float32(np.exp, np.exp, (0, 1), chunk=0), ValueError, "chunk"),
        (lambda: scan_float32(np.exp, None, (0, 1)), TypeError, "callable"),
        (lambda: scan_float32(np.exp, np.exp, (0, 1), workers=0), ValueError, "workers"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
