"""Single-precision elementary functions from a core approximation, and exhaustive ULP checks.

``exp32`` is the classical construction a math library uses (Cody and Waite, 1980): reduce
x = k·ln 2 + r with |r| ≤ ln 2 / 2 exactly enough, approximate e^r by a short program, and
scale by 2^k. ``scan_float32`` measures the error of a float32 function in units in the last
place (ULP) over *every* float32 number of an interval, against a float64 reference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from rederived import sweep
from rederived._checks import count

__all__ = ["LN2_HI", "LN2_LO", "UlpScan", "exp32", "float32_range", "scan_float32", "ulp_error"]

# ln 2 split so that k·LN2_HI is exact in float32 for |k| < 2**15 (LN2_HI has 9 significant
# bits), and LN2_HI + LN2_LO = ln 2 to about 2**-33.
LN2_HI = np.float32(0.693359375)
LN2_LO = np.float32(-2.12194440e-4)
_LOG2E = np.float32(1.4426950408889634)


def exp32(x: object, core: Callable) -> np.ndarray:
    """e^x in float32 by range reduction and a core approximation of e^r on |r| ≤ ln 2 / 2.

    Parameters
    ----------
    x : array_like
        Converted to float32.
    core : callable
        Maps a float32 array r with |r| ≤ ln 2 / 2 (slightly more after rounding) to float32
        approximations of e^r, e.g. a :class:`rederived.approximation.programs.Program`.

    Returns
    -------
    ndarray of float32, the shape of ``x``. Results overflow to inf above about 88.72,
    underflow gradually through the subnormals to 0, and NaN stays NaN.
    """
    if not callable(core):
        raise TypeError(f"core must be callable, got {type(core).__name__}")
    x = np.asarray(x)
    if x.dtype.kind not in "iuf":
        raise TypeError(f"x must be a real array, got dtype {x.dtype}")
    x = np.array(x, dtype=np.float32, order="C")  # (ascontiguousarray would make 0-d 1-d)
    out = np.empty_like(x)
    flat_x, flat_out = x.reshape(-1), out.reshape(-1)
    # blocks keep every temporary in cache: on whole large arrays each NumPy operation would
    # allocate fresh pages, which costs more than the arithmetic
    for start in range(0, flat_x.size, _BLOCK):
        block = flat_x[start : start + _BLOCK]
        flat_out[start : start + _BLOCK] = _exp32_block(block, core)
    return out


_BLOCK = 1 << 14


def _exp32_block(x, core):
    with np.errstate(invalid="ignore", over="ignore"):
        # beyond [-104, 89] e^x is 0 or inf in float32; clipping keeps k·LN2_HI exact
        xc = np.clip(x, np.float32(-104), np.float32(89))
        k = np.rint(xc * _LOG2E)
        r = (xc - k * LN2_HI) - k * LN2_LO
        y = np.asarray(core(r))
        if y.dtype != np.float32 or y.shape != r.shape:
            raise TypeError("core must return a float32 array of its input's shape")
        if np.any(np.isnan(y) & ~np.isnan(r)):
            raise ValueError("core returned NaN for a reduced argument that is not NaN")
        out = np.ldexp(y, np.nan_to_num(k).astype(np.int32))
    return np.where(np.isnan(x), x, out)


def ulp_error(y: object, exact: object) -> np.ndarray:
    """|y − exact| in float32 ULPs of ``exact``.

    The ULP of a real number in [2**e, 2**(e+1)) is 2**(e − 23); below 2**-126 it is the
    subnormal spacing 2**-149. ``exact`` is a float64 array (or anything convertible), ``y``
    real; neither may hold NaN.

    Beyond the float32 range: an infinite ``y`` of the sign of an ``exact`` with
    |exact| ≥ 2**128 − 2**103 (which rounds to infinity in float32) has error 0, as does
    y = exact = ±inf; otherwise an infinite y counts as ±2**128 (so that it is 0.5 ULP from
    the rounding threshold), and a finite y against an infinite exact has error inf.
    """
    y, exact = np.asarray(y), np.asarray(exact)
    for name, v in (("y", y), ("exact", exact)):
        if v.dtype.kind not in "biuf":
            raise TypeError(f"{name} must be a real array, got dtype {v.dtype}")
    exact = exact.astype(np.float64)
    if y.dtype.kind != "f":
        y = y.astype(np.float64)
    if np.any(np.isnan(y)) or np.any(np.isnan(exact)):
        raise ValueError("y and exact must not hold NaN")
    y64 = y.astype(np.float64)
    overflow = np.isinf(y64) & (np.sign(y64) == np.sign(exact)) & (np.abs(exact) >= _ROUNDS_TO_INF)
    y64 = np.where(np.isinf(y64) & ~np.isinf(exact), np.sign(y64) * 2.0**128, y64)
    # masking everything but the exponent field of |exact| leaves 2**e, as a float64
    binade = (exact.view(np.int64) & 0x7FF0000000000000).view(np.float64)
    ulp = np.maximum(binade, 2.0**-126) * 2.0**-23  # below 2**-126: subnormal spacing 2**-149
    with np.errstate(invalid="ignore"):
        err = np.abs(y64 - exact) / ulp
    err = np.where(np.isinf(exact) & np.isfinite(y64), np.inf, err)
    return np.where(overflow | (y64 == exact), 0.0, err)


def _finite_ulp_error(y: np.ndarray, exact: np.ndarray) -> np.ndarray:
    """:func:`ulp_error` for a float32 ``y`` and a float64 ``exact`` that are both finite, in
    three passes instead of a dozen (the scan's inner loop): |y − exact| times 2**(23 − e),
    which is a power of two, so the product is exactly the quotient ulp_error divides out. An
    infinite input gives an inf or NaN entry, on which the caller falls back."""
    binade = (exact.view(np.int64) & 0x7FF0000000000000).view(np.float64)
    np.maximum(binade, 2.0**-126, out=binade)
    scale = np.divide(2.0**23, binade, out=binade)  # 2**(23 − e), exact
    with np.errstate(invalid="ignore", over="ignore"):
        err = y.astype(np.float64)
        err -= exact
        np.abs(err, out=err)
        err *= scale
    return err


# float32 rounds every real at least this large (the largest float32 plus half its ULP) to inf
_ROUNDS_TO_INF = 2.0**128 - 2.0**103


def float32_range(lo: float, hi: float) -> tuple[np.ndarray, int]:
    """Bit patterns of the float32 numbers in [lo, hi], as (start, count) per sign.

    Returns an array of (first bit pattern, count) rows; walking a row upward in the bit
    pattern walks away from zero. The ends are real numbers (rounded inward to float32, −0 and
    +0 being one number); an interval that holds no float32 number is a ValueError.
    """
    for name, v in (("lo", lo), ("hi", hi)):
        if isinstance(v, bool) or not isinstance(v, Real):
            raise TypeError(f"{name} must be a real number, got {v!r}")
    try:
        lo, hi = float(lo), float(hi)
    except OverflowError:
        raise ValueError(
            f"lo and hi must lie within the double range, got {lo!r}, {hi!r}"
        ) from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo <= hi):
        raise ValueError(f"need finite lo <= hi, got lo={lo!r}, hi={hi!r}")
    with np.errstate(over="ignore"):
        lo32, hi32 = np.float32(lo), np.float32(hi)
    # the float32 numbers inside [lo, hi]: round the ends inward, and −0 to +0 (one zero)
    if float(lo32) < lo:  # (compared in float64: NumPy would round lo to float32 first)
        lo32 = np.nextafter(lo32, np.float32(np.inf))
    if float(hi32) > hi:
        hi32 = np.nextafter(hi32, np.float32(-np.inf))
    lo32, hi32 = lo32 + np.float32(0.0), hi32 + np.float32(0.0)
    if not (np.isfinite(lo32) and np.isfinite(hi32)):
        raise ValueError(f"lo and hi must lie within the float32 range, got {lo!r}, {hi!r}")
    if lo32 > hi32:
        raise ValueError(f"no float32 number lies in [{lo!r}, {hi!r}]")

    def bits(v):
        return int(np.array(v, dtype=np.float32).view(np.uint32))

    rows = []
    if hi32 >= 0:  # non-negative part: from max(lo, +0) to hi
        start = bits(max(lo32, np.float32(0.0)))
        rows.append((start, bits(hi32) - start + 1))
    if lo32 < 0:  # negative part: from min(hi, −smallest) down to lo, i.e. growing bit pattern
        first = -np.float32(np.finfo(np.float32).smallest_subnormal) if hi32 >= 0 else hi32
        start = bits(first)
        rows.append((start, bits(lo32) - start + 1))
    total = sum(c for _, c in rows)
    return np.array(rows, dtype=np.int64), total


def _checked(f: Callable, x: np.ndarray, dtype: type, name: str) -> np.ndarray:
    """f(x), which must be an array of ``dtype`` and x's shape, without NaN."""
    y = f(x)
    if not isinstance(y, np.ndarray) or y.dtype != dtype or y.shape != x.shape:
        got = f"{y.dtype}{y.shape}" if isinstance(y, np.ndarray) else type(y).__name__
        raise TypeError(
            f"{name} must return a {np.dtype(dtype).name} array of its input's shape "
            f"{x.shape}, got {got}"
        )
    if np.any(np.isnan(y)):
        raise ValueError(f"{name} returned NaN at x = {x[np.argmax(np.isnan(y))]!r}")
    return y


@dataclass(frozen=True)
class UlpScan:
    """Result of :func:`scan_float32`: the largest ULP error, where, and how many inputs."""

    max_ulp: float
    worst_input: float
    inputs: int
    above_half: int  # inputs with error > 0.5 ULP (not correctly rounded)


def scan_float32(
    func: Callable,
    reference: Callable,
    interval: tuple[float, float],
    chunk: int = 1 << 14,
    workers: int | None = 1,
) -> UlpScan:
    """Error in ULP of a float32 function at *every* float32 number of ``interval``.

    ``func`` maps float32 arrays to float32 arrays; ``reference`` maps float64 arrays to
    float64 values of the exact function (the float64 rounding, about 1e-16 relative, is far
    below a float32 ULP, 6e-8 relative). Inputs are enumerated by bit pattern in chunks of
    ``chunk``, small enough that the temporaries stay in cache (larger chunks are slower).
    ``workers`` processes share the bit patterns (``None``: every available processor); the
    result is the same for any number of them, the worst input included (the first one met in
    bit-pattern order wins ties).
    """
    if not (callable(func) and callable(reference)):
        raise TypeError("func and reference must be callable")
    if isinstance(chunk, bool) or not isinstance(chunk, Integral) or not 1 <= chunk <= 2**24:
        raise ValueError(f"chunk must be an int in [1, 2^24], got {chunk!r}")
    chunk = int(chunk)
    if workers is not None:
        count(workers, "workers")
    if not isinstance(interval, tuple | list) or len(interval) != 2:
        raise TypeError(f"interval must be a pair (lo, hi), got {interval!r}")
    rows, total = float32_range(*interval)
    # blocks of whole chunks, a few per worker, in bit-pattern order
    blocks = []
    per_block = chunk * max(1, -(-total // (chunk * 8)))
    for start, n in rows:
        blocks += [
            (int(start) + o, min(per_block, int(n) - o)) for o in range(0, int(n), per_block)
        ]

    def scan_block(block):
        start, n = block
        worst, worst_x, above = -1.0, np.nan, 0
        for offset in range(0, n, chunk):
            k = min(chunk, n - offset)
            x = (np.arange(k, dtype=np.uint32) + np.uint32(start + offset)).view(np.float32)
            y = _checked(func, x, np.float32, "func")
            exact = _checked(reference, x.astype(np.float64), np.float64, "reference")
            err = _finite_ulp_error(y, exact)
            i = int(np.argmax(err))
            if not np.isfinite(err[i]):  # an infinity on either side: the general rules
                err = ulp_error(y, exact)
                i = int(np.argmax(err))
            if not np.isfinite(err[i]):
                raise ValueError(
                    f"func is not finite at x = {x[i]!r} where the reference is {exact[i]!r}"
                )
            if err[i] > worst:
                worst, worst_x = float(err[i]), float(x[i])
            above += int(np.count_nonzero(err > 0.5))
        return worst, worst_x, above

    worst, worst_x, above = -1.0, np.nan, 0
    for w, wx, a in sweep.map(scan_block, blocks, workers=workers):
        if w > worst:
            worst, worst_x = w, wx
        above += a
    return UlpScan(worst, worst_x, total, above)
