"""Argument checks shared by the kernels: each raises a clear error naming the argument."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np


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
