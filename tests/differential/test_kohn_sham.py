"""Unit tests of rederived.differential.kohn_sham: LDA formulas, total energies, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rederived.differential import kohn_sham as ks
from rederived.differential import radial_fem as rf

# converged LDA total energies and eigenvalues of dftatom's tables (tests/lda/nonrel_energies.dat
# and tests/rlda/rel_energies.dat of certik/dftatom, precise to about 2e-9 Ha)
HELIUM = (-2.8348356241, -0.5704247223)
NEON = (-128.2334812688, (-30.3058546888, -1.3228085658, -0.4980341288))
HELIUM_REL = (-2.8347852848, -0.5703453602)


def test_exchange_is_slater_and_the_potential_is_the_derivative_of_n_exc():
    n = np.geomspace(1e-8, 1e4, 25)
    for relativistic in (False, True):
        exc, vxc = ks.lda_exchange_correlation(n, relativistic)
        step = 1e-6 * n
        up, _ = ks.lda_exchange_correlation(n + step, relativistic)
        down, _ = ks.lda_exchange_correlation(n - step, relativistic)
        derivative = ((n + step) * up - (n - step) * down) / (2 * step)
        assert np.allclose(vxc, derivative, rtol=1e-7)
    # exchange alone at n = 1: −(3/4π)(3π²)^{1/3}; VWN's correlation is a few per cent of it
    exc, _ = ks.lda_exchange_correlation(np.array([1.0]))
    slater = -3 / (4 * math.pi) * (3 * math.pi**2) ** (1 / 3)
    assert slater < 0 and 0.03 < (exc[0] - slater) / slater < 0.15


def test_relativistic_correction_vanishes_with_c_to_infinity():
    n = np.geomspace(1e-6, 1e6, 13)
    plain = ks.lda_exchange_correlation(n)
    limit = ks.lda_exchange_correlation(n, True, c=1e12)
    assert np.allclose(plain[0], limit[0], rtol=1e-12) and np.allclose(
        plain[1], limit[1], rtol=1e-12
    )
    # at high density the correction weakens exchange (R < 1)
    assert ks.lda_exchange_correlation(np.array([1e6]), True)[0][0] > plain[0][-1]


def test_huge_densities_stay_finite():
    for relativistic in (False, True):
        exc, vxc = ks.lda_exchange_correlation(np.array([1e300, 1e308]), relativistic)
        assert np.all(np.isfinite(exc)) and np.all(np.isfinite(vxc))


def test_fractional_and_numpy_occupations_are_accepted():
    from fractions import Fraction

    mesh = rf.exponential_mesh(50.0, 200.0, 4)
    a = ks.kohn_sham(2, mesh, 12, configuration=((1, 0, Fraction(2)),))
    b = ks.kohn_sham(2, mesh, 12, configuration=((1, 0, np.float32(2.0)),))
    assert a.total_energy == b.total_energy


def test_tiny_densities_give_zero_as_in_the_reference_code():
    exc, vxc = ks.lda_exchange_correlation(np.array([0.0, 1e-300, 1e-17]))
    assert np.all(exc == 0) and np.all(vxc == 0)


def test_helium_and_neon_match_the_reference_tables():
    mesh = rf.exponential_mesh(50.0, 200.0, 4)
    he = ks.kohn_sham(2, mesh, 20)
    assert he.converged and abs(he.total_energy - HELIUM[0]) < 1e-8
    assert abs(he.eigenvalues[0] - HELIUM[1]) < 1e-8
    ne = ks.kohn_sham(10, mesh, 24)
    assert ne.converged and abs(ne.total_energy - NEON[0]) < 1e-8
    assert np.max(np.abs(ne.eigenvalues - NEON[1])) < 1e-8
    parts = ne.parts
    assert math.isclose(sum(parts.values()), ne.total_energy, rel_tol=1e-12)
    # the virial theorem T = −E holds for functionals homogeneous under scaling; VWN's correlation
    # is not, and breaks it by a fraction of its own size (E_c ≈ −0.74 Ha for neon)
    assert 0 < -ne.total_energy - parts["kinetic"] < abs(parts["exchange-correlation"]) * 0.1


def test_relativistic_helium_matches_the_reference_table():
    he = ks.kohn_sham(2, rf.exponential_mesh(50.0, 200.0, 4), 20, relativistic=True)
    assert he.converged and he.states == ((1, -1, 2.0),)
    assert abs(he.total_energy - HELIUM_REL[0]) < 1e-8
    assert abs(he.eigenvalues[0] - HELIUM_REL[1]) < 1e-8


def test_relativistic_configuration_splits_by_degeneracy():
    split = ks.relativistic_configuration(((2, 1, 6), (3, 2, 1)))
    assert split == ((2, 1, 2.0), (2, -2, 4.0), (3, 2, 0.4), (3, -3, 0.6))
    for Z, shells in ks.CONFIGURATIONS.items():
        assert sum(f for _, _, f in shells) == Z
        assert math.isclose(sum(f for _, _, f in ks.relativistic_configuration(shells)), Z)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: ks.lda_exchange_correlation([-1.0]), ValueError, "n must"),
        (lambda: ks.lda_exchange_correlation([np.nan]), ValueError, "n must"),
        (lambda: ks.lda_exchange_correlation(["a"]), TypeError, "n must"),
        (lambda: ks.lda_exchange_correlation([1.0], relativistic=1), TypeError, "relativistic"),
        (lambda: ks.kohn_sham(0, [0.0, 1.0], 4), ValueError, "Z must"),
        (lambda: ks.kohn_sham(3, [0.0, 1.0], 4), ValueError, "no configuration"),
        (
            lambda: ks.kohn_sham(2, [0.0, 1.0], 4, configuration=((1, 0, 1),)),
            ValueError,
            "electrons",
        ),
        (lambda: ks.kohn_sham(2, [0.0, 1.0], 4, configuration=((1, 1, 2),)), ValueError, "shells"),
        (
            lambda: ks.kohn_sham(2, [0.0, 1.0], 4, configuration=((1, 0, 3),)),
            ValueError,
            "occupation",
        ),
        (lambda: ks.kohn_sham(2, [0.0, 1.0], 4, configuration=5), TypeError, "configuration"),
        (lambda: ks.kohn_sham(2, [0.0, 1.0], 4, mixing=2.0), ValueError, "mixing"),
        (lambda: ks.kohn_sham(2, [0.0, 1.0], 4, tol=0.0), ValueError, "tol"),
        (lambda: ks.kohn_sham(2, [1.0, 2.0], 4), ValueError, "mesh"),
        (lambda: ks.kohn_sham(119, [0.0, 1.0], 4), ValueError, "Z must"),
        (
            lambda: ks.kohn_sham(2, [0.0, 10.0], 4, relativistic=True, shift=-1e4),
            ValueError,
            "shift",
        ),
        (
            lambda: ks.kohn_sham(2, [0.0, 10.0], 4, relativistic=True, shift=np.nan),
            ValueError,
            "shift",
        ),
        (lambda: ks.kohn_sham(2, [0.0, 10.0], 4, c=1e6), ValueError, "MAX_LIGHT"),
        (lambda: ks.kohn_sham(1, [0.0, 1.0], 1), ValueError, "interior"),
        (
            lambda: ks.kohn_sham(1, [0.0, 5.0, 10.0], 2, configuration=((20, 0, 1),)),
            ValueError,
            "too few",
        ),
        (lambda: ks.lda_exchange_correlation([1.0], True, c=1e-160), ValueError, "c must"),
    ],
)
def test_bad_input_is_refused_with_a_named_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_uranium_at_the_paper_parameters_meets_the_reference_tables():
    # nonrelativistic: Ne = 4, p = 26, Nq = 53, exponential mesh a = 200 to r = 50
    lda = ks.kohn_sham(92, rf.exponential_mesh(50.0, 200.0, 4), 26, quadrature=53)
    total, _ = ks.DFTATOM_TOTAL_ENERGIES[92]
    reference = np.array(ks.DFTATOM_URANIUM_EIGENVALUES["nonrelativistic"])
    assert lda.converged and abs(lda.total_energy - total) < 1e-8
    assert np.max(np.abs(lda.eigenvalues - reference)) < 1e-8
