"""Contract of rederived.algorithms.lowprec, on its whole domain (Hypothesis).

Domain: round_to takes real arrays of any float or integer dtype (float16 … long double, int8 …
uint64, every value including ±0, subnormals, values near and beyond the format's range, ±inf and
NaN) and returns float64 values of the format, rounded once from the exact input; lmul takes
finite real operands whose product float64 holds; the Givens generators take finite float32 or
float64 arrays of one shape. Bad input: ValueError or TypeError naming the argument.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rederived.algorithms import lowprec

COVERS = (
    "Format",
    "count_different",
    "givens_complex",
    "givens_hypot",
    "givens_lapack",
    "givens_naive",
    "givens_reciprocal",
    "iterative_refinement",
    "lmul",
    "lu_factor",
    "lu_solve",
    "make_format",
    "round_to",
)

ANY_DOUBLE = st.floats(allow_nan=True, allow_infinity=True, width=64)
FORMATS = st.sampled_from(sorted(lowprec.FORMATS))
DIRECTED = st.sampled_from(["up", "down", "zero"])


@given(hnp.arrays(float, st.integers(0, 30), elements=ANY_DOUBLE))
def test_nearest_matches_numpys_ieee_casts_everywhere(x):
    for fmt, dtype in (("fp16", np.float16), ("fp32", np.float32)):
        with np.errstate(over="ignore"):
            expected = x.astype(dtype).astype(float)
        assert lowprec.count_different(lowprec.round_to(x, fmt), expected) == 0


@given(
    hnp.arrays(np.uint64, st.integers(0, 30)),
    st.integers(2, 52),
    st.integers(-1022, 1023),
    st.booleans(),
    st.booleans(),
)
def test_nearest_on_the_bit_pattern_is_the_general_rounding(bits, precision, emin, subnormals, sat):
    # the fast path (bit arithmetic, precision <= 52) against the frexp/rint path it hands its
    # edge cases to, on arbitrary float64 bit patterns (NaN payloads, subnormals, ±inf) and
    # formats whose normal range reaches float64's subnormals
    emax = min(1023, emin + 200)
    if emin >= emax or emin - precision + 1 < -1074:
        return
    fmt = lowprec.make_format(precision, emax, emin)
    x = bits.view(np.float64)
    with np.errstate(all="ignore"):
        fast = lowprec._round_nearest_bits(x, fmt, subnormals, sat)
        general = lowprec._round_float64(x, fmt, "nearest", subnormals, sat, None)
    assert lowprec.count_different(fast, general) == 0


@given(hnp.arrays(float, st.integers(1, 20), elements=ANY_DOUBLE), FORMATS, DIRECTED)
def test_directed_rounding_brackets_and_is_idempotent(x, fmt, rounding):
    y = lowprec.round_to(x, fmt, rounding)
    finite = np.isfinite(x) & np.isfinite(y)
    if rounding == "up":
        assert np.all(y[finite] >= x[finite])
    elif rounding == "down":
        assert np.all(y[finite] <= x[finite])
    else:
        assert np.all(np.abs(y[finite]) <= np.abs(x[finite]))
    assert lowprec.count_different(lowprec.round_to(y, fmt, rounding), y) == 0
    # NaN stays NaN; a new NaN only where a format without infinities overflows
    assert np.all(np.isnan(y[np.isnan(x)]))
    if lowprec.FORMATS[fmt].has_inf:
        assert np.all(np.isnan(y) == np.isnan(x))


@given(
    st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=10),
    st.sampled_from(["nearest", "up", "down", "zero"]),
    st.sampled_from([53, 30, 11]),
)
def test_large_integers_are_rounded_once(values, rounding, precision):
    # the cast to float64 rounds integers beyond 2^53 once already; the result must be the
    # format's number next to the *exact* integer
    fmt = lowprec.make_format(precision, 1023, -1022)
    y = lowprec.round_to(np.array(values, dtype=np.int64), fmt, rounding)
    for v, r in zip(values, y, strict=True):
        exact, got = Fraction(v), Fraction(float(r))
        spacing = Fraction(2) ** max(abs(v).bit_length() - precision, 0) if v else Fraction(1)
        assert (
            abs(got - exact) < spacing if rounding != "nearest" else abs(got - exact) <= spacing / 2
        )
        if rounding == "up":
            assert got >= exact
        elif rounding == "down":
            assert got <= exact
        elif rounding == "zero":
            assert abs(got) <= abs(exact)


def test_the_defects_once_found():
    fmt = lowprec.make_format(53, 1023, -1022)
    # 2^53 + 1 rounded up is 2^53 + 2, not 2^53 (it was rounded twice through the cast)
    assert lowprec.round_to(np.array([2**53 + 1]), fmt, "up")[0] == 2.0**53 + 2
    big = np.array([2**64 - 1], dtype=np.uint64)
    assert lowprec.round_to(big, fmt, "down")[0] == float(2**64 - 2**11)
    longd = np.array([np.longdouble(1) + np.longdouble(2) ** -60])
    if longd[0] != 1:  # where long double has more bits than double
        assert lowprec.round_to(longd, fmt, "up")[0] == 1 + 2**-52
    # long doubles beyond float64's range scale exactly (a helper of the complex rotation once
    # took the name of the scaling helper and broke this path)
    if np.finfo(np.longdouble).maxexp > 1024:
        huge = np.array([np.longdouble("1e400")])
        assert lowprec.round_to(huge, "fp32")[0] == np.inf
        assert lowprec.round_to(-huge, "fp32", saturate=True)[0] == -np.finfo(np.float32).max
        tiny = np.array([np.longdouble("1e-400")])
        assert lowprec.round_to(tiny, "fp32", subnormals=False)[0] == 0.0
    # L-Mul keeps the sign of a zero product, and does not flush a subnormal operand to zero
    assert np.signbit(lowprec.lmul(np.array([-0.0]), np.array([3.0]), 3))[0]
    assert lowprec.lmul(np.array([1.0]), np.array([5e-324]), 1, offset=False)[0] == 5e-324
    # hypot on subnormal inputs gave c = s = 1
    c, s, _ = lowprec.givens_hypot(np.array([5e-324]), np.array([5e-324]))
    assert abs(c[0] - 2**-0.5) < 1e-15 and abs(s[0] - 2**-0.5) < 1e-15
    # and a negative f far below g keeps its sign in r (s = −1, not +1)
    c, s, r = lowprec.givens_hypot(np.array([-1e-30], np.float32), np.array([1e30], np.float32))
    assert c[0] == 0 and s[0] == -1 and r[0] == np.float32(-1e30)


@given(
    hnp.arrays(float, 8, elements=st.floats(-1e100, 1e100, allow_subnormal=True, width=64)),
    hnp.arrays(float, 8, elements=st.floats(-1e100, 1e100, allow_subnormal=True, width=64)),
    st.integers(1, 10),
    st.booleans(),
)
def test_lmul_is_close_to_the_product_with_its_sign(a, b, bits, offset):
    approx = lowprec.lmul(a, b, bits, offset=offset)
    exact = a * b
    assert np.all(np.isfinite(approx))
    assert np.all(np.signbit(approx) == np.signbit(exact))
    normal = np.abs(exact) > 2.0**-1000  # subnormal products keep only a few bits
    ratio = approx[normal] / exact[normal]
    # each operand rounded to `bits` fraction bits (relative error ≤ 2^-(bits+1)); Mitchell's
    # 1 + x + y underestimates (1 + x)(1 + y) by a factor down to 3/4 (x, y → 1); the offset adds
    rounding = 2.0 ** -(bits + 1)
    l_offset = bits if bits <= 3 else (3 if bits == 4 else 4)
    low = (1 - rounding) ** 2 * 3 / 4 * (1 - 1e-12)
    high = (1 + rounding) ** 2 * (1 + (2.0**-l_offset if offset else 0.0)) * (1 + 1e-12)
    assert np.all((ratio >= low) & (ratio <= high))


def finite_arrays(dtype):
    """Six finite values of ``dtype``, subnormals included."""
    width = 32 if dtype == np.float32 else 64
    elements = st.floats(width=width, allow_nan=False, allow_infinity=False)
    return hnp.arrays(dtype, 6, elements=elements)


@given(
    st.sampled_from([np.float32, np.float64]).flatmap(
        lambda dt: st.tuples(finite_arrays(dt), finite_arrays(dt))
    )
)
def test_givens_rotations_are_rotations(fg):
    f, g = fg
    finfo = np.finfo(f.dtype)
    for algorithm in (lowprec.givens_hypot, lowprec.givens_lapack, lowprec.givens_reciprocal):
        c, s, r = algorithm(f, g)
        fits = np.isfinite(r)  # r = ±hypot(f, g) can exceed the largest float
        assert np.all(np.isfinite(c) & np.isfinite(s))
        assert np.all(np.abs(c * c + s * s - 1) < 8 * finfo.eps)
        assert np.all(c >= 0)
        # the convention r = sign(f)·hypot(f, g): f' scaled to underflow once flipped r and s
        assert np.all((np.signbit(r) == np.signbit(f)) | (f == 0))
        big = fits & (np.abs(r) > finfo.tiny / finfo.eps)  # r with full precision
        tol = 8 * finfo.eps * np.abs(r[big])
        assert np.all(np.abs(c[big] * r[big] - f[big]) <= tol)
        assert np.all(np.abs(s[big] * r[big] - g[big]) <= tol)
    # the textbook formula agrees where f² + g² neither overflows nor underflows
    safe = (np.abs(f) < np.sqrt(finfo.max) / 2) & (np.abs(f) > np.sqrt(finfo.tiny) * 2)
    safe &= (np.abs(g) < np.sqrt(finfo.max) / 2) & (np.abs(g) > np.sqrt(finfo.tiny) * 2)
    c0, s0, _ = lowprec.givens_naive(f[safe], g[safe])
    c1, s1, _ = lowprec.givens_hypot(f[safe], g[safe])
    assert np.all(np.abs(c0 - c1) < 8 * finfo.eps) and np.all(np.abs(s0 - s1) < 8 * finfo.eps)


@given(st.integers(2, 53), st.integers(2, 1023))
def test_make_format_largest_number_is_the_overflow_threshold(precision, emax):
    fmt = lowprec.make_format(precision, emax)
    assert lowprec.round_to([fmt.xmax], fmt)[0] == fmt.xmax
    assert lowprec.round_to([fmt.smallest_subnormal], fmt)[0] == fmt.smallest_subnormal
    assert fmt.smallest_subnormal <= fmt.smallest_normal <= 1 <= fmt.xmax
    if emax < 1023:
        assert lowprec.round_to([2.0 ** (emax + 1)], fmt)[0] == np.inf
    assert isinstance(fmt, lowprec.Format)


@given(
    st.integers(1, 12),
    st.sampled_from(["fp16", "bf16", "fp32", "fp8_e4m3"]),
    st.sampled_from([1e-30, 1e-3, 1.0, 100.0]),
    st.integers(0, 2**32),
)
def test_emulated_lu_is_a_factorization_in_the_format_or_refuses(n, name, scale, seed):
    fmt = lowprec.FORMATS[name]
    A = np.random.default_rng(seed).normal(size=(n, n)) * scale
    try:
        lu, perm = lowprec.lu_factor(A, fmt)
    except ValueError as error:  # only a value beyond the format, or a pivot lost to it
        assert "overflows" in str(error) or "singular" in str(error)
        return
    assert np.all(np.isfinite(lu)) and sorted(perm) == list(range(n))
    assert np.array_equal(lowprec.round_to(lu, fmt), lu)  # every entry is a value of the format
    L, U = np.tril(lu, -1) + np.eye(n), np.triu(lu)
    rounded = lowprec.round_to(A, fmt)
    # LU's backward error: |A[perm] − L U| ≤ γ_n |L| |U| with γ_n = n u / (1 − n u), plus the
    # rounding of A itself, plus underflow: a multiplier below the subnormal range is off by up
    # to the subnormal spacing η, times the pivot row (and every product or sum by η)
    u = 2.0**-fmt.precision
    gamma = 3 * n * u / max(1 - 3 * n * u, 1e-3)
    eta = 2.0 ** (fmt.emin - fmt.precision + 1)
    underflow = n * eta * (np.ones((n, n)) @ np.abs(U) + 1)
    assert np.all(np.abs(rounded[perm] - L @ U) <= gamma * (np.abs(L) @ np.abs(U)) + underflow)


@given(st.integers(1, 30), st.integers(0, 2**32))
def test_native_and_emulated_single_precision_solves_agree_bit_for_bit(n, seed):
    # with factors from lu_factor (values of fp16, so of fp32) and with arbitrary float64 factors
    # (which the native path must not round: it is only taken when they are fp32 values)
    g = np.random.default_rng(seed)
    A, b = g.normal(size=(n, n)), g.normal(size=n) * 10.0 ** g.integers(-30, 30)
    lu, perm = lowprec.lu_factor(A, "fp16")
    emulated = lowprec.make_format(24, 127, name="fp32, emulated")  # not the FORMATS object
    assert np.array_equal(
        lowprec.lu_solve(lu, perm, b, "fp32"), lowprec.lu_solve(lu, perm, b, emulated)
    )
    wide = np.triu(g.normal(size=(n, n))) + 4 * np.eye(n) + np.tril(g.normal(size=(n, n)), -1)
    assert np.array_equal(
        lowprec.lu_solve(wide, np.arange(n), b, "fp32"),
        lowprec.lu_solve(wide, np.arange(n), b, emulated),
    )


@given(st.integers(2, 30), st.sampled_from([1e1, 1e2, 1e6]), st.integers(0, 2**32))
def test_refinement_converges_when_well_conditioned_and_says_when_it_blows_up(n, kappa, seed):
    g = np.random.default_rng(seed)
    U, _ = np.linalg.qr(g.normal(size=(n, n)))
    V, _ = np.linalg.qr(g.normal(size=(n, n)))
    A = (U * kappa ** (-np.arange(n) / (n - 1))) @ V.T
    x = g.normal(size=n)
    try:
        iterates, diverged = lowprec.iterative_refinement(A, A @ x, "fp16", "fp32", 30)
    except ValueError as error:  # the half-precision factors lost a pivot
        assert "singular" in str(error)
        return
    assert np.all(np.isfinite(iterates)) and 1 <= len(iterates) <= 31
    assert diverged == (len(iterates) < 31)
    if kappa <= 1e2:  # κ u_f ≤ 0.05: converges to single precision
        assert not diverged
        assert np.abs(iterates[-1] - x).max() <= 20 * 2.0**-24 * np.abs(x).max()


BAD = [
    (lambda: lowprec.lu_factor(np.ones((2, 3)), "fp16"), ValueError, "A must be a square"),
    (lambda: lowprec.lu_factor(np.zeros((0, 0)), "fp16"), ValueError, "A must be a square"),
    (lambda: lowprec.lu_factor([[np.nan]], "fp16"), ValueError, "A must be finite"),
    (lambda: lowprec.lu_factor([[1j]], "fp16"), TypeError, "A"),
    (lambda: lowprec.lu_factor([[1e6]], "fp16"), ValueError, "A overflows fp16"),
    (lambda: lowprec.lu_factor(np.ones((2, 2)), "fp16"), ValueError, "singular"),
    (lambda: lowprec.lu_factor(np.eye(2), "fp7"), ValueError, "fmt"),
    (lambda: lowprec.lu_factor(np.eye(2001), "fp16"), ValueError, "at most 2000"),
    (lambda: lowprec.lu_solve(np.eye(2), [0, 0], [1.0, 1.0], "fp32"), ValueError, "perm"),
    (lambda: lowprec.lu_solve(np.eye(2), [0, 1], [1.0], "fp32"), ValueError, "b must"),
    (lambda: lowprec.lu_solve(np.zeros((2, 2)), [0, 1], [1.0, 1.0], "fp32"), ValueError, "zero"),
    (lambda: lowprec.lu_solve(np.eye(1), [0], [1e39], "fp32"), ValueError, "overflows fp32"),
    (lambda: lowprec.lu_solve(np.eye(1), [0], [1e6], "fp16"), ValueError, "overflows fp16"),
    (lambda: lowprec.lu_solve(np.eye(1) * 1e-50, [0], [1.0], "fp32"), ValueError, "overflows fp32"),
    (
        lambda: lowprec.iterative_refinement(np.eye(2), [1.0, 1.0], "fp16", "fp32", -1),
        ValueError,
        "iterations",
    ),
    (
        lambda: lowprec.iterative_refinement(np.eye(2), [1.0, 1.0], "fp16", "fp32", 1.5),
        TypeError,
        "iterations",
    ),
    (
        lambda: lowprec.iterative_refinement(np.eye(2), [1.0, np.inf], "fp16", "fp32"),
        ValueError,
        "b must",
    ),
    (
        lambda: lowprec.iterative_refinement(np.eye(2), [1.0, 1.0], "fp16", "fp99"),
        ValueError,
        "fmt",
    ),
    (lambda: lowprec.round_to([1.0], "fp7"), ValueError, "fmt"),
    (lambda: lowprec.round_to([1.0], "fp16", "sideways"), ValueError, "rounding"),
    (lambda: lowprec.round_to(np.array([1j]), "fp16"), TypeError, "x"),
    (lambda: lowprec.round_to(np.array(["1"]), "fp16"), TypeError, "x"),
    (lambda: lowprec.round_to(np.array([2**70], dtype=object), "fp16"), TypeError, "x"),
    (lambda: lowprec.make_format(1, 15), ValueError, "precision"),
    (lambda: lowprec.Format("x", 0, -14, 15, 65504.0), ValueError, "precision"),
    (lambda: lowprec.Format("x", 11, 16, 15, 65504.0), ValueError, "emin < emax"),
    (lambda: lowprec.Format("x", 11, -14, 15, 1.0), ValueError, "xmax"),
    (lambda: lowprec.Format("x", 11, -14, 15, 65504.5), ValueError, "xmax"),
    (lambda: lowprec.Format("x", 11.0, -14, 15, 65504.0), TypeError, "precision"),
    (lambda: lowprec.round_to([1.0], "fp16", seed=3), ValueError, "seed"),
    (lambda: lowprec.round_to([1.0], "fp16", "stochastic", seed="abc"), TypeError, "seed"),
    (lambda: lowprec.make_format(11, 1024), ValueError, "emax"),
    (lambda: lowprec.make_format(11.0, 15), TypeError, "precision"),
    (lambda: lowprec.make_format(11, 15, emin=True), TypeError, "emin"),
    (lambda: lowprec.count_different([1.0], [1.0, 2.0]), ValueError, "shapes"),
    (lambda: lowprec.count_different(np.array([1j]), [1.0]), TypeError, "a"),
    (lambda: lowprec.lmul([1.0], [np.inf], 3), ValueError, "finite"),
    (lambda: lowprec.lmul([1e200], [1e200], 3), ValueError, "overflows"),
    (lambda: lowprec.lmul([1.0], [1.0], 0), ValueError, "mantissa_bits"),
    (lambda: lowprec.lmul([1.0], [1.0], 3.0), TypeError, "mantissa_bits"),
    (lambda: lowprec.lmul([1.0], [1.0], 3, offset=1), TypeError, "offset"),
    (lambda: lowprec.givens_hypot(np.ones(2), np.ones(2, np.float32)), TypeError, "f and g"),
    (lambda: lowprec.givens_hypot(np.ones(2), np.ones(3)), ValueError, "shape"),
    (lambda: lowprec.givens_reciprocal(np.ones(2), np.ones(2, np.float32)), TypeError, "f and g"),
    (lambda: lowprec.givens_reciprocal(np.array([np.inf]), np.ones(1)), ValueError, "finite"),
    (lambda: lowprec.givens_lapack(np.array([np.nan]), np.ones(1)), ValueError, "finite"),
    (lambda: lowprec.givens_naive(np.array([1, 2]), np.array([1, 2])), TypeError, "f and g"),
    (lambda: lowprec.givens_complex(np.ones(2), np.ones(2)), TypeError, "f and g"),
    (
        lambda: lowprec.givens_complex(np.ones(2, np.complex64), np.ones(3, np.complex64)),
        ValueError,
        "shape",
    ),
    (
        lambda: lowprec.givens_complex(np.ones(1, np.complex64), np.ones(1, np.complex64), "x"),
        ValueError,
        "form",
    ),
    (
        lambda: lowprec.givens_complex(np.zeros(1, np.complex64), np.ones(1, np.complex64)),
        ValueError,
        "f must be",
    ),
    (
        lambda: lowprec.givens_complex(np.ones(1, np.complex64), np.array([1e10j], np.complex64)),
        ValueError,
        "g must be",
    ),
    (
        lambda: lowprec.givens_complex(
            np.array([np.nan], np.complex128), np.ones(1, np.complex128)
        ),
        ValueError,
        "f must be",
    ),
]


def _complex_pairs(dtype):
    """Pairs of equal-length complex arrays with magnitudes log-uniform across the unscaled
    range (kept a hundredth of a binade inside it, which rounding of the phase may cross)."""
    low, high = (-30, 30) if dtype == np.complex64 else (-250, 250)
    entry = st.tuples(st.floats(low + 0.01, high - 0.01), st.floats(0, 2 * np.pi))

    def build(entries):
        return np.array([2.0**e * np.exp(1j * a) for e, a in entries]).astype(dtype)

    return st.integers(1, 20).flatmap(
        lambda n: st.tuples(
            st.lists(entry, min_size=n, max_size=n).map(build),
            st.lists(entry, min_size=n, max_size=n).map(build),
        )
    )


def test_complex_givens_at_the_ends_of_its_range_and_on_degenerate_shapes():
    for dtype, (low, high) in (
        (np.complex64, (2.0**-30, 2.0**30)),
        (np.complex128, (2.0**-250, 2.0**250)),
    ):
        eps = np.finfo(dtype).eps
        ends = np.array([low, high, low * 1j, high * 1j], dtype=dtype)
        f, g = np.repeat(ends, 4), np.tile(ends, 4)
        for form in ("division", "reciprocal"):
            c, s, r = lowprec.givens_complex(f, g, form)
            assert np.all(np.isfinite(c) & np.isfinite(s) & np.isfinite(r))
            assert np.all(np.abs(c * c + np.abs(s) ** 2 - 1) < 4 * eps)
            empty = lowprec.givens_complex(f[:0], g[:0], form)
            assert all(v.shape == (0,) for v in empty)
            single = lowprec.givens_complex(f[0], g[1], form)
            assert all(np.ndim(v) == 0 for v in single)
        for bad in (np.inf, low / 2, high * 2):
            with pytest.raises(ValueError, match="f must be"):
                lowprec.givens_complex(np.array([bad], dtype=dtype), np.ones(1, dtype))


@given(
    st.sampled_from([np.complex64, np.complex128]).flatmap(_complex_pairs),
    st.sampled_from(["division", "reciprocal"]),
)
def test_complex_givens_is_a_rotation_that_zeroes_g_over_its_whole_range(fg, form):
    f, g = fg
    eps = np.finfo(f.real.dtype).eps
    c, s, r = lowprec.givens_complex(f, g, form)
    assert c.dtype == f.real.dtype and s.dtype == r.dtype == f.dtype
    assert np.all(np.isfinite(c) & np.isfinite(s) & np.isfinite(r)) and np.all(c > 0)
    assert np.all(np.abs(c * c + np.abs(s) ** 2 - 1) < 16 * eps)
    scale = np.maximum(np.abs(f), np.abs(g))  # the rotation's outputs relative to its inputs
    assert np.all(np.abs(c * f + s * g - r) <= 16 * eps * scale)
    assert np.all(np.abs(-np.conj(s) * f + c * g) <= 16 * eps * scale)


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()


@pytest.mark.parametrize(
    "value",
    [np.int64(2**60 + 1), np.uint64(2**64 - 1), np.longdouble("1e400"), np.float64(0.1)],
)
def test_zero_dimensional_input_rounds_like_a_one_element_array(value):
    # 0-d input that float64 cannot hold exactly goes through the exact path too
    for fmt in ("fp32", lowprec.make_format(52, 1023)):
        zero_d = lowprec.round_to(np.array(value), fmt)
        assert zero_d.shape == ()
        one = lowprec.round_to(np.array([value]), fmt)
        assert lowprec.count_different(zero_d.reshape(1), one) == 0
