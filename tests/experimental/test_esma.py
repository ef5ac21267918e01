"""Unit tests of rederived.experimental.esma: signed expansions, Berlekamp–Massey, held-out
patterns."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest

from rederived.experimental import esma


def test_signed_expansions_reproduce_the_number():
    with mpmath.workdps(200):
        for rule in esma.RULES:
            terms, signs = esma.signed_continued_fraction(mpmath.e, 40, rule)
            p, q = esma.signed_convergent(terms, signs)
            # the "ceil" expansion of e converges slowly (runs of 2s): 40 terms give ~18 digits
            assert abs(mpmath.mpf(p) / q - mpmath.e) < mpmath.mpf(10) ** -15, rule
    assert esma.signed_continued_fraction(Fraction(7, 3), 10, "floor") == ([2, 3], [1])
    assert esma.signed_continued_fraction(Fraction(7, 3), 10, "ceil") == ([3, 2, 2], [-1, -1])


def test_berlekamp_massey_finds_shortest_recurrences():
    fib = [1, 1]
    for _ in range(20):
        fib.append(fib[-1] + fib[-2])
    assert esma.berlekamp_massey(fib) == [1, 1]
    squares = [n * n for n in range(20)]
    assert esma.berlekamp_massey(squares) == [3, -3, 1]
    assert esma.berlekamp_massey([0] * 10) == []


def test_pattern_of_e_is_found_and_closed_form():
    with mpmath.workdps(300):
        terms, _ = esma.signed_continued_fraction(mpmath.e, 60, "floor")
    pattern = esma.find_pattern(terms, start=1)
    assert pattern is not None and pattern.period == 3
    assert [pattern.term(n) for n in range(1, 10)] == terms[1:10]
    assert esma.find_pattern([2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4, 5], start=0) is None


def test_esma_bad_input():
    with pytest.raises(ValueError, match="rule"):
        esma.signed_continued_fraction(Fraction(1, 3), 3, "round")
    with pytest.raises(ValueError, match="at least 6"):
        esma.find_pattern([1, 2, 3])
    with pytest.raises(ValueError, match="n − 1 signs"):
        esma.signed_convergent([1, 2], [])
    # holdout = 0 would approve any recurrence, e.g. one fitted to e's decimal digits
    with pytest.raises(ValueError, match="holdout must be in"):
        esma.find_pattern([2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5], holdout=0)
    with pytest.raises(TypeError, match="holdout must be an int"):
        esma.find_pattern(list(range(12)), holdout=2.0)
    with pytest.raises(TypeError, match="seq must hold integers"):
        esma.find_pattern([1.5, 2.7, 3.1, 4.0, 5.0, 6.0, 7.0])
