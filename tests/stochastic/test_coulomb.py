"""Unit tests of rederived.stochastic.coulomb: exact Ginibre cumulants, samplers, estimators."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from rederived.stochastic import coulomb as cg


def test_cumulants_of_the_sum_of_squared_moduli_are_gamma_sums():
    kappas = cg.radial_cumulants([0, 1], 4)
    expected = [
        (cg.N + 1) / 2,
        (cg.N + 1) / (2 * cg.N),
        (cg.N + 1) / cg.N**2,
        3 * (cg.N + 1) / cg.N**3,
    ]
    assert all(sp.simplify(a - b) == 0 for a, b in zip(kappas, expected, strict=True))


def test_exact_cumulants_match_a_direct_finite_sum():
    # f = r⁴ at N = 3: Σ_k κ_q((G_k/3)²) computed from Gamma moments directly
    n = 3
    kappas = [k.subs(cg.N, n) for k in cg.radial_cumulants([0, 0, 1], 2)]
    mean = sum(sp.rf(k, 2) for k in range(1, n + 1)) / sp.Integer(n) ** 2
    var = sum(sp.rf(k, 4) - sp.rf(k, 2) ** 2 for k in range(1, n + 1)) / sp.Integer(n) ** 4
    assert kappas == [mean, var]


def test_dirichlet_variance_is_the_limit_of_the_exact_variance():
    coeffs = [0, 1, sp.Rational(-1, 2)]
    var = cg.radial_cumulants(coeffs, 2)[1]
    assert sp.limit(var, cg.N, sp.oo) == cg.dirichlet_variance(coeffs) == sp.Rational(1, 12)


def test_samplers_agree_with_the_exact_mean():
    n = 12
    eig = np.abs(cg.ginibre_eigenvalues(n, 400, seed=3))
    kos = cg.kostlan_moduli(n, 20_000, seed=4)
    assert eig.shape == (400, n) and kos.shape == (20_000, n)
    exact_mean = float(cg.radial_cumulants([0, 1], 1)[0].subs(cg.N, n))
    for moduli in (eig, kos):
        sums = (moduli**2).sum(axis=1)
        assert abs(sums.mean() - exact_mean) < 4 * sums.std() / np.sqrt(sums.size)


def test_sample_cumulants_of_a_gamma_sample():
    x = np.random.default_rng(0).gamma(3.0, size=400_000)  # κ_q = 3·(q−1)!
    assert np.allclose(cg.sample_cumulants(x), [3, 3, 6, 18], rtol=0.05)


def test_disk_counting_mean_and_variance():
    kappa = cg.disk_counting_cumulants(400, 0.5)
    assert abs(kappa[0] - 100) < 1.0  # N a² eigenvalues on average
    assert kappa[1] > 0 and kappa.shape == (4,)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cg.radial_cumulants([1], 2), "coeffs"),
        (lambda: cg.radial_cumulants([1, 0, 0], 2), "depend on r"),
        (lambda: cg.radial_cumulants([0, "x"], 2), "rational"),
        (lambda: cg.radial_cumulants([0, 1], 0), "q_max"),
        (lambda: cg.disk_counting_cumulants(10, 1.5), "radius"),
        (lambda: cg.disk_counting_cumulants(10, 0.5, q_max=5), "at most 4"),
        (lambda: cg.ginibre_eigenvalues(0, 3), "n must be"),
        (lambda: cg.sample_cumulants([1.0, 2.0]), "at least 5"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
