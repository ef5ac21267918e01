"""Contract of rederived.algorithms.shampoo, on its whole domain (Hypothesis).

Domain: gradients G are finite real (samples, m, n) arrays with every dimension ≥ 1, at any
scale whose covariance float64 holds; H is a finite real (mn, mn) array; matrices given to the
powers are symmetric positive definite (semidefinite allowed for positive powers), powers finite.
Results are finite and satisfy cheap invariants (symmetry, one power step = Shampoo's statistics,
cosines in [−1, 1] and scale-invariant, A^p A^−p = I); anything else is refused with a
ValueError or TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rederived.algorithms import shampoo

COVERS = (
    "batch_means",
    "cosine",
    "covariance",
    "full_precondition",
    "kron_power_iteration",
    "kron_precondition",
    "optimal_kronecker",
    "rearrange",
    "relative_error",
    "shampoo_factors",
    "softmax_gauss_newton",
    "spd_power",
)

# scales from subnormal to 1e150 (a covariance of entries 1e150 is 1e300: still a double)
SCALES = st.sampled_from([5e-324, 1e-300, 1e-150, 1e-8, 1.0, 1e8, 1e150])


@st.composite
def gradients(draw):
    s, m, n = draw(st.integers(1, 6)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    unit = draw(
        hnp.arrays(float, (s, m, n), elements=st.floats(-1, 1, allow_subnormal=False, width=64))
    )
    return unit, draw(SCALES)


@given(gradients())
def test_statistics_are_symmetric_and_one_power_step(case):
    unit, scale = case
    assume(np.any(np.abs(unit) > 1e-3))
    G = unit * scale
    _, m, n = G.shape
    if (
        scale < 1e-150
    ):  # the products underflow to zero or subnormals: nothing to check but finiteness
        assert np.all(np.isfinite(shampoo.covariance(G)))
        return
    H = shampoo.covariance(G)
    L, R = shampoo.shampoo_factors(G)
    assert np.all(np.isfinite(H)) and np.array_equal(H, H.T)
    assert np.allclose(L, L.T, rtol=1e-12, atol=0) and np.allclose(R, R.T, rtol=1e-12, atol=0)
    L1, R1 = shampoo.kron_power_iteration(H, m, n, 1)
    assert shampoo.cosine(L, L1) > 1 - 1e-10 and shampoo.cosine(R, R1) > 1 - 1e-10
    Lo, Ro = shampoo.optimal_kronecker(H, m, n)

    def kron(A, B):  # of the unit-norm factors: a product of two tiny factors underflows
        return np.kron(A / np.abs(A).max(), B / np.abs(B).max())

    # the optimum is at least as close to H as the one step (up to rounding)
    assert shampoo.cosine(H, kron(Lo, Ro)) >= shampoo.cosine(H, kron(L, R)) - 1e-9


@given(
    hnp.arrays(float, (3, 4), elements=st.floats(-1, 1, width=64)),
    hnp.arrays(float, (3, 4), elements=st.floats(-1, 1, width=64)),
    st.sampled_from([2.0**-1000, 2.0**-500, 1.0, 2.0**500, 2.0**1000]),  # exact scalings
    st.sampled_from([2.0**-1000, 1.0, 2.0**1000]),
)
def test_cosine_is_bounded_and_scale_invariant(A, B, a, b):
    assume(np.abs(A).max() > 1e-3 and np.abs(B).max() > 1e-3)
    c = shampoo.cosine(A, B)
    assert -1 <= c <= 1
    assert abs(shampoo.cosine(A * a, B * b) - c) < 1e-12
    assert abs(shampoo.relative_error(A * a, B * a, fit_scale=True) - np.sqrt(1 - c * c)) < 1e-6
    assert np.isfinite(shampoo.relative_error(A * a, B * a))


@given(st.integers(1, 5), st.floats(-2, 2, allow_nan=False), st.integers(0, 2**32), SCALES)
def test_spd_powers_invert_each_other(k, power, seed, scale):
    assume(scale >= 1e-150)
    g = np.random.default_rng(seed)
    X = g.normal(size=(k, k))
    A = (X @ X.T + k * np.eye(k)) * scale
    P, Q = shampoo.spd_power(A, power), shampoo.spd_power(A, -power)
    assert np.allclose(P @ Q, np.eye(k), atol=1e-8)
    G = g.normal(size=(k, 2))
    Y = g.normal(size=(2, 2))
    R = Y @ Y.T + 2 * np.eye(2)
    assert np.all(np.isfinite(shampoo.kron_precondition(G, A, R)))
    H = np.kron(A, R)
    assert np.allclose(
        shampoo.full_precondition(G, H), shampoo.kron_precondition(G, A, R), rtol=1e-8, atol=0
    )


def test_cosine_of_subnormal_and_huge_arrays():
    tiny = np.array([5e-324, 1e-323, 0.0])  # 1 and 2 times the smallest subnormal
    assert abs(shampoo.cosine(tiny, [1.0, 2.0, 0.0]) - 1) < 1e-15
    expected = (1 + 2 * 1.7) / np.sqrt(5 * (1 + 1.7**2))  # cos([1, 2], [1, 1.7])
    assert abs(shampoo.cosine(tiny, [1e308, 1.7e308, 0.0]) - expected) < 1e-15


def test_power_steps_at_any_scale_a_double_holds():
    # H scaled by 1e±200 was refused with "reached zero" (the iterate overflowed)
    g = np.random.default_rng(1).normal(size=(50, 3, 2))
    H = shampoo.covariance(g)
    L, R = shampoo.kron_power_iteration(H, 3, 2, 3)
    for scale in (1e-200, 1e200):
        Ls, Rs = shampoo.kron_power_iteration(H * scale, 3, 2, 3)
        assert shampoo.cosine(Ls, L) > 1 - 1e-12 and shampoo.cosine(Rs, R) > 1 - 1e-12


def test_a_rank_deficient_semidefinite_square_root_is_accepted():
    v = np.array([[1.0], [2.0]])
    root = shampoo.spd_power(v @ v.T, 0.5, semidefinite=True)
    assert np.allclose(root @ root, v @ v.T)


G2 = np.ones((2, 2, 2))
H4 = np.eye(4)
BAD = [
    (lambda: shampoo.covariance(np.ones((2, 2))), ValueError, "G"),
    (lambda: shampoo.covariance(np.ones((0, 2, 2))), ValueError, "G"),
    (lambda: shampoo.covariance(np.ones((2, 0, 2))), ValueError, "G"),
    (lambda: shampoo.covariance(G2 * np.nan), ValueError, "G"),
    (lambda: shampoo.covariance(G2 * 1j), TypeError, "G"),
    (lambda: shampoo.covariance(np.array([[["a"]]])), TypeError, "G"),
    (lambda: shampoo.covariance(G2 * 1e200), ValueError, "overflows"),
    (lambda: shampoo.covariance(np.ones((1, 200, 200))), ValueError, "GiB"),
    (lambda: shampoo.covariance(np.ones((1, 20, 20)), max_bytes=1000), ValueError, "GiB"),
    (lambda: shampoo.shampoo_factors(G2 * 1e200), ValueError, "overflows"),
    (lambda: shampoo.rearrange(H4, 2, 3), ValueError, "H"),
    (lambda: shampoo.rearrange(H4, 2, 2.0), ValueError, "n"),
    (lambda: shampoo.rearrange(np.full((4, 4), np.inf), 2, 2), ValueError, "H"),
    (lambda: shampoo.optimal_kronecker(H4, 0, 2), ValueError, "m"),
    (lambda: shampoo.kron_power_iteration(np.zeros((4, 4)), 2, 2, 1), ValueError, "zero"),
    (lambda: shampoo.kron_power_iteration(H4, 2, 2, 0), ValueError, "steps"),
    (lambda: shampoo.cosine(H4, np.zeros((4, 4))), ValueError, "B"),
    (lambda: shampoo.cosine(H4, np.eye(3)), ValueError, "shapes"),
    (lambda: shampoo.cosine(H4 * np.nan, H4), ValueError, "A"),
    (lambda: shampoo.relative_error(np.zeros((4, 4)), H4), ValueError, "A"),
    (lambda: shampoo.spd_power(H4, float("nan")), TypeError, "power"),
    (lambda: shampoo.spd_power(H4, float("inf")), TypeError, "power"),
    (lambda: shampoo.spd_power(-H4, 0.5), ValueError, "positive definite"),
    (lambda: shampoo.spd_power(np.triu(np.ones((3, 3))), 0.5), ValueError, "symmetric"),
    (lambda: shampoo.spd_power(H4, -0.5, semidefinite=True), ValueError, "positive powers"),
    (lambda: shampoo.spd_power(H4 * 1e-300, -2.0), ValueError, "overflows"),
    (lambda: shampoo.kron_precondition(np.ones((2, 2)), H4, H4), ValueError, "do not fit"),
    (lambda: shampoo.spd_power(np.zeros((0, 0)), 0.5), ValueError, "A must"),
    (lambda: shampoo.relative_error(H4, H4, fit_scale="no"), TypeError, "fit_scale"),
    (lambda: shampoo.kron_precondition(np.ones(2), H4, H4), ValueError, "G"),
    (
        lambda: shampoo.kron_precondition(np.ones((2, 2)), np.eye(2), np.eye(2), "x"),
        TypeError,
        "power",
    ),
    (lambda: shampoo.full_precondition(np.ones((2, 3)), H4), ValueError, "does not fit"),
    (lambda: shampoo.batch_means(np.ones((4, 2, 2)), 5), ValueError, "batch"),
    (lambda: shampoo.batch_means(np.ones((4, 2, 2)), 0), ValueError, "batch"),
    (lambda: shampoo.batch_means(np.ones((4, 2, 2)), 2.0), ValueError, "batch"),
    (lambda: shampoo.batch_means(np.ones((4, 2)), 1), ValueError, "G"),
    (
        lambda: shampoo.softmax_gauss_newton(np.full((2, 3), 1e308), np.full((4, 3), 10.0)),
        ValueError,
        "W or X",
    ),
    (
        lambda: shampoo.softmax_gauss_newton(np.zeros((2, 3)), np.full((4, 3), 1e160)),
        ValueError,
        "scale X",
    ),
    (lambda: shampoo.softmax_gauss_newton(np.ones((1, 3)), np.ones((4, 3))), ValueError, "W"),
    (lambda: shampoo.softmax_gauss_newton(np.ones((2, 3)), np.ones((4, 2))), ValueError, "X"),
    (lambda: shampoo.softmax_gauss_newton(np.ones((2, 3)), np.ones((0, 3))), ValueError, "X"),
    (
        lambda: shampoo.softmax_gauss_newton(np.full((2, 3), np.nan), np.ones((4, 3))),
        ValueError,
        "W",
    ),
    (lambda: shampoo.softmax_gauss_newton(np.ones((2, 3)), np.ones((4, 3)) * 1j), TypeError, "X"),
    (
        lambda: shampoo.softmax_gauss_newton(np.ones((300, 300)), np.ones((4, 300))),
        ValueError,
        "GiB",
    ),
]


@given(gradients(), st.integers(1, 6))
def test_batch_means_average_consecutive_samples(case, batch):
    unit, scale = case
    G = unit * min(scale, 1e300)
    assume(batch <= len(G))
    means = shampoo.batch_means(G, batch)
    count = len(G) // batch
    assert means.shape == (count, *G.shape[1:]) and np.all(np.isfinite(means))
    for k in range(count):
        assert np.allclose(means[k], G[k * batch : (k + 1) * batch].mean(axis=0), rtol=1e-12)


def test_the_mean_of_huge_gradients_is_finite_when_it_is():
    G = np.array([1.7e308, 1.7e308, -1.7e308, 1.7e308]).reshape(4, 1, 1)
    assert shampoo.batch_means(G, 4).ravel()[0] == pytest.approx(8.5e307)


@given(
    st.integers(2, 4),
    st.integers(1, 4),
    st.integers(1, 30),
    st.sampled_from([0.0, 1.0, 30.0, 1e3]),
    st.integers(0, 2**32),
)
def test_gauss_newton_is_the_fisher_of_sampled_labels(m, n, samples, weight_scale, seed):
    g = np.random.default_rng(seed)
    W, X = weight_scale * g.normal(size=(m, n)), g.normal(size=(samples, n))
    H = shampoo.softmax_gauss_newton(W, X)
    assert H.shape == (m * n, m * n) and np.all(np.isfinite(H))
    assert np.allclose(H, H.T, rtol=0, atol=1e-12 * max(1.0, np.abs(H).max()))
    # positive semidefinite, with each x's block Λ ⊗ x xᵀ annihilating 1 ⊗ x⊥ directions
    assert np.linalg.eigvalsh(H).min() >= -1e-10 * max(1.0, np.abs(H).max())
    # the exact expectation over labels drawn from p: Σ_y p_y vec(G_y) vec(G_y)ᵀ
    z = X @ W.T
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    fisher = np.zeros_like(H)
    for s in range(samples):
        for y in range(m):
            score = p[s] - np.eye(m)[y]
            v = np.outer(score, X[s]).ravel()
            fisher += p[s, y] * np.outer(v, v) / samples
    assert np.allclose(H, fisher, rtol=1e-9, atol=1e-12 * max(1.0, np.abs(fisher).max()))


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()


def test_powers_of_a_matrix_near_overflow_and_a_nan_size_request():
    # (A + Aᵀ)/2 overflowed for entries near 1e308 and the root was refused as "overflows"
    from rederived._checks import memory

    assert np.allclose(shampoo.spd_power(1e308 * np.eye(2), 0.5), 1e154 * np.eye(2))
    with pytest.raises(ValueError, match="GiB"):
        memory(float("nan"), "a request")
