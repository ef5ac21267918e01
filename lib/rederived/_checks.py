"""Argument checks shared by the kernels: each raises a clear error naming the argument."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np


class ZeroDenominatorError(ValueError, ZeroDivisionError):
    """A continued fraction or matrix product whose value has a zero denominator: a ValueError
    (the input has no value), and a ZeroDivisionError for callers that catch that."""


def finite_real(value: object, name: str) -> float:
    """A finite real number (bools refused), as float."""
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value):
        raise TypeError(f"{name} must be a finite real number, got {value!r}")
    return float(value)


def positive(value: object, name: str) -> float:
    """A finite real number > 0."""
    value = finite_real(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return value


def nonnegative(value: object, name: str) -> float:
    """A finite real number >= 0."""
    value = finite_real(value, name)
    if value < 0:
        raise ValueError(f"{name} must be non-negative, got {value!r}")
    return value


def count(value: object, name: str, minimum: int = 1) -> int:
    """An int >= ``minimum`` (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


#: the most decimal digits an arbitrary-precision kernel works at (mpmath slows like dps^1.6 and
#: at 10^9 digits asks GMP for gigabytes)
MAX_DPS = 100_000


def digits(value: object, name: str, minimum: int) -> int:
    """A working precision in decimal digits: an int in [minimum, MAX_DPS]."""
    value = count(value, name, minimum)
    if value > MAX_DPS:
        raise ValueError(f"{name} must be at most {MAX_DPS} digits, got {value}")
    return value


#: the default largest allocation a kernel makes before refusing a request (bytes); override per
#: call where a kernel takes ``max_bytes``, or for the process with REDERIVED_MAX_BYTES
DEFAULT_MAX_BYTES = 2 * 2**30


def memory(nbytes: float, what: str, max_bytes: object = None) -> None:
    """Refuse, with a ValueError naming ``what``, a request estimated to need more than
    ``max_bytes`` (default :data:`DEFAULT_MAX_BYTES`, or the environment's REDERIVED_MAX_BYTES)."""
    import os

    if max_bytes is None:
        max_bytes = float(os.environ.get("REDERIVED_MAX_BYTES", DEFAULT_MAX_BYTES))
    limit = positive(max_bytes, "max_bytes")
    if not nbytes <= limit:  # NaN sizes are refused too
        raise ValueError(
            f"{what} would need about {nbytes / 2**30:.3g} GiB, more than the "
            f"{limit / 2**30:.3g} GiB allowed (pass max_bytes= or set REDERIVED_MAX_BYTES)"
        )


def real_array(value: object, name: str) -> np.ndarray:
    """A float64 copy of a real array (bool and integer dtypes converted); complex, str, object
    and other dtypes refused with a TypeError naming the argument (NumPy would drop an imaginary
    part with only a warning)."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real array, got dtype {arr.dtype}")
    return arr.astype(float)


def generator(seed: object, name: str = "seed") -> np.random.Generator:
    """A NumPy generator from an int >= 0, a SeedSequence or a Generator (used as is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, Integral) and not isinstance(seed, bool):
        if seed < 0:
            raise ValueError(f"{name} must be a non-negative int, got {seed!r}")
        return np.random.default_rng(int(seed))
    raise TypeError(f"{name} must be an int, a SeedSequence or a Generator, got {seed!r}")
