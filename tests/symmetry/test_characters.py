"""Unit tests of rederived.symmetry.characters: Laurent products, Weyl denominators, Sp(2n)
expansions."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.symmetry import characters


def test_expansion_of_a_character_is_itself():
    # sp_(1) of Sp(4) = x1 + 1/x1 + x2 + 1/x2
    f = {(1, 0): 1, (-1, 0): 1, (0, 1): 1, (0, -1): 1}
    assert characters.expand_sp(f, 2) == {(1, 0): 1}
    # its square: sp_(1)² = sp_(2) + sp_(1,1) + sp_()
    assert characters.expand_sp(characters.laurent_product(f, f), 2) == {
        (2, 0): 1,
        (1, 1): 1,
        (0, 0): 1,
    }


def test_numeric_characters_match_the_defining_one():
    x = np.exp(1j * np.random.default_rng(0).uniform(0, 6, (20, 3)))
    assert np.allclose(characters.sp_character((1,), x), np.sum(x + 1 / x, axis=-1))
    assert np.allclose(characters.sp_character((), x), 1)


def test_weyl_denominator_size():
    A = characters.weyl_denominator((3, 2, 1))
    assert len(A) == 2**3 * 6 and set(map(abs, A.values())) == {1}


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: characters.expand_sp({(1, 0): 1}, 2), ValueError, "not invariant"),
        (lambda: characters.expand_sp({(1,): 1.5}, 1), TypeError, "coefficients"),
        (lambda: characters.expand_sp({(1,): 1}, 2), ValueError, "tuples of 2"),
        (lambda: characters.expand_sp([1], 1), TypeError, "dict"),
        (lambda: characters.sp_character((1, 2), np.ones((1, 2))), ValueError, "partition"),
        (lambda: characters.sp_character((1, 1, 1), np.ones((1, 2))), ValueError, "more than n"),
        (lambda: characters.character("A", (1,), np.ones(1)), ValueError, "group"),
        (lambda: characters.character("C", (0.5,), np.ones(1)), ValueError, "spin"),
        (lambda: characters.character("B", (1.5, 1), np.ones(2)), ValueError, "partition"),
        (lambda: characters.character("B", (1,), np.zeros(1)), ValueError, "nonzero"),
        (lambda: characters.expand_product({1: 1}, 2), ValueError, "g\\(1/x\\)"),
        (lambda: characters.expand_product({0: 1.0}, 2), TypeError, "int"),
        (lambda: characters.expand_product({0: 1}, 2, "C", spin=True), ValueError, "'B'"),
        (lambda: characters.expand_product({0: 1}, 0), ValueError, "n must"),
        (lambda: characters.laurent_product(), ValueError, "at least one"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def _torus_points(n, rng, size=20):
    return np.exp(1j * rng.uniform(0, 2 * np.pi, (size, n))) * rng.uniform(0.8, 1.25, (size, n))


@pytest.mark.parametrize("group", ["B", "C", "D"])
def test_expand_product_sums_back_to_the_product(group):
    rng = np.random.default_rng(5)
    g = {0: 1, 2: 1, -2: 1, 1: -3, -1: -3}
    for n in (1, 2, 3, 4):
        expansion = characters.expand_product(g, n, group)
        x = _torus_points(n, rng)
        lhs = np.prod(1 + x**2 + x**-2 - 3 * (x + 1 / x), axis=-1)
        rhs = sum(c * characters.character(group, lam, x) for lam, c in expansion.items())
        assert np.allclose(lhs, rhs, rtol=1e-9)


def test_expand_product_agrees_with_the_expanded_denominator():
    for n in (1, 2, 3):
        product = characters.product_of({0: 1, 2: 1, -2: 1}, n)
        assert len(product) == 3**n
        fast = characters.expand_product({0: 1, 2: 1, -2: 1}, n, "C")
        assert characters.expand_sp(product, n) == fast


def test_spin_expansion_sums_back_and_low_characters_are_known():
    rng = np.random.default_rng(6)
    x = _torus_points(2, rng)
    delta = np.prod(np.sqrt(x) + 1 / np.sqrt(x), axis=-1)
    assert np.allclose(characters.character("B", (0.5, 0.5), x), delta)
    assert np.allclose(characters.character("B", (1,), x), 1 + np.sum(x + 1 / x, axis=-1))
    expansion = characters.expand_product({0: 1, 1: 1, -1: 1}, 2, "B", spin=True)
    lhs = delta * np.prod(1 + x + 1 / x, axis=-1)
    rhs = sum(c * characters.character("B", lam, x) for lam, c in expansion.items())
    assert np.allclose(lhs, rhs)


def test_littlewood_richardson_known_values_and_schur_products():
    assert characters.littlewood_richardson((2, 1), (2, 1))[(3, 2, 1)] == 2
    assert characters.littlewood_richardson((1,), (1,)) == {(2,): 1, (1, 1): 1}
    assert characters.littlewood_richardson((), (2, 1)) == {(2, 1): 1}
    rng = np.random.default_rng(8)
    for lam, mu in [((2, 1), (1, 1)), ((3,), (2, 1)), ((2, 2), (1,))]:
        assert characters.littlewood_richardson(lam, mu) == characters.littlewood_richardson(
            mu, lam
        )
        n = len(lam) + len(mu)
        x = _torus_points(n, rng)
        lhs = characters.schur(lam, x) * characters.schur(mu, x)
        terms = characters.littlewood_richardson(lam, mu).items()
        assert np.allclose(lhs, sum(c * characters.schur(nu, x) for nu, c in terms))


@pytest.mark.parametrize("group", ["B", "C", "D"])
def test_newell_littlewood_products_in_the_stable_range(group):
    rng = np.random.default_rng(9)
    for lam, mu in [((1,), (1,)), ((2,), (1, 1)), ((2, 1), (1,))]:
        n = len(lam) + len(mu)
        x = _torus_points(n, rng)
        lhs = characters.character(group, lam, x) * characters.character(group, mu, x)
        terms = characters.newell_littlewood(lam, mu).items()
        assert np.allclose(lhs, sum(c * characters.character(group, nu, x) for nu, c in terms))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: characters.littlewood_richardson((1, 2), (1,)), "partition"),
        (lambda: characters.littlewood_richardson((1,), (-1,)), "partition"),
        (lambda: characters.littlewood_richardson((1.5,), (1,)), "integers"),
        (lambda: characters.schur((2, 3), np.ones((1, 2))), "partition"),
    ],
)
def test_partitions_are_checked(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: characters.character("C", (1,), np.array([[1.5, 1.5]])),
        lambda: characters.character("B", (1,), np.array([[1.0, 0.5]])),
        lambda: characters.character("D", (1,), np.array([[2.0, 0.5]])),
        lambda: characters.schur((1,), np.array([[2.0, 2.0]])),
    ],
)
def test_singular_points_of_weyls_formula_are_refused(call):
    with pytest.raises(ValueError, match="generic"):
        call()


def test_partitions_and_conjugates():
    assert characters.partitions(4) == [(4,), (3, 1), (2, 2), (2, 1, 1), (1, 1, 1, 1)]
    assert characters.partitions(0) == [()]
    assert [len(characters.partitions(n)) for n in range(1, 9)] == [1, 2, 3, 5, 7, 11, 15, 22]
    assert characters.conjugate((3, 1)) == (2, 1, 1) and characters.conjugate(()) == ()
    with pytest.raises(ValueError, match="n must"):
        characters.partitions(-1)


def test_overflowing_weights_and_huge_denominators_are_refused():
    # at λ = 700 the determinants overflowed and the character came out NaN without an error;
    # weyl_denominator with 9 parts would expand 1.9e8 terms (n = 7 already took 16 s: refused)
    with pytest.raises(ValueError, match="too large for the determinant formula"):
        characters.character("C", (700, 0), np.array([3.0, 1.5]))
    assert np.isfinite(characters.character("C", (700, 0), np.array([2.0, 0.6 + 0.1j])))
    with pytest.raises(ValueError, match="at most 6 parts"):
        characters.weyl_denominator(tuple(range(1, 10)))
