"""Unit tests of rederived.symmetry.cpd (CP decompositions) and cg.product_tensor."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.symmetry import cg, cpd, so3


def test_product_tensor_is_the_full_tensor_product_and_equivariant():
    rng = np.random.default_rng(0)
    L = 2
    x, y = rng.normal(size=(2, 5, (L + 1) ** 2))
    M = cg.product_tensor(L, normalization="isometry")
    assert np.allclose(np.einsum("kij,bi,bj->bk", M, x, y), cg.tensor_product(x, y, L))
    Q = np.linalg.qr(rng.normal(size=(3, 3)))[0]
    R = so3.wigner_D_real(L, Q * np.sign(np.linalg.det(Q)))
    M3j = cg.product_tensor(L, weights=rng.normal(size=len(cg.paths(L, L, L))))
    rotated = np.einsum("kij,bi,bj->bk", M3j, x @ R.T, y @ R.T)
    assert np.allclose(rotated, np.einsum("kij,bi,bj->bk", M3j, x, y) @ R.T, atol=1e-12)


def test_wigner3j_blocks_have_unit_norm():
    M = cg.product_tensor(1)
    assert np.isclose(np.sum(M**2), len(cg.paths(1, 1, 1)))


def test_als_recovers_a_tensor_of_known_rank():
    rng = np.random.default_rng(1)
    A, B, C = rng.normal(size=(3, 6, 3))
    T = np.einsum("kr,ir,jr->kij", A, B, C)
    fit = cpd.als(T, 3, sweeps=500)
    assert fit.errors[-1] < 1e-10 and fit.rank == 3
    assert np.isclose(cpd.relative_error(T, fit), fit.errors[-1])
    x, y = rng.normal(size=(2, 4, 6))
    assert np.allclose(cpd.apply(fit, x, y), np.einsum("kij,bi,bj->bk", T, x, y), atol=1e-8)


def test_adam_decreases_the_error_and_keeps_the_best_factors():
    T = cg.product_tensor(1)
    fit = cpd.adam(T, 9, steps=300, lr=1e-2, seed=3)
    assert fit.errors[-1] < 0.5 * fit.errors[0]
    assert np.isclose(cpd.relative_error(T, fit), fit.errors.min())


def test_both_fits_are_reproducible_from_the_seed():
    T = cg.product_tensor(1)
    a, b = cpd.als(T, 5, sweeps=20, seed=7), cpd.als(T, 5, sweeps=20, seed=7)
    assert np.array_equal(a.A, b.A)
    c, d = cpd.adam(T, 5, steps=20, seed=7), cpd.adam(T, 5, steps=20, seed=7)
    assert np.array_equal(c.errors, d.errors)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: cpd.als(np.ones((2, 2)), 1), ValueError, "3-way"),
        (lambda: cpd.als(np.zeros((2, 2, 2)), 1), ValueError, "not be zero"),
        (lambda: cpd.als(np.ones((2, 2, 2)), 0), ValueError, "rank"),
        (lambda: cpd.als(np.ones((2, 2, 2)), 1, sweeps=0), ValueError, "sweeps"),
        (lambda: cpd.adam(np.ones((2, 2, 2)), 1, lr=-1.0), ValueError, "lr"),
        (lambda: cpd.adam(np.ones((2, 2, 2)), 1, weight_decay=-1.0), ValueError, "weight_decay"),
        (lambda: cg.product_tensor(1, weights=[1.0]), ValueError, "one per path"),
        (lambda: cg.product_tensor(1, normalization="unit"), ValueError, "normalization"),
        (lambda: cg.product_tensor(-1), ValueError, "L"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_apply_checks_the_input_sizes():
    fit = cpd.als(cg.product_tensor(1), 3, sweeps=2)
    with pytest.raises(ValueError, match="end in 4"):
        cpd.apply(fit, np.ones(3), np.ones(4))


def test_product_tensor_in_the_complex_basis_holds_the_clebsch_gordan_coefficients():
    L = 2
    M = cg.product_tensor(L, normalization="isometry", basis="complex")
    for a, b, c in cg.paths(L, L, L):
        block = M[c * c : (c + 1) ** 2, a * a : (a + 1) ** 2, b * b : (b + 1) ** 2]
        np.testing.assert_array_equal(block, cg.clebsch_gordan_complex(a, b, c).transpose(2, 0, 1))
    # same norm as the real-basis tensor: each block is a unitary transform of the other's
    assert np.linalg.norm(M) == pytest.approx(
        np.linalg.norm(cg.product_tensor(L, normalization="isometry"))
    )
    with pytest.raises(ValueError, match="basis"):
        cg.product_tensor(1, basis="spherical")
