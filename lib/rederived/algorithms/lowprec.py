"""Low-precision arithmetic, emulated in float64: rounding to any binary format, L-Mul, Givens.

``round_to`` rounds real numbers to a binary floating-point format given by its precision p
(significand bits, the implicit one included) and exponent range [emin, emax], with the usual
rounding modes, stochastic rounding, subnormals on or off, and overflow to infinity, to NaN
(formats without infinities) or saturating at the largest finite number. The result is a float64
array holding values of the format exactly. The method: write |x| = y · 2^q with q the exponent
of the format's spacing at |x| (the subnormal spacing below 2^emin), so that the representable
numbers near x are the integers times 2^q; round y to an integer in the requested direction;
scale back. Every step is exact in float64 for p ≤ 53 and emin − p + 1 ≥ −1074.

``lmul`` is the L-Mul approximate product of Luo and Sun (2024), ``givens_*`` the ways to
generate a plane rotation compared in the chapter (real: textbook, scaled hypot, reciprocal,
LAPACK's branches; complex: LAPACK 3.10 and 3.11), ``lu_factor``/``lu_solve``/
``iterative_refinement`` a linear solve with LU factors in a low precision, refined in a higher
one.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

__all__ = [
    "FORMATS",
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
]

ROUNDINGS = ("nearest", "nearest_away", "up", "down", "zero", "stochastic")


@dataclass(frozen=True)
class Format:
    """A binary floating-point format: ``precision`` significand bits (implicit bit included),
    normal exponents ``emin`` … ``emax``, largest finite value ``xmax``, and whether it has
    infinities (formats without them overflow to NaN, like float8_e4m3fn)."""

    name: str
    precision: int
    emin: int
    emax: int
    xmax: float
    has_inf: bool = True

    def __post_init__(self) -> None:
        for value, label in (
            (self.precision, "precision"),
            (self.emin, "emin"),
            (self.emax, "emax"),
        ):
            if isinstance(value, bool) or not isinstance(value, Integral):
                raise TypeError(f"{label} must be an int, got {value!r}")
        if not 2 <= self.precision <= 53:
            raise ValueError(f"precision must be in 2..53, got {self.precision}")
        if not (self.emin < self.emax <= 1023 and self.emin - self.precision + 1 >= -1074):
            raise ValueError(f"need emin < emax <= 1023 and a spacing >= 2^-1074, got {self}")
        largest = (2.0 - 2.0 ** (1 - self.precision)) * 2.0**self.emax
        if not (isinstance(self.xmax, Real) and 2.0**self.emax <= self.xmax <= largest):
            raise ValueError(
                f"xmax must be a number of the format in [2^emax, {largest!r}], got {self.xmax!r}"
            )
        if _rounded_significand(self.xmax, self.precision) != self.xmax:
            raise ValueError(f"xmax {self.xmax!r} is not a {self.precision}-bit number")
        if not isinstance(self.has_inf, bool):
            raise TypeError(f"has_inf must be a bool, got {self.has_inf!r}")

    @property
    def unit_roundoff(self) -> float:
        """u = 2^−p, half the spacing of the numbers in [1, 2)."""
        return 2.0**-self.precision

    @property
    def smallest_normal(self) -> float:
        return 2.0**self.emin

    @property
    def smallest_subnormal(self) -> float:
        return 2.0 ** (self.emin - self.precision + 1)


def _rounded_significand(x: float, precision: int) -> float:
    """x rounded to ``precision`` significant bits (nearest): a check that x is such a number."""
    m, e = np.frexp(x)
    return float(np.ldexp(np.rint(np.ldexp(m, precision)), e - precision))


def make_format(
    precision: int, emax: int, emin: int | None = None, *, has_inf: bool = True, name: str = ""
) -> Format:
    """An IEEE-style format with ``precision`` bits and exponents up to ``emax`` (emin defaults
    to 1 − emax); the largest finite number is (2 − 2^(1−p)) · 2^emax."""
    for value, label in ((precision, "precision"), (emax, "emax")):
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise TypeError(f"{label} must be an int, got {value!r}")
    emin = 1 - emax if emin is None else emin
    if isinstance(emin, bool) or not isinstance(emin, Integral):
        raise TypeError(f"emin must be an int, got {emin!r}")
    if not 2 <= precision <= 53:
        raise ValueError(f"precision must be in 2..53 (float64 holds the values), got {precision}")
    if not (emin < emax <= 1023 and emin - precision + 1 >= -1074):
        raise ValueError(f"need emin < emax <= 1023 and a spacing >= 2^-1074, got {emin}, {emax}")
    xmax = (2.0 - 2.0 ** (1 - precision)) * 2.0**emax
    return Format(
        name or f"p{precision}e{emax}", int(precision), int(emin), int(emax), xmax, has_inf
    )


FORMATS = {
    "fp32": make_format(24, 127, name="fp32"),
    "tf32": make_format(11, 127, name="tf32"),
    "bf16": make_format(8, 127, name="bf16"),
    "fp16": make_format(11, 15, name="fp16"),
    "fp8_e5m2": make_format(3, 15, name="fp8_e5m2"),
    # e4m3fn: no infinities, and the top significand at emax is NaN, so xmax = 1.75 · 2^8
    "fp8_e4m3": Format("fp8_e4m3", 4, -6, 8, 448.0, has_inf=False),
}


def _format(fmt: object) -> Format:
    if isinstance(fmt, Format):
        return fmt
    if isinstance(fmt, str) and fmt in FORMATS:
        return FORMATS[fmt]
    raise ValueError(f"fmt must be a Format or one of {sorted(FORMATS)}, got {fmt!r}")


def _real_array(x: object, name: str, *, copy: bool = True) -> np.ndarray:
    a = np.asarray(x)
    if a.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be a real numeric array (float or int), got dtype {a.dtype}")
    with np.errstate(over="ignore", under="ignore"):  # long doubles beyond float64: see round_to
        return a.astype(np.float64, copy=copy)


def round_to(
    x: object,
    fmt: object,
    rounding: str = "nearest",
    *,
    subnormals: bool = True,
    saturate: bool = False,
    seed: int | None = None,
) -> np.ndarray:
    """Round ``x`` to the format ``fmt`` (a :class:`Format` or a name in ``FORMATS``).

    Parameters
    ----------
    rounding : str
        ``nearest`` (ties to even), ``nearest_away`` (ties away from zero), ``up`` (toward +∞),
        ``down`` (toward −∞), ``zero`` (toward 0) or ``stochastic`` (up with probability equal
        to the distance from the number below, in spacings; seeded by ``seed``).
    subnormals : bool
        If False, results below the smallest normal number are flushed to (signed) zero.
    saturate : bool
        If True, finite values beyond the range become ±xmax; otherwise they overflow as IEEE
        rounding says: to ±∞ (±xmax when rounding toward zero or away from the overflow), or to
        NaN in a format without infinities.

    NaN stays NaN; ±∞ stays ±∞ (NaN in a format without infinities). Returns float64.
    """
    fmt = _format(fmt)
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be one of {ROUNDINGS}, got {rounding!r}")
    raw = np.asarray(x)
    values = _real_array(raw, "x", copy=False)  # read only: both paths write a new array
    if seed is not None and rounding != "stochastic":
        raise ValueError(f"seed is only used by stochastic rounding, not {rounding!r}")
    try:
        rng = np.random.default_rng(seed) if rounding == "stochastic" else None
    except (TypeError, ValueError) as err:
        raise TypeError(f"seed must be a valid NumPy seed, got {seed!r}: {err}") from None
    if rounding == "nearest" and fmt.precision <= 52:
        out = _round_nearest_bits(values, fmt, subnormals, saturate)
    else:
        out = _round_float64(values, fmt, rounding, subnormals, saturate, rng)
    # inputs that float64 does not hold exactly (integers beyond 2^53, long doubles with more
    # bits or range) would be rounded twice through the cast: round those from their exact value
    inexact = _not_exact_in_float64(raw, values)
    if np.any(inexact):
        for index in map(tuple, np.argwhere(inexact)):  # () for a 0-d input
            out[index] = _round_exact(raw[index], fmt, rounding, subnormals, saturate, rng)
    return out


def _not_exact_in_float64(raw: np.ndarray, values: np.ndarray) -> np.ndarray:
    if raw.dtype.kind in "iu" and raw.dtype.itemsize > 4:
        limit = 2**53
        if raw.dtype.kind == "u":
            return raw > limit
        return (raw > limit) | (raw < -limit)
    if raw.dtype.kind == "f" and raw.dtype.itemsize > 8:
        with np.errstate(all="ignore"):
            return np.isfinite(raw) & (values.astype(raw.dtype) != raw)
    return np.zeros(raw.shape, dtype=bool)


def _round_exact(value, fmt: Format, rounding: str, subnormals: bool, saturate: bool, rng) -> float:
    """One value rounded from its exact binary fraction (Python integers: no double rounding)."""
    num, den = (int(value), 1) if isinstance(value, np.integer) else value.as_integer_ratio()
    negative, num = num < 0, abs(num)
    k = den.bit_length() - 1  # den = 2^k
    exponent = num.bit_length() - 1 - k
    if subnormals:
        exponent = max(exponent, fmt.emin)
    q = exponent - (fmt.precision - 1)
    shift = -k - q  # y = num · 2^shift
    if shift >= 0:
        below, remainder, unit = num << shift, 0, 1
    else:
        below, unit = num >> -shift, 1 << -shift
        remainder = num - (below << -shift)
    if remainder == 0:
        r = below
    else:
        twice = 2 * remainder
        magnitude_up = {
            "nearest": twice > unit or (twice == unit and below % 2 == 1),
            "nearest_away": twice >= unit,
            "up": not negative,
            "down": negative,
            "zero": False,
            "stochastic": rng is not None and rng.random() < remainder / unit,
        }[rounding]
        r = below + int(magnitude_up)
    result = float(r) * 2.0**q if -1074 <= q <= 971 else _scale(r, q)
    if not subnormals and 0 < result < fmt.smallest_normal:
        result = 0.0
    if result > fmt.xmax:
        if saturate or {"zero": True, "down": not negative, "up": negative}.get(rounding, False):
            result = fmt.xmax
        else:
            result = np.inf if fmt.has_inf else np.nan
    return -result if negative else result


def _scale(r: int, q: int) -> float:
    """r · 2^q as a float64 (exact when representable; inf beyond, 0 below the subnormals)."""
    if r == 0:
        return 0.0
    if q > 0:
        return float("inf") if r.bit_length() + q > 1024 else float(r << q)
    return float(np.ldexp(float(r), q)) if r.bit_length() <= 53 else float(r) * 2.0**q


_ABS = np.uint64(0x7FFF_FFFF_FFFF_FFFF)


def _round_nearest_bits(values: np.ndarray, fmt: Format, subnormals: bool, saturate: bool):
    """Round to nearest, ties to even, on the bit pattern: adding half a spacing less one unit,
    plus the lowest kept bit, to the magnitude's bits and clearing the 53 − p dropped bits
    rounds every float64 whose result is a normal number of the format (a carry into the
    exponent field is the step to the next binade). Results at or below the format's (and
    float64's) smallest normal number, above xmax, and non-finite values go through
    :func:`_round_float64` instead, so the two paths agree everywhere."""
    flat = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
    out = np.empty_like(flat)
    # in blocks whose temporaries stay in cache (and off fresh pages): 4x faster at 10^5 and up
    for start in range(0, flat.size, _BITS_BLOCK):
        block = slice(start, start + _BITS_BLOCK)
        out[block] = _round_nearest_block(flat[block], fmt, subnormals, saturate)
    return out.reshape(np.shape(values))


_BITS_BLOCK = 2**16


def _round_nearest_block(flat: np.ndarray, fmt: Format, subnormals: bool, saturate: bool):
    shift = np.uint64(53 - fmt.precision)
    bits = flat.view(np.uint64)
    r = bits >> shift
    r &= np.uint64(1)
    r += np.uint64((1 << (53 - fmt.precision - 1)) - 1)
    r += bits
    r &= ~((np.uint64(1) << shift) - np.uint64(1))
    # (|r| − lo) wraps below zero for |r| <= lo - 1: one comparison finds both ends
    lo = np.float64(max(fmt.smallest_normal, 2.0**-1022)).view(np.uint64) + np.uint64(1)
    hi = np.float64(fmt.xmax).view(np.uint64)
    magnitude = r & _ABS
    magnitude -= lo
    other = np.flatnonzero(magnitude > hi - lo)
    out = r.view(np.float64)
    if other.size:
        out[other] = _round_float64(flat[other], fmt, "nearest", subnormals, saturate, None)
    return out


def _round_float64(
    values: np.ndarray, fmt: Format, rounding: str, subnormals: bool, saturate: bool, rng
) -> np.ndarray:
    out = values.copy()
    finite = np.isfinite(values)
    v = values[finite]
    _, k = np.frexp(np.abs(v))  # |v| = m · 2^k, m in [0.5, 1): exponent k − 1
    exponent = k - 1
    if subnormals:
        exponent = np.maximum(exponent, fmt.emin)
    q = exponent - (fmt.precision - 1)  # the spacing of the format at |v| is 2^q
    y = np.ldexp(v, -q)  # exact: a power-of-two scaling
    if rounding == "nearest":
        r = np.rint(y)
    elif rounding == "nearest_away":
        r = np.trunc(y)
        r += np.sign(y) * (np.abs(y - r) >= 0.5)
    elif rounding == "up":
        r = np.ceil(y)
    elif rounding == "down":
        r = np.floor(y)
    elif rounding == "zero":
        r = np.trunc(y)
    else:
        below = np.floor(y)
        r = below + (rng.random(y.shape) < y - below)
    with np.errstate(over="ignore"):  # a rounding up past float64's range: handled below
        result = np.ldexp(r, q)
    result = np.where(result == 0, np.copysign(0.0, v), result)  # keep the sign of zero
    if not subnormals:
        tiny = np.abs(result) < fmt.smallest_normal
        result[tiny] = np.copysign(0.0, v[tiny])
    over = np.abs(result) > fmt.xmax
    if np.any(over):
        sign = np.sign(v[over])
        if saturate:
            result[over] = sign * fmt.xmax
        else:
            stays_finite = {
                "zero": np.ones_like(sign, dtype=bool),
                "down": sign > 0,
                "up": sign < 0,
            }.get(rounding, np.zeros_like(sign, dtype=bool))
            overflow = sign * np.inf if fmt.has_inf else np.full_like(sign, np.nan)
            result[over] = np.where(stays_finite, sign * fmt.xmax, overflow)
    out[finite] = result
    if not fmt.has_inf:
        out[np.isinf(values)] = np.nan
    return out


def count_different(a: object, b: object) -> int:
    """How many entries of two float arrays differ as floating-point data: a different value,
    or a different sign of zero; NaN equals NaN (whatever its sign)."""
    a, b = _real_array(a, "a"), _real_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    same = (a == b) & (np.signbit(a) == np.signbit(b))
    return int(np.count_nonzero(~(same | (np.isnan(a) & np.isnan(b)))))


def _l_offset(mantissa_bits: int) -> int:
    # the offset exponent l(m) as third-party descriptions of the paper give it
    return mantissa_bits if mantissa_bits <= 3 else (3 if mantissa_bits == 4 else 4)


def lmul(a: object, b: object, mantissa_bits: int, *, offset: bool = True) -> np.ndarray:
    """L-Mul: (1 + x + y + 2^(−l(m))) · 2^(ea + eb) for a = ±(1 + x) 2^ea, b = ±(1 + y) 2^eb.

    The operands are first rounded to ``mantissa_bits`` fraction bits (nearest, ties to even,
    unbounded exponent); the product of the significands is replaced by the sum of their
    fractions plus the offset 2^(−l(m)), l(m) = m for m ≤ 3, 3 for m = 4, 4 for m > 4. With
    ``offset=False`` the offset is left out (Mitchell's logarithmic multiplication,
    1 + x + y). Zeros give zero with the product's sign; non-finite operands, and products
    beyond float64's range, are refused (ValueError).
    """
    if isinstance(mantissa_bits, bool) or not isinstance(mantissa_bits, Integral):
        raise TypeError(f"mantissa_bits must be an int, got {mantissa_bits!r}")
    if not isinstance(offset, bool):
        raise TypeError(f"offset must be a bool, got {offset!r}")
    if not 1 <= mantissa_bits <= 23:
        raise ValueError(f"mantissa_bits must be in 1..23, got {mantissa_bits}")
    a, b = _real_array(a, "a"), _real_array(b, "b")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("a and b must be finite")
    # float64's exponent range, with subnormals down to float64's own (2^-1074): an operand as
    # tiny as 5e-324 is not flushed to zero
    unbounded = make_format(mantissa_bits + 1, 1023, mantissa_bits - 1074, name="lmul operand")
    a, b = round_to(a, unbounded), round_to(b, unbounded)
    ma, ea = np.frexp(np.abs(a))  # |a| = ma 2^ea, ma in [0.5, 1) = (1 + x)/2
    mb, eb = np.frexp(np.abs(b))
    x, y = 2 * ma - 1, 2 * mb - 1
    significand = 1 + x + y + (2.0 ** -_l_offset(mantissa_bits) if offset else 0.0)
    with np.errstate(over="ignore"):
        product = np.sign(a) * np.sign(b) * np.ldexp(significand, (ea - 1) + (eb - 1))
    if not np.all(np.isfinite(product)):
        raise ValueError("the L-Mul product overflows float64 (|a·b| near or above 1.8e308)")
    zero = np.where(np.signbit(a) != np.signbit(b), -0.0, 0.0)  # the sign of an exact product
    return np.where((a == 0) | (b == 0), zero, product)


def _pair(f: object, g: object) -> tuple[np.ndarray, np.ndarray]:
    f, g = np.asarray(f), np.asarray(g)
    if f.dtype not in (np.float32, np.float64) or g.dtype != f.dtype:
        raise TypeError("f and g must be float32 or float64 arrays of the same dtype")
    if f.shape != g.shape:
        raise ValueError(f"f and g must have the same shape, got {f.shape} and {g.shape}")
    if not (np.all(np.isfinite(f)) and np.all(np.isfinite(g))):
        raise ValueError("f and g must be finite")
    return f, g


def givens_naive(f: object, g: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(c, s, r) with r = sign(f)·√(f² + g²), c = |f|/|r|, s = g/r, in the inputs' precision:
    the textbook formula, which overflows or underflows for large or small |f|, |g|."""
    f, g = _pair(f, g)
    with np.errstate(all="ignore"):
        d = np.sqrt(f * f + g * g)
        return _complete(f, g, d)


