"""Contract of rederived.experimental.pcf, on its whole domain (Hypothesis).

Domain: polynomials are non-empty lists of ints (NumPy integers taken exactly; floats refused);
depths are ints in [1, 10⁶], dps ints (≥ 15 for PSLQ); constants finite reals, basis names
strings other than "x", the basis independent over the integers. Results: exact convergents
(the product tree equals the three-term recurrence), rates and δ from exact integers, relations
only with their certificate; a zero denominator is a ZeroDenominatorError (a ValueError and a
ZeroDivisionError), a fraction that repeats without converging a ValueError; or a
ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from rederived._checks import ZeroDenominatorError
from rederived.experimental.pcf import (
    MAX_FAMILY,
    Dynamics,
    Relation,
    classify,
    convergence_rate,
    convergents,
    convergents_sequential,
    delta,
    dynamics,
    evaluate_polynomial,
    excess_digits,
    family,
    identify,
    identify_mobius,
    limit,
)

COVERS = (
    "MAX_FAMILY",
    "Dynamics",
    "Relation",
    "classify",
    "convergence_rate",
    "convergents",
    "convergents_sequential",
    "delta",
    "dynamics",
    "evaluate_polynomial",
    "excess_digits",
    "family",
    "identify",
    "identify_mobius",
    "limit",
)

polys = st.lists(st.integers(-5, 5), min_size=1, max_size=4)


@given(polys, polys, st.integers(1, 60))
def test_the_product_tree_equals_the_recurrence(a, b, depth):
    seq = convergents_sequential(a, b, depth)
    p, q = seq[-1]
    if q == 0:
        with pytest.raises(ZeroDenominatorError):
            convergents(a, b, depth)
        return
    assert convergents(a, b, depth) == (p, q)
    with mpmath.workdps(40):
        assert limit(a, b, depth, dps=40) == mpmath.mpf(p) / q


@given(st.lists(st.integers(-(2**70), 2**70), min_size=1, max_size=5), st.integers(-(2**70), 2**70))
def test_polynomials_are_evaluated_exactly(coeffs, n):
    assert evaluate_polynomial(coeffs, n) == sum(c * n**k for k, c in enumerate(coeffs))
    if -(2**62) < n < 2**62:  # NumPy integers are taken as Python ints: nothing wraps
        assert evaluate_polynomial(coeffs, np.int64(n)) == evaluate_polynomial(coeffs, n)


@given(st.integers(10, 40))
def test_apery_fraction_rate_delta_and_identification(depth):
    a, b = [5, 27, 51, 34], [0, 0, 0, 0, 0, 0, -1]  # 6/ζ(3)
    d = dynamics(a, b, depth)
    assert isinstance(d, Dynamics)
    assert d.rate == pytest.approx(convergence_rate(a, b, depth))
    assert d.delta == pytest.approx(delta(a, b, depth))
    assert 2.5 < d.rate < 3.2  # (1 + √2)⁴ per term: 3.06 digits
    with mpmath.workdps(40):
        rel = identify(limit(a, b, 40, dps=40), {"1/z3": 1 / mpmath.zeta(3)}, dps=40)
        assert isinstance(rel, Relation)
        assert abs(Fraction(-rel.coefficients[1], rel.coefficients[0]) - 6) == 0


@given(st.integers(0, 2**32))
def test_random_numbers_are_not_identified(seed):
    with mpmath.workdps(30):
        x = mpmath.mpf(np.random.default_rng(seed).random()) + mpmath.pi / 10**20
        assume(x != 0)
        assert identify(x, {"1": 1, "pi": mpmath.pi}, dps=30) is None
        assert identify_mobius(x, mpmath.e, "e", dps=30) is None


@given(st.integers(1, 3), st.integers(0, 2), st.integers(0, 2))
def test_family_lists_every_pcf_once(bound, a_degree, b_degree):
    pcfs = family(bound, a_degree, b_degree)
    width = 2 * bound + 1
    assert len(pcfs) == (width ** (a_degree + 1) - 1) * (width ** (b_degree + 1) - 1)
    assert len(set(pcfs)) == len(pcfs)
    for a, b in pcfs[:: max(1, len(pcfs) // 50)]:
        assert len(a) == a_degree + 1 and len(b) == b_degree + 1
        assert any(a) and any(b) and max(map(abs, a + b)) <= bound


def test_the_papers_family_has_its_published_size():
    # Shalyt et al. 2024: a, b of degree ≤ 2, coefficients in [−5, 5], a = 0 and b = 0 removed
    assert len(family(5, 2, 2)) == 1_768_900 <= MAX_FAMILY


CONSTANTS = {"π": mpmath.pi, "ln 2": mpmath.log(2), "e": mpmath.e}


@given(st.integers(1, 4), st.integers(-3, 3), st.sampled_from(["π", "e", "rational"]))
def test_classify_names_the_constant_a_known_formula_reaches(shift, offset, which):
    """Known formulas (4/π: a = 2n + 1, b = n²; e − 1 related: a = n + s, b = n; and a
    terminating fraction) with their limits' Möbius images: the right label, whatever the
    image."""
    if which == "π":
        a, b = (1 + 2 * shift, 2), (shift * shift, 2 * shift, 1)  # 4/π shifted along n
    elif which == "e":
        a, b = (shift, 1), (shift, 1)  # a(n) = n + s, b(n) = n + s: transforms of e
    else:
        a, b = (abs(offset) + 1, 1), (shift, -1)  # b(shift) = 0: the fraction terminates
    try:
        found = dynamics(a, b, 60)
    except ValueError:  # a zero denominator or a periodic fraction: nothing to classify
        return
    label = classify(found, CONSTANTS)
    if which == "rational":
        assert label == "rational"
    elif found.rate >= 0.2:
        assert label == which, (a, b, found.rate, label)


def test_classify_leaves_slow_or_unknown_limits_unidentified():
    slow = Dynamics((1,), (1,), mpmath.pi, 0.1, 0.0)  # π, but known to too few digits
    assert classify(slow, CONSTANTS) == "unidentified"
    assert classify(Dynamics((1,), (1,), mpmath.pi, 1.0, 0.0), CONSTANTS) == "π"
    assert classify(Dynamics((1,), (1,), mpmath.zeta(3), 1.0, 0.0), CONSTANTS) == "unidentified"
    assert classify(Dynamics((1,), (1,), mpmath.mpf(3) / 7, 1.0, 0.0), CONSTANTS) == "rational"


BAD = [
    (lambda: family(0, 1, 1), ValueError, "bound"),
    (lambda: family(2, -1, 1), ValueError, "a_degree"),
    (lambda: family(2, 1, 1.5), ValueError, "b_degree"),
    (lambda: family(6, 2, 2), ValueError, "MAX_FAMILY"),
    (lambda: classify((1, 2), CONSTANTS), TypeError, "found"),
    (
        lambda: classify(Dynamics((1,), (1,), mpmath.pi, 1.0, 0.0), CONSTANTS, dps=0),
        ValueError,
        "dps",
    ),
    (
        lambda: classify(Dynamics((1,), (1,), mpmath.pi, 1.0, 0.0), CONSTANTS, dps=10**7),
        ValueError,
        "dps",
    ),
    (
        lambda: classify(Dynamics((1,), (1,), mpmath.pi, 1.0, 0.0), CONSTANTS, min_rate=math.nan),
        ValueError,
        "min_rate",
    ),
    (
        lambda: classify(Dynamics((1,), (1,), mpmath.pi, 1.0, 0.0), {"c": math.nan}),
        ValueError,
        "candidates",
    ),
    (
        lambda: classify(Dynamics((1,), (1,), mpmath.pi, 1.0, 0.0), {"c": 0}),
        ValueError,
        "candidates",
    ),
    (
        lambda: classify(Dynamics((1,), (1,), mpmath.pi, 1.0, 0.0), {"c": 0.5}),
        ValueError,
        "constant",
    ),
    (lambda: family(5, 10**12, 0), ValueError, "MAX_FAMILY"),
    (lambda: classify(Dynamics((1,), (1,), mpmath.pi, 1.0, 0.0), [1]), TypeError, "candidates"),
    (lambda: convergents([0], [1], 1), ZeroDenominatorError, "q_1"),
    (lambda: convergents([0], [1], 1), ValueError, "q_1"),
    (lambda: convergents([1.0], [1], 3), TypeError, r"a\[0\]"),
    (lambda: convergents([], [1], 3), ValueError, "a must have"),
    (lambda: convergents("12", [1], 3), TypeError, "a must be"),
    (lambda: convergents([1], [1], 0), ValueError, "depth"),
    (lambda: convergents([1], [1], 10**9), ValueError, "depth"),
    (lambda: convergents_sequential([1], [1], 2.5), TypeError, "depth"),
    (lambda: limit([1], [1], 5, dps=0), ValueError, "dps"),
    (lambda: limit([1], [1], 5, dps=10**9), ValueError, "dps"),
    (lambda: convergence_rate([1], [1], 1), ValueError, "depth"),
    (lambda: convergence_rate([0], [-1], 4), ValueError, "periodic"),
    (lambda: dynamics([0], [-1], 4), ValueError, "periodic"),
    (lambda: dynamics([0], [-1], 2), ZeroDenominatorError, "zero"),
    (lambda: delta([1], [0], 4), ValueError, "reduced denominator"),
    (lambda: evaluate_polynomial([1, 2], 2.5), TypeError, "n"),
    (lambda: evaluate_polynomial([1, 2], None), TypeError, "n"),
    (lambda: identify(None, {"1": 1}), TypeError, "x"),
    (lambda: identify("abc", {"1": 1}), TypeError, "x"),
    (lambda: identify(mpmath.inf, {"1": 1}), ValueError, "x"),
    (lambda: identify(1.5, {"1": None}), TypeError, "basis"),
    (lambda: identify(1.5, {}), TypeError, "basis"),
    (lambda: identify(1.5, {"x": 2}), ValueError, "basis names"),
    (lambda: identify(1.5, {"1": 1}, dps=11), ValueError, "dps"),
    (lambda: identify(1.5, {"1": 1}, maxcoeff=0), ValueError, "maxcoeff"),
    (
        lambda: identify(mpmath.pi, {"a": mpmath.pi, "b": mpmath.pi}, dps=30),
        ValueError,
        "dependent",
    ),
    (lambda: identify_mobius(2, 1), ValueError, "irrational"),
    (lambda: identify_mobius(1.5, 0), ValueError, "constant"),
    (lambda: identify_mobius(1.5, mpmath.pi, dps=5), ValueError, "dps"),
    (lambda: identify_mobius(1.5, mpmath.pi, name=5), TypeError, "name"),
    (lambda: Relation((1, 2, 3), ("x", "y"), 10.0, 10), ValueError, "same"),
    (lambda: Relation((1, 2), ("x", "y"), float("nan"), 10), ValueError, "digits"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()


@given(
    st.integers(-(10**30), 10**30),
    st.integers(1, 10**30),
    st.integers(-(10**6), 10**6),
    st.integers(1, 10**6),
)
def test_excess_digits_of_a_rational_limit_are_bounded_by_its_denominator(p, q, a, b):
    # the lemma behind the chapter's rule: q |a/b - p/q| = |aq - bp| / b >= 1/b
    g = math.gcd(p, q)
    assume(q // g > 1 and Fraction(p, q) != Fraction(a, b))
    excess, d = excess_digits(p, q, a, b)
    assert excess <= math.log10(b) + 1e-9
    # the two numbers agree: excess = δ log10 q (q reduced), and δ from exact arithmetic
    assert math.isclose(excess, d * math.log10(q // g), rel_tol=1e-9, abs_tol=1e-9)
    gap = abs(Fraction(p, q) - Fraction(a, b))
    assert math.isclose(excess, -math.log10(q // g * gap), rel_tol=1e-9, abs_tol=1e-9)


def test_excess_digits_grow_for_apery_and_not_for_a_rational_limit():
    apery = ([5, 27, 51, 34], [0, 0, 0, 0, 0, 0, -1])  # a(n) = 34n³+51n²+27n+5, b(n) = -n⁶
    rational = ([2, 2], [0, -1, -1])  # convergents (n + 2)/(n + 1), limit 1
    for a, b, grows in (*apery, True), (*rational, False):
        excess = []
        for depth in (20, 40):
            p, q = convergents(a, b, depth)
            excess.append(excess_digits(p, q, *convergents(a, b, 2 * depth))[0])
        assert (excess[1] > excess[0] + 1) is grows, excess
    assert excess_digits(3, 2, 3, 2) == (math.inf, math.inf)


@pytest.mark.parametrize(
    ("args", "error", "name"),
    [
        ((1.5, 2, 1, 1), TypeError, "p"),
        ((1, True, 1, 1), TypeError, "q"),
        ((1, 0, 1, 1), ZeroDenominatorError, "q"),
        ((1, 2, 1, 0), ZeroDenominatorError, "Q"),
        ((4, 2, 1, 3), ValueError, "reduced denominator"),
    ],
)
def test_excess_digits_refuse_bad_input_by_name(args, error, name):
    with pytest.raises(error, match=name):
        excess_digits(*args)
