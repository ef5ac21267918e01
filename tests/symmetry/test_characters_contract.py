"""Contract of rederived.symmetry.characters, on its whole domain (Hypothesis).

Domain: Laurent polynomials are non-empty dicts of int exponent tuples to int coefficients;
partitions are weakly decreasing sequences of non-negative ints (half-integers for the spin
weights of type B); ranks are ints ≥ 1; torus points are finite, nonzero and generic. Every
enumeration (partitions, Littlewood–Richardson fillings, candidate weights, product terms) is
refused above a fixed size rather than left to run for minutes. Results: exact expansions that
agree with the characters evaluated in floating point, Littlewood–Richardson coefficients that
reproduce products of Schur polynomials; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.symmetry.characters import (
    character,
    conjugate,
    expand_product,
    expand_sp,
    laurent_product,
    littlewood_richardson,
    newell_littlewood,
    partitions,
    product_of,
    schur,
    sp_character,
    weyl_denominator,
)

COVERS = (
    "character",
    "conjugate",
    "expand_product",
    "expand_sp",
    "laurent_product",
    "littlewood_richardson",
    "newell_littlewood",
    "partitions",
    "product_of",
    "schur",
    "sp_character",
    "weyl_denominator",
)

small_partitions = st.integers(0, 6).flatmap(lambda n: st.sampled_from(partitions(n)))


def torus_points(seed, n, count=3):
    rng = np.random.default_rng(seed)
    return np.exp(1j * rng.uniform(0.1, 3.0, (count, n)))


def evaluate(f, x):
    return sum(c * np.prod(x ** np.array(e), axis=-1) for e, c in f.items())


@given(
    st.sampled_from(["B", "C", "D"]),
    st.integers(1, 3),
    st.integers(1, 2),
    st.integers(0, 2**32),
)
def test_product_expansions_agree_with_the_characters(group, n, degree, seed):
    g = {e: 1 for e in range(-degree, degree + 1)}  # g(x) = g(1/x)
    expansion = expand_product(g, n, group)
    x = torus_points(seed, n)
    lhs = np.prod(sum(x**e for e in g), axis=-1)
    rhs = sum(c * character(group, lam, x) for lam, c in expansion.items())
    assert np.allclose(lhs, rhs, atol=1e-8)


@given(st.integers(1, 3), st.integers(0, 2**32))
def test_sp_expansion_of_a_product_matches_expand_product(n, seed):
    g = {-1: 1, 0: 2, 1: 1}
    f = product_of(g, n)
    assert expand_sp(f, n) == expand_product(g, n, "C")
    x = torus_points(seed, n)
    assert np.allclose(evaluate(f, x), np.prod(x**-1 + 2 + x, axis=-1))
    assert np.allclose(sp_character((), x), 1.0)
    assert len(weyl_denominator(tuple(range(n, 0, -1)))) == 2**n * int(np.prod(range(1, n + 1)))


@settings(max_examples=max(5, settings.default.max_examples // 2))
@given(small_partitions, small_partitions, st.integers(0, 2**32))
def test_littlewood_richardson_reproduces_schur_products(lam, mu, seed):
    coefficients = littlewood_richardson(lam, mu)
    assert coefficients == littlewood_richardson(mu, lam)
    assert all(sum(nu) == sum(lam) + sum(mu) and c > 0 for nu, c in coefficients.items())
    n = 4
    x = np.random.default_rng(seed).uniform(0.5, 1.5, (2, n))
    rhs = sum(c * schur(nu, x) for nu, c in coefficients.items())
    assert np.allclose(schur(lam, x) * schur(mu, x), rhs, rtol=1e-8)


@settings(max_examples=max(5, settings.default.max_examples // 3))
@given(
    st.integers(0, 3).flatmap(lambda k: st.sampled_from(partitions(k))),
    st.integers(0, 3).flatmap(lambda k: st.sampled_from(partitions(k))),
    st.integers(0, 2**32),
)
def test_newell_littlewood_reproduces_sp_character_products(lam, mu, seed):
    n = max(1, len(lam) + len(mu))  # the stable range
    x = torus_points(seed, n)
    rhs = sum(c * sp_character(nu, x) for nu, c in newell_littlewood(lam, mu).items())
    assert np.allclose(sp_character(lam, x) * sp_character(mu, x), rhs, atol=1e-8)


@given(st.integers(0, 30))
def test_partitions_and_conjugates(n):
    parts = partitions(n)
    assert len(set(parts)) == len(parts) and all(sum(p) == n for p in parts)
    assert all(conjugate(conjugate(p)) == p for p in parts)
    assert sorted(conjugate(p) for p in parts) == sorted(parts)


BAD = [
    (lambda: laurent_product(), ValueError, "factor"),
    (lambda: laurent_product({}), TypeError, "factors"),
    (lambda: laurent_product({(1,): 1}, {(1, 2): 1}), ValueError, "exponents"),
    (lambda: laurent_product({(1,): 1.5}), TypeError, "coefficients"),
    (lambda: laurent_product(*[{(e,): 1 for e in range(100)}] * 4), ValueError, "terms"),
    (lambda: product_of({}, 2), TypeError, "g"),
    (lambda: product_of({1: 1}, 0), ValueError, "n"),
    (lambda: weyl_denominator(tuple(range(9, 0, -1))), ValueError, "mu"),
    (lambda: expand_sp({(1,): 1}, 1), ValueError, "invariant"),
    (lambda: expand_sp(product_of({0: 1}, 9), 9), ValueError, "n must be at most"),
    (lambda: expand_product({1: 1}, 2), ValueError, "g"),
    (lambda: expand_product({1: 1.0, -1: 1.0}, 2), TypeError, "g"),
    (lambda: expand_product({1: 1, -1: 1}, 2, "A"), ValueError, "group"),
    (lambda: expand_product({1: 1, -1: 1}, 2, spin=True), ValueError, "spin"),
    (lambda: expand_product({10**6: 1, -(10**6): 1}, 3), ValueError, "too many"),
    (lambda: character("C", (1,), [[0.0, 1.0]]), ValueError, "nonzero"),
    (lambda: character("C", (1,), [[np.nan, 1.0]]), ValueError, "finite"),
    (lambda: character("C", (1, 2), [[2.0, 3.0]]), ValueError, "partition"),
    (lambda: character("C", (0.5,), [[2.0, 3.0]]), ValueError, "spin"),
    (lambda: character("C", (1, 1, 1), [[2.0, 3.0]]), ValueError, "parts"),
    (lambda: character("C", (1,), [[1.0, 3.0]]), ValueError, "generic"),
    (lambda: character("C", (700,), [[2.0, 3.0]]), ValueError, "too large"),
    (lambda: character("C", "ab", [[2.0, 3.0]]), TypeError, "λ"),
    (lambda: schur((1,), [[np.nan, 1.0]]), ValueError, "finite"),
    (lambda: schur((1,), 2.0), ValueError, "shape"),
    (lambda: schur((1,), [["a", "b"]]), TypeError, "x"),
    (lambda: schur((1,), [[2.0, 2.0]]), ValueError, "distinct"),
    (lambda: schur((400,), [[1e3, 2.0]]), ValueError, "too large"),
    (lambda: schur((10**15,), [[0.5, 0.9]]), ValueError, "phase"),
    (lambda: character("C", (10**15,), [[np.exp(1j)]]), ValueError, "phase"),
    (lambda: weyl_denominator(("a",)), TypeError, "mu"),
    (lambda: weyl_denominator(tuple(range(7, 0, -1))), ValueError, "mu"),
    (lambda: product_of({1: 1, -1: 1}, 10**5), ValueError, "terms"),
    (lambda: conjugate((10**9,)), ValueError, "lam"),
    (lambda: partitions(10**5), ValueError, "too many"),
    (lambda: littlewood_richardson(tuple(range(40, 0, -1)), (40, 30)), ValueError, "boxes"),
    (lambda: newell_littlewood((20,), (20,)), ValueError, "30 boxes"),
    (lambda: littlewood_richardson((1, 2), (1,)), ValueError, "lam"),
    (lambda: littlewood_richardson((1,), (1.5,)), ValueError, "mu"),
    (lambda: littlewood_richardson((1,), "x"), TypeError, "mu"),
    (lambda: newell_littlewood((-1,), (1,)), ValueError, "lam"),
    (lambda: partitions(-1), ValueError, "n"),
    (lambda: partitions(80), ValueError, "too many"),
    (lambda: partitions(5, max_part=-1), ValueError, "max_part"),
    (lambda: conjugate((1, 3)), ValueError, "lam"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