def givens_hypot(f: object, g: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same convention with d = hypot(f, g), computed on f and g scaled by a power of two to
    the binade of the larger one, so that neither overflow nor subnormal inputs (where hypot
    rounds to one of them and gave c = s = 1) spoil c and s; r is scaled back (it overflows only
    where sign(f)·hypot(f, g) itself exceeds the largest float)."""
    f, g = _pair(f, g)
    _, e = np.frexp(np.maximum(np.abs(f), np.abs(g)))
    e = np.where(np.isfinite(f) & np.isfinite(g), e, 0)
    fs, gs = np.ldexp(f, -e), np.ldexp(g, -e)
    with np.errstate(all="ignore"):
        c, s, r = _complete(f, g, np.hypot(fs, gs), scaled=(fs, gs))
        return c, s, np.ldexp(r, e).astype(f.dtype)


def givens_reciprocal(f: object, g: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same convention and the same scaled d as :func:`givens_hypot`, but c and s through
    one reciprocal, p = 1/d, c = |f|·p, s = g·sign(f)·p: two roundings on c and s where
    :func:`givens_hypot` divides once (LAPACK 3.10's real xLARTG computes c and s this way;
    3.11 divides)."""
    f, g = _pair(f, g)
    _, e = np.frexp(np.maximum(np.abs(f), np.abs(g)))
    fs, gs = np.ldexp(f, -e), np.ldexp(g, -e)
    one = np.ones((), dtype=f.dtype)
    with np.errstate(all="ignore"):
        d = np.hypot(fs, gs)
        p = one / d
        sign = np.where(np.signbit(f) & (f != 0), -one, one)
        c, s, r = _complete(f, g, d, scaled=(fs, gs))  # the zero cases and r
        nonzero = (f != 0) & (g != 0)
        c = np.where(nonzero, np.abs(fs) * p, c)
        s = np.where(nonzero, gs * sign * p, s)
        return c, s, np.ldexp(r, e).astype(f.dtype)


#: The range of |f| and |g| where the unscaled complex formulas neither overflow nor underflow
#: (|f|²·(|f|² + |g|²) stays between the smallest normal and the largest finite number).
_COMPLEX_RANGE = {np.complex64: (2.0**-30, 2.0**30), np.complex128: (2.0**-250, 2.0**250)}


def givens_complex(
    f: object, g: object, form: str = "division"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Complex Givens rotation: c real, s and r complex, with c·f + s·g = r and
    −conj(s)·f + c·g = 0, in the inputs' precision (complex64 or complex128), by the unscaled
    branch of LAPACK's complex xLARTG. With f2 = |f|², h2 = |f|² + |g|²:

    - ``form="division"``, LAPACK 3.11 and 3.12 (Pereira, Lotfi and Langou; Reference-LAPACK
      pull request 631): c = √(f2/h2), r = f/c, s = conj(g)·(f/√(f2·h2));
    - ``form="reciprocal"``, LAPACK 3.10 (Anderson's Algorithm 978): d = √(f2·h2) (or √f2·√h2
      where f2 ≤ √(safmin/ulp) or h2 ≥ √(safmax·ulp), as 3.10 does), p = 1/d, c = f2·p,
      s = conj(g)·(f·p), r = f·(h2·p).

    A complex number is divided by a real one part by part, as Fortran compilers do (NumPy's
    complex ÷ real would multiply by a reciprocal instead).

    Domain: f and g of one complex dtype and shape, finite and non-zero, with |f| and |g| in
    [2⁻³⁰, 2³⁰] (complex64) or [2⁻²⁵⁰, 2²⁵⁰] (complex128), a subset of the range where LAPACK
    needs no scaling; outside it a ValueError (the scaled branches are not implemented here)."""
    f, g = np.asarray(f), np.asarray(g)
    if f.dtype not in (np.complex64, np.complex128) or g.dtype != f.dtype:
        raise TypeError("f and g must be complex64 or complex128 arrays of the same dtype")
    if f.shape != g.shape:
        raise ValueError(f"f and g must have the same shape, got {f.shape} and {g.shape}")
    if form not in ("division", "reciprocal"):
        raise ValueError(f"form must be 'division' or 'reciprocal', got {form!r}")
    low, high = _COMPLEX_RANGE[f.dtype.type]
    for name, z in (("f", f), ("g", g)):
        size = np.abs(z.astype(np.complex128))
        if not (np.all(np.isfinite(size)) and np.all((size >= low) & (size <= high))):
            raise ValueError(
                f"{name} must be finite with |{name}| in [{low:g}, {high:g}] (the unscaled range)"
            )
    real = f.real.dtype.type
    f2 = f.real * f.real + f.imag * f.imag
    g2 = g.real * g.real + g.imag * g.imag
    h2 = f2 + g2
    if form == "division":
        c = np.sqrt(f2 / h2)
        r = _complex_divide_real(f, c)
        s = _conj_times(g, _complex_divide_real(f, np.sqrt(f2 * h2)))
    else:
        # 3.10 takes d = √(f2·h2) where f2 > rtmin and h2 < rtmax, and √f2·√h2 elsewhere, with
        # its constants rtmin = √(safmin/ulp) and rtmax = √(safmax·ulp) (la_constants.f90)
        info = np.finfo(real)
        rtmin = np.sqrt(real(info.smallest_normal) / real(info.eps))
        rtmax = np.sqrt(real(1 / info.smallest_normal) * real(info.eps))
        whole = (f2 > rtmin) & (h2 < rtmax)
        d = np.where(whole, np.sqrt(f2 * h2), np.sqrt(f2) * np.sqrt(h2))
        p = real(1) / d
        c = f2 * p
        s = _conj_times(g, _complex_times_real(f, p))
        r = _complex_times_real(f, h2 * p)
    return np.asarray(c, dtype=real), s.astype(f.dtype), r.astype(f.dtype)


# Complex arithmetic written out in real operations, each rounded once, as compiled Fortran does
# it: NumPy's complex ÷ real multiplies by a reciprocal, and its complex product may fuse a
# multiply and an add, which would change the last bits (and differ between processors).
def _complex_divide_real(z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """z / x for complex z and real x, part by part."""
    out = np.empty_like(z)
    out.real, out.imag = z.real / x, z.imag / x
    return out


def _complex_times_real(z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """z · x for complex z and real x, part by part."""
    out = np.empty_like(z)
    out.real, out.imag = z.real * x, z.imag * x
    return out


def _conj_times(g: np.ndarray, q: np.ndarray) -> np.ndarray:
    """conj(g) · q, as (g_r q_r + g_i q_i) + i (g_r q_i − g_i q_r)."""
    out = np.empty_like(q)
    out.real = g.real * q.real + g.imag * q.imag
    out.imag = g.real * q.imag - g.imag * q.real
    return out


def _complete(f, g, d, scaled=None):
    """(c, s, r) from d = hypot; ``scaled`` = (f', g') when d was computed from f and g scaled by
    a power of two (then c and s come from the scaled pair, whose smaller entry may have
    underflowed, while the signs and the zero cases follow the original f and g)."""
    fs, gs = (f, g) if scaled is None else scaled
    one = np.ones((), dtype=f.dtype)
    sign = np.where(np.signbit(f) & (f != 0), -one, one)
    r = sign * d
    zero_g = g == 0
    zero_f = (f == 0) & ~zero_g
    c = np.where(zero_g, one, np.where(zero_f, 0 * one, np.abs(fs) / d))
    s = np.where(zero_g, 0 * one, np.where(zero_f, np.sign(g), gs / r))
    r = np.where(zero_g, fs, np.where(zero_f, np.abs(gs), r))
    return c, s, r


def givens_lapack(f: object, g: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """LAPACK's xLARTG (through SciPy), one call per pair: c ≥ 0, r = sign(f)·hypot(f, g)."""
    from scipy.linalg import lapack

    f, g = _pair(f, g)
    routine = lapack.slartg if f.dtype == np.float32 else lapack.dlartg
    out = np.array([routine(fi, gi) for fi, gi in zip(f.ravel(), g.ravel(), strict=True)])
    c, s, r = (out[:, i].astype(f.dtype).reshape(f.shape) for i in range(3))
    return c, s, r


#: the largest matrix the emulated LU accepts (its cost is n³/3 rounded operations)
MAX_LU_SIZE = 2000


def _square(A: object) -> np.ndarray:
    A = _real_array(A, "A")
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] < 1:
        raise ValueError(f"A must be a square (n, n) array with n ≥ 1, got shape {A.shape}")
    if A.shape[0] > MAX_LU_SIZE:
        raise ValueError(f"A must be at most {MAX_LU_SIZE} × {MAX_LU_SIZE}, got {A.shape}")
    if not np.all(np.isfinite(A)):
        raise ValueError("A must be finite")
    return A


def _in_format(x: np.ndarray, fmt: Format, what: str) -> np.ndarray:
    """x rounded to fmt, or a ValueError if a value overflows the format's range."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = round_to(x, fmt)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{what} overflows {fmt.name} (largest finite {fmt.xmax:g}): scale it")
    return out


def lu_factor(A: object, fmt: object) -> tuple[np.ndarray, np.ndarray]:
    """LU factorisation with partial pivoting, every operation rounded to ``fmt``.

    A is rounded to the format, then eliminated column by column (right-looking): each
    multiplier l = a/pivot, each product l·u and each difference is rounded to the format, as
    the format's own arithmetic would do with round-to-nearest.

    Domain: A a finite real square (n, n) array, 1 ≤ n ≤ ``MAX_LU_SIZE``; fmt a :class:`Format`
    or a name in ``FORMATS``. ValueError if A or an intermediate overflows the format, or if a
    pivot column is zero in the format (A is singular there).

    Returns
    -------
    lu : ndarray (n, n)
        The multipliers of L below the diagonal (its unit diagonal implied) and U on and
        above it, values of the format.
    perm : ndarray (n,) of int
        The row order: A[perm] ≈ L U.
    """
    fmt = _format(fmt)
    lu = _in_format(_square(A), fmt, "A")
    n = lu.shape[0]
    perm = np.arange(n)
    for k in range(n):
        p = k + int(np.argmax(np.abs(lu[k:, k])))
        if lu[p, k] == 0:
            raise ValueError(f"A is singular in {fmt.name}: column {k} has no nonzero pivot")
        if p != k:
            lu[[k, p]] = lu[[p, k]]
            perm[[k, p]] = perm[[p, k]]
        if k + 1 < n:
            lu[k + 1 :, k] = _in_format(lu[k + 1 :, k] / lu[k, k], fmt, "a multiplier")
            update = _in_format(np.outer(lu[k + 1 :, k], lu[k, k + 1 :]), fmt, "a product")
            lu[k + 1 :, k + 1 :] = _in_format(lu[k + 1 :, k + 1 :] - update, fmt, "an update")
    return lu, perm


def lu_solve(lu: object, perm: object, b: object, fmt: object) -> np.ndarray:
    """Solve A x = b with the factors of :func:`lu_factor`, forward and back substitution with
    every operation rounded to ``fmt`` (which may differ from the factors' format: a solve in a
    higher working precision with low-precision factors, as in iterative refinement).

    Domain: lu a finite square (n, n) array with a nonzero diagonal, perm a permutation of
    0..n−1, b a finite real (n,) array; ValueError if a value overflows the format."""
    fmt = _format(fmt)
    lu = _square(lu)
    n = lu.shape[0]
    perm = np.asarray(perm)
    if (
        perm.dtype.kind not in "iu"
        or perm.shape != (n,)
        or not np.array_equal(np.sort(perm), np.arange(n))
    ):
        raise ValueError(f"perm must be a permutation of 0..{n - 1}")
    if np.any(np.diag(lu) == 0):
        raise ValueError("lu has a zero on its diagonal (U is singular)")
    b = _real_array(b, "b")
    if b.shape != (n,) or not np.all(np.isfinite(b)):
        raise ValueError(f"b must be a finite array of shape ({n},), got {b.shape}")
    with np.errstate(over="ignore"):
        lu32 = lu.astype(np.float32)
    if fmt is FORMATS["fp32"] and np.array_equal(lu32, lu):
        # IEEE single arithmetic itself: each operation on float32 operands rounds exactly as
        # round_to(·, "fp32") of its float64 value would (53 ≥ 2·24 + 2 bits), so the result is
        # the same as the emulated loop below (which it must equal: the factors are already
        # values of fp32), faster
        with np.errstate(over="ignore"):
            b32 = b[perm].astype(np.float32)
        if not np.all(np.isfinite(b32)):
            raise ValueError(f"b overflows fp32 (largest finite {fmt.xmax:g}): scale it")
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            x = _native_substitution(lu32, b32)
        if not np.all(np.isfinite(x)):
            raise ValueError(f"x overflows fp32 (largest finite {fmt.xmax:g}): scale it")
        return x.astype(np.float64)
    y = _in_format(b[perm], fmt, "b")
    for k in range(n - 1):  # forward: L y = P b, column by column
        y[k + 1 :] = _in_format(
            y[k + 1 :] - _in_format(lu[k + 1 :, k] * y[k], fmt, "L y"), fmt, "y"
        )
    x = y
    for k in range(n - 1, -1, -1):  # back: U x = y, column by column
        x[k] = _in_format(x[k] / lu[k, k], fmt, "x")
        if k:
            x[:k] = _in_format(x[:k] - _in_format(lu[:k, k] * x[k], fmt, "U x"), fmt, "x")
    return x


def _native_substitution(lu: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Forward then back substitution in the arrays' own precision, column by column (the
    order of operations of :func:`lu_solve`'s emulated loop)."""
    n = len(y)
    for k in range(n - 1):
        y[k + 1 :] -= lu[k + 1 :, k] * y[k]
    for k in range(n - 1, -1, -1):
        y[k] /= lu[k, k]
        if k:
            y[:k] -= lu[:k, k] * y[k]
    return y


def iterative_refinement(
    A: object, b: object, factor_fmt: object, working_fmt: object, iterations: int = 10
) -> tuple[np.ndarray, bool]:
    """Mixed-precision iterative refinement of A x = b: LU factors in ``factor_fmt``
    (:func:`lu_factor`); the first solve and each correction solve with them in
    ``working_fmt`` (:func:`lu_solve`); residuals r = b − A x in float64; the iterate updated
    and rounded in ``working_fmt``. Three precisions (u_f, u, u_r) as in Carson and Higham
    (2018), with u_r = 2⁻⁵³.

    Domain: as :func:`lu_factor` for A, b a finite real (n,) array, iterations an int in
    0..1000.

    Returns
    -------
    iterates : ndarray (k + 1, n)
        x₀ … x_k, with k = iterations unless the refinement diverged.
    diverged : bool
        True if it stopped early because a correction or the iterate overflowed the working
        format (the refinement diverges when the factors are too inaccurate for A); the
        iterates returned are then those before the overflow, all finite.
    """
    if isinstance(iterations, bool) or not isinstance(iterations, Integral):
        raise TypeError(f"iterations must be an int, got {iterations!r}")
    if not 0 <= iterations <= 1000:
        raise ValueError(f"iterations must be in 0..1000, got {iterations}")
    A = _square(A)
    b = _real_array(b, "b")
    if b.shape != (A.shape[0],) or not np.all(np.isfinite(b)):
        raise ValueError(f"b must be a finite array of shape ({A.shape[0]},), got {b.shape}")
    working = _format(working_fmt)
    lu, perm = lu_factor(A, factor_fmt)
    xs = [lu_solve(lu, perm, b, working)]
    for _ in range(iterations):
        with np.errstate(over="ignore", invalid="ignore"):
            r = b - A @ xs[-1]
        try:
            if not np.all(np.isfinite(r)):
                raise ValueError("the residual overflows")
            xs.append(_in_format(xs[-1] + lu_solve(lu, perm, r, working), working, "the iterate"))
        except ValueError:  # overflow of the working format: the refinement diverged
            return np.array(xs), True
    return np.array(xs), False
