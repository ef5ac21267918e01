"""Text-to-pattern Hamming distances: the number of mismatches of a pattern at every alignment.

For a text of length n and a pattern of length m ≤ n, ``text_to_pattern`` returns the n − m + 1
distances d_i = #{j : text[i + j] ≠ pattern[j]}, exactly, by one of three methods:

- ``"naive"``: compare every alignment, O(nm) (vectorised in blocks);
- ``"fft"``: one FFT correlation of indicator vectors per symbol of the pattern, O(σ n log m);
- ``"split"``: Abrahamson's split. Symbols occurring at least ``threshold`` times in the pattern
  are few (at most m/threshold) and go by FFT; every other symbol is matched by listing pairs of
  its occurrences, at most threshold per text position. With threshold ≈ √(m log m) both parts
  cost O(n √(m log m)).
- ``"auto"`` (the default): the same split decided symbol by symbol from measured costs. A
  symbol goes by FFT when its pairs (occurrences in the text times occurrences in the pattern)
  would cost more than one FFT correlation, and the naive count is used instead when its n·m
  comparisons cost less than the whole split. The costs are per-operation times measured for
  NumPy on one core (see ``_COST``); they only choose the method, so any choice is exact.

``approximate`` estimates all distances from a random sample of pattern positions (relative
error ε with O(1/ε²) samples), and ``operation_count`` gives each method's leading cost.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

__all__ = ["approximate", "operation_count", "text_to_pattern"]

_METHODS = ("naive", "fft", "split", "auto")
_COUNTED = ("naive", "fft", "split")  # the methods operation_count models

# Seconds per operation of each part, measured with NumPy on one core of an x86-64 machine:
# one comparison of the naive count and its fixed cost per window, one N log2 N unit of an FFT
# correlation (three real transforms of length N), one listed pair, the fixed cost of a listed
# symbol, and one n log2(σ + 1) unit of the stable sort that finds occurrences (its time grows
# with the number σ of distinct symbols more than with n). Only ratios matter.
_COST = {
    "compare": 0.65e-9,
    "window": 25e-9,
    "fft": 1.5e-9,
    "pair": 13e-9,
    "symbol": 2e-6,
    "sort": 5.5e-9,
}


def _codes(text: object, pattern: object) -> tuple[np.ndarray, np.ndarray]:
    """Both sequences as int64 codes of a shared alphabet (symbols compared exactly, whatever
    their integer dtypes: uint64 beyond 2⁶³ is not aliased onto negative int64)."""

    def as_array(seq, name):
        if isinstance(seq, str):
            if not seq:
                raise ValueError(f"{name} must be non-empty")
            return np.frombuffer(seq.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        arr = np.asarray(seq)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"{name} must be a non-empty str or 1-D integer array")
        if arr.dtype.kind not in "iub":
            raise TypeError(f"{name} must hold integers (or be a str), got dtype {arr.dtype}")
        return arr.astype(np.int64) if arr.dtype.kind == "b" else arr

    if isinstance(text, str) != isinstance(pattern, str):
        raise TypeError("text and pattern must both be str or both integer arrays")
    t, p = as_array(text, "text"), as_array(pattern, "pattern")
    if p.size > t.size:
        raise ValueError(f"the pattern ({p.size}) is longer than the text ({t.size})")
    both = [t, p]
    if t.dtype != p.dtype:
        big = [a.dtype == np.uint64 and a.max() > np.iinfo(np.int64).max for a in both]
        negative = [a.dtype.kind == "i" and a.min() < 0 for a in both]
        if not any(big):
            both = [a.astype(np.int64) for a in both]
        elif not any(negative):
            both = [a.astype(np.uint64) for a in both]
        else:  # uint64 beyond int64 against negative numbers: compare as Python integers
            both = [a.astype(object) for a in both]
    _, inverse = np.unique(np.concatenate(both), return_inverse=True)
    inverse = inverse.astype(np.int64)
    return inverse[: t.size], inverse[t.size :]


def _naive(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    n, m = t.size, p.size
    windows = np.lib.stride_tricks.sliding_window_view(t, m)
    out = np.empty(n - m + 1, dtype=np.int64)
    block = max(1, (1 << 22) // m)  # keep the comparison block near 4 MB
    for s in range(0, n - m + 1, block):
        out[s : s + block] = np.count_nonzero(windows[s : s + block] != p, axis=1)
    return out


def _fft_matches(t: np.ndarray, p: np.ndarray, symbols: np.ndarray) -> np.ndarray:
    """Matches contributed by ``symbols``, by FFT correlation of indicator vectors."""
    n, m = t.size, p.size
    size = 1 << int(np.ceil(np.log2(n + m)))
    total = np.zeros(n - m + 1)
    for a in symbols:
        ft = np.fft.rfft((t == a).astype(float), size)
        fp = np.fft.rfft((p[::-1] == a).astype(float), size)
        total += np.fft.irfft(ft * fp, size)[m - 1 : n]
    counts = np.rint(total)
    if np.max(np.abs(total - counts), initial=0.0) > 0.25:
        raise ArithmeticError("FFT rounding too large to recover exact counts")
    return counts.astype(np.int64)


def _occurrences(seq: np.ndarray, symbols: np.ndarray) -> list[np.ndarray]:
    """Positions of each symbol in ``seq``, from one stable sort (not one scan per symbol)."""
    order = np.argsort(seq, kind="stable")
    ordered = seq[order]
    starts = np.searchsorted(ordered, symbols, side="left")
    ends = np.searchsorted(ordered, symbols, side="right")
    return [order[a:b] for a, b in zip(starts, ends, strict=True)]


_PAIR_BLOCK = 1 << 22  # pairs listed at once (32 MiB of shifts), whatever n and m


def _pair_matches(t: np.ndarray, p: np.ndarray, symbols: np.ndarray) -> np.ndarray:
    """Matches contributed by ``symbols``, by listing pairs of occurrences, in blocks of at most
    :data:`_PAIR_BLOCK` pairs, so memory stays bounded when n·threshold is large."""
    n, m = t.size, p.size
    matches = np.zeros(n - m + 1, dtype=np.int64)
    if symbols.size == 0:
        return matches
    symbols = np.sort(symbols)
    pending, size = [], 0

    def flush():
        shifts = np.concatenate(pending)
        shifts = shifts[(shifts >= 0) & (shifts <= n - m)]
        matches[:] += np.bincount(shifts, minlength=n - m + 1)
        pending.clear()

    for in_text, in_pattern in zip(_occurrences(t, symbols), _occurrences(p, symbols), strict=True):
        rows = max(1, _PAIR_BLOCK // max(1, in_pattern.size))
        for start in range(0, in_text.size, rows):
            block = np.subtract.outer(in_text[start : start + rows], in_pattern).ravel()
            pending.append(block)
            size += block.size
            if size >= _PAIR_BLOCK:
                flush()
                size = 0
    if pending:
        flush()
    return matches


def text_to_pattern(
    text: object, pattern: object, method: str = "auto", *, threshold: object = None
) -> np.ndarray:
    """Hamming distance of ``pattern`` to every length-m window of ``text``, exactly.

    Parameters
    ----------
    text, pattern : str or 1-D integer array
        Sequences over any alphabet; the pattern is not longer than the text.
    method : {"auto", "naive", "fft", "split"}
    threshold : float, optional
        For ``"split"`` only (the other methods refuse it): symbols occurring at least this
        often in the pattern go by FFT (default √(m log₂ m), at least 1).

    Returns
    -------
    ndarray of int64, shape (n − m + 1,)
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(_METHODS)}, got {method!r}")
    if threshold is not None and method != "split":
        raise ValueError(f"threshold is only used by the split method, not {method!r}")
    t, p = _codes(text, pattern)
    m = p.size
    if method == "naive":
        return _naive(t, p)
    symbols, counts = np.unique(p, return_counts=True)
    if method == "fft":
        return m - _fft_matches(t, p, symbols)
    if method == "auto":
        return _auto(t, p, symbols, counts)
    if threshold is None:
        threshold = max(1.0, np.sqrt(m * np.log2(max(m, 2))))
    if isinstance(threshold, bool) or not isinstance(threshold, Real) or not threshold > 0:
        raise ValueError(f"threshold must be a positive number, got {threshold!r}")
    frequent = symbols[counts >= threshold]
    rare = symbols[counts < threshold]
    return m - _fft_matches(t, p, frequent) - _pair_matches(t, p, rare)


