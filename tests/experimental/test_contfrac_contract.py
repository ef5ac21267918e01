"""Contract of rederived.experimental.contfrac, on its whole domain (Hypothesis).

Domain: x is an int, a Fraction or an mpmath number (taken exact to one unit in the last place
of the working precision); floats and bools are refused (a float's expansion is that of the
binary number); n_terms is an int ≥ 1; terms are ints with every term after the first ≥ 1.
Results: certified terms (each one the same for every number in x's enclosure) whose
convergents reproduce a rational x exactly and approach an irrational one within 1/q², or a
ValueError/TypeError naming the argument (and, for an mpf, how many terms its precision fixes).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rederived.experimental.contfrac import continued_fraction, convergents

COVERS = ("continued_fraction", "convergents")


@given(st.fractions(max_denominator=10**30), st.integers(1, 200))
def test_rationals_are_reproduced_exactly(x, n_terms):
    terms = continued_fraction(x, n_terms)
    assert 1 <= len(terms) <= n_terms and all(a >= 1 for a in terms[1:])
    p, q = convergents(terms)
    assert all(b > 0 for b in q)
    if len(terms) < n_terms:  # the expansion ended: the last convergent is x itself
        assert Fraction(p[-1], q[-1]) == x


@given(st.sampled_from(["pi", "e", "sqrt2", "euler"]), st.integers(20, 80), st.integers(1, 40))
def test_certified_terms_do_not_change_with_precision(name, dps, n_terms):
    constants = {
        "pi": lambda: mpmath.pi,
        "e": lambda: mpmath.e,
        "sqrt2": lambda: mpmath.sqrt(2),
        "euler": lambda: mpmath.euler,
    }
    with mpmath.workdps(dps):
        try:
            terms = continued_fraction(+constants[name](), n_terms)
        except ValueError as error:
            assert "determines only" in str(error)
            return
    with mpmath.workdps(dps + 60):
        assert continued_fraction(+constants[name](), len(terms)) == terms
        x = +constants[name]()
        p, q = convergents(terms)
        for pk, qk in zip(p, q, strict=True):
            assert abs(x - mpmath.mpf(pk) / qk) <= mpmath.mpf(1) / qk**2


BAD = [
    (lambda: continued_fraction(0.5, 3), TypeError, "x is a float"),
    (lambda: continued_fraction(True, 3), TypeError, "x"),
    (lambda: continued_fraction("1/2", 3), TypeError, "x"),
    (lambda: continued_fraction(mpmath.mpf("nan"), 3), ValueError, "x must be finite"),
    (lambda: continued_fraction(mpmath.mpf("inf"), 3), ValueError, "x must be finite"),
    (lambda: continued_fraction(Fraction(1, 3), 0), ValueError, "n_terms"),
    (lambda: continued_fraction(Fraction(1, 3), 2.0), TypeError, "n_terms"),
    (lambda: continued_fraction(mpmath.mpf(2) ** 0.5, 10**5), ValueError, "determines only"),
    (lambda: continued_fraction(mpmath.mpf(2) ** 0.5, 10**6), ValueError, "at most"),
    (lambda: convergents([]), ValueError, "terms"),
    (lambda: convergents([1, 0]), ValueError, r"terms\[1\]"),
    (lambda: convergents([1, 2.0]), TypeError, r"terms\[1\]"),
    (lambda: convergents([1, True]), TypeError, r"terms\[1\]"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
