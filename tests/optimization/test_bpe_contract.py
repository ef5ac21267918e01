"""Contract of rederived.optimization.bpe, on its whole domain (Hypothesis).

Domain: texts of at most 64 characters and at most 8 merges for the exact search (the tests
draw up to 12 characters and 3 merges, where it is fast); integer arrays of non-negative ids for
the trainers. Results: utilities in [0, |x| − 1], optima no smaller than any greedy or random
sequence, greedy within the curvature guarantee of the optimum, forward curvatures at most 1,
guarantees in (0, 1], trainers that agree with each other and whose merges expand the final
tokens back into the input; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.optimization.bpe import (
    BPERun,
    Optimum,
    Survey,
    apply_merges,
    approximation_bound,
    canonical_strings,
    curvature,
    greedy_bpe,
    greedy_ratio,
    greedy_sequences,
    heap_bpe,
    is_valid,
    optimal_merges,
    pair_gains,
    random_merges,
    spellings,
    survey,
    tokenizers_merges,
    utility,
    worst_greedy_search,
    zipf_text,
)

COVERS = (
    "BPERun",
    "Optimum",
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
    "Survey",
    "tokenizers_merges",
    "utility",
    "worst_greedy_search",
    "zipf_text",
)

texts = st.text(alphabet="abc", min_size=2, max_size=12)


@settings(deadline=None, max_examples=120)
@given(texts, st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_optimum_greedy_random_and_the_guarantee(text, m, seed):
    opt = optimal_merges(text, m)
    assert isinstance(opt, Optimum) and 1 <= opt.utility <= len(text) - 1
    for seq in opt.sequences:
        assert is_valid(text, seq) and utility(text, seq) == opt.utility
        assert len(apply_merges(text, seq)) == len(text) - opt.utility
    greedy = greedy_sequences(text, m)
    worst = min(value for _, value in greedy)
    seq, value = random_merges(text, m, seed)
    assert is_valid(text, seq) and 1 <= value <= opt.utility
    sigma = curvature(text, opt, m)
    assert sigma.shape == (len(opt.sequences),) and np.all(np.isfinite(sigma))
    # the guarantee is a theorem for σ over every length up to M (curvature, then diminishing
    # returns, which BPE's objective has), with any optimal sequence
    prefixes = curvature(text, opt, m, lengths="up-to")
    assert np.all(prefixes >= sigma - 1e-12)
    # with every optimal sequence, the most favourable (smallest σ) giving the strongest check
    assert worst >= approximation_bound(float(prefixes.min())) * opt.utility - 1e-12
    forward = curvature(text, opt.sequences, m, order="forward")
    assert np.all(forward <= 1)
    gains = pair_gains(text)
    assert max(gains.values()) == max(utility(text, [p]) for p in gains)


@settings(deadline=None, max_examples=200)
@given(st.one_of(st.floats(0, 1e300), st.integers(0, 10**6)))
def test_the_guarantee_is_a_fraction_decreasing_in_sigma(sigma):
    b = approximation_bound(sigma)
    assert 0 < b <= 1
    assert approximation_bound(float(sigma) * 2 + 1) <= b


@pytest.mark.parametrize("bad", [np.nan, np.inf, -1.0, "1", np.array([1 + 1j])])
def test_the_guarantee_refuses_bad_sigma(bad):
    with pytest.raises((ValueError, TypeError), match="sigma"):
        approximation_bound(bad)


ids_arrays = st.lists(st.integers(0, 4), min_size=0, max_size=300).map(np.array)


@settings(deadline=None, max_examples=150)
@given(ids_arrays, st.integers(0, 60))
def test_the_trainers_agree_and_their_merges_expand_back(x, m):
    x = x.astype(np.int64)
    slow, fast = greedy_bpe(x, m, n_symbols=5), heap_bpe(x, m, n_symbols=5)
    assert isinstance(slow, BPERun) and isinstance(fast, BPERun)
    assert np.array_equal(slow.merges, fast.merges)
    assert np.array_equal(slow.tokens, fast.tokens) and np.array_equal(slow.lengths, fast.lengths)
    assert slow.lengths[0] == x.size and np.all(np.diff(slow.lengths) < 0)
    assert np.all(np.diff(fast.work) > 0) and np.all(np.diff(slow.work) > 0)
    expand = {}
    for t, (a, b) in enumerate(slow.merges.tolist()):
        expand[5 + t] = expand.get(a, [a]) + expand.get(b, [b])
    back = [s for tok in slow.tokens.tolist() for s in expand.get(tok, [tok])]
    assert back == x.tolist()
    realisable = greedy_bpe(x, m, n_symbols=5, count="realisable")
    # counting without overlaps makes the first merge remove the most symbols
    if m >= 1 and x.size >= 2:
        assert realisable.lengths[1] <= slow.lengths[1]


@pytest.mark.parametrize(
    ("args", "kwargs", "name"),
    [
        (([0.5, 1.5], 2), {}, "ids"),
        ((np.zeros((2, 2), int), 2), {}, "ids"),
        ((np.array([-1, 0]), 2), {}, "ids"),
        ((np.array([0, 7]), 2), {"n_symbols": 3}, "ids"),
        ((np.array([0, 1]), -1), {}, "merges"),
        ((np.array([0, 1]), 1.5), {}, "merges"),
        ((np.array([0, 1]), 2), {"n_symbols": 0}, "n_symbols"),
        ((np.array([0, 1]), 2**40), {}, "n_symbols"),
    ],
)
def test_the_trainers_refuse_bad_input(args, kwargs, name):
    for trainer in (greedy_bpe, heap_bpe):
        with pytest.raises((ValueError, TypeError), match=name):
            trainer(*args, **kwargs)
    with pytest.raises(ValueError, match="count"):
        greedy_bpe(np.array([0, 1]), 1, count="both")


def test_the_trainers_refuse_an_allocation_beyond_the_limit():
    with pytest.raises(ValueError, match="GiB"):
        heap_bpe(np.zeros(1000, int), 1, max_bytes=1000)
    # a billion merges asked of a two-symbol text: at most one can happen, nothing is allocated
    for trainer in (greedy_bpe, heap_bpe):
        assert trainer(np.array([0, 1]), 10**9).merges.shape == (1, 2)


def test_the_exact_search_refuses_bad_input():
    with pytest.raises(TypeError, match="text"):
        optimal_merges(b"ab", 1)
    with pytest.raises(ValueError, match="text"):
        utility("a" * 65, [])
    with pytest.raises(ValueError, match="merges"):
        greedy_sequences("abab", 9)
    with pytest.raises(TypeError, match="merges"):
        apply_merges("abab", "ab")
    with pytest.raises(TypeError, match="merges"):
        is_valid("abab", [("a", "b", "c")])
    with pytest.raises(ValueError, match="merges"):
        apply_merges("abab", [("ab", "a")])
    with pytest.raises(ValueError, match="order"):
        curvature("abab", [[("a", "b")]], 1, order="sideways")
    with pytest.raises(ValueError, match="lengths"):
        curvature("abab", [[("a", "b")]], 1, lengths="some")
    with pytest.raises(ValueError, match="sequences"):
        curvature("abab", [[("c", "d")]], 1)
    with pytest.raises(ValueError, match="sequences"):
        curvature("abab", [], 1)
    with pytest.raises(ValueError, match="merges"):
        curvature("abab", [[("a", "b")]], 0)
    with pytest.raises(TypeError, match="seed"):
        random_merges("abab", 1, "seed")
    with pytest.raises(ValueError, match="text"):
        curvature("a", [[("a", "a")]], 1)


@settings(deadline=None, max_examples=30)
@given(st.integers(1, 3), st.integers(1, 7))
def test_canonical_strings_count_the_renaming_classes(k, n):
    strings = list(canonical_strings(k, n))
    assert len(strings) == len(set(strings))
    # classes of strings with at most k letters: sum of Stirling numbers S(n, j), j <= k
    from sympy.functions.combinatorial.numbers import stirling

    assert len(strings) == sum(stirling(n, j) for j in range(1, k + 1))
    with pytest.raises(ValueError, match="alphabet_size"):
        next(canonical_strings(27, 2))
    with pytest.raises(ValueError, match="length"):
        next(canonical_strings(2, 0))


@settings(deadline=None, max_examples=30)
@given(st.integers(1, 3000), st.integers(0, 2**32 - 1), st.integers(1, 50), st.integers(1, 30))
def test_zipf_text_has_the_length_and_ids_asked(n, seed, words, letters):
    x = zipf_text(n, seed, words=words, letters=letters)
    assert x.shape == (n,) and x.dtype == np.int64 and 0 <= x.min() and x.max() <= letters
    with pytest.raises(ValueError, match="exponent"):
        zipf_text(n, seed, exponent=0.0)
    with pytest.raises(ValueError, match="length"):
        zipf_text(0, seed)


@settings(deadline=None, max_examples=15)
@given(st.integers(1, 3), st.integers(2, 6), st.integers(1, 2), st.integers(0, 2**32 - 1))
def test_a_survey_is_every_string_analysed(k, n, m, seed):
    sv = survey(k, n, m, seed, draws=2)
    assert isinstance(sv, Survey) and len(sv.strings) == len(list(canonical_strings(k, n)))
    assert sv.random.shape == (2, len(sv.strings))
    assert np.all(sv.greedy <= sv.optimum) and np.all(sv.random <= sv.optimum)
    assert np.all(sv.pessimistic >= sv.backward) and np.all(sv.prefixes >= sv.backward)
    assert np.all(sv.forward <= 1) and np.all(sv.prefixes_pessimistic >= sv.prefixes)
    assert np.all(sv.greedy >= approximation_bound(sv.prefixes) * sv.optimum - 1e-12)
    for text, star, worst, opt, greedy in zip(
        sv.strings, sv.star, sv.worst, sv.optimum, sv.greedy, strict=True
    ):
        assert utility(text, star) == opt and utility(text, worst) == greedy
    again = survey(k, n, m, np.random.SeedSequence(seed), draws=2)
    assert np.array_equal(again.random, sv.random)
    with pytest.raises(TypeError, match="seed"):
        survey(k, n, m, np.random.default_rng(seed))
    with pytest.raises(ValueError, match="merges"):
        survey(k, n, 0, seed)
    with pytest.raises(ValueError, match="length"):
        survey(k, 1, m, seed)


def test_the_exact_search_refuses_requests_beyond_its_budget(monkeypatch):
    from rederived.optimization import bpe

    monkeypatch.setattr(bpe, "MAX_EXACT_STATES", 20)
    with pytest.raises(ValueError, match=r"states|sequences"):
        optimal_merges("abcdefghijkl", 3)
    with pytest.raises(ValueError, match="greedy sequences"):
        greedy_sequences("abcdefghijklmnopqrstuvwxyz", 3)
    opt = bpe.Optimum(1, ((("a", "b"),),))
    with pytest.raises(ValueError, match="pairs of sequences"):
        curvature("abcdefghijklmnop", opt, 3)
    with pytest.raises(ValueError, match="10\\*\\*6"):
        survey(2, 21, 1, 0)


@settings(deadline=None, max_examples=60)
@given(st.lists(st.integers(0, 3), min_size=1, max_size=200).map(np.array), st.integers(0, 30))
def test_the_peer_trainer_learns_the_same_merges(x, m):
    run = heap_bpe(x, m, n_symbols=4)
    spelt = spellings(run)
    assert run.n_symbols == 4
    assert len(spelt) == len(run.merges)
    assert all(len(a) + len(b) >= 2 and max(a + b) < 4 for a, b in spelt)
    assert tokenizers_merges(x, m, n_symbols=4) == spelt


def test_spellings_and_the_peer_refuse_bad_input():
    run = heap_bpe(np.array([0, 1, 0, 1]), 2)
    with pytest.raises(TypeError, match="run"):
        spellings("run")
    # a run knows its base symbols: ids 2 and 3 are its merges, not symbols, whatever is asked
    wide = heap_bpe(np.array([0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 1]), 3)
    assert wide.n_symbols == 2 and spellings(wide)[1] == ((0, 1), (0, 1))
    assert run.n_symbols == 2
    with pytest.raises(ValueError, match="n_symbols"):
        tokenizers_merges(np.array([0, 1]), 1, n_symbols=10_000)
    with pytest.raises(TypeError, match="ids"):
        tokenizers_merges(np.array([0.5]), 1)


@settings(deadline=None, max_examples=150)
@given(texts, st.integers(0, 3), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_merges_after_any_prefix_have_diminishing_returns(text, a, k, seed):
    """The chapter's lemma: after any merges A, any k merges remove at most k times the most a
    single merge removes."""
    rng = np.random.default_rng(seed)
    prefix, _ = random_merges(text, a, rng)
    later, _ = random_merges(text, k, rng)  # merges of the text itself, some absent after A
    state = apply_merges(text, prefix)
    base = utility(text, prefix)
    best = max(
        (utility(text, [*prefix, (state[i], state[i + 1])]) - base for i in range(len(state) - 1)),
        default=0,
    )
    assert utility(text, [*prefix, *later]) - base <= len(later) * best


@settings(deadline=None, max_examples=15)
@given(st.integers(2, 10), st.integers(1, 3), st.integers(0, 2**32 - 1), st.integers(1, 3))
def test_the_search_returns_a_string_and_its_ratio(length, m, seed, k):
    ratio, text = worst_greedy_search(length, m, seed, steps=5, alphabet_size=k)
    assert len(text) == length and set(text) <= set("abc"[:k])
    assert 0 < ratio <= 1 and ratio == greedy_ratio(text, m)
    assert (ratio, text) == worst_greedy_search(length, m, seed, steps=5, alphabet_size=k)
    opt = optimal_merges(text, m)
    sigma = curvature(text, opt, m, lengths="up-to").min()
    assert ratio >= approximation_bound(float(sigma)) - 1e-12  # the theorem


def test_the_search_and_the_ratio_refuse_bad_input():
    with pytest.raises(ValueError, match="length"):
        worst_greedy_search(1, 2, 0)
    with pytest.raises(ValueError, match="alphabet_size"):
        worst_greedy_search(5, 2, 0, alphabet_size=27)
    with pytest.raises(ValueError, match="steps"):
        worst_greedy_search(5, 2, 0, steps=-1)
    with pytest.raises(ValueError, match="merges"):
        greedy_ratio("abab", 0)
