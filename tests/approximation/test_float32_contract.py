"""Contract of rederived.approximation.float32, on its whole domain (Hypothesis).

Domain: interval ends are finite real numbers with lo ≤ hi (rounded inward to float32; −0 and
+0 are one number); func returns float32 arrays of its input's shape and reference float64
ones, neither NaN; chunks in [1, 2²⁴]; exp32 takes any real array and a core with the same
float32 contract. Results: counts that equal a brute enumeration, ULP errors that are 0 for
exact and correctly rounded overflow, ≤ 0.5 for a correctly rounded function; or a
ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rederived.approximation.float32 import (
    UlpScan,
    exp32,
    float32_range,
    scan_float32,
    ulp_error,
)

COVERS = ("UlpScan", "exp32", "float32_range", "scan_float32", "ulp_error")

finite32 = st.floats(width=32, allow_nan=False, allow_infinity=False)


def brute_count(lo, hi):
    """The float32 numbers in [lo, hi], by walking with nextafter (small ranges only)."""
    x = np.float32(lo)
    if float(x) < lo:  # compared in float64 (NumPy would round lo to float32)
        x = np.nextafter(x, np.float32(np.inf))
    n = 0
    while float(x) <= hi:
        n += 1
        x = np.nextafter(x, np.float32(np.inf))
        if x == 0 and np.signbit(x):  # −0 → +0 is one number
            x = np.float32(0.0)
    return n


@given(finite32, st.integers(0, 300), st.floats(-1, 1))
def test_counts_match_a_brute_enumeration(start, steps, nudge):
    lo = float(start)
    hi = float(start)
    for _ in range(steps):
        hi = float(np.nextafter(np.float32(hi), np.float32(np.inf)))
    if not np.isfinite(hi):
        return
    lo = lo + nudge * 1e-45 if lo == 0 else lo  # ends off the grid round inward
    if lo > hi:
        return
    try:
        rows, total = float32_range(lo, hi)
    except ValueError as error:
        assert "no float32 number" in str(error)
        assert brute_count(lo, hi) == 0
        return
    assert total == brute_count(lo, hi) == int(rows[:, 1].sum()) and total >= 1


def test_signed_zero_is_one_number():
    assert float32_range(-0.0, 0.0)[1] == float32_range(0.0, 0.0)[1] == 1
    # beyond the float32 range the interval holds every float32 number up to the largest
    assert float32_range(0.0, 1e39)[1] == float32_range(0.0, 3.4028234663852886e38)[1]
    assert float32_range(-0.0, 1.0)[1] == float32_range(0.0, 1.0)[1]


@given(st.floats(allow_nan=False, allow_infinity=False, width=32))
def test_ulp_error_of_correct_rounding(x):
    exact = float(x) * (1 + 2**-30)  # a float64 just off the float32 number x
    assert ulp_error(np.float32(exact), exact) <= 0.5
    assert ulp_error(x, float(x)) == 0
    up = np.nextafter(np.float32(x), np.float32(np.inf))
    if np.isfinite(up) and x != 0:
        assert 0.5 <= ulp_error(up, float(x)) <= 2


def test_overflow_to_infinity_is_correct_rounding():
    assert ulp_error(np.float32(np.inf), 3.6e38) == 0
    assert ulp_error(np.float32(np.inf), np.inf) == 0
    assert ulp_error(np.float32(1.0), np.inf) == np.inf
    assert ulp_error(np.float32(np.inf), 1e38) > 1


@given(st.floats(1.0, 20.0), st.booleans(), st.floats(0.0, 1e-3))
def test_scans_of_correctly_rounded_functions(size, negative, width):
    start = float(np.float32(-size if negative else size))  # on the float32 grid
    interval = (start, start + width * size)  # at most about 8000 float32 numbers
    scan = scan_float32(exp_f32, np.exp, interval)
    assert isinstance(scan, UlpScan) and scan.max_ulp <= 0.5 and scan.above_half == 0
    assert scan.inputs == float32_range(*interval)[1]
    # and a function one ULP off everywhere is seen as such (the scan is not blind)
    off = scan_float32(lambda x: np.nextafter(exp_f32(x), np.float32(np.inf)), np.exp, interval)
    assert 0.5 <= off.max_ulp <= 1.5 and off.above_half >= 1


@given(st.lists(st.floats(-200, 200), max_size=20), st.booleans())
def test_exp32_with_an_exact_core_keeps_shape_and_accuracy(values, scalar):
    x = np.float32(values[0] if values else 0.5) if scalar else np.array(values, dtype=np.float32)
    y = exp32(x, lambda r: np.exp(r.astype(np.float64)).astype(np.float32))
    assert y.shape == np.shape(x) and y.dtype == np.float32
    with np.errstate(over="ignore"):
        assert np.all(ulp_error(y, np.exp(np.asarray(x, dtype=np.float64))) <= 1.0)


def exp_f32(x):
    return np.exp(x.astype(np.float64)).astype(np.float32)


BAD = [
    (lambda: float32_range(1.0, 0.0), ValueError, "lo <= hi"),
    (lambda: float32_range(np.nan, 1.0), ValueError, "finite"),
    (lambda: float32_range("a", 1.0), TypeError, "lo"),
    (lambda: float32_range(0, 10**400), ValueError, "double range"),
    (lambda: float32_range(1 + 2**-25, 1 + 2**-24), ValueError, "no float32 number"),
    (lambda: ulp_error(np.nan, 1.0), ValueError, "NaN"),
    (lambda: ulp_error(1 + 1j, 1.0), TypeError, "y"),
    (lambda: ulp_error(1.0, "a"), TypeError, "exact"),
    (lambda: scan_float32(exp_f32, np.exp, (0.0, 1.0), chunk=0), ValueError, "chunk"),
    (
        lambda: scan_float32(exp_f32, np.exp, (0.0, 1.0), chunk=np.uint64(2**63)),
        ValueError,
        "chunk",
    ),
    (lambda: scan_float32(exp_f32, np.exp, None), TypeError, "interval"),
    (lambda: scan_float32(exp_f32, 5, (0.0, 1.0)), TypeError, "callable"),
    (
        lambda: scan_float32(lambda x: np.exp(x.astype(float)), np.exp, (1.0, 1.01)),
        TypeError,
        "float32",
    ),
    (lambda: scan_float32(lambda x: x[:1], np.exp, (1.0, 1.01)), TypeError, "func must return"),
    (lambda: scan_float32(lambda x: 1.0, np.exp, (1.0, 1.01)), TypeError, "func must return"),
    (
        lambda: scan_float32(lambda x: x * np.nan, np.exp, (1.0, 1.01)),
        ValueError,
        "func returned NaN",
    ),
    (
        lambda: scan_float32(exp_f32, lambda x: x * np.nan, (1.0, 1.01)),
        ValueError,
        "reference returned NaN",
    ),
    (lambda: scan_float32(exp_f32, np.exp, (1.0, 1.01), workers=0), ValueError, "workers"),
    (lambda: exp32([1.0], 5), TypeError, "core"),
    (lambda: exp32(["a"], exp_f32), TypeError, "x"),
    (lambda: exp32([1.0], lambda r: r.astype(np.float64)), TypeError, "core must return"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
