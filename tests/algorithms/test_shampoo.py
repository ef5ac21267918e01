"""Unit tests of rederived.algorithms.shampoo: rearrangement, optimal Kronecker factors, power
steps."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.algorithms import shampoo


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


def test_kronecker_preconditioner_equals_the_dense_inverse_root():
    rng = np.random.default_rng(3)
    A, B = rng.normal(size=(3, 3)), rng.normal(size=(4, 4))
    L, R = A @ A.T + np.eye(3), B @ B.T + np.eye(4)
    G = rng.normal(size=(3, 4))
    K = np.kron(L, R)
    w, V = np.linalg.eigh(K)
    for power in (0.25, 0.5, 1.0):
        dense = ((V * w**-power) @ V.T @ G.ravel()).reshape(3, 4)
        assert np.allclose(shampoo.kron_precondition(G, L, R, power), dense)
        assert np.allclose(shampoo.full_precondition(G, K, power), dense)
    assert np.allclose(
        shampoo.full_precondition(G, K, 1.0), np.linalg.solve(K, G.ravel()).reshape(3, 4)
    )


def test_relative_error_with_and_without_the_scale():
    rng = np.random.default_rng(4)
    H = rng.normal(size=(6, 6))
    assert shampoo.relative_error(H, 3 * H) == pytest.approx(2.0)
    assert shampoo.relative_error(H, 3 * H, fit_scale=True) == pytest.approx(0.0, abs=1e-7)
    K = rng.normal(size=(6, 6))
    c = K.ravel() @ H.ravel() / (K.ravel() @ K.ravel())
    best = np.linalg.norm(H - c * K) / np.linalg.norm(H)
    assert shampoo.relative_error(H, K, fit_scale=True) == pytest.approx(best)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: shampoo.covariance(np.ones((4, 3))), "samples, m, n"),
        (lambda: shampoo.rearrange(np.eye(6), 2, 2), "H must be"),
        (lambda: shampoo.rearrange(np.eye(4), 0, 4), "m must be"),
        (lambda: shampoo.kron_power_iteration(np.eye(4), 2, 2, 0), "steps"),
        (lambda: shampoo.cosine(np.eye(2), np.eye(3)), "shapes differ"),
        (lambda: shampoo.cosine(np.zeros((2, 2)), np.eye(2)), "nonzero"),
        (lambda: shampoo.kron_precondition(np.ones((2, 3)), np.eye(2), np.eye(2)), "do not fit"),
        (lambda: shampoo.kron_precondition(np.ones((2, 2)), -np.eye(2), np.eye(2)), "positive"),
        (lambda: shampoo.kron_precondition(np.ones((2, 2)), np.eye(2), np.ones((2, 3))), "R must"),
        (lambda: shampoo.kron_precondition([[np.nan]], [[1.0]], [[1.0]]), "G must"),
        (lambda: shampoo.full_precondition(np.ones((2, 2)), np.triu(np.ones((4, 4)))), "symmetric"),
        (lambda: shampoo.full_precondition(np.ones((2, 2)), np.eye(3)), "does not fit"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_spd_power():
    A = np.array([[4.0, 1.0], [1.0, 3.0]])
    root = shampoo.spd_power(A, 0.5)
    assert np.allclose(root @ root, A) and np.allclose(shampoo.spd_power(A, -1), np.linalg.inv(A))
    with pytest.raises(ValueError, match="positive definite"):
        shampoo.spd_power(-A, 0.5)
    P = np.array([[1.0, 1.0], [1.0, 1.0]])  # rank one
    assert np.allclose(shampoo.spd_power(P, 0.5, semidefinite=True), P / np.sqrt(2))
    with pytest.raises(ValueError, match="semidefinite"):
        shampoo.spd_power(-A, 0.5, semidefinite=True)
