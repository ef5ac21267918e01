"""Unit tests of rederived.differential.radial_fem: exact levels, known properties, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rederived.differential import radial_fem as rf

MESH = rf.exponential_mesh(50.0, 100.0, 7)


def test_lobatto_points_are_the_zeros_of_the_legendre_derivative():
    for p in (1, 2, 5, 16):
        x = rf.lobatto_points(p)
        assert x.shape == (p + 1,) and x[0] == -1.0 and x[-1] == 1.0
        derivative = np.polynomial.legendre.Legendre.basis(p).deriv()
        assert np.allclose(derivative(x[1:-1]), 0.0, atol=1e-10 * abs(derivative(1.0)))
    # the Lobatto rule with these points integrates degree 2p − 1 exactly
    assert np.allclose(rf.lobatto_points(2), [-1.0, 0.0, 1.0])


def test_lagrange_basis_is_cardinal_and_sums_to_one():
    nodes = rf.lobatto_points(9)
    values, slopes = rf.lagrange_basis(nodes, nodes)
    assert np.allclose(values, np.eye(10), atol=1e-12)
    x = np.linspace(-1, 1, 31)
    values, slopes = rf.lagrange_basis(nodes, x)
    assert np.allclose(values.sum(axis=1), 1.0) and np.allclose(slopes.sum(axis=1), 0.0, atol=1e-9)
    # interpolation of a degree-9 polynomial is exact, and so is its derivative
    f = np.polynomial.Polynomial([0.3, -1, 0, 2, 0, 0, 0.5, 0, 0, 1])
    assert np.allclose(values @ f(nodes), f(x)) and np.allclose(slopes @ f(nodes), f.deriv()(x))


def test_exponential_mesh_has_the_requested_ratio():
    mesh = rf.exponential_mesh(30.0, 200.0, 5)
    h = np.diff(mesh)
    assert mesh[0] == 0 and mesh[-1] == 30.0 and math.isclose(h[-1] / h[0], 200.0)
    assert np.allclose(h[1:] / h[:-1], 200.0**0.25)
    assert np.allclose(np.diff(rf.exponential_mesh(2.0, 1.0, 4)), 0.5)


def test_schrodinger_hydrogen_like_levels_of_the_paper_test():
    # the repository's test parameters for Z = 92 (Ne = 7, p = 31, Nq = 53, a = 100, r_max = 50)
    for l in (0, 1, 3):
        energies = rf.radial_schrodinger(MESH, 31, l, rf.coulomb(92), quadrature=53)
        exact = rf.schrodinger_coulomb_levels(92, np.arange(l + 1, l + 6))
        assert np.max(np.abs(energies[:5] - exact)) < 5e-9
        # Rayleigh–Ritz upper bounds, up to the quadrature error of Nq = 53 < 2p + 2 and rounding
        assert np.all(energies[:5] >= exact - 5e-9)


def test_schrodinger_oscillator_levels():
    energies = rf.radial_schrodinger(rf.exponential_mesh(12.0, 3.0, 6), 16, 1, lambda r: r**2 / 2)
    assert np.allclose(energies[:4], 2 * np.arange(4) + 1 + 1.5, atol=1e-9)


def test_dirac_squared_with_the_factor_reaches_the_sommerfeld_levels():
    for kappa in (-1, 1, -2, 3):
        n0 = abs(kappa) + (kappa > 0)
        exact = rf.dirac_coulomb_levels(92, np.arange(n0, n0 + 4), kappa)
        energies = rf.radial_dirac(MESH, 23, kappa, rf.coulomb(92), asymptotic=True, quadrature=53)
        assert np.max(np.abs(energies[:4] - exact)) < 5e-9
        assert np.all(energies[:4] >= exact - 5e-9)


def test_dirac_without_the_factor_converges_slowly_for_kappa_one():
    exact = rf.dirac_coulomb_levels(92, np.array([1]), -1)[0]
    plain = rf.radial_dirac(MESH, 23, -1, rf.coulomb(92), quadrature=53)[0]
    assert plain - exact > 1.0  # the r^γ singularity costs whole Hartrees at this resolution


def test_direct_dirac_has_spurious_states_for_positive_kappa():
    exact = rf.dirac_coulomb_levels(26, np.arange(2, 6), 1)
    direct = rf.radial_dirac(MESH, 23, 1, rf.coulomb(26), method="direct", asymptotic=True)
    squared = rf.radial_dirac(MESH, 23, 1, rf.coulomb(26), asymptotic=True)
    cut = exact[-1] + 1e-3
    assert np.sum(squared <= cut) == 4 and np.sum(direct <= cut) == 5
    assert direct[0] < exact[0] - 1.0  # the extra state lies below the true ground state


def test_sommerfeld_formula_limits():
    # non-relativistic limit and the 2s1/2 = 2p1/2 degeneracy
    e = rf.dirac_coulomb_levels(1, np.array([1, 2]), -1, c=1e6)
    assert np.allclose(e, [-0.5, -0.125], rtol=1e-9)
    assert math.isclose(
        rf.dirac_coulomb_levels(50, np.array([2]), -1)[0],
        rf.dirac_coulomb_levels(50, np.array([2]), 1)[0],
        rel_tol=1e-14,
    )
    # hydrogen's 1s fine structure: E + 1/2 ≈ −α²/8 to leading order
    alpha = 1 / rf.C_LIGHT
    assert math.isclose(
        rf.dirac_coulomb_levels(1, np.array([1]), -1)[0] + 0.5, -(alpha**2) / 8, rel_tol=1e-4
    )


def test_numerov_converges_to_the_exact_levels_at_fourth_order():
    exact = rf.schrodinger_coulomb_levels(10, np.arange(1, 3))
    errors = [
        np.max(np.abs(rf.numerov_levels(rf.coulomb(10), 0, 2, n) - exact)) for n in (400, 800)
    ]
    assert 10 < errors[0] / errors[1] < 24  # 16 for O(h⁴)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: rf.lobatto_points(0), ValueError, "p must"),
        (lambda: rf.lobatto_points(2.0), TypeError, "p must"),
        (lambda: rf.lagrange_basis([0.0, 0.0], [0.1]), ValueError, "distinct"),
        (lambda: rf.lagrange_basis([-1.0, 1.0], [np.nan]), ValueError, "x must"),
        (lambda: rf.exponential_mesh(-1.0, 2.0, 3), ValueError, "r_max"),
        (lambda: rf.exponential_mesh(1.0, 0.5, 3), ValueError, "ratio"),
        (lambda: rf.exponential_mesh(1.0, 2.0, 0), ValueError, "elements"),
        (lambda: rf.radial_schrodinger([0.1, 1.0], 4, 0, rf.coulomb(1)), ValueError, "start"),
        (
            lambda: rf.radial_schrodinger([0.0, 1.0, 0.5], 4, 0, rf.coulomb(1)),
            ValueError,
            "increasing",
        ),
        (lambda: rf.radial_schrodinger(MESH, 4, -1, rf.coulomb(1)), ValueError, "l must"),
        (lambda: rf.radial_schrodinger(MESH, 4, 0, 3.0), TypeError, "potential"),
        (
            lambda: rf.radial_schrodinger(MESH, 4, 0, lambda r: np.full_like(r, np.nan)),
            ValueError,
            "potential",
        ),
        (lambda: rf.radial_schrodinger(MESH, 4, 0, lambda r: 1.0), ValueError, "potential"),
        (
            lambda: rf.radial_schrodinger(MESH, 4, 0, rf.coulomb(1), quadrature=3),
            ValueError,
            "quadrature",
        ),
        (lambda: rf.radial_dirac(MESH, 4, 0, rf.coulomb(1)), ValueError, "kappa"),
        (lambda: rf.radial_dirac(MESH, 4, 1, rf.coulomb(1), method="x"), ValueError, "method"),
        (lambda: rf.radial_dirac(MESH, 4, 1, rf.coulomb(200)), ValueError, "below c"),
        (lambda: rf.radial_dirac(MESH, 4, 1, rf.coulomb(120), asymptotic=True), ValueError, "γ"),
        (lambda: rf.radial_dirac(MESH, 4, 1, rf.coulomb(1), shift=1e5), ValueError, "shift"),
        (lambda: rf.radial_dirac(MESH, 4, 1, rf.coulomb(1), asymptotic=1), TypeError, "asymptotic"),
        (
            lambda: rf.radial_dirac(rf.exponential_mesh(50, 10, 200), 20, 1, rf.coulomb(1)),
            ValueError,
            "MAX_UNKNOWNS",
        ),
        (lambda: rf.coulomb(-1.0), ValueError, "Z must"),
        (lambda: rf.dirac_coulomb_levels(10, np.array([1]), 1), ValueError, "n must"),
        (lambda: rf.dirac_coulomb_levels(10, np.array([1.0]), -1), TypeError, "n must"),
        (lambda: rf.schrodinger_coulomb_levels(10, np.array([0])), ValueError, "n must"),
        (lambda: rf.numerov_levels(rf.coulomb(1), 0, 3, 400, r_max=5.0), ValueError, "fewer than"),
        (lambda: rf.numerov_levels(rf.coulomb(1), 0, 1, 5), ValueError, "points"),
        (lambda: rf.numerov_levels(rf.coulomb(1), 0, 1, 50), ValueError, "at most 0.1"),
        (lambda: rf.numerov_levels(rf.coulomb(1), 0, 1, 500, r_min=1e-300), ValueError, "r_min"),
        (lambda: rf.numerov_levels(rf.coulomb(92), 0, 1, 500, r_min=1e-2), ValueError, "too large"),
        (lambda: rf.numerov_levels(rf.coulomb(1), 0, 50, 10_000), ValueError, "states ×"),
        (lambda: rf.exponential_mesh(50, 1e9, 12), ValueError, "ratio"),
        (
            lambda: rf.radial_schrodinger([0.0, 1e-9, 1.0], 4, 0, rf.coulomb(1)),
            ValueError,
            "MAX_ELEMENT",
        ),
        (lambda: rf.radial_schrodinger([0.0, 1.0], 1, 0, rf.coulomb(1)), ValueError, "interior"),
        (
            lambda: rf.radial_dirac(MESH, 4, -1, lambda r: -92 / r, asymptotic=True),
            ValueError,
            "needs Z",
        ),
        (
            lambda: rf.radial_dirac(MESH, 4, -1, rf.coulomb(92), Z=50, asymptotic=True),
            ValueError,
            "does not match",
        ),
        (lambda: rf.radial_dirac(MESH, 4, -1, rf.coulomb(1), c=1e8), ValueError, "MAX_LIGHT"),
        (lambda: rf.radial_dirac(MESH, 4, -1, rf.coulomb(1), shift="x"), TypeError, "shift"),
        (lambda: rf.radial_dirac(MESH, 4, -1, rf.coulomb(130)), ValueError, "√3/2"),
        (lambda: rf.radial_dirac(MESH, 4, -30, rf.coulomb(1), asymptotic=True), ValueError, "5"),
        (lambda: rf.radial_dirac(MESH, 10, -1, lambda r: -140 / r), ValueError, "below c"),
        (lambda: rf.radial_dirac(MESH, 10, -1, lambda r: -125 / r), ValueError, "√3/2"),
    ],
)
def test_bad_input_is_refused_with_a_named_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_screened_potentials_pass_the_charge_check_with_the_factor():
    # −rV → 92 at the origin with a finite screening potential V₀ + O(r)
    from rederived.differential import kohn_sham as ks

    def screened(r):
        return ks._thomas_fermi(np.asarray(r), 92) - 92 / np.asarray(r)

    e = rf.radial_dirac(MESH, 20, -1, screened, Z=92, asymptotic=True)
    assert np.isfinite(e[0]) and e[0] > rf.dirac_coulomb_levels(92, np.array([1]), -1)[0]
    shifted = rf.radial_dirac(MESH, 20, -1, lambda r: -92 / r + 1e3, Z=92, asymptotic=True)
    assert np.isfinite(shifted[0])
