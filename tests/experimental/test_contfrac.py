"""Unit tests of rederived.experimental.contfrac: exact cases, certified precision, properties,
bad input."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from rederived.experimental.contfrac import continued_fraction, convergents


def test_rationals_expand_exactly_and_terminate():
    assert continued_fraction(Fraction(415, 93), 10) == [4, 2, 6, 7]
    assert continued_fraction(Fraction(-7, 3), 5) == [-3, 1, 2]
    assert continued_fraction(5, 3) == [5]
    assert continued_fraction(Fraction(355, 113), 2) == [3, 7]


def test_known_expansions_of_constants():
    with mpmath.workdps(60):
        assert continued_fraction(mpmath.pi, 12) == [3, 7, 15, 1, 292, 1, 1, 1, 2, 1, 3, 1]
        assert continued_fraction(mpmath.e, 11) == [2, 1, 2, 1, 1, 4, 1, 1, 6, 1, 1]
        assert continued_fraction(mpmath.sqrt(2), 20) == [1] + [2] * 19
        assert continued_fraction(mpmath.phi, 30) == [1] * 30
        assert continued_fraction(mpmath.mpf(0), 3) == [0]


def test_precision_limits_the_number_of_terms():
    with mpmath.workdps(15):
        with pytest.raises(ValueError, match="determines only"):
            continued_fraction(mpmath.pi, 40)
    with mpmath.workdps(120):
        assert len(continued_fraction(mpmath.pi, 40)) == 40


def test_certified_terms_agree_with_a_much_higher_precision():
    rng = np.random.default_rng(20261122)
    for _ in range(20):
        with mpmath.workdps(500):
            x = mpmath.mpf(rng.uniform(-50, 50)) + mpmath.sqrt(int(rng.integers(2, 1000)))
            reference = continued_fraction(x, 150)
        with mpmath.workdps(40):
            n = len(reference)
            # at 40 digits roughly 35-40 terms are certain; every one returned must be right
            for count in range(1, n):
                try:
                    terms = continued_fraction(mpmath.mpf(x), count)
                except ValueError:
                    break
                assert terms == reference[:count]
            assert count > 20


def test_convergents_of_pi():
    p, q = convergents([3, 7, 15, 1, 292])
    assert list(zip(p, q, strict=True)) == [
        (3, 1),
        (22, 7),
        (333, 106),
        (355, 113),
        (103993, 33102),
    ]


def test_convergent_properties():
    rng = np.random.default_rng(7)
    terms = [int(rng.integers(-5, 5))] + [int(a) for a in rng.integers(1, 50, size=60)]
    p, q = convergents(terms)
    for k in range(1, len(terms)):
        assert p[k] * q[k - 1] - p[k - 1] * q[k] == (-1) ** (k - 1)  # determinant identity
        assert math.gcd(p[k], q[k]) == 1 and q[k] > 0
    # the last convergent is the value of the finite continued fraction, evaluated backwards
    value = Fraction(terms[-1])
    for a in reversed(terms[:-1]):
        value = a + 1 / value
    assert Fraction(p[-1], q[-1]) == value
    # and expanding it again gives the terms back
    assert continued_fraction(value, len(terms) + 5) == terms


def test_dirichlet_bound_for_sqrt_3():
    with mpmath.workdps(100):
        x = mpmath.sqrt(3)
        p, q = convergents(continued_fraction(x, 60))
        for pk, qk in zip(p, q, strict=True):
            assert abs(x - mpmath.mpf(pk) / qk) < mpmath.mpf(1) / qk**2


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((0.5, 3), TypeError, "is a float"),
        (("3.14", 3), TypeError, "must be an int"),
        ((True, 3), TypeError, "got bool"),
        ((Fraction(1, 3), 0), ValueError, "at least 1"),
        ((Fraction(1, 3), 2.0), TypeError, "n_terms must be an int"),
        ((mpmath.inf, 3), ValueError, "finite"),
    ],
)
def test_continued_fraction_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        continued_fraction(*args)


@pytest.mark.parametrize(
    ("terms", "error", "match"),
    [
        ([], ValueError, "at least one"),
        ([3, 0, 2], ValueError, r"terms\[1\] must be a positive"),
        ([3, -1], ValueError, r"terms\[1\] must be a positive"),
        ([3, 1.5], TypeError, r"terms\[1\] must be an int"),
    ],
)
def test_convergents_reject_bad_terms(terms, error, match):
    with pytest.raises(error, match=match):
        convergents(terms)
