"""Unit tests of rederived.symmetry.gaunt and rederived.symmetry.cg."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation
from sympy.physics.wigner import real_gaunt

from rederived.symmetry import cg, gaunt
from rederived.symmetry.so3 import real_sph_harm, sphere_quadrature, wigner_D_real

SEED = 20261123


def coefficients(rng, L, batch=()):
    return rng.normal(size=(*batch, (L + 1) ** 2))


def test_gaunt_coefficients_equal_sympy_exact_values():
    for l1, l2, l3 in [(0, 0, 0), (1, 1, 2), (2, 1, 1), (2, 2, 2), (3, 2, 3), (4, 3, 3), (4, 4, 4)]:
        G = gaunt.gaunt_coefficients(l1, l2, l3)
        for m1 in range(-l1, l1 + 1):
            for m2 in range(-l2, l2 + 1):
                for m3 in range(-l3, l3 + 1):
                    exact = float(real_gaunt(l1, l2, l3, m1, m2, m3))
                    assert abs(G[m1 + l1, m2 + l2, m3 + l3] - exact) < 1e-14


def test_gaunt_tensor_equals_quadrature_of_three_harmonics():
    L1, L2, L3 = 4, 3, 5
    pts, w = sphere_quadrature(L1 + L2 + L3)
    Y1, Y2, Y3 = (real_sph_harm(L, pts) for L in (L1, L2, L3))
    quad = np.einsum("q,qi,qj,qk->ijk", w, Y1, Y2, Y3)
    np.testing.assert_allclose(gaunt.gaunt_tensor(L1, L2, L3), quad, atol=1e-14)


def test_selection_rules_hold_exactly():
    G = gaunt.gaunt_tensor(4, 4, 8)
    for l1 in range(5):
        for l2 in range(5):
            for l3 in range(9):
                block = G[l1 * l1 : (l1 + 1) ** 2, l2 * l2 : (l2 + 1) ** 2, l3 * l3 : (l3 + 1) ** 2]
                allowed = abs(l1 - l2) <= l3 <= l1 + l2 and (l1 + l2 + l3) % 2 == 0
                assert np.any(block != 0) == allowed, (l1, l2, l3)


@pytest.mark.parametrize(
    ("L1", "L2", "L3"), [(0, 0, 0), (1, 2, 3), (3, 1, 0), (5, 5, 10), (8, 8, 8), (2, 7, 4)]
)
def test_three_methods_agree(L1, L2, L3):
    rng = np.random.default_rng(SEED)
    x1, x2 = coefficients(rng, L1, (6,)), coefficients(rng, L2, (6,))
    ref = gaunt.tensor_product(x1, x2, L3, method="direct")
    scale = np.abs(ref).max()
    for method in ("fourier", "grid"):
        out = gaunt.tensor_product(x1, x2, L3, method=method)
        assert np.abs(out - ref).max() <= 1e-13 * scale, method


def test_product_of_functions_pointwise():
    """The output represents f1·f2 itself when lmax_out >= L1 + L2."""
    rng = np.random.default_rng(SEED)
    x1, x2 = coefficients(rng, 3), coefficients(rng, 4)
    out = gaunt.tensor_product(x1, x2, 7)
    pts = np.random.default_rng(1).normal(size=(50, 3))
    f1, f2 = real_sph_harm(3, pts) @ x1, real_sph_harm(4, pts) @ x2
    np.testing.assert_allclose(real_sph_harm(7, pts) @ out, f1 * f2, atol=1e-12)


def test_batch_dimensions_broadcast():
    rng = np.random.default_rng(SEED)
    x1, x2 = coefficients(rng, 2, (4, 1)), coefficients(rng, 3, (5,))
    out = gaunt.tensor_product(x1, x2, 3, method="grid")
    assert out.shape == (4, 5, 16)
    np.testing.assert_allclose(out[2, 3], gaunt.tensor_product(x1[2, 0], x2[3], 3), atol=1e-14)


@pytest.mark.parametrize("method", gaunt.METHODS)
def test_equivariance(method):
    rng = np.random.default_rng(SEED)
    L1, L2, L3 = 4, 3, 6
    D1, D2, D3 = (
        wigner_D_real(L, Rotation.random(random_state=2).as_matrix()) for L in (L1, L2, L3)
    )
    x1, x2 = coefficients(rng, L1, (3,)), coefficients(rng, L2, (3,))
    rotated = gaunt.tensor_product(x1 @ D1.T, x2 @ D2.T, L3, method=method)
    np.testing.assert_allclose(
        rotated, gaunt.tensor_product(x1, x2, L3, method=method) @ D3.T, atol=1e-12
    )


@pytest.mark.parametrize("method", gaunt.METHODS)
def test_float32_in_float32_out(method):
    rng = np.random.default_rng(SEED)
    x1, x2 = coefficients(rng, 4, (3,)), coefficients(rng, 4, (3,))
    out32 = gaunt.tensor_product(x1.astype(np.float32), x2.astype(np.float32), 4, method=method)
    assert out32.dtype == np.float32
    ref = gaunt.tensor_product(x1, x2, 4, method="direct")
    assert np.abs(out32 - ref).max() < 1e-5 * np.abs(ref).max()


def test_cg_coupling_is_an_equivariant_isometry_and_contains_gaunt():
    D = wigner_D_real(5, Rotation.random(random_state=9).as_matrix())
    block = {l: D[l * l : (l + 1) ** 2, l * l : (l + 1) ** 2] for l in range(6)}
    rng = np.random.default_rng(SEED)
    for l1, l2, l3 in cg.paths(3, 3, 5):
        C = cg.clebsch_gordan_real(l1, l2, l3)
        M = C.reshape(-1, 2 * l3 + 1)
        np.testing.assert_allclose(M.T @ M, np.eye(2 * l3 + 1), atol=1e-13)
        x, y = rng.normal(size=2 * l1 + 1), rng.normal(size=2 * l2 + 1)
        lhs = np.einsum("i,j,ijk->k", block[l1] @ x, block[l2] @ y, C)
        np.testing.assert_allclose(lhs, block[l3] @ np.einsum("i,j,ijk->k", x, y, C), atol=1e-13)
        if (l1 + l2 + l3) % 2 == 0:  # Gaunt = normalisation × <l1 0 l2 0|l3 0> × CG
            c0 = cg.clebsch_gordan_complex(l1, l2, l3)[l1, l2, l3]
            factor = np.sqrt((2 * l1 + 1) * (2 * l2 + 1) / (4 * np.pi * (2 * l3 + 1))) * c0
            np.testing.assert_allclose(gaunt.gaunt_coefficients(l1, l2, l3), factor * C, atol=1e-14)


def test_cg_of_two_vectors_contains_the_cross_product():
    rng = np.random.default_rng(SEED)
    a, b = rng.normal(size=3), rng.normal(size=3)  # as (y, z, x) components of degree 1
    x1, x2 = np.concatenate([[0.0], a]), np.concatenate([[0.0], b])
    to_xyz = [2, 0, 1]
    cross = np.cross(a[to_xyz], b[to_xyz])[[1, 2, 0]]
    np.testing.assert_allclose(cg.tensor_product(x1, x2, 1)[1:], -cross / np.sqrt(2), atol=1e-15)
    assert np.all(gaunt.tensor_product(x1, x2, 1, method="direct")[1:] == 0)


def test_path_counts():
    # 0⊗0→0, 0⊗1→1, 1⊗0→1 and 1⊗1→0, 1, 2
    assert cg.paths(1, 1, 2) == [(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0), (1, 1, 1), (1, 1, 2)]
    all_paths = cg.paths(2, 2, 4)
    even = cg.paths(2, 2, 4, parity="even")
    odd = cg.paths(2, 2, 4, parity="odd")
    assert sorted(even + odd) == sorted(all_paths)
    assert (1, 1, 1) in odd and (1, 1, 1) not in even


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((np.ones(5), np.ones(4), 2), ValueError, "x1: trailing dimension"),
        ((np.ones(4), np.ones((3, 3)), 2), ValueError, "x2: trailing dimension"),
        ((np.ones(4), np.ones(4), -1), ValueError, "lmax_out must be >= 0"),
        ((np.ones(4), np.ones(4), 1.5), TypeError, "lmax_out must be an int"),
        ((np.ones(4), np.ones(4), 2, "fft"), ValueError, "method must be one of"),
        ((np.full(4, np.nan), np.ones(4), 2), ValueError, "x1 must be finite"),
        ((np.ones(4, dtype=complex), np.ones(4), 2), TypeError, "x1 must be a real"),
        ((np.ones((2, 4)), np.ones((3, 4)), 2), ValueError, "do not broadcast"),
        ((np.float64(1.0), np.ones(4), 2), ValueError, "trailing dimension"),
    ],
)
def test_tensor_product_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        gaunt.tensor_product(*args)


def test_cg_rejects_bad_input():
    with pytest.raises(ValueError, match="x1: trailing dimension"):
        cg.tensor_product(np.ones(3), np.ones(4), 1)
    with pytest.raises(ValueError, match="l3 must be >= 0"):
        cg.clebsch_gordan_real(1, 1, -1)
    with pytest.raises(ValueError, match="parity"):
        cg.paths(1, 1, 1, parity="both")
    with pytest.raises(ValueError, match="l1 must be >= 0"):
        gaunt.gaunt_coefficients(-1, 0, 1)


def test_theta_sine_integrals_match_quadrature():
    from scipy.integrate import quad

    J = gaunt.theta_sine_integrals(5)
    for k in range(-5, 6):
        re = quad(lambda t, k=k: np.cos(k * t) * np.sin(t), 0, np.pi)[0]
        im = quad(lambda t, k=k: np.sin(k * t) * np.sin(t), 0, np.pi)[0]
        assert abs(J[k + 5] - (re + 1j * im)) < 1e-13, k


def test_large_lmax_out_is_padded_not_tabulated():
    x1, x2 = np.arange(1.0, 10.0), np.arange(2.0, 11.0)  # degrees 2 and 2
    small = gaunt.tensor_product(x1, x2, 4)
    big = gaunt.tensor_product(x1, x2, 3000)  # tables at degree 3000 would need ~100 GiB
    assert big.shape == (3001**2,)
    np.testing.assert_array_equal(big[:25], small)
    assert not big[25:].any()


def test_theta_sine_integrals_and_operation_count_reject_bad_input():
    with pytest.raises(TypeError, match="n must be an int"):
        gaunt.theta_sine_integrals(2.5)
    with pytest.raises(ValueError, match="batch must be >= "):
        gaunt.operation_count(2, 2, 2, "grid", batch=-5)
    with pytest.raises(ValueError, match="batch must be >= 1"):
        gaunt.operation_count(2, 2, 2, "grid", batch=0)
