"""Unit tests of rederived.algorithms.hamming: exact methods, approximation, operation counts."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.algorithms import hamming


@pytest.mark.parametrize("method", ["naive", "fft", "split"])
def test_small_example_by_hand(method):
    # "abra" against the windows of "abracadabra": abra, brac, raca, acad, cada, adab, dabr, abra
    assert list(hamming.text_to_pattern("abracadabra", "abra", method)) == [0, 4, 3, 3, 3, 3, 4, 0]


@pytest.mark.parametrize("sigma", [1, 2, 7, 100])
def test_methods_agree_on_random_inputs(sigma):
    rng = np.random.default_rng(sigma)
    t, p = rng.integers(0, sigma, 3000), rng.integers(0, sigma, 200)
    reference = hamming.text_to_pattern(t, p, "naive")
    for method in ("fft", "split"):
        assert np.array_equal(hamming.text_to_pattern(t, p, method), reference)
    for threshold in (1, 5, 1e9):  # all-FFT, mixed, all-pairs
        assert np.array_equal(
            hamming.text_to_pattern(t, p, "split", threshold=threshold), reference
        )


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
        (lambda: hamming.text_to_pattern("abc", "a", "quantum"), "method"),
        (lambda: hamming.text_to_pattern("abc", "a", "split", threshold=0), "threshold"),
        (lambda: hamming.approximate("abc", "a", 0), "samples"),
        (lambda: hamming.operation_count(0, 1, 1, "naive"), "n must be"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
