"""Unit tests of rederived.algorithms.lowprec: rounding to formats, L-Mul, Givens rotations."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.algorithms import lowprec
from rederived.algorithms.lowprec import FORMATS, make_format, round_to


def _fp16_grid():
    values = np.arange(2**16, dtype=np.uint16).view(np.float16).astype(np.float64)
    return np.unique(values[np.isfinite(values)])


def _same(a, b):
    return np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b))


def test_fp16_is_bit_exact_against_numpy_on_every_value_and_midpoint():
    grid = _fp16_grid()
    mid = (grid[:-1] + grid[1:]) / 2
    x = np.concatenate([grid, mid, np.nextafter(mid, np.inf), np.nextafter(mid, -np.inf)])
    x = np.concatenate([x, [65519.99, 65520.0, -7e4, np.inf, -np.inf, np.nan, -0.0]])
    with np.errstate(over="ignore"):
        reference = x.astype(np.float16).astype(np.float64)
    assert _same(round_to(x, "fp16"), reference)
    assert _same(round_to(x, make_format(11, 15)), reference)  # the same format, built by hand


@pytest.mark.parametrize("name", ["bf16", "fp8_e4m3", "fp8_e5m2"])
def test_against_ml_dtypes_from_float32(name):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    dtype = {
        "bf16": ml_dtypes.bfloat16,
        "fp8_e4m3": ml_dtypes.float8_e4m3fn,
        "fp8_e5m2": ml_dtypes.float8_e5m2,
    }[name]
    rng = np.random.default_rng(0)
    x = (rng.normal(size=20_000) * 10.0 ** rng.integers(-6, 6, 20_000)).astype(np.float32)
    x = np.concatenate([x, np.float32([1e30, -1e30, 464.0, 61440.0, np.inf, -np.inf])])
    ours, theirs = round_to(x, name), x.astype(dtype).astype(np.float64)
    nan = np.isnan(ours) & np.isnan(theirs)
    assert np.array_equal(ours[~nan], theirs[~nan])
    assert np.array_equal(np.isnan(ours), np.isnan(theirs))


def test_directed_roundings_bracket_the_value():
    rng = np.random.default_rng(1)
    x = rng.normal(size=5000) * 10.0 ** rng.uniform(-9, 4, 5000)
    down, up, zero = (round_to(x, "fp16", r) for r in ("down", "up", "zero"))
    assert np.all(down <= x) and np.all(x <= up)
    assert np.all(np.abs(zero) <= np.abs(x))
    exact = round_to(x, "fp16") == x
    assert np.all((up > down) | exact)
    # up and down are neighbours: nothing of the format lies strictly between them
    assert np.all(np.isin(round_to((up + down) / 2, "fp16"), [up, down]) | exact)


def test_ties_to_even_and_away():
    one_and_half_ulp = 1 + 1.5 * 2.0**-10  # halfway between 1 + 2⁻¹⁰ (odd) and 1 + 2⁻⁹ (even)
    assert round_to([one_and_half_ulp], "fp16")[0] == 1 + 2.0**-9
    assert round_to([1 + 0.5 * 2.0**-10], "fp16")[0] == 1.0
    assert round_to([1 + 0.5 * 2.0**-10], "fp16", "nearest_away")[0] == 1 + 2.0**-10
    assert round_to([-(1 + 0.5 * 2.0**-10)], "fp16", "nearest_away")[0] == -(1 + 2.0**-10)


def test_stochastic_rounding_is_unbiased_and_seeded():
    x = np.full(200_000, 1 + 0.3 * 2.0**-10)
    a = round_to(x, "fp16", "stochastic", seed=5)
    assert np.array_equal(a, round_to(x, "fp16", "stochastic", seed=5))
    assert set(np.unique(a)) == {1.0, 1 + 2.0**-10}
    assert np.mean(a == 1 + 2.0**-10) == pytest.approx(0.3, abs=0.005)


def test_overflow_subnormals_and_signed_zero():
    fp16 = FORMATS["fp16"]
    assert round_to([1e6], "fp16")[0] == np.inf and round_to([-1e6], "fp16")[0] == -np.inf
    assert round_to([1e6], "fp16", "zero")[0] == fp16.xmax
    assert round_to([1e6], "fp16", "down")[0] == fp16.xmax
    assert round_to([-1e6], "fp16", "down")[0] == -np.inf
    assert round_to([1e6], "fp16", saturate=True)[0] == fp16.xmax
    assert np.isnan(round_to([1e6], "fp8_e4m3")[0]) and np.isnan(round_to([np.inf], "fp8_e4m3")[0])
    assert round_to([1e6], "fp8_e4m3", saturate=True)[0] == 448.0
    tiny = 3 * fp16.smallest_subnormal
    assert round_to([tiny], "fp16")[0] == tiny
    assert round_to([tiny], "fp16", subnormals=False)[0] == 0.0
    assert np.signbit(round_to([-1e-30], "fp16")[0])
    assert round_to(np.array([3, -9]), "fp8_e5m2").tolist() == [3.0, -8.0]  # ints; a tie to even


def test_lmul_formula():
    # 1.5 · 1.25: fractions ½ and ¼ and the offset 2⁻³ (m = 3): 1.875 where the product is 1.875
    assert lowprec.lmul([1.5], [1.25], 3)[0] == 1 + 0.5 + 0.25 + 2.0**-3
    # −3 = −(1 + ½)·2¹ and ½ = 1·2⁻¹: the exponents cancel, the fractions add
    assert lowprec.lmul([-3.0], [0.5], 4)[0] == -(1 + 0.5 + 2.0**-3)
    assert lowprec.lmul([0.0, 2.0], [5.0, 0.0], 3).tolist() == [0.0, 0.0]
    assert lowprec.lmul([2.0], [4.0], 5)[0] == 8 * (1 + 2.0**-4)
    # without the offset: Mitchell's approximation, exact when a fraction is zero
    assert lowprec.lmul([1.5], [1.25], 3, offset=False)[0] == 1 + 0.5 + 0.25
    assert lowprec.lmul([3.0], [4.0], 3, offset=False)[0] == 12.0
    with pytest.raises(TypeError, match="offset must be a bool"):
        lowprec.lmul([1.0], [1.0], 3, offset=1)


def test_givens_algorithms_agree_and_rotate():
    rng = np.random.default_rng(2)
    f, g = rng.normal(size=300), rng.normal(size=300)
    results = [
        alg(f, g) for alg in (lowprec.givens_naive, lowprec.givens_hypot, lowprec.givens_lapack)
    ]
    for c, s, r in results:
        assert np.allclose(c * f + s * g, r) and np.allclose(-s * f + c * g, 0, atol=1e-14)
        assert np.all(c >= 0) and np.allclose(c * c + s * s, 1)
    for other in results[1:]:
        assert all(np.allclose(a, b, rtol=1e-14) for a, b in zip(results[0], other, strict=True))
    c, s, r = lowprec.givens_hypot(np.array([0.0, 3.0]), np.array([2.0, 0.0]))
    assert c.tolist() == [0.0, 1.0] and s.tolist() == [1.0, 0.0] and r.tolist() == [2.0, 3.0]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: round_to([1.0], "fp12"), ValueError, "fmt"),
        (lambda: round_to([1.0], "fp16", "sideways"), ValueError, "rounding"),
        (lambda: round_to([1 + 2j], "fp16"), TypeError, "real numeric"),
        (lambda: round_to(["1.0"], "fp16"), TypeError, "real numeric"),
        (lambda: make_format(1, 15), ValueError, "precision"),
        (lambda: make_format(11, 2000), ValueError, "emax"),
        (lambda: make_format(11.0, 15), TypeError, "precision"),
        (lambda: lowprec.lmul([1.0], [1.0], 0), ValueError, "mantissa_bits"),
        (lambda: lowprec.lmul([np.inf], [1.0], 3), ValueError, "finite"),
        (lambda: lowprec.givens_naive(np.ones(2), np.ones(2, np.float32)), TypeError, "same dtype"),
        (lambda: lowprec.givens_hypot(np.ones(2), np.ones(3)), ValueError, "same shape"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_complex_givens_is_lapacks_bit_for_bit():
    """The division form is LAPACK 3.11–3.12's complex xLARTG (SciPy's clartg and zlartg) bit
    for bit on the unscaled range; the reciprocal form (3.10) is not."""
    import platform

    from scipy.linalg import lapack

    version = lapack.ilaver()
    if not (3, 11) <= tuple(version)[:2] <= (3, 12):
        pytest.skip(f"SciPy's LAPACK is {version}: the comparison is with releases 3.11 and 3.12")
    if platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip("elsewhere the compiled LAPACK may fuse multiply-adds, changing the last bits")
    rng = np.random.default_rng(5)
    for dtype, rotate, top in (
        (np.complex64, lapack.clartg, 30),
        (np.complex128, lapack.zlartg, 250),
    ):
        size = 2.0 ** rng.uniform(
            -top, top, (2, 1000)
        )  # the whole unscaled range the function takes
        angle = rng.uniform(0, 2 * np.pi, (2, 1000))
        f, g = (size * np.exp(1j * angle)).astype(dtype)
        ends = np.array([2.0**-top, 2.0**top, 2.0**-top * 1j, 2.0**top * 1j], dtype=dtype)
        f, g = np.concatenate([f, np.repeat(ends, 4)]), np.concatenate([g, np.tile(ends, 4)])
        keep = (np.abs(f) >= 2.0**-top) & (np.abs(f) <= 2.0**top)
        keep &= (np.abs(g) >= 2.0**-top) & (np.abs(g) <= 2.0**top)
        f, g = f[keep], g[keep]
        theirs = [np.array(v) for v in zip(*map(rotate, f, g), strict=True)]
        ours = lowprec.givens_complex(f, g)
        assert all(np.array_equal(a, b) for a, b in zip(ours, theirs, strict=True))
        old = lowprec.givens_complex(f, g, "reciprocal")
        assert not any(np.array_equal(a, b) for a, b in zip(old, theirs, strict=True))


def test_count_different_sees_signed_zeros_and_equal_nans():
    a = np.array([0.0, -0.0, np.nan, 1.0, 2.0])
    b = np.array([0.0, 0.0, -np.nan, 1.0, 3.0])
    assert lowprec.count_different(a, b) == 2  # −0 against +0, and 2 against 3
    with pytest.raises(ValueError, match="shapes differ"):
        lowprec.count_different(a, b[:2])


@pytest.mark.parametrize("name", sorted(lowprec.FORMATS))
def test_nearest_fast_path_agrees_with_the_general_one_on_every_format(name):
    # 10^5 doubles from every binade (and random bit patterns), rounded on the bit pattern
    # and through frexp/rint: the two agree bit for bit, signs of zero and NaN included
    rng = np.random.default_rng(20261205)
    fmt = lowprec.FORMATS[name]
    with np.errstate(over="ignore"):
        wide = rng.normal(size=50_000) * 2.0 ** rng.integers(-1080, 1024, 50_000)
    bits = rng.integers(0, 2**64, 50_000, dtype=np.uint64, endpoint=False).view(np.float64)
    x = np.concatenate([wide, bits])
    for subnormals in (True, False):
        for saturate in (True, False):
            with np.errstate(all="ignore"):
                general = lowprec._round_float64(x, fmt, "nearest", subnormals, saturate, None)
            fast = lowprec.round_to(x, fmt, subnormals=subnormals, saturate=saturate)
            assert lowprec.count_different(fast, general) == 0
