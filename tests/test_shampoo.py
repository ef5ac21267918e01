"""Unit tests of rederived.shampoo: rearrangement, optimal Kronecker factors, power steps."""

from __future__ import annotations

import numpy as np
import pytest

from rederived import shampoo


def test_rearrangement_of_a_kronecker_product_is_rank_one():
    rng = np.random.default_rng(0)
    L, R = rng.normal(size=(3, 3)), rng.normal(size=(4, 4))
    assert np.allclose(shampoo.rearrange(np.kron(L, R), 3, 4), np.outer(L.ravel(), R.ravel()))


def test_optimal_kronecker_recovers_an_exact_product():
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(3, 3)), rng.normal(size=(2, 2))
    L, R = shampoo.optimal_kronecker(np.kron(A @ A.T, B @ B.T), 3, 2)
    assert np.allclose(np.kron(L, R), np.kron(A @ A.T, B @ B.T))


def test_one_power_step_gives_shampoos_statistics():
    G = np.random.default_rng(2).normal(size=(500, 4, 3))
    H = shampoo.covariance(G)
    L, R = shampoo.shampoo_factors(G)
    L1, R1 = shampoo.kron_power_iteration(H, 4, 3, 1)
    assert np.allclose(L1, L)
    assert np.allclose(R1, R / np.linalg.norm(R))
    assert shampoo.cosine(np.kron(L, R), np.kron(L1, R1)) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: shampoo.covariance(np.ones((4, 3))), "samples, m, n"),
        (lambda: shampoo.rearrange(np.eye(6), 2, 2), "H must be"),
        (lambda: shampoo.rearrange(np.eye(4), 0, 4), "m must be"),
        (lambda: shampoo.kron_power_iteration(np.eye(4), 2, 2, 0), "steps"),
        (lambda: shampoo.cosine(np.eye(2), np.eye(3)), "shapes differ"),
        (lambda: shampoo.cosine(np.zeros((2, 2)), np.eye(2)), "nonzero"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
