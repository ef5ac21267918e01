"""Unit tests of rederived.symmetry.so3: harmonics, rotations, quadrature."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sps
from scipy.spatial.transform import Rotation

from rederived.symmetry import so3
from rederived.symmetry.so3 import real_sph_harm, sh_index, sphere_quadrature, wigner_D_real

RNG_SEED = 20261123


def random_points(n: int, seed: int = RNG_SEED) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, 3))


def test_degree_one_is_the_direction_in_y_z_x_order():
    xyz = random_points(10)
    u = xyz / np.linalg.norm(xyz, axis=1, keepdims=True)
    Y = real_sph_harm(1, 3.7 * xyz)  # scaling does not matter
    np.testing.assert_allclose(Y[:, 0], 1 / np.sqrt(4 * np.pi))
    np.testing.assert_allclose(Y[:, 1:], np.sqrt(3 / (4 * np.pi)) * u[:, [1, 2, 0]], atol=1e-15)


def test_matches_scipy_complex_harmonics_through_the_stated_convention():
    L = 10
    xyz = random_points(40)
    r = np.linalg.norm(xyz, axis=1)
    theta, phi = np.arccos(xyz[:, 2] / r), np.arctan2(xyz[:, 1], xyz[:, 0])
    Y = real_sph_harm(L, xyz)
    for l in range(L + 1):
        for m in range(-l, l + 1):
            c = sps.sph_harm_y(l, abs(m), theta, phi)  # Condon–Shortley phase included
            expected = c.real if m == 0 else np.sqrt(2) * (-1) ** m * (c.real if m > 0 else c.imag)
            np.testing.assert_allclose(Y[:, l * l + l + m], expected, atol=1e-13)


@pytest.mark.parametrize("lmax", [0, 1, 2, 7, 40, so3._FAST_LMAX])
def test_fast_path_agrees_with_the_scaled_table(lmax):
    # the fast recurrence on Q = P̄ / sin^m θ against the exponent-carrying table, entry by
    # entry relative to the degree's scale, on random directions and directions near the poles
    # down to the fast path's own threshold on rho^lmax
    rng = np.random.default_rng(lmax)
    xyz = rng.normal(size=(30, 3))
    threshold = 2.0 ** (so3._FAST_RHO_LOG2 / max(lmax, 1))
    rho = threshold * np.array([1.0, 1.5, 4.0, 1e3])
    xyz = np.vstack([xyz, np.column_stack([rho, 0.3 * rho, np.ones(4)])])
    unit = xyz.T / np.linalg.norm(xyz, axis=1)
    x, y, z = unit
    Y = real_sph_harm(lmax, xyz)
    assert Y.shape == (34, (lmax + 1) ** 2) and np.all(np.isfinite(Y))
    reference = so3._harmonics_scaled(lmax, x, y, z, np.hypot(x, y))
    l, _ = sh_index(lmax)
    scale = np.sqrt((2 * l + 1) / (4 * np.pi))
    # observed: 2e-14 at random points, 3e-13 near the poles at lmax 290 (both paths round)
    assert np.max(np.abs(Y - reference) / scale) < 2e-15 * (lmax + 1)


def test_points_below_the_fast_threshold_take_the_scaled_path():
    # rho = 1e-4 gives rho^100 = 1e-400, below the fast path's threshold: those points go to
    # the scaled table, the others do not; Y_{100,70} ∝ rho^70 stays a normal double there
    lmax = 100
    xyz = np.array([[1e-4, 0.0, 1.0], [0.3, -0.2, 0.9], [2e-4, 1e-4, -1.0]])
    Y = real_sph_harm(lmax, xyz)
    unit = xyz.T / np.linalg.norm(xyz, axis=1)
    reference = so3._harmonics_scaled(lmax, *unit, np.hypot(unit[0], unit[1]))
    np.testing.assert_array_equal(Y[[0, 2]], reference[[0, 2]])
    assert 1e-300 < abs(Y[0, lmax * lmax + lmax + 70]) < 1e-250
    np.testing.assert_allclose(Y[1], reference[1], rtol=0, atol=1e-12)


def test_fast_path_bound_is_the_peak_of_q():
    # Q_l^m(1) = lim P̄_l^m(cos θ) / sin^m θ, checked at a small θ, and the largest degree of
    # the fast path is the last one whose peak stays within the bound
    theta, l = 1e-4, 30
    P = so3.legendre_table(l, np.array([np.cos(theta)]))[0, l]
    peak = np.max(P / np.sin(theta) ** np.arange(l + 1))
    assert abs(np.log2(peak) - so3._q_peak_log2(l)) < 1e-6
    assert (
        so3._q_peak_log2(so3._FAST_LMAX) <= so3._FAST_Q_LOG2 < so3._q_peak_log2(so3._FAST_LMAX + 1)
    )


def test_orthonormal_under_the_quadrature_and_defined_at_the_poles():
    L = 12
    pts, w = sphere_quadrature(2 * L)
    Y = real_sph_harm(L, pts)
    np.testing.assert_allclose((Y * w[:, None]).T @ Y, np.eye((L + 1) ** 2), atol=1e-13)
    poles = real_sph_harm(L, np.array([[0, 0, 1.0], [0, 0, -2.0]]))
    _, m = sh_index(L)
    assert np.all(poles[:, m != 0] == 0)
    np.testing.assert_allclose(poles[0, m == 0], np.sqrt((2 * np.arange(L + 1) + 1) / (4 * np.pi)))


@pytest.mark.parametrize("degree", [0, 1, 2, 5, 9, 16])
def test_quadrature_is_exact_for_monomials(degree):
    pts, w = sphere_quadrature(degree)
    assert np.all(w > 0) and np.isclose(w.sum(), 4 * np.pi)
    np.testing.assert_allclose(np.linalg.norm(pts, axis=1), 1.0)
    from math import gamma

    for a in range(degree + 1):
        for b in range(degree + 1 - a):
            for c in range(degree + 1 - a - b):
                if a % 2 or b % 2 or c % 2:
                    exact = 0.0
                else:  # ∫ x^a y^b z^c dΩ = 2 Γ(α)Γ(β)Γ(γ)/Γ(α+β+γ), α = (a+1)/2, ...
                    al, be, ga = (a + 1) / 2, (b + 1) / 2, (c + 1) / 2
                    exact = 2 * gamma(al) * gamma(be) * gamma(ga) / gamma(al + be + ga)
                value = np.sum(w * pts[:, 0] ** a * pts[:, 1] ** b * pts[:, 2] ** c)
                assert abs(value - exact) < 1e-13, (a, b, c)


def test_wigner_D_is_equivariant_orthogonal_and_a_representation():
    L = 8
    R1, R2 = Rotation.random(2, random_state=5).as_matrix()
    xyz = random_points(30)
    D1, D2 = wigner_D_real(L, R1), wigner_D_real(L, R2)
    np.testing.assert_allclose(
        real_sph_harm(L, xyz @ R1.T), real_sph_harm(L, xyz) @ D1.T, atol=1e-13
    )
    np.testing.assert_allclose(D1 @ D1.T, np.eye((L + 1) ** 2), atol=1e-13)
    np.testing.assert_allclose(wigner_D_real(L, R1 @ R2), D1 @ D2, atol=1e-13)
    np.testing.assert_allclose(wigner_D_real(L, np.eye(3)), np.eye((L + 1) ** 2), atol=1e-14)
    l, _ = sh_index(L)
    assert np.all(D1[l[:, None] != l[None, :]] == 0)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: real_sph_harm(-1, random_points(2)), ValueError, "lmax must be >= 0"),
        (lambda: real_sph_harm(2.0, random_points(2)), TypeError, "lmax must be an int"),
        (lambda: real_sph_harm(2, np.zeros((2, 3))), ValueError, "zero vector"),
        (lambda: real_sph_harm(2, np.ones((4, 2))), ValueError, r"shape \(N, 3\)"),
        (lambda: real_sph_harm(2, [[np.nan, 0, 1]]), ValueError, "finite"),
        (lambda: real_sph_harm(2, [["a", "b", "c"]]), TypeError, "real numeric"),
        (lambda: sphere_quadrature(-2), ValueError, "degree must be >= 0"),
        (lambda: wigner_D_real(2, np.diag([1.0, 1.0, -1.0])), ValueError, "reflection"),
        (lambda: wigner_D_real(2, 2 * np.eye(3)), ValueError, "not orthogonal"),
        (lambda: wigner_D_real(2, np.eye(2)), ValueError, r"shape \(3, 3\)"),
        (lambda: wigner_D_real(-1, np.eye(3)), ValueError, "lmax must be >= 0"),
    ],
)
def test_bad_input_is_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()
