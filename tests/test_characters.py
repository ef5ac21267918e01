"""Unit tests of rederived.characters: Laurent products, Weyl denominators, Sp(2n) expansions."""

from __future__ import annotations

import numpy as np
import pytest

from rederived import characters


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
        (lambda: characters.sp_character((1, 1, 1), np.ones((1, 2))), ValueError, "partition"),
        (lambda: characters.laurent_product(), ValueError, "at least one"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()
