"""Unit tests of rederived.algorithms.hamming: exact methods, approximation, operation counts."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.algorithms import hamming


@pytest.mark.parametrize("method", ["naive", "fft", "split", "auto"])
def test_small_example_by_hand(method):
    # "abra" against the windows of "abracadabra": abra, brac, raca, acad, cada, adab, dabr, abra
    assert list(hamming.text_to_pattern("abracadabra", "abra", method)) == [0, 4, 3, 3, 3, 3, 4, 0]


@pytest.mark.parametrize("sigma", [1, 2, 7, 100])
def test_methods_agree_on_random_inputs(sigma):
    rng = np.random.default_rng(sigma)
    t, p = rng.integers(0, sigma, 3000), rng.integers(0, sigma, 200)
    reference = hamming.text_to_pattern(t, p, "naive")
    for method in ("fft", "split", "auto"):
        assert np.array_equal(hamming.text_to_pattern(t, p, method), reference)
    for threshold in (1, 5, 1e9):  # all-FFT, mixed, all-pairs
        assert np.array_equal(
            hamming.text_to_pattern(t, p, "split", threshold=threshold), reference
        )


@pytest.mark.parametrize("seed", range(4))
def test_auto_splits_symbol_by_symbol_and_stays_exact(monkeypatch, seed):
    # with the naive count priced out, auto must split: a skewed alphabet gives symbols frequent
    # enough for an FFT and rare ones listed by pairs, and the counts stay exact
    rng = np.random.default_rng(seed)
    weights = 0.5 ** np.arange(40)
    t = rng.choice(40, 20_000, p=weights / weights.sum())
    p = rng.choice(40, 400, p=weights / weights.sum())
    used = {}
    monkeypatch.setitem(hamming._COST, "window", 1.0)
    for name in ("_fft_matches", "_pair_matches"):
        original = getattr(hamming, name)

        def spy(t, p, symbols, original=original, name=name):
            used[name] = symbols.size
            return original(t, p, symbols)

        monkeypatch.setattr(hamming, name, spy)
    out = hamming.text_to_pattern(t, p, "auto")
    assert used["_fft_matches"] > 0 and used["_pair_matches"] > 0
    assert np.array_equal(out, hamming._naive(*hamming._codes(t, p)))


@pytest.mark.parametrize("block", [1, 7, 1000])
def test_pair_listing_in_small_blocks_gives_the_same_counts(monkeypatch, block):
    # the pair listing works in blocks of at most _PAIR_BLOCK pairs (bounded memory); blocks
    # smaller than one symbol's pairs, or than one pattern occurrence list, must not change counts
    rng = np.random.default_rng(block)
    t, p = rng.integers(0, 5, 2000), rng.integers(0, 5, 150)
    reference = hamming.text_to_pattern(t, p, "naive")
    monkeypatch.setattr(hamming, "_PAIR_BLOCK", block)
    assert np.array_equal(hamming.text_to_pattern(t, p, "split", threshold=np.inf), reference)


def test_approximation_is_unbiased_and_converges():
    rng = np.random.default_rng(0)
    t, p = rng.integers(0, 3, 4000), rng.integers(0, 3, 300)
    exact = hamming.text_to_pattern(t, p)
    few = hamming.approximate(t, p, 20, seed=1)
    many = hamming.approximate(t, p, 2000, seed=1)
    assert abs(np.mean(few / exact) - 1) < 0.05
    assert np.sqrt(np.mean((many / exact - 1) ** 2)) < np.sqrt(np.mean((few / exact - 1) ** 2)) / 4


def test_operation_counts_order_the_methods():
    n, m = 10**6, 10**4
    assert hamming.operation_count(n, m, 4, "fft") < hamming.operation_count(n, m, 4, "naive")
    assert hamming.operation_count(n, m, 10**4, "split") < hamming.operation_count(
        n, m, 10**4, "fft"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: hamming.text_to_pattern("ab", "abc"), "longer than the text"),
        (lambda: hamming.text_to_pattern([0.5, 1.0], [1.0]), "integers"),
        (lambda: hamming.text_to_pattern([], [1]), "non-empty"),
        (lambda: hamming.text_to_pattern("abc", ""), "pattern must be non-empty"),
        (lambda: hamming.text_to_pattern("", ""), "text must be non-empty"),
        (lambda: hamming.text_to_pattern("abc", "a", "quantum"), "method"),
        (lambda: hamming.text_to_pattern("abc", "a", "split", threshold=0), "threshold"),
        (lambda: hamming.approximate("abc", "a", 0), "samples"),
        (lambda: hamming.operation_count(0, 1, 1, "naive"), "n must be"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


@pytest.mark.parametrize("method", ["naive", "fft", "split", "auto"])
def test_uint64_symbols_beyond_int64_are_not_aliased(method):
    # 2⁶³ + 1 as uint64 once became −2⁶³ + 1 as int64, equal to that negative symbol
    big = np.array([2**63 + 1, 7, 2**64 - 1, 7], dtype=np.uint64)
    negative = np.array([-(2**63) + 1], dtype=np.int64)
    assert list(hamming.text_to_pattern(big, negative, method)) == [1, 1, 1, 1]
    assert list(hamming.text_to_pattern(big, np.array([-1, 7]), method)) == [1, 2, 1]
    assert list(hamming.text_to_pattern(big, big[2:], method)) == [1, 2, 0]


@pytest.mark.parametrize(
    ("sigma", "m", "expected"),
    [(10_000, 10, "naive"), (2, 10_000, "fft"), (10_000, 10_000, "pairs"), (512, 1000, "pairs")],
)
def test_auto_picks_the_method_the_decision_map_found_fastest(monkeypatch, sigma, m, expected):
    # the clear-cut cells of the chapter's decision map (n = 100 000): short patterns by the
    # naive count, long patterns over two symbols by FFT, large alphabets by listing pairs
    rng = np.random.default_rng(sigma + m)
    t, p = rng.integers(0, sigma, 100_000), rng.integers(0, sigma, m)
    calls = []
    monkeypatch.setattr(hamming, "_naive", lambda t, p: calls.append("naive") or np.zeros(1))
    monkeypatch.setattr(
        hamming, "_fft_matches", lambda t, p, s: calls.append(("fft", s.size)) or np.zeros(1)
    )
    monkeypatch.setattr(
        hamming, "_pair_matches", lambda t, p, s: calls.append(("pairs", s.size)) or np.zeros(1)
    )
    hamming.text_to_pattern(t, p, "auto")
    if expected == "naive":
        assert calls == ["naive"]
    else:
        used = {name for name, size in calls if size > 0}
        assert used == {expected}
