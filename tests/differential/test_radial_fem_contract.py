"""Contract of rederived.differential.radial_fem, on its whole domain (Hypothesis).

Domain: orders 1 ≤ p ≤ MAX_ORDER, meshes increasing from 0 to at most MAX_RADIUS, potentials
finite for r > 0 and no worse than −Z/r at the origin, κ ≠ 0, Z < c (Z/c < √3/2 for the
asymptotic form of κ = ±1). Results: finite ascending energies that are upper bounds of the exact
levels (Rayleigh–Ritz, for the Schrödinger and the squared Dirac forms), the hydrogen-like scaling
E(Z) = Z²E(1) on a mesh scaled by 1/Z, or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.differential.radial_fem import (
    C_LIGHT,
    MAX_ORDER,
    MAX_RADIUS,
    coulomb,
    dirac_coulomb_levels,
    exponential_mesh,
    lagrange_basis,
    lobatto_points,
    numerov_levels,
    radial_dirac,
    radial_schrodinger,
    schrodinger_coulomb_levels,
)

COVERS = (
    "coulomb",
    "dirac_coulomb_levels",
    "exponential_mesh",
    "lagrange_basis",
    "lobatto_points",
    "numerov_levels",
    "radial_dirac",
    "radial_schrodinger",
    "schrodinger_coulomb_levels",
)

orders = st.integers(1, MAX_ORDER)


@given(orders)
def test_lobatto_points_are_symmetric_and_sorted(p):
    x = lobatto_points(p)
    assert x.shape == (p + 1,) and x[0] == -1.0 and x[-1] == 1.0
    assert np.all(np.diff(x) > 0) and np.allclose(x, -x[::-1], atol=1e-13)


@given(st.integers(1, 40), st.lists(st.floats(-1.0, 1.0), min_size=0, max_size=10))
def test_lagrange_basis_is_a_partition_of_unity(p, xs):
    values, slopes = lagrange_basis(lobatto_points(p), np.array(xs, dtype=float))
    assert values.shape == slopes.shape == (len(xs), p + 1)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(slopes))
    assert np.allclose(values.sum(axis=1), 1.0, atol=1e-9)
    assert np.allclose(slopes.sum(axis=1), 0.0, atol=1e-7 * p**2)


@given(st.floats(1e-6, MAX_RADIUS), st.floats(1.0, 1e12), st.integers(1, 300))
def test_exponential_mesh_increases_to_its_end_or_is_refused(r_max, ratio, elements):
    try:
        mesh = exponential_mesh(r_max, ratio, elements)
    except ValueError as err:
        assert "ratio" in str(err)
        return
    h = np.diff(mesh)
    assert mesh[0] == 0.0 and mesh[-1] == r_max and np.all(h > 0)
    if elements > 1:
        assert math.isclose(h[-1] / h[0], ratio, rel_tol=1e-6)


@settings(deadline=None, max_examples=40)
@given(st.floats(0.5, 100.0), st.integers(0, 3), st.integers(2, 12), st.integers(2, 8))
def test_schrodinger_levels_are_upper_bounds_and_scale_with_z(Z, l, p, elements):
    mesh = exponential_mesh(40.0, 50.0, elements)
    base = radial_schrodinger(mesh, p, l, coulomb(1.0))
    scaled = radial_schrodinger(mesh / Z, p, l, coulomb(Z))
    assert np.all(np.isfinite(scaled)) and np.all(np.diff(scaled) >= 0)
    # the discretisation is exactly invariant under r → r/Z, E → Z²E (up to rounding)
    assert np.allclose(scaled, Z * Z * base, rtol=1e-8, atol=1e-10 * Z * Z)
    exact = schrodinger_coulomb_levels(Z, np.array([l + 1]))[0]
    assert scaled[0] >= exact - 1e-9 * abs(exact)


@settings(deadline=None, max_examples=30)
@given(
    st.floats(0.0, 110.0),
    st.sampled_from([-3, -2, -1, 1, 2, 3]),
    st.integers(2, 14),
    st.integers(2, 8),
    st.booleans(),
)
def test_squared_dirac_levels_are_finite_upper_bounds(Z, kappa, p, elements, asymptotic):
    mesh = exponential_mesh(30.0, 80.0, elements)
    energies = radial_dirac(mesh, p, kappa, coulomb(Z), asymptotic=asymptotic)
    assert np.all(np.isfinite(energies)) and np.all(np.diff(energies) >= 0)
    if Z > 0.5:
        n0 = abs(kappa) + (kappa > 0)
        exact = dirac_coulomb_levels(Z, np.array([n0]), kappa)[0]
        assert energies[0] >= exact - 1e-9 * C_LIGHT**2


@settings(deadline=None, max_examples=20)
@given(st.floats(1.0, 100.0), st.sampled_from([-2, -1, 1, 2]), st.integers(2, 10))
def test_direct_dirac_returns_the_states_above_the_negative_continuum(Z, kappa, p):
    energies = radial_dirac(exponential_mesh(30.0, 80.0, 4), p, kappa, coulomb(Z), method="direct")
    assert np.all(np.isfinite(energies)) and np.all(energies > -(C_LIGHT**2))


@given(st.floats(1e-3, 130.0), st.integers(1, 50), st.integers(1, 6))
def test_sommerfeld_levels_lie_between_the_schrodinger_level_and_minus_c_squared(Z, n, k):
    kappa = -min(k, n)
    e = dirac_coulomb_levels(Z, np.array([n]), kappa)[0]
    assert math.isfinite(e) and -(C_LIGHT**2) < e < 0
    # relativity binds more deeply than Schrödinger
    assert e <= schrodinger_coulomb_levels(Z, np.array([n]))[0] * (1 - 1e-15)


@settings(deadline=None, max_examples=8)
@given(st.floats(1.0, 30.0), st.integers(0, 2))
def test_numerov_levels_approach_the_exact_ones(Z, l):
    levels = numerov_levels(coulomb(Z), l, 2, 1500, r_max=60.0 / Z + 20.0)
    exact = schrodinger_coulomb_levels(Z, np.arange(l + 1, l + 3))
    assert np.all(np.abs(levels - exact) < 1e-4 * np.abs(exact))


@given(st.floats(0.0, 1e6), st.floats(1e-300, 1e300))
def test_coulomb_is_minus_z_over_r(Z, r):
    assert coulomb(Z)(np.array([r]))[0] == -Z / r


@pytest.mark.parametrize(
    "bad",
    [None, "1", 1j, np.nan, np.inf, True, [1.0], object()],
)
def test_bad_scalars_are_refused_with_a_named_error(bad):
    for call, name in (
        (lambda: exponential_mesh(bad, 2.0, 3), "r_max"),
        (lambda: exponential_mesh(1.0, bad, 3), "ratio"),
        (lambda: exponential_mesh(1.0, 2.0, bad), "elements"),
        (lambda: radial_schrodinger([0.0, 1.0], bad, 0, coulomb(1)), "p must"),
        (lambda: radial_dirac([0.0, 1.0], 2, bad, coulomb(1)), "kappa"),
        (lambda: radial_dirac([0.0, 1.0], 2, 1, coulomb(1), c=bad), "c"),
        (lambda: coulomb(bad), "Z"),
    ):
        with pytest.raises((TypeError, ValueError), match=name):
            call()


@given(st.sampled_from([np.nan, np.inf, -1.0, 2e6]))
def test_bad_meshes_are_refused(value):
    with pytest.raises(ValueError, match="mesh"):
        radial_schrodinger(np.array([0.0, 1.0, value]), 3, 0, coulomb(1.0))
