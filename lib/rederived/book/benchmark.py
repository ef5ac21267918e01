"""Timing helpers for the book's cost measurements: best-of-n wall time and log–log slopes; and
the jackknife standard error the chapters put on fitted exponents.

Speed is reported as ratios of times measured in the same run, never as absolute numbers to
compare across machines; exponents come from least-squares slopes on log–log axes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from numbers import Real

import numpy as np

__all__ = ["best_time", "best_times", "jackknife_se", "loglog_slope"]


def best_time(
    fn: Callable[[], object], *, repeat: int = 5, number: int = 1, clock: str = "wall"
) -> float:
    """Smallest time, in seconds per call, of ``repeat`` rounds of ``number`` calls.

    The minimum is the least noisy estimate of the cost of the code itself: everything else on
    the machine can only add time. One untimed call first warms caches and lazy set-up.
    ``clock="cpu"`` measures the processor time of this process instead of wall time, which
    other processes competing for the cores (a parallel test run) do not inflate.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    if clock not in ("wall", "cpu"):
        raise ValueError(f"clock must be 'wall' or 'cpu', got {clock!r}")
    timer = time.perf_counter if clock == "wall" else time.process_time
    for name, value in (("repeat", repeat), ("number", number)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    fn()
    best = np.inf
    for _ in range(repeat):
        start = timer()
        for _ in range(number):
            fn()
        best = min(best, (timer() - start) / number)
    return float(best)


def best_times(
    fns: Mapping[object, Callable[[], object]],
    *,
    repeat: int = 5,
    number: int = 1,
    clock: str = "wall",
    warm_below: float | None = None,
    results: dict | None = None,
) -> dict:
    """:func:`best_time` of several functions with their repeats *interleaved*: round after
    round, each function is timed once (in an order that rotates from round to round), and each
    keeps its smallest time. A burst of load on the machine then slows one round of every
    function instead of all the rounds of one, so ratios and slopes between them stay put.
    Each timing follows an untimed call of the same function, so that it finds its data in
    the caches as a repeated call would (small sizes would otherwise pay most). With
    ``warm_below`` (seconds), that untimed call is made in the first round and afterwards only
    while the function's best time so far is below it: a call that long no longer depends on
    what the caches held, and the untimed calls would double the cost of timing it.

    With ``results`` (a dict), the return value of each function's untimed call in the first
    round is stored under its key, so that a caller needing the results makes no extra call.
    """
    if not isinstance(fns, Mapping) or not fns:
        raise TypeError("fns must be a non-empty mapping of key -> callable")
    for key, fn in fns.items():
        if not callable(fn):
            raise TypeError(f"fns[{key!r}] must be callable, got {type(fn).__name__}")
    if clock not in ("wall", "cpu"):
        raise ValueError(f"clock must be 'wall' or 'cpu', got {clock!r}")
    for name, value in (("repeat", repeat), ("number", number)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    timer = time.perf_counter if clock == "wall" else time.process_time
    keys = list(fns)
    best = dict.fromkeys(keys, np.inf)
    if warm_below is not None and (
        isinstance(warm_below, bool) or not (isinstance(warm_below, Real) and warm_below >= 0)
    ):
        raise ValueError(f"warm_below must be a non-negative number of seconds, got {warm_below!r}")
    if results is not None and not isinstance(results, dict):
        raise TypeError(f"results must be a dict, got {type(results).__name__}")
    for r in range(repeat):
        for key in keys[r % len(keys) :] + keys[: r % len(keys)]:
            if warm_below is None or r == 0 or best[key] < warm_below:
                value = fns[key]()
                if r == 0 and results is not None:
                    results[key] = (
                        value  # untimed: the data of the function timed before it leave the caches
                    )
            start = timer()
            for _ in range(number):
                fns[key]()
            best[key] = min(best[key], (timer() - start) / number)
    return {key: float(best[key]) for key in keys}


def loglog_slope(x: object, y: object) -> float:
    """Least-squares slope of log y against log x: the exponent p of y ≈ c·x^p.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Positive, finite, n >= 2, with at least two distinct x.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D of equal length, got {x.shape} and {y.shape}")
    if x.size < 2 or np.unique(x).size < 2:
        raise ValueError("x needs at least two distinct values")
    for name, v in (("x", x), ("y", y)):
        if not np.all(np.isfinite(v)) or np.any(v <= 0):
            raise ValueError(f"{name} must be positive and finite")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def jackknife_se(leave_one_out: object) -> float:
    """Jackknife standard error of an estimate from its values with each of n groups left out
    in turn: √((n − 1)/n · Σ (θ₍ᵢ₎ − θ̄)²).

    Parameters
    ----------
    leave_one_out : array_like, shape (n,)
        Finite values, n ≥ 2.
    """
    values = np.asarray(leave_one_out, dtype=float)
    if values.ndim != 1 or values.size < 2:
        raise ValueError(
            f"leave_one_out must be 1-D with at least 2 values, got shape {values.shape}"
        )
    if not np.all(np.isfinite(values)):
        raise ValueError("leave_one_out must be finite")
    n = values.size
    return float(np.sqrt((n - 1) / n * np.sum((values - values.mean()) ** 2)))