def _auto(t: np.ndarray, p: np.ndarray, symbols: np.ndarray, counts: np.ndarray) -> np.ndarray:
    n, m = t.size, p.size
    size = 1 << int(np.ceil(np.log2(n + m)))
    histogram = np.bincount(t, minlength=int(symbols.max()) + 1)
    in_text = histogram[symbols].astype(float)
    fft = _COST["fft"] * size * math.log2(size)
    pairs = _COST["symbol"] + _COST["pair"] * in_text * counts
    by_fft = pairs > fft
    split = np.where(by_fft, fft, pairs).sum()
    if not np.all(by_fft):
        split += _COST["sort"] * (n + m) * math.log2(histogram.size + 1)
    if (n - m + 1) * (_COST["window"] + _COST["compare"] * m) <= split:
        return _naive(t, p)
    return m - _fft_matches(t, p, symbols[by_fft]) - _pair_matches(t, p, symbols[~by_fft])


def approximate(text: object, pattern: object, samples: object, *, seed: object = 0) -> np.ndarray:
    """Estimate every distance from ``samples`` pattern positions drawn uniformly (with
    replacement): the mismatch rate at the sampled positions times m, unbiased, with relative
    standard error about √((1 − d/m)/(samples·d/m)).

    ``samples`` is any positive int (the draws are counted per position, so memory and time do
    not grow with it beyond m positions: at most one pass per distinct pattern position);
    ``seed`` anything :func:`numpy.random.default_rng` accepts. Returns floats in [0, m].
    """
    if isinstance(samples, bool) or not isinstance(samples, Integral) or samples < 1:
        raise ValueError(f"samples must be a positive int, got {samples!r}")
    if samples > np.iinfo(np.int64).max:
        raise ValueError(f"samples must be below 2**63, got {samples!r}")
    try:
        rng = np.random.default_rng(seed)
    except (TypeError, ValueError) as err:
        raise TypeError(f"seed must be a valid NumPy seed, got {seed!r}: {err}") from None
    t, p = _codes(text, pattern)
    n, m = t.size, p.size
    per_position = rng.multinomial(int(samples), np.full(m, 1 / m))
    starts = np.arange(n - m + 1)
    mismatches = np.zeros(n - m + 1)
    for j in np.flatnonzero(per_position):  # one vectorised comparison per sampled position
        mismatches += per_position[j] * (t[starts + j] != p[j])
    return np.minimum(mismatches * (m / samples), m)


def operation_count(n: object, m: object, sigma: object, method: str) -> float:
    """Leading-order operation count: n·m (naive), σ·N log₂ N with N = n + m (fft), or
    (frequent symbols)·N log₂ N + n·threshold (split, threshold √(m log₂ m), frequent symbols at
    most min(σ, m/threshold))."""
    for value, name in ((n, "n"), (m, "m"), (sigma, "sigma")):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if method not in _COUNTED:
        raise ValueError(f"method must be one of {', '.join(_COUNTED)}, got {method!r}")
    if m > n:
        raise ValueError(f"the pattern (m = {m}) is longer than the text (n = {n})")
    if max(n, m, sigma) > 2**1000:
        raise ValueError("n, m and sigma must be below 2**1000 (counts a float can hold)")
    n, m, sigma = float(n), float(m), float(sigma)  # Python floats: no overflow below 2**1000
    size = n + m
    if method == "naive":
        return n * m
    if method == "fft":
        return sigma * size * math.log2(size)
    threshold = max(1.0, math.sqrt(m * math.log2(max(m, 2.0))))
    return min(sigma, m / threshold) * size * math.log2(size) + n * threshold
