"""Unit tests of rederived.approximation.eim: the greedy EIM, its skeleton form, residual norms."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.approximation import eim


def test_eim_interpolates_and_equals_the_skeleton():
    x, y = np.linspace(0, 1, 60), np.linspace(1, 2, 50)
    F = np.exp(-np.outer(x, y))
    run = eim.greedy(F, 6)
    I = run.interpolant(F)
    assert np.allclose(I[run.xs], F[run.xs]) and np.allclose(I[:, run.ys], F[:, run.ys])
    assert np.allclose(I, eim.skeleton(F, run.xs, run.ys), atol=1e-12)
    assert np.all(np.diff(run.errors) <= 1e-12)  # the residual never grows
    assert eim.lebesgue_constant(run.Q, run.xs) >= 1


def test_low_rank_samples_stop_early():
    F = np.outer(np.arange(1, 11.0), np.arange(1, 8.0)) + np.outer(np.ones(10), np.arange(7.0))
    run = eim.greedy(F, 5)
    assert len(run.xs) == 2 and np.allclose(run.interpolant(F), F)


def _rb_problem():
    """An affine SPD operator A0 + θ A1 on 40 unknowns and a 3-vector reduced basis."""
    rng = np.random.default_rng(0)
    n = 40
    B = rng.normal(size=(n, n))
    A0, A1 = B @ B.T + n * np.eye(n), np.diag(rng.uniform(1, 2, n))
    return A0, A1, np.linalg.qr(rng.normal(size=(n, 3)))[0], n


def test_residual_norms_agree_when_the_residual_is_large():
    A0, A1, V, n = _rb_problem()
    direct, expanded, orthogonal = eim.residual_norms(
        [A0, A1], [[1.0, 0.5], [1.0, 3.0]], np.ones(n), V, A0
    )
    assert np.allclose(direct, expanded, rtol=1e-8) and np.allclose(direct, orthogonal, rtol=1e-10)


def test_rectangular_skeleton_is_the_minimum_norm_fit_and_exact_on_its_rows():
    x, y = np.linspace(0, 1, 60), np.linspace(1, 2, 50)
    F = np.exp(-np.outer(x, y))
    run = eim.greedy(F, 6)
    rows = run.xs[1:]  # the first sensor is lost, its field kept
    I = eim.skeleton(F, rows, run.ys)
    beta = np.linalg.pinv(F[np.ix_(rows, run.ys)]) @ F[rows]
    assert np.allclose(I, F[:, run.ys] @ beta, atol=1e-12)
    assert np.allclose(I[rows], F[rows], atol=1e-12)


def test_snapshot_coefficients_separate_an_affine_matrix_exactly():
    # A(μ) = A0 + μ A1: two snapshots and two entries represent every A(μ)
    rng = np.random.default_rng(1)
    A0, A1 = rng.normal(size=(2, 5, 5))
    train = np.linspace(0, 1, 7)
    F = np.column_stack([(A0 + m * A1).ravel() for m in train])
    run = eim.greedy(F, 3)
    assert len(run.xs) == 2
    beta = eim.snapshot_coefficients(F[np.ix_(run.xs, run.ys)], (A0 + 3.7 * A1).ravel()[run.xs])
    assert np.allclose(F[:, run.ys] @ beta, (A0 + 3.7 * A1).ravel(), atol=1e-12)


def test_residual_eim_follows_the_direct_norm():
    A0, A1, V, n = _rb_problem()
    train = np.column_stack([np.ones(30), np.linspace(0, 4, 30)])
    offline = eim.residual_eim([A0, A1], train, np.ones(n), V, A0, 40)
    test = [[1.0, 0.5], [1.0, 3.0]]
    direct = eim.residual_norms([A0, A1], test, np.ones(n), V, A0)[0]
    assert np.allclose(offline.norms(test), direct, rtol=1e-8)
    with pytest.raises(ValueError, match="one column per operator"):
        offline.norms([1.0])


def test_power_eim_of_an_affine_family_is_exact_with_k_plus_one_terms():
    rng = np.random.default_rng(3)
    n = 12
    B0, B1 = rng.normal(size=(2, n, n)) * 0.1
    mus = np.linspace(-1, 1, 30)
    for K in (1, 3, 5):
        pe = eim.power_eim([B0 + m * B1 for m in mus], K, 20)
        assert len(pe.magic) == K + 1
        B = B0 + 0.37 * B1
        assert np.allclose(pe.magic_values(B), pe.family(B)[pe.magic], atol=1e-15)
        beta = pe.coefficients(B)
        approx = sum(
            b * np.linalg.matrix_power(B0 + mus[j] * B1, K)
            for b, j in zip(beta, pe.params, strict=True)
        )
        assert np.allclose(approx, np.linalg.matrix_power(B, K), atol=1e-13)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: eim.greedy(np.ones((3, 3)), 0), ValueError, "d must"),
        (lambda: eim.greedy(np.ones((3, 3)), 4), ValueError, "at most 3"),
        (lambda: eim.greedy(np.ones((3, 3)), 2, "l1"), ValueError, "norm"),
        (lambda: eim.greedy(np.array([[np.nan]]), 1), ValueError, "finite"),
        (lambda: eim.greedy(np.zeros((3, 3)), 2), ValueError, "identically zero"),
        (lambda: eim.skeleton(np.eye(3), [0, 1], [0]), ValueError, "more rows"),
        (lambda: eim.skeleton(np.eye(3), [0, 0], [0, 1]), ValueError, "distinct"),
        (lambda: eim.skeleton(np.eye(3), [0, 3], [0, 1]), ValueError, "xs must"),
        (lambda: eim.skeleton(np.eye(3), [0.5], [0]), ValueError, "integer"),
        (lambda: eim.snapshot_coefficients(np.eye(2), np.ones(3)), ValueError, "2 rows"),
        (lambda: eim.power_eim([], 2, 2), ValueError, "at least one"),
        (lambda: eim.power_eim([np.ones((2, 3))], 2, 2), ValueError, "square"),
        (lambda: eim.power_eim([np.eye(2)], 0, 2), ValueError, "K must"),
        (lambda: eim.power_eim([np.eye(2)], 2, 2, entries=[4]), ValueError, "entries"),
        (lambda: eim.power_eim([np.eye(2)], 2, 1).coefficients(np.eye(3)), ValueError, "2×2"),
        (lambda: eim.snapshot_coefficients(np.eye(2), [1.0, np.nan]), ValueError, "finite"),
        (
            lambda: eim.residual_eim(
                [np.eye(2)], [[1.0, 2.0]], np.ones(2), np.eye(2)[:, :1], np.eye(2), 2
            ),
            ValueError,
            "one column per operator",
        ),
        (
            lambda: eim.residual_norms(
                [np.eye(2)], [[1.0, 2.0]], np.ones(2), np.eye(2)[:, :1], np.eye(2)
            ),
            ValueError,
            "one column per operator",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_interpolant_refuses_degrees_outside_its_basis():
    # d = 0 returned zeros (an empty solve) and d beyond the basis silently used all of it
    x = np.linspace(0, 1, 40)
    F = np.exp(-np.outer(x, np.linspace(1, 5, 30)))
    model = eim.greedy(F, 5)
    assert np.allclose(model.interpolant(F[:, 3]), model.interpolant(F[:, 3], 5))
    for bad in (0, 6):
        with pytest.raises(ValueError, match="d must"):
            model.interpolant(F[:, 3], bad)
    with pytest.raises(ValueError, match="F must"):
        model.interpolant(F[:10, 3])
