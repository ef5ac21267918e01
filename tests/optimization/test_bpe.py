"""Unit tests of rederived.optimization.bpe: worked cases checked by hand, and the two long-text
trainers against each other and against a plain-Python recount."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest

from rederived.optimization import bpe


def test_a_merge_replaces_occurrences_left_to_right_without_overlap():
    assert bpe.apply_merges("aaa", [("a", "a")]) == (("a", "a"), "a")
    assert bpe.apply_merges("aaaa", [("a", "a")]) == (("a", "a"), ("a", "a"))
    assert bpe.apply_merges("abab", [("b", "a")]) == ("a", ("b", "a"), "b")
    # a merge of tokens the text does not hold does nothing
    assert bpe.apply_merges("abc", [("c", "a")]) == ("a", "b", "c")
    assert bpe.utility("aaaaaaa", [("a", "a"), (("a", "a"), ("a", "a"))]) == 4


def test_gains_count_what_a_merge_removes():
    assert bpe.pair_gains("aaaa") == {("a", "a"): 2}
    assert bpe.pair_gains("aaab") == {("a", "a"): 1, ("a", "b"): 1}
    for text in ("abaababbba", "aaabbaabab", "cabcabca"):
        for pair, gain in bpe.pair_gains(text).items():
            assert bpe.utility(text, [pair]) == gain


def test_validity_is_the_hierarchy_of_merges():
    assert bpe.is_valid("aab", [("a", "a"), (("a", "a"), "b")])
    assert not bpe.is_valid("aab", [(("a", "a"), "b"), ("a", "a")])  # used before it is made
    assert not bpe.is_valid("aab", [("a", "c")])  # c is not a symbol of the text


def brute_force_optimum(text, m):
    """Every sequence of m merges of pairs present at each step, by enumeration."""
    best = 0
    frontier = [((), text)]
    for _ in range(m):
        nxt = []
        for seq, _ in frontier:
            state = bpe.apply_merges(text, seq)
            pairs = {(state[i], state[i + 1]) for i in range(len(state) - 1)}
            for p in pairs:
                nxt.append(((*seq, p), None))
        frontier = nxt or frontier
        for seq, _ in frontier:
            best = max(best, bpe.utility(text, seq))
    return best


@pytest.mark.parametrize("m", [1, 2, 3])
def test_the_memoised_optimum_is_the_brute_force_one(m):
    for text in ("aaabbaabab", "abcabcab", "aabaabaa", "abababbb"):
        opt = bpe.optimal_merges(text, m)
        assert opt.utility == brute_force_optimum(text, m)
        for seq in opt.sequences:
            assert bpe.is_valid(text, seq) and bpe.utility(text, seq) == opt.utility


def test_greedy_is_every_tie_break_and_never_beats_the_optimum():
    text = "AABBAACCAAAACAAAAD"
    greedy = bpe.greedy_sequences(text, 3)
    assert len({seq for seq, _ in greedy}) == len(greedy) > 1
    gains = bpe.pair_gains(text)
    for seq, value in greedy:
        assert bpe.utility(text, seq) == value <= bpe.optimal_merges(text, 3).utility
        assert gains[seq[0]] == max(gains.values())  # the first step takes a largest gain
        # and so does every later one: no single merge after the first two removes more
        rest = bpe.apply_merges(text, seq[:2])
        last = bpe.utility(text, seq) - bpe.utility(text, seq[:2])
        assert all(
            bpe.utility(text, [*seq[:2], (rest[i], rest[i + 1])]) - bpe.utility(text, seq[:2])
            <= last
            for i in range(len(rest) - 1)
        )
    assert bpe.optimal_merges(text, 3).utility == 10
    assert sorted({v for _, v in greedy}) == [9, 10]


def test_a_worked_backward_curvature():
    # x = aaabbaabab: the optimum (a,b), (a,ab) removes 5; merging (b,b), (b,a) first removes 2
    # and leaves the optimum only 0 more, so σ ≥ 1 − (2 − 5)/2 = 2.5, and that is the largest
    text = "aaabbaabab"
    opt = bpe.optimal_merges(text, 2)
    assert opt.utility == 5
    mu = [("b", "b"), ("b", "a")]
    assert bpe.utility(text, mu) == 2
    assert bpe.utility(text, [*mu, *opt.sequences[0]]) == 2
    assert bpe.curvature(text, opt, 2).tolist() == [2.5]
    # the forward order never exceeds 1
    assert bpe.curvature(text, opt, 2, order="forward").max() <= 1


def test_the_bound_and_its_limits():
    assert bpe.approximation_bound(0.0) == 1.0
    assert bpe.approximation_bound(1.0) == pytest.approx(1 - np.exp(-1), rel=1e-15)
    assert bpe.approximation_bound(2.5) == pytest.approx(0.36716600055, rel=1e-10)
    tiny = bpe.approximation_bound(np.array([1e-300, 1e-12]))
    assert np.all(tiny <= 1) and np.all(tiny > 1 - 1e-11)


def test_random_merges_are_seeded_and_present():
    a = bpe.random_merges("aaabbaabab", 3, np.random.SeedSequence(4))
    b = bpe.random_merges("aaabbaabab", 3, np.random.SeedSequence(4))
    assert a == b
    seq, value = a
    assert bpe.utility("aaabbaabab", seq) == value >= len(seq)


def test_canonical_strings_are_one_per_renaming_class():
    strings = list(bpe.canonical_strings(3, 5))
    assert len(strings) == len(set(strings))
    classes = set()
    for s in itertools.product("abc", repeat=5):
        names: dict[str, str] = {}
        for ch in s:
            if ch not in names:
                names[ch] = "abc"[len(names)]
        classes.add("".join(names[ch] for ch in s))
    assert set(strings) == classes


def recount(x, m, width):
    """Textbook BPE in plain Python, overlapping counts, ties to the smallest pair."""
    x = list(x)
    out = []
    for t in range(m):
        counts = Counter(itertools.pairwise(x))
        if not counts:
            break
        top = max(counts.values())
        a, b = min(p for p, c in counts.items() if c == top)
        y, i = [], 0
        while i < len(x):
            if i + 1 < len(x) and x[i] == a and x[i + 1] == b:
                y.append(width + t)
                i += 2
            else:
                y.append(x[i])
                i += 1
        x = y
        out.append((a, b))
    return out, x


@pytest.mark.parametrize("seed", range(6))
def test_the_trainers_agree_with_a_plain_recount(seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3 if seed % 2 else 6, size=400)  # small alphabets: long runs, many ties
    merges, final = recount(x, 40, 6)
    slow = bpe.greedy_bpe(x, 40, n_symbols=6)
    fast = bpe.heap_bpe(x, 40, n_symbols=6)
    for run in (slow, fast):
        assert run.merges.tolist() == [list(p) for p in merges]
        assert run.tokens.tolist() == final
        assert run.lengths[-1] == len(final) and np.all(np.diff(run.lengths) < 0)


def test_realisable_counts_make_each_step_remove_the_most():
    x = np.array([0, 0, 0, 1, 0, 0, 0, 1, 2, 2, 2, 2, 2])
    run = bpe.greedy_bpe(x, 1, count="realisable")
    # (2,2) occurs 4 times with overlaps but removes 2; (0,0) occurs 4 times and removes 2;
    # (0,1) and (1,0) remove 2 and 1: the tie (0,0)/(0,1)/(2,2) goes to the smallest pair
    assert run.merges.tolist() == [[0, 0]] and run.lengths.tolist() == [13, 11]
    over = bpe.greedy_bpe(x, 1)
    assert over.merges.tolist() == [[0, 0]]


def test_heap_work_does_not_grow_with_the_merges_like_recounting():
    x = bpe.zipf_text(20_000, np.random.SeedSequence(1))
    run = bpe.heap_bpe(x, 1000)
    recounted = bpe.greedy_bpe(x, 1000).work
    assert np.array_equal(run.merges, bpe.greedy_bpe(x, 1000).merges)
    # recounting scans the whole text every time; the heap touches each symbol a few times
    assert recounted[-1] > 10 * run.work[-1]
    assert run.work[-1] < 10 * x.size
    assert recounted[-1] == run.lengths[:-1].sum()


def test_a_text_of_one_token_stops_the_trainers():
    for trainer in (bpe.greedy_bpe, bpe.heap_bpe):
        run = trainer(np.array([1, 1]), 5)
        assert run.merges.tolist() == [[1, 1]] and run.tokens.tolist() == [2]
        empty = trainer(np.array([3]), 2)
        assert empty.merges.shape == (0, 2) and empty.tokens.tolist() == [3]


def test_zipf_text_is_seeded_and_shaped():
    a = bpe.zipf_text(1000, np.random.SeedSequence(2), letters=5)
    assert a.shape == (1000,) and a.min() >= 0 and a.max() <= 5
    assert np.array_equal(a, bpe.zipf_text(1000, np.random.SeedSequence(2), letters=5))
