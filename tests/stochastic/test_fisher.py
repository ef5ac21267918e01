"""Unit tests of rederived.stochastic.fisher: bonds, exact cumulants, the curvature of Hessian
metrics."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.stochastic import fisher


def test_bonds_of_the_torus():
    b = fisher.bonds(3)
    assert b.shape == (18, 2)
    assert len({tuple(sorted(p)) for p in b}) == 18, "no bond twice"
    degree = np.bincount(b.ravel(), minlength=9)
    assert np.all(degree == 4), "every site has four neighbours"


def test_cumulants_at_zero_coupling_are_those_of_independent_spins():
    # at J = 0 the spins are independent: each s_i s_j is ±1 with mean 0 and the bonds are
    # pairwise independent (g = I); three bonds correlate only around a closed loop, and on the
    # 3×3 torus every row and column is a loop of three bonds (their product is 1)
    mean, g, T = fisher.exact_cumulants(3, 0.0)
    assert np.allclose(mean, 0) and np.allclose(g, np.eye(18))
    assert T[0, 1, 2] == pytest.approx(1.0) and T[0, 1, 3] == pytest.approx(0.0)
    assert np.sum(np.abs(T) > 0.5) == 6 * 6, "6 loops of 3 bonds, 3! orderings each"


def test_covariance_is_the_hessian_of_log_z():
    # finite differences of ln Z along one bond's coupling reproduce g_aa and T_aaa
    L, J, h = 3, 0.3, 1e-3
    b = fisher.bonds(L)

    def log_z(shift):
        couplings = np.full(len(b), J)
        couplings[0] += shift
        states = 2.0 * ((np.arange(2**9)[:, None] >> np.arange(9)) & 1) - 1
        e = states[:, b[:, 0]] * states[:, b[:, 1]]
        return np.log(np.exp(e @ couplings).sum())

    _, g, T = fisher.exact_cumulants(L, J)
    second = (log_z(h) - 2 * log_z(0) + log_z(-h)) / h**2
    third = (log_z(2 * h) - 2 * log_z(h) + 2 * log_z(-h) - log_z(-2 * h)) / (2 * h**3)
    assert abs(second - g[0, 0]) < 1e-5 and abs(third - T[0, 0, 0]) < 1e-3


def test_published_curvatures_of_the_smallest_tori():
    jc = np.log(1 + np.sqrt(2)) / 2
    assert fisher.fisher_curvature(3, jc).R == pytest.approx(-105.64, abs=0.01)
    c = fisher.fisher_curvature(3, np.log(1 + np.sqrt(3)), q=3)
    assert c.R == pytest.approx(-79.85, abs=0.01)
    assert c.R3 == pytest.approx(-c.R1 / 2) and c.R4 == pytest.approx(-c.R2 / 2)


def test_curvature_of_the_gaussian_family_is_minus_one():
    # ψ = −θ1²/(4θ2) − ½ ln(−2θ2); at θ = (0, −½): g = diag(1, 2), T_112 = 2, T_222 = 8
    g = np.diag([1.0, 2.0])
    T = np.zeros((2, 2, 2))
    T[0, 0, 1] = T[0, 1, 0] = T[1, 0, 0] = 2.0
    T[1, 1, 1] = 8.0
    assert fisher.curvature(g, T).R == pytest.approx(-1.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: fisher.bonds(2), "L must be"),
        (lambda: fisher.exact_cumulants(5, 0.4), "beyond exact enumeration"),
        (lambda: fisher.exact_cumulants(3, 0.4, q=1), "q must be"),
        (lambda: fisher.exact_cumulants(3, np.nan), "finite"),
        (lambda: fisher.curvature(np.eye(2), np.zeros((3, 3, 3))), "must be"),
        (lambda: fisher.fisher_curvature(3, "0.4"), "real number"),
        (lambda: fisher.fisher_curvature(3, 10.0), "numerically singular"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


@pytest.mark.parametrize("L, q, J", [(3, 2, 0.44), (4, 2, -0.3), (3, 3, 1.0), (3, 4, 0.7)])
def test_transfer_cumulants_equal_exact_enumeration(L, q, J):
    """The site-by-site transfer matrix gives every moment of the enumeration, to rounding,
    ferromagnetic or not, Ising or Potts."""
    exact = fisher.exact_cumulants(L, J, q=q)
    transfer = fisher.transfer_cumulants(L, J, q=q)
    for e, t in zip(exact, transfer, strict=True):
        assert e.shape == t.shape
        np.testing.assert_allclose(t, e, rtol=0, atol=1e-12 * max(1.0, np.abs(e).max()))


def test_transfer_curvature_matches_the_packages_five_by_five_value():
    """Beyond enumeration: the 5×5 Ising torus at J_c against the replication package's
    transfer-matrix value (data/reference_R_vs_L.json, |R| = 446.24)."""
    _, g, T = fisher.transfer_cumulants(5, fisher.CRITICAL[2])
    assert fisher.curvature(g, T).R == pytest.approx(-446.24, abs=0.005)


def test_transfer_cumulants_refuse_bad_input_and_oversized_tori():
    with pytest.raises(ValueError, match="L must be an int >= 3"):
        fisher.transfer_cumulants(2, 0.4)
    with pytest.raises(ValueError, match="q must be an int >= 2"):
        fisher.transfer_cumulants(3, 0.4, q=1)
    with pytest.raises(TypeError, match="coupling must be a real number"):
        fisher.transfer_cumulants(3, [0.4] * 18)
    with pytest.raises(ValueError, match="coupling must be finite"):
        fisher.transfer_cumulants(3, float("inf"))
    with pytest.raises(ValueError, match="GiB"):
        fisher.transfer_cumulants(12, 0.4)  # 144 products of 4096 x 4096: 18 GiB
