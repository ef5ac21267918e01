"""Unit tests of rederived.algorithms.pararnn: the cell, the scan, Newton against the sequential
loop."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.algorithms import pararnn


def test_linear_recurrence_matches_a_loop():
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-1, 1, (37, 3)), rng.normal(size=(37, 3))
    delta, rounds = pararnn.linear_recurrence(a, b)
    expected, d = np.empty_like(b), b[0]
    expected[0] = d
    for t in range(1, 37):
        d = a[t] * d + b[t]
        expected[t] = d
    assert np.allclose(delta, expected) and rounds == 6


def test_jacobian_matches_finite_differences():
    cell = pararnn.DiagonalGRU.random(5, 3, seed=1)
    u = cell.projections(np.ones((1, 3)))[:, 0]
    h = np.linspace(-0.5, 0.5, 5)
    _, jac = cell.step(h, u)
    eps = 1e-6
    plus, _ = cell.step(h + eps, u)
    minus, _ = cell.step(h - eps, u)
    assert np.allclose(jac, (plus - minus) / (2 * eps), atol=1e-8)


def test_newton_reaches_the_sequential_states():
    cell = pararnn.DiagonalGRU.random(8, 4, seed=2)
    x = np.random.default_rng(3).normal(size=(300, 4))
    h0 = np.full(8, 0.1)
    H, residuals, rounds = pararnn.newton(cell, x, h0, 6)
    assert np.max(np.abs(H - pararnn.sequential(cell, x, h0))) < 1e-12
    assert residuals[-1] < 1e-12 and rounds == 6 * 9


def test_divergence_is_an_error_not_nan():
    cell = pararnn.DiagonalGRU.random(16, 4, scale=40.0, seed=4)
    x = np.random.default_rng(5).normal(size=(512, 4))
    with pytest.raises(ArithmeticError, match="diverged"):
        pararnn.newton(cell, x, np.zeros(16), 30)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: pararnn.DiagonalGRU(np.zeros((2, 3)), np.zeros((2, 3, 1)), np.zeros((2, 3))),
            "shape",
        ),
        (lambda: pararnn.DiagonalGRU.random(0, 3), "hidden"),
        (
            lambda: pararnn.sequential(
                pararnn.DiagonalGRU.random(2, 3), np.ones((4, 2)), np.zeros(2)
            ),
            "x must be",
        ),
        (
            lambda: pararnn.newton(pararnn.DiagonalGRU.random(2, 3), np.ones((4, 3)), np.zeros(3)),
            "h0",
        ),
        (lambda: pararnn.linear_recurrence(np.ones(3), np.ones(4)), "same shape"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_authors_initialisation_has_their_scales_and_block_structure():
    cell = pararnn.DiagonalGRU.authors_init(64, 32, heads=2, seed=3)
    assert cell.a.shape == (3, 64) and cell.B.shape == (3, 64, 32)
    assert abs(cell.a.std() - 2 / np.sqrt(5 * 64)) < 0.03  # N(0, (2/sqrt(5N))^2)
    assert np.all(cell.B[:, :32, 16:] == 0) and np.all(cell.B[:, 32:, :16] == 0)
    assert np.abs(cell.B).max() <= np.sqrt(6 / (16 + 64))
    assert np.allclose(cell.b[0], -np.linspace(0, 1, 64)) and np.all(cell.b[1:] == 0)
    with pytest.raises(ValueError, match="heads"):
        pararnn.DiagonalGRU.authors_init(64, 30, heads=4)
    with pytest.raises(ValueError, match="hidden"):
        pararnn.DiagonalGRU.authors_init(0, 32)
