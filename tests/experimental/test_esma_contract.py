"""Contract of rederived.experimental.esma, on its whole domain (Hypothesis).

Domain: x as for rederived.experimental.contfrac (int, Fraction or mpmath number, of either
sign); n_terms ints ≥ 1; rules from RULES; terms and sequences are ints (NumPy integers
converted exactly, floats refused), signs ±1; start ≥ 1 for a conjecture. Results: signed
expansions whose convergents reproduce rationals exactly, recurrences that reproduce the
sequence they were fitted on, closed forms that agree with the sequence from start on; or a
ValueError/TypeError naming the argument.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rederived.experimental.contfrac import continued_fraction
from rederived.experimental.esma import (
    RULES,
    Conjecture,
    Pattern,
    berlekamp_massey,
    conjecture,
    find_pattern,
    signed_continued_fraction,
    signed_convergent,
)

COVERS = (
    "Conjecture",
    "Pattern",
    "berlekamp_massey",
    "conjecture",
    "find_pattern",
    "signed_continued_fraction",
    "signed_convergent",
)


@given(st.fractions(max_denominator=1000), st.sampled_from(RULES))
def test_rationals_are_reproduced_exactly_under_every_rule(x, rule):
    # the ceil rule takes up to about q terms for p/q (1/q: every term after the first is 2)
    terms, signs = signed_continued_fraction(x, 5000, rule)
    assert len(terms) < 5000  # the expansion ended
    p, q = signed_convergent(terms, signs)
    assert Fraction(p, q) == x
    assert all(s in (1, -1) for s in signs)


@given(st.sampled_from([mpmath.pi, mpmath.e, mpmath.sqrt(2)]), st.booleans(), st.integers(1, 30))
def test_negative_numbers_keep_their_sign(constant, negate, n_terms):
    with mpmath.workdps(60):
        x = -(+constant) if negate else +constant
        terms, _ = signed_continued_fraction(x, n_terms, "floor")
        assert terms == continued_fraction(x, n_terms)
        assert (terms[0] < 0) == negate


@given(st.lists(st.integers(-(2**70), 2**70), min_size=1, max_size=30))
def test_berlekamp_massey_reproduces_the_sequence(seq):
    rec = berlekamp_massey(seq)
    for n in range(len(rec), len(seq)):
        assert seq[n] == sum(c * seq[n - 1 - i] for i, c in enumerate(rec))
    # NumPy integers are taken exactly (no int64 arithmetic inside)
    assert berlekamp_massey([np.int64(2**62)] * 4) == [1]


@given(
    st.lists(st.integers(-3, 3), min_size=1, max_size=5),
    st.lists(st.integers(-9, 9), min_size=5, max_size=5),
)
def test_berlekamp_massey_finds_the_shortest_recurrence(coefficients, start):
    # a sequence made by a recurrence of order k, 2k + 6 terms long: BM finds order <= k
    k = len(coefficients)
    seq = start[:k]
    while len(seq) < 2 * k + 6:
        seq.append(sum(c * seq[-1 - i] for i, c in enumerate(coefficients)))
    rec = berlekamp_massey(seq)
    assert len(rec) <= k
    for n in range(len(rec), len(seq)):
        assert seq[n] == sum(c * seq[n - 1 - i] for i, c in enumerate(rec))


@given(st.integers(1, 4), st.integers(0, 3), st.integers(-5, 5))
def test_quasi_polynomials_are_found_with_their_closed_forms(period, degree, shift):
    seq = [3] + [((n // period) ** degree + shift * (n % period)) for n in range(40)]
    pattern = find_pattern(seq, start=1)
    assert isinstance(pattern, Pattern) and pattern.period is not None
    assert all(pattern.term(n) == seq[n] for n in range(1, len(seq)))


def test_the_conjecture_for_e_reproduces_its_expansion():
    with mpmath.workdps(200):
        found = conjecture(+mpmath.e, "floor", 1)
        assert isinstance(found, Conjecture)
        assert found.expansion(40) == signed_continued_fraction(+mpmath.e, 40, "floor")


BAD = [
    (lambda: signed_continued_fraction(0.5, 3), TypeError, "x"),
    (lambda: signed_continued_fraction(Fraction(1, 3), 3, "round"), ValueError, "rule"),
    (lambda: signed_continued_fraction(Fraction(1, 3), 0), ValueError, "n_terms"),
    (lambda: signed_convergent([1.5, 2], [1]), TypeError, "terms"),
    (lambda: signed_convergent([1, 2], [5]), ValueError, "signs"),
    (lambda: signed_convergent([1, 2], []), ValueError, "signs"),
    (lambda: signed_convergent(None, None), TypeError, "terms"),
    (lambda: signed_convergent([1, 0], [1]), ValueError, "zero denominator"),
    (lambda: berlekamp_massey([1.5, 2.5]), TypeError, "seq"),
    (lambda: berlekamp_massey(["1"]), TypeError, "seq"),
    (lambda: berlekamp_massey(None), TypeError, "seq"),
    (lambda: find_pattern(None), TypeError, "seq"),
    (lambda: find_pattern([1, 2, 3]), ValueError, "6 terms"),
    (lambda: find_pattern(list(range(20)), start=-1), ValueError, "start"),
    (lambda: find_pattern(list(range(20)), holdout=30), ValueError, "holdout"),
    (lambda: find_pattern([1.0] * 20), TypeError, "seq"),
    (lambda: find_pattern([0, *range(20)]).term(0), ValueError, "start"),
    (lambda: find_pattern([0, *range(20)]).term(2.5), TypeError, "n"),
    (lambda: conjecture(+mpmath.e, "floor", 0), ValueError, "start"),
    (lambda: conjecture(+mpmath.e, "floor", 1, n_fit=5), ValueError, "n_fit"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
