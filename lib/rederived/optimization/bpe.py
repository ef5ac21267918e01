"""Byte-pair encoding as a combinatorial optimisation problem (Zouhar et al., Findings of ACL 2023).

A *merge* joins two adjacent tokens into one. Applying a merge to a text replaces its
occurrences from left to right, an occurrence that overlaps one already replaced being skipped
(``aaa`` with the merge ``(a, a)`` becomes ``(aa) a``). A *merge sequence* is valid when each
merge joins base symbols or tokens made by earlier merges of the sequence, and its *utility* is
the number of symbols it removes, ``κ_x(μ) = |x| − |apply_μ(x)|``. BPE is greedy maximisation of
κ: each step takes the merge that removes the most symbols.

Two representations:

- **Small texts, exact** (``str`` in, nested tuples out): a base token is a one-character string
  and the token a merge makes is the pair itself, ``(left, right)``, so that two merges spelling
  the same string are different merges, as in the hierarchical formalism.
  :func:`optimal_merges` finds every optimal sequence by memoised search, :func:`greedy_sequences`
  every greedy sequence under ties, :func:`curvature` the total backward curvature, and
  :func:`approximation_bound` the guarantee ``(1 − e^{−σ})/σ`` it gives greedy. The search is
  exponential in the number of merges: meant for texts of tens of symbols and a few merges.
- **Long texts** (integer arrays): :func:`greedy_bpe` is the textbook trainer, which recounts
  every pair after every merge (``O(NM)``), and :func:`heap_bpe` keeps a linked list of tokens and
  a priority queue of pair counts and updates only the counts a merge changes (``O(N log N)`` in
  all, whatever the number of merges ``M``). Both count pairs with overlaps, as standard trainers
  do (``aaa`` has two ``(a, a)``), break ties towards the smallest pair of ids, and give merge
  ``t`` the id ``n_symbols + t``; they return the same merges. :func:`greedy_bpe` also counts
  without overlaps (``count="realisable"``), which makes each step remove the most symbols.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from rederived._checks import count as _count
from rederived._checks import generator as _generator
from rederived._checks import memory as _memory
from rederived._checks import positive as _positive
from rederived._checks import real_array as _real_array

__all__ = [
    "BPERun",
    "Optimum",
    "Survey",
    "apply_merges",
    "approximation_bound",
    "canonical_strings",
    "curvature",
    "greedy_bpe",
    "greedy_ratio",
    "greedy_sequences",
    "heap_bpe",
    "is_valid",
    "optimal_merges",
    "pair_gains",
    "random_merges",
    "spellings",
    "survey",
    "tokenizers_merges",
    "utility",
    "worst_greedy_search",
    "zipf_text",
]

#: the most merges the exact search takes (it is exponential in them)
MAX_EXACT_MERGES = 8
#: the longest text the exact search takes
MAX_EXACT_LENGTH = 64
#: the most texts (or merge sequences) one exact search visits before it refuses, with a
#: ValueError, a request that would take minutes and gigabytes
MAX_EXACT_STATES = 2_000_000


# ----------------------------------------------------------------------------------------------
# Small texts, exact
# ----------------------------------------------------------------------------------------------


class _Interner:
    """Integer ids for tokens: base characters and merged pairs (one table per text)."""

    def __init__(self) -> None:
        self.ids: dict[object, int] = {}
        self.tokens: list[object] = []

    def _add(self, key: object, token: object) -> int:
        i = self.ids.get(key)
        if i is None:
            i = self.ids[key] = len(self.tokens)
            self.tokens.append(token)
        return i

    def base(self, ch: str) -> int:
        return self._add(ch, ch)

    def pair(self, a: int, b: int) -> int:
        return self._add((a, b), (self.tokens[a], self.tokens[b]))

    def token(self, tok: object, name: str) -> int:
        if isinstance(tok, str):
            if len(tok) != 1:
                raise ValueError(f"{name}: a base token is one character, got {tok!r}")
            return self.base(tok)
        if isinstance(tok, tuple) and len(tok) == 2:
            return self.pair(self.token(tok[0], name), self.token(tok[1], name))
        raise TypeError(f"{name}: a token is a character or a pair of tokens, got {tok!r}")


def _text(text: object, name: str = "text") -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    if len(text) > MAX_EXACT_LENGTH:
        raise ValueError(f"{name} must have at most {MAX_EXACT_LENGTH} characters, got {len(text)}")
    return text


def _merge_list(merges: object, interner: _Interner, name: str = "merges") -> list[tuple[int, int]]:
    if isinstance(merges, str | bytes) or not hasattr(merges, "__iter__"):
        raise TypeError(f"{name} must be a sequence of merges (pairs of tokens), got {merges!r}")
    out = []
    for k, merge in enumerate(merges):
        if not (isinstance(merge, tuple) and len(merge) == 2):
            raise TypeError(f"{name}[{k}] must be a pair (left, right) of tokens, got {merge!r}")
        out.append((interner.token(merge[0], name), interner.token(merge[1], name)))
    return out


def _apply(state: tuple, a: int, b: int, new: int) -> tuple:
    out = []
    i, n = 0, len(state)
    while i < n:
        if i + 1 < n and state[i] == a and state[i + 1] == b:
            out.append(new)
            i += 2
        else:
            out.append(state[i])
            i += 1
    return tuple(out)


def _gains(state: tuple) -> dict[tuple[int, int], int]:
    """Symbols removed by each pair present, occurrences counted left to right without overlap."""
    gains: dict[tuple[int, int], int] = {}
    counted = None
    for i in range(len(state) - 1):
        p = (state[i], state[i + 1])
        if p == counted:  # overlaps the occurrence just counted (a run aaa…)
            counted = None
            continue
        gains[p] = gains.get(p, 0) + 1
        counted = p
    return gains


def _start(text: str) -> tuple[_Interner, tuple]:
    interner = _Interner()
    return interner, tuple(interner.base(ch) for ch in text)


def _run(state: tuple, seq, interner: _Interner) -> tuple:
    for a, b in seq:
        state = _apply(state, a, b, interner.pair(a, b))
    return state


def _nested(seq, interner: _Interner) -> tuple:
    return tuple((interner.tokens[a], interner.tokens[b]) for a, b in seq)


def apply_merges(text: str, merges) -> tuple:
    """The tokens of ``text`` after applying ``merges`` in order (a tuple of base characters and
    nested pairs). Merges need not be valid: one joining tokens absent from the text does
    nothing."""
    interner, state = _start(_text(text))
    state = _run(state, _merge_list(merges, interner), interner)
    return tuple(interner.tokens[i] for i in state)


def utility(text: str, merges) -> int:
    """κ_x(μ) = |x| − |apply_μ(x)|: the number of symbols the merges remove."""
    return len(text) - len(apply_merges(text, merges))


def is_valid(text: str, merges) -> bool:
    """Whether each merge joins base symbols of ``text`` or tokens made by earlier merges."""
    interner, state = _start(_text(text))
    seq = _merge_list(merges, interner)
    made = set(state)
    for a, b in seq:
        if a not in made or b not in made:
            return False
        made.add(interner.pair(a, b))
    return True


def pair_gains(text: str) -> dict[tuple, int]:
    """For each adjacent pair of characters of ``text``, the symbols its merge would remove
    (occurrences counted left to right without overlap: ``aaaa`` gives ``(a, a)`` 2)."""
    interner, state = _start(_text(text))
    return {(interner.tokens[a], interner.tokens[b]): g for (a, b), g in _gains(state).items()}


def _merges_arg(merges: object) -> int:
    m = _count(merges, "merges", 0)
    if m > MAX_EXACT_MERGES:
        raise ValueError(f"merges must be at most {MAX_EXACT_MERGES} for the exact search, got {m}")
    return m


@dataclass(frozen=True)
class Optimum:
    """Every optimal merge sequence of a text: ``utility`` and the ``sequences`` reaching it
    (tuples of nested-pair merges). A sequence is shorter than asked only where the text has
    collapsed to one token."""

    utility: int
    sequences: tuple


def optimal_merges(text: str, merges: int) -> Optimum:
    """Every merge sequence of at most ``merges`` merges with the largest utility, by memoised
    depth-first search over the texts the merges reach (each step tries every pair present; a
    pair absent from the text removes nothing and is never needed)."""
    interner, state = _start(_text(text))
    m = _merges_arg(merges)
    value, seqs = _optimum(state, m, interner, {})
    return Optimum(value, tuple(_nested(s, interner) for s in seqs))


def _optimum(state: tuple, r: int, interner: _Interner, memo: dict) -> tuple[int, list]:
    key = (state, r)
    hit = memo.get(key)
    if hit is not None:
        return hit
    if r == 0 or len(state) < 2:
        result = (0, [()])
    else:
        best, seqs = -1, []
        for (a, b), gain in _gains(state).items():
            value, tails = _optimum(_apply(state, a, b, interner.pair(a, b)), r - 1, interner, memo)
            value += gain
            if value > best:
                best, seqs = value, [((a, b), *t) for t in tails]
            elif value == best:
                seqs.extend(((a, b), *t) for t in tails)
        if len(seqs) > MAX_EXACT_STATES:
            raise ValueError(
                f"text and merges: more than {MAX_EXACT_STATES} optimal sequences; "
                "use a shorter text or fewer merges"
            )
        result = (best, seqs)
    memo[key] = result
    if len(memo) > MAX_EXACT_STATES:
        raise ValueError(
            f"text and merges: the exact search visits more than {MAX_EXACT_STATES} states; "
            "use a shorter text or fewer merges"
        )
    return result


def greedy_sequences(text: str, merges: int) -> tuple[tuple[tuple, int], ...]:
    """Every sequence greedy BPE can produce under ties, with its utility: each step takes a pair
    that removes the most symbols (counted without overlaps)."""
    interner, state = _start(_text(text))
    m = _merges_arg(merges)
    out = []

    def walk(state: tuple, seq: tuple, removed: int) -> None:
        if len(seq) == m or len(state) < 2:
            out.append((_nested(seq, interner), removed))
            if len(out) > MAX_EXACT_STATES:
                raise ValueError(
                    f"text and merges: more than {MAX_EXACT_STATES} greedy sequences (ties); "
                    "use a shorter text or fewer merges"
                )
            return
        gains = _gains(state)
        top = max(gains.values())
        for (a, b), gain in gains.items():
            if gain == top:
                walk(_apply(state, a, b, interner.pair(a, b)), (*seq, (a, b)), removed + gain)

    walk(state, (), 0)
    return tuple(out)


def random_merges(text: str, merges: int, seed) -> tuple[tuple, int]:
    """A merge sequence drawn step by step uniformly among the pairs present (each merge removes
    at least one symbol), with its utility; ``seed`` an int, SeedSequence or Generator."""
    interner, state = _start(_text(text))
    m = _merges_arg(merges)
    rng = _generator(seed)
    seq, removed = [], 0
    for _ in range(m):
        if len(state) < 2:
            break
        gains = _gains(state)
        pairs = sorted(gains)
        a, b = pairs[int(rng.integers(len(pairs)))]
        removed += gains[a, b]
        state = _apply(state, a, b, interner.pair(a, b))
        seq.append((a, b))
    return _nested(seq, interner), removed


def curvature(
    text: str, sequences, merges: int, *, order: str = "backward", lengths: str = "exact"
) -> np.ndarray:
    """The total curvature of the utility with respect to each merge sequence μ* in
    ``sequences`` (an iterable of sequences of nested-pair merges, such as
    :attr:`Optimum.sequences`): the largest, over every sequence μ of ``merges`` merges each
    removing at least one symbol, of ``1 − (κ(μ ⊕ μ*) − κ(μ*)) / κ(μ)``, where ``μ ⊕ μ*`` is the
    merges of μ followed by those of μ* (``order="backward"``, the paper's total backward
    curvature) or those of μ* followed by those of μ (``order="forward"``).

    ``lengths="exact"`` takes μ of exactly ``merges`` merges, as the authors' estimation scripts
    do; ``"up-to"`` takes every length from 1 to ``merges``, which is what the textbook proof of
    the greedy guarantee applies the curvature to (greedy's prefixes).

    Taking μ = μ* gives 1, so both curvatures are at least 1 when μ* has ``merges`` merges; the
    backward one can exceed 1, because merging first can destroy pairs that μ* needs, while the
    forward one cannot, since merges applied after μ* remove symbols or nothing. Returns one
    value per sequence (an array of shape ``(k,)``)."""
    interner, start = _start(_text(text))
    m = _merges_arg(merges)
    if m == 0:
        raise ValueError("merges must be at least 1 for a curvature")
    if order not in ("backward", "forward"):
        raise ValueError(f"order must be 'backward' or 'forward', got {order!r}")
    if lengths not in ("exact", "up-to"):
        raise ValueError(f"lengths must be 'exact' or 'up-to', got {lengths!r}")
    if isinstance(sequences, Optimum):
        sequences = sequences.sequences
    if isinstance(sequences, str | bytes) or not hasattr(sequences, "__iter__"):
        raise TypeError(f"sequences must be an iterable of merge sequences, got {sequences!r}")
    stars = [_merge_list(s, interner, "sequences") for s in sequences]
    if not stars:
        raise ValueError("sequences must hold at least one merge sequence")
    after = [_run(start, s, interner) for s in stars]
    base = np.array([len(start) - len(a) for a in after], dtype=float)
    if len(start) < 2:
        raise ValueError("text has no adjacent pair: its curvature is undefined")
    if np.any(base <= 0):
        raise ValueError("sequences: every sequence must remove at least one symbol")
    return _curvatures(start, stars, m, interner, ((order, lengths),))[0]


def _curvatures(start: tuple, stars: list, m: int, interner: _Interner, kinds) -> list:
    """The curvatures of each (order, lengths) in ``kinds`` for the validated sequences
    ``stars``, from one enumeration of the sequences μ."""
    after = [_run(start, s, interner) for s in stars]
    base = np.array([len(start) - len(a) for a in after], dtype=float)
    sigmas = [np.full(len(stars), -np.inf) for _ in kinds]
    visited = 0

    def walk(state: tuple, seq: tuple, r: int, removed: int) -> None:
        nonlocal visited
        visited += len(stars)
        if visited > MAX_EXACT_STATES:
            raise ValueError(
                f"text and merges: more than {MAX_EXACT_STATES} pairs of sequences to try; "
                "use a shorter text or fewer merges"
            )
        leaf = r == 0 or len(state) < 2
        if seq:
            joined = {}
            for k, (order, lengths) in enumerate(kinds):
                if not (leaf or lengths == "up-to"):
                    continue
                if order not in joined:
                    if order == "backward":
                        ends = [_run(state, s, interner) for s in stars]
                    else:
                        ends = [_run(a, seq, interner) for a in after]
                    joined[order] = np.array([len(start) - len(e) for e in ends])
                sigmas[k] = np.maximum(sigmas[k], 1.0 - (joined[order] - base) / removed)
        if leaf:
            return
        for (a, b), gain in _gains(state).items():
            walk(_apply(state, a, b, interner.pair(a, b)), (*seq, (a, b)), r - 1, removed + gain)

    walk(start, (), m, 0)
    return sigmas


def approximation_bound(sigma) -> np.ndarray | float:
    """The greedy guarantee ``(1 − e^{−σ})/σ`` for a total backward curvature σ > 0 (1 at σ → 0,
    computed stably there); an array for an array."""
    if isinstance(sigma, int) and not isinstance(sigma, bool):
        sigma = float(sigma)  # a Python int beyond int64 would be an object array
    arr = _real_array(sigma, "sigma")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError("sigma must be finite and non-negative")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(arr > 0, -np.expm1(-arr) / np.where(arr > 0, arr, 1.0), 1.0)
    return float(out) if out.ndim == 0 else out


def canonical_strings(alphabet_size: int, length: int):
    """Every string of ``length`` over the first ``alphabet_size`` letters, one per class under
    renaming of the letters (letters first appear in alphabetical order): the utility, greedy and
    optimal sequences of the others follow by renaming."""
    k = _count(alphabet_size, "alphabet_size", 1)
    n = _count(length, "length", 1)
    if k > 26:
        raise ValueError(f"alphabet_size must be at most 26, got {k}")
    if n > MAX_EXACT_LENGTH:
        raise ValueError(f"length must be at most {MAX_EXACT_LENGTH}, got {n}")
    letters = "abcdefghijklmnopqrstuvwxyz"[:k]

    def grow(prefix: str, used: int):
        if len(prefix) == n:
            yield prefix
            return
        for j in range(min(used + 1, k)):
            yield from grow(prefix + letters[j], max(used, j + 1))

    yield from grow("", 0)


@dataclass(frozen=True)
class Survey:
    """Every string of a family (:func:`canonical_strings`) with at least one pair, analysed:
    ``strings``; ``optimum`` (κ of the optimal sequences); ``greedy`` (the smallest κ over
    greedy tie-breaks); ``backward`` and ``forward`` (the smallest curvature of each order over
    the optimal sequences, the most favourable μ*, with μ of exactly ``merges`` merges);
    ``pessimistic`` (the largest backward curvature over the optimal sequences, which bounds
    the authors' estimate from one arbitrary μ*); ``prefixes`` and ``prefixes_pessimistic``
    (the smallest and the largest backward curvature over the optimal sequences with μ of 1 to
    ``merges`` merges, ``lengths="up-to"``); ``random`` (draws × strings: κ of a random merge
    order, each step uniform among the pairs present); ``star`` (per string, the optimal
    sequence of smallest backward curvature) and ``worst`` (per string, a greedy sequence of
    smallest κ)."""

    strings: tuple[str, ...]
    optimum: np.ndarray
    greedy: np.ndarray
    backward: np.ndarray
    forward: np.ndarray
    random: np.ndarray
    pessimistic: np.ndarray
    prefixes: np.ndarray
    prefixes_pessimistic: np.ndarray
    star: tuple
    worst: tuple


def survey(alphabet_size: int, length: int, merges: int, seed, draws: int = 5) -> Survey:
    """Analyse every string of ``length`` over ``alphabet_size`` letters (one per renaming
    class) with ``merges`` merges; the random orders come from ``draws`` generators spawned from
    ``seed`` (an int or SeedSequence), each used for all strings in turn. Exhaustive: the cost
    grows like ``alphabet_size**length`` times the number of merge sequences."""
    m = _merges_arg(merges)
    if m == 0:
        raise ValueError("merges must be at least 1 for a survey")
    k = _count(draws, "draws", 1)
    if isinstance(seed, np.random.Generator) or seed is None:
        raise TypeError("seed must be an int or a SeedSequence (the draws are spawned from it)")
    base = seed if isinstance(seed, np.random.SeedSequence) else None
    if base is None:
        base = np.random.SeedSequence(_count(seed, "seed", 0))
    if _count(alphabet_size, "alphabet_size", 1) ** _count(length, "length", 1) > 10**6:
        raise ValueError("alphabet_size ** length must be at most 10**6 for an exhaustive survey")
    rngs = [np.random.default_rng(s) for s in base.spawn(k)]
    strings, rows, rand, stars, worsts = [], [], [], [], []
    for text in canonical_strings(alphabet_size, length):
        if len(text) < 2:
            continue
        opt = optimal_merges(text, m)
        strings.append(text)
        interner, start = _start(text)
        stars_ids = [_merge_list(q, interner) for q in opt.sequences]
        backward, forward, prefixes = _curvatures(
            start,
            stars_ids,
            m,
            interner,
            (("backward", "exact"), ("forward", "exact"), ("backward", "up-to")),
        )
        worst_seq, worst_value = min(greedy_sequences(text, m), key=lambda g: g[1])
        stars.append(opt.sequences[int(np.argmin(backward))])
        worsts.append(worst_seq)
        rows.append(
            (
                opt.utility,
                worst_value,
                backward.min(),
                forward.min(),
                backward.max(),
                prefixes.min(),
                prefixes.max(),
            )
        )
        rand.append([random_merges(text, m, rng)[1] for rng in rngs])
    if not rows:
        raise ValueError("length must be at least 2 for a survey")
    cols = np.array(rows, dtype=float).T
    random = np.array(rand, dtype=float).T
    return Survey(tuple(strings), *cols[:4], random, *cols[4:], tuple(stars), tuple(worsts))


def greedy_ratio(text: str, merges: int) -> float:
    """Greedy's utility at its worst tie-break over the optimal utility, in (0, 1]."""
    opt = optimal_merges(text, merges)
    if opt.utility == 0:
        raise ValueError("text must have an adjacent pair and merges must be at least 1")
    return min(v for _, v in greedy_sequences(text, merges)) / opt.utility


def worst_greedy_search(
    length: int, merges: int, seed, *, steps: int = 100, alphabet_size: int = 3
) -> tuple[float, str]:
    """Hill climbing for a string on which greedy does badly: from a random string of
    ``length`` over ``alphabet_size`` letters, change one symbol at a time and keep the change
    when :func:`greedy_ratio` does not rise; ``steps`` changes. Returns the last ratio and its
    string. A local search: it finds bad strings, not the worst one."""
    n = _count(length, "length", 2)
    k = _count(alphabet_size, "alphabet_size", 1)
    if k > 26:
        raise ValueError(f"alphabet_size must be at most 26, got {k}")
    _count(steps, "steps", 0)
    rng = _generator(seed)
    letters = list("abcdefghijklmnopqrstuvwxyz"[:k])
    text = "".join(rng.choice(letters, n))
    ratio = greedy_ratio(text, merges)
    for _ in range(steps):
        i = int(rng.integers(n))
        candidate = text[:i] + str(rng.choice(letters)) + text[i + 1 :]
        r = greedy_ratio(candidate, merges)
        if r <= ratio:
            text, ratio = candidate, r
    return ratio, text


# ----------------------------------------------------------------------------------------------
# Long texts
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BPERun:
    """A trained BPE: ``merges`` (k × 2 ids, merge t making id ``n_symbols + t``), ``lengths``
    (the text's length before each merge and after the last, k + 1 values), ``tokens`` (the
    final text) and ``work``: the cumulative elementary steps after each merge (for
    :func:`greedy_bpe` the symbols scanned, for :func:`heap_bpe` the pair-count updates and
    priority-queue operations); ``n_symbols``, the number of base symbols the ids start from."""

    merges: np.ndarray
    lengths: np.ndarray
    tokens: np.ndarray
    work: np.ndarray
    n_symbols: int


def _ids(ids: object, n_symbols: object, merges: object) -> tuple[np.ndarray, int, int]:
    arr = np.asarray(ids)
    if arr.dtype.kind not in "iu" or arr.ndim != 1:
        raise TypeError(f"ids must be a 1-d integer array, got {arr.dtype} with {arr.ndim} dims")
    m = _count(merges, "merges", 0)
    if arr.size and arr.min() < 0:
        raise ValueError("ids must be non-negative")
    top = int(arr.max()) + 1 if arr.size else 0
    n = top if n_symbols is None else _count(n_symbols, "n_symbols", 1)
    if arr.size and top > n:
        raise ValueError(f"ids must be below n_symbols = {n}, got {top - 1}")
    if (n + m) ** 2 >= 2**62:
        raise ValueError("n_symbols + merges is too large for 64-bit pair codes")
    return arr.astype(np.int64), n, m


def greedy_bpe(
    ids, merges: int, *, n_symbols: int | None = None, count: str = "overlapping", max_bytes=None
) -> BPERun:
    """Textbook BPE: ``merges`` times, count every adjacent pair of the whole text and merge the
    most frequent (ties: the smallest pair of ids), ``O(NM)``. ``count="overlapping"`` counts
    every adjacent occurrence (``aaa`` has two ``(a, a)``); ``"realisable"`` counts those a left-to-
    right merge replaces, so each step removes the most symbols. Stops early if the text is one
    token. ``ids`` are non-negative ints below ``n_symbols`` (default: their maximum + 1)."""
    x, n, m = _ids(ids, n_symbols, merges)
    if count not in ("overlapping", "realisable"):
        raise ValueError(f"count must be 'overlapping' or 'realisable', got {count!r}")
    _memory(x.size * 8 * 8.0, "greedy_bpe", max_bytes)
    width = n + m
    merged = np.empty((min(m, max(x.size - 1, 0)), 2), dtype=np.int64)
    lengths = [x.size]
    for t in range(m):
        if x.size < 2:
            merged = merged[:t]
            break
        codes = x[:-1] * width + x[1:]
        # a run of k ≥ 2 equal symbols has overlapping (s, s) pairs: a left-to-right merge takes
        # the 1st, 3rd, … of them
        chain = np.zeros(codes.size, dtype=bool)
        chain[1:] = (x[:-2] == x[1:-1]) & (x[1:-1] == x[2:])
        idx = np.arange(codes.size)
        first = np.maximum.accumulate(np.where(chain, 0, idx))
        taken = (idx - first) % 2 == 0
        uniq, counts = np.unique(
            codes if count == "overlapping" else codes[taken], return_counts=True
        )
        code = uniq[np.argmax(counts)]  # the first maximum: the smallest code
        a, b = divmod(int(code), width)
        at = np.flatnonzero((codes == code) & taken)
        x = x.copy()
        x[at] = n + t
        keep = np.ones(x.size, dtype=bool)
        keep[at + 1] = False
        x = x[keep]
        merged[t] = a, b
        lengths.append(x.size)
    lengths = np.array(lengths, dtype=np.int64)
    return BPERun(merged, lengths, x, np.cumsum(lengths[:-1]), n)


def heap_bpe(ids, merges: int, *, n_symbols: int | None = None, max_bytes=None) -> BPERun:
    """BPE with a doubly linked list of tokens, the positions of every pair, and a priority queue
    of pair counts (lazy: an entry whose count is stale is dropped when it surfaces). A merge
    visits only its own occurrences, left to right, and updates the counts of the pairs beside
    them, so all merges together touch each symbol a bounded number of times: ``O(N log N)``
    however many merges. Counts overlapping pairs and breaks ties as :func:`greedy_bpe` with
    ``count="overlapping"``, and returns the same merges."""
    x, n, m = _ids(ids, n_symbols, merges)
    _memory(x.size * 400.0, "heap_bpe (Python lists and sets)", max_bytes)
    size = x.size
    sym = x.tolist()
    prv = list(range(-1, size - 1))
    nxt = list(range(1, size + 1))
    if size:
        nxt[-1] = -1
    pos: dict[tuple[int, int], set[int]] = {}
    for i in range(size - 1):
        pos.setdefault((sym[i], sym[i + 1]), set()).add(i)
    heap = [(-len(s), a, b) for (a, b), s in pos.items()]
    heapq.heapify(heap)
    steps = len(heap)
    rows = min(m, max(size - 1, 0))  # each merge removes a symbol
    work = np.zeros(rows, dtype=np.int64)
    merged = np.empty((rows, 2), dtype=np.int64)
    lengths = [size]
    length = size

    for t in range(m):
        while heap:
            negc, a, b = heap[0]
            s = pos.get((a, b))
            if s and len(s) == -negc:
                break
            heapq.heappop(heap)
            steps += 1
        else:
            merged, work = merged[:t], work[:t]
            break
        new = n + t
        touched = set()
        for i in sorted(pos.pop((a, b))):
            j = nxt[i]
            if sym[i] != a or j < 0 or sym[j] != b:  # consumed by the occurrence before it
                continue
            p, q = prv[i], nxt[j]
            if p >= 0:
                old = (sym[p], a)
                if old in pos:
                    pos[old].discard(p)
                    touched.add(old)
                pos.setdefault((sym[p], new), set()).add(p)
                touched.add((sym[p], new))
                steps += 2
            if q >= 0:
                old = (b, sym[q])
                if old in pos:
                    pos[old].discard(j)
                    touched.add(old)
                pos.setdefault((new, sym[q]), set()).add(i)
                touched.add((new, sym[q]))
                steps += 2
            sym[i], sym[j] = new, -1
            nxt[i] = q
            if q >= 0:
                prv[q] = i
            length -= 1
        for pair in touched:
            s = pos.get(pair)
            if s:
                heapq.heappush(heap, (-len(s), *pair))
                steps += 1
            elif s is not None:
                del pos[pair]
        merged[t] = a, b
        lengths.append(length)
        work[t] = steps
    tokens = []
    i = 0 if size else -1
    while i >= 0:
        tokens.append(sym[i])
        i = nxt[i]
    return BPERun(
        merged, np.array(lengths, dtype=np.int64), np.array(tokens, dtype=np.int64), work, n
    )


def zipf_text(
    length: int, seed, *, words: int = 2000, exponent: float = 1.1, letters: int = 26
) -> np.ndarray:
    """A synthetic text of ``length`` symbol ids: words drawn with Zipf frequencies
    (∝ rank^−exponent) from a random vocabulary of ``words`` words of 2–9 letters (ids
    ``0..letters−1``), each followed by a separator (id ``letters``)."""
    size = _count(length, "length", 1)
    w = _count(words, "words", 1)
    k = _count(letters, "letters", 1)
    s = _positive(exponent, "exponent")
    _memory(size * 24.0 + w * 200.0, "zipf_text")
    rng = _generator(seed)
    lens = rng.integers(2, 10, size=w)
    vocab = [rng.integers(0, k, size=int(L)) for L in lens]
    p = np.arange(1, w + 1, dtype=float) ** -s
    p /= p.sum()
    need = size // 3 + 2  # words are at least 3 symbols with the separator
    picks = rng.choice(w, size=need, p=p)
    pieces = [np.append(vocab[i], k) for i in picks]
    return np.concatenate(pieces)[:size].astype(np.int64)


def spellings(run: BPERun) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The merges of ``run`` spelt out: each as the pair of its two tokens' base-symbol ids
    (tuples of ids below ``run.n_symbols``), the form in which string-based trainers record
    merges."""
    if not isinstance(run, BPERun):
        raise TypeError(f"run must be a BPERun, got {type(run).__name__}")
    n = run.n_symbols
    spelt: dict[int, tuple[int, ...]] = {}
    out = []
    for t, (a, b) in enumerate(run.merges.tolist()):
        left, right = spelt.get(a, (a,)), spelt.get(b, (b,))
        spelt[n + t] = left + right
        out.append((left, right))
    return out


def tokenizers_merges(ids, merges: int, *, n_symbols: int | None = None):
    """The merges Hugging Face's ``tokenizers`` BPE trainer learns on the same text, spelt as in
    :func:`spellings`: the text is one word of characters (symbol ``i`` is the character
    ``U+E000 + i``), with no pre-tokenisation, normalisation or special tokens, and
    ``n_symbols + merges`` tokens. Needs the ``tokenizers`` package (imported here only).

    Why its merges should be :func:`heap_bpe`'s, in the same order: it counts overlapping
    pairs, breaks ties towards the smallest pair of ids, and its alphabet, sorted by code point,
    gives symbol ``i`` the id ``i``, as here. One condition is not guaranteed: it keys tokens by
    their string, so two merges that spell the same string would share an id there and not
    here (none was met on the texts tried)."""
    import json

    x, n, m = _ids(ids, n_symbols, merges)
    if n > 6400:
        raise ValueError(
            f"n_symbols must be at most 6400 (one private-use character each), got {n}"
        )
    try:
        from tokenizers import Tokenizer, models, trainers
    except ImportError as missing:  # pragma: no cover - a dependency of the book
        raise ImportError("tokenizers_merges needs the tokenizers package") from missing
    chars = [chr(0xE000 + i) for i in range(n)]
    back = {c: i for i, c in enumerate(chars)}
    tokenizer = Tokenizer(models.BPE())
    trainer = trainers.BpeTrainer(
        vocab_size=n + m, initial_alphabet=chars, limit_alphabet=n, show_progress=False
    )
    tokenizer.train_from_iterator(["".join(chars[i] for i in x.tolist())], trainer=trainer)
    learned = json.loads(tokenizer.to_str())["model"]["merges"]
    out = []
    for pair in learned:
        left, right = pair if isinstance(pair, list) else pair.split(" ")
        out.append((tuple(back[c] for c in left), tuple(back[c] for c in right)))
    return out
