"""Contract of rederived.algorithms.pararnn, on its whole domain (Hypothesis).

Domain: a cell has finite real parameters a (3, N), B (3, N, D), b (3, N); inputs x are finite
real (T, D) arrays with T ≥ 1, h0 a finite (N,) array. linear_recurrence takes finite real a, b
of one shape (T, ...), T ≥ 1, and returns the exact step-by-step solution (finite) or a
ValueError when that solution overflows float64; newton returns finite iterates or an
ArithmeticError when it diverges; backward returns the gradients of a loss linear in the states
(the same as back-propagation through time, and as finite differences), in a Gradients. Bad
input: ValueError or TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rederived.algorithms import pararnn

COVERS = (
    "DiagonalGRU",
    "Gradients",
    "backward",
    "backward_sequential",
    "linear_recurrence",
    "newton",
    "newton_iterates",
    "sequential",
)  # MAX_ITERATIONS: a constant

FACTORS = st.one_of(
    st.floats(-2, 2, allow_nan=False, width=64),
    st.sampled_from([0.0, -0.0, 1e-300, 5e-324, 1e200, -1e200, 1e308]),
)


def step_by_step(a, b):
    out = np.empty_like(b)
    out[0] = b[0]
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, len(b)):
            out[t] = a[t] * out[t - 1] + b[t]
    return out


@given(
    st.integers(1, 70).flatmap(
        lambda T: st.tuples(
            hnp.arrays(float, (T, 2), elements=FACTORS),
            hnp.arrays(float, (T, 2), elements=FACTORS),
        )
    )
)
def test_the_scan_is_the_recurrence_or_refuses_an_overflowing_one(ab):
    a, b = ab
    reference = step_by_step(a, b)
    if not np.all(np.isfinite(reference)):
        with pytest.raises(ValueError, match="overflows"):
            pararnn.linear_recurrence(a, b)
        return
    delta, rounds = pararnn.linear_recurrence(a, b)
    assert np.all(np.isfinite(delta))
    assert rounds == int(np.ceil(np.log2(len(a)))) if len(a) > 1 else rounds == 0
    scale = np.maximum(np.abs(reference), 1e-300)
    # below the normal range every operation may be off by up to one smallest subnormal
    # (2^-1074) in absolute terms, and the factors that follow multiply it: at most T such
    # errors, each times the largest product of |a| after it (the large profile met b = 5e-324
    # with a = 1e200, where the two orders of rounding differ by 2.5e-124)
    with np.errstate(over="ignore"):
        after = np.cumprod(np.maximum(np.abs(a[::-1]), 1.0), axis=0)[::-1]
        subnormal = len(a) * 2.0**-1074 * np.max(after, axis=0)
    assert np.all(np.abs(delta - reference) <= 1e-9 * scale + 1e-9 * np.abs(b).max() + subnormal)


def test_a_huge_prefix_product_in_front_of_zeros_is_zero():
    # 2**2048 overflows, but every δ is 0: the scan once returned 1024 NaNs here
    delta, _ = pararnn.linear_recurrence(np.full((2048, 1), 2.0), np.zeros((2048, 1)))
    assert np.all(delta == 0)


@given(
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 40),
    st.sampled_from([0.1, 0.5, 1.0]),
    st.integers(0, 2**32),
)
def test_newton_matches_the_sequential_loop_or_says_it_diverged(hidden, inputs, T, scale, seed):
    cell = pararnn.DiagonalGRU.random(hidden, inputs, scale=scale, seed=seed)
    g = np.random.default_rng(seed)
    x, h0 = g.normal(size=(T, inputs)), g.normal(size=hidden)
    reference = pararnn.sequential(cell, x, h0)
    assert np.all(np.isfinite(reference)) and np.all(np.abs(reference) <= max(1, np.abs(h0).max()))
    try:
        H, residuals, _ = pararnn.newton(cell, x, h0, iterations=T + 1)
    except ArithmeticError:
        return
    assert np.all(np.isfinite(H)) and all(np.isfinite(residuals))
    # T + 1 Newton iterations on T steps are exact in exact arithmetic (each fixes one more step)
    assert np.max(np.abs(H - reference)) < 1e-6
    # every iterate of one run is the result of a run stopped there, bit for bit
    iterates = pararnn.newton_iterates(cell, x, h0, iterations=T + 1)
    assert len(iterates) == T + 2 and np.array_equal(iterates[-1], H)
    k = int(g.integers(0, T + 2))
    assert np.array_equal(iterates[k], pararnn.newton(cell, x, h0, iterations=k)[0])


@given(st.integers(1, 8), st.integers(1, 8), st.integers(0, 2**32))
def test_the_authors_initialisation_is_a_valid_cell(half_hidden, half_inputs, seed):
    cell = pararnn.DiagonalGRU.authors_init(2 * half_hidden, 2 * half_inputs, seed=seed)
    assert cell.hidden == 2 * half_hidden and np.all(np.isfinite(cell.B))
    h, jac = cell.step(np.zeros(cell.hidden), cell.projections(np.ones((1, 2 * half_inputs)))[:, 0])
    assert np.all(np.isfinite(h)) and np.all(np.isfinite(jac))


@given(
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 30),
    st.sampled_from([0.1, 1.0, 3.0]),
    st.integers(0, 2**32),
)
def test_backward_is_back_propagation_and_the_derivative(hidden, inputs, T, scale, seed):
    cell = pararnn.DiagonalGRU.random(hidden, inputs, scale=scale, seed=seed)
    g = np.random.default_rng(seed)
    x, h0, w = g.normal(size=(T, inputs)), g.normal(size=hidden), g.normal(size=(T, hidden))
    H = pararnn.sequential(cell, x, h0)
    grads = pararnn.backward(cell, x, h0, H, w)
    assert isinstance(grads, pararnn.Gradients)
    reference = pararnn.backward_sequential(cell, x, h0, H, w)
    for name in ("a", "B", "b", "h0", "x"):
        got, want = getattr(grads, name), getattr(reference, name)
        assert got.shape == want.shape and np.all(np.isfinite(got))
        assert np.allclose(got, want, rtol=1e-9, atol=1e-12 * (1 + np.abs(want).max()))
    # the directional derivative of L = Σ w ⊙ H along a random direction of every input,
    # against a central difference (its error is O(eps²) times third derivatives, which a
    # cell of recurrent scale 3 over 30 steps keeps below the tolerance)
    d = {n: g.normal(size=np.shape(v)) for n, v in (("a", cell.a), ("B", cell.B), ("b", cell.b))}
    dx, dh0, eps = g.normal(size=x.shape), g.normal(size=h0.shape), 1e-6

    def loss(s):
        moved = pararnn.DiagonalGRU(cell.a + s * d["a"], cell.B + s * d["B"], cell.b + s * d["b"])
        return float(np.sum(w * pararnn.sequential(moved, x + s * dx, h0 + s * dh0)))

    fd = (loss(eps) - loss(-eps)) / (2 * eps)
    exact = sum(float(np.sum(getattr(grads, n) * d[n])) for n in d)
    exact += float(np.sum(grads.x * dx) + np.sum(grads.h0 * dh0))
    assert abs(fd - exact) <= 1e-5 * (1 + abs(exact))


CELL = pararnn.DiagonalGRU.random(2, 3, seed=0)
H4 = np.zeros((4, 2))
BAD = [
    (
        lambda: pararnn.backward(CELL, np.ones((4, 3)), np.zeros(2), np.zeros((3, 2)), H4),
        ValueError,
        "H",
    ),
    (
        lambda: pararnn.backward(CELL, np.ones((4, 3)), np.zeros(2), H4, np.full((4, 2), np.nan)),
        ValueError,
        "grad_H",
    ),
    (
        lambda: pararnn.backward(CELL, np.ones((4, 3)), np.zeros(2), H4, H4 * 1j),
        TypeError,
        "grad_H",
    ),
    (lambda: pararnn.backward(CELL, np.ones((4, 2)), np.zeros(2), H4, H4), ValueError, "x"),
    (
        lambda: pararnn.backward(CELL, np.ones((4, 3)), np.zeros(2), H4, np.full((4, 2), 1.7e308)),
        ValueError,
        "grad_H",
    ),
    (
        lambda: pararnn.backward_sequential(
            CELL, np.ones((4, 3)), np.zeros(2), H4, np.full((4, 2), 1.7e308)
        ),
        ValueError,
        "grad_H",
    ),
    (
        lambda: pararnn.backward_sequential(CELL, np.ones((4, 3)), np.zeros(3), H4, H4),
        ValueError,
        "h0",
    ),
    (lambda: pararnn.linear_recurrence(np.ones(3), np.ones(4)), ValueError, "same shape"),
    (lambda: pararnn.linear_recurrence(np.ones(0), np.ones(0)), ValueError, "T ≥ 1"),
    (lambda: pararnn.linear_recurrence([1.0, np.nan], [1.0, 1.0]), ValueError, "finite"),
    (lambda: pararnn.linear_recurrence(np.ones(2) * 1j, np.ones(2)), TypeError, "a"),
    (lambda: pararnn.linear_recurrence(np.ones(2), ["x", "y"]), TypeError, "b"),
    (lambda: pararnn.newton(CELL, np.ones((0, 3)), np.zeros(2)), ValueError, "T ≥ 1"),
    (lambda: pararnn.newton(CELL, np.ones((4, 3)), np.full(2, np.nan)), ValueError, "h0"),
    (lambda: pararnn.newton(CELL, np.ones((4, 3)), np.zeros(3)), ValueError, "h0"),
    (lambda: pararnn.newton(CELL, np.ones((4, 2)), np.zeros(2)), ValueError, "x"),
    (lambda: pararnn.newton(CELL, np.ones((4, 3)) * 1j, np.zeros(2)), TypeError, "x"),
    (lambda: pararnn.newton(CELL, np.ones((4, 3)), np.zeros(2), -1), ValueError, "iterations"),
    (lambda: pararnn.newton(CELL, np.ones((4, 3)), np.zeros(2), 10**18), ValueError, "iterations"),
    (lambda: pararnn.sequential(CELL, np.ones((4, 3)), np.zeros(5)), ValueError, "h0"),
    (lambda: pararnn.sequential(CELL, np.full((4, 3), np.inf), np.zeros(2)), ValueError, "x"),
    (lambda: pararnn.DiagonalGRU(np.ones((3, 2)), np.ones((3, 2, 1)), np.ones(2)), ValueError, "b"),
    (
        lambda: pararnn.DiagonalGRU(np.ones((2, 2)), np.ones((3, 2, 1)), np.ones((3, 2))),
        ValueError,
        "a",
    ),
    (
        lambda: pararnn.DiagonalGRU(np.ones((3, 2)) * 1j, np.ones((3, 2, 1)), np.ones((3, 2))),
        TypeError,
        "a",
    ),
    (
        lambda: pararnn.DiagonalGRU(np.full((3, 2), np.inf), np.ones((3, 2, 1)), np.ones((3, 2))),
        ValueError,
        "a",
    ),
    (lambda: pararnn.DiagonalGRU.random(0, 3), ValueError, "hidden"),
    (lambda: pararnn.DiagonalGRU.random(2, 3, scale=np.nan), ValueError, "scale"),
    (lambda: pararnn.DiagonalGRU.random(10**5, 10**5), ValueError, "GiB"),
    (lambda: pararnn.DiagonalGRU.authors_init(3, 4), ValueError, "heads"),
    (lambda: pararnn.DiagonalGRU.authors_init(10**5, 10**5), ValueError, "GiB"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
