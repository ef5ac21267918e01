"""Contract of rederived.stochastic.fisher, on its whole domain (Hypothesis).

Domain: tori L ≥ 3 (enumeration up to 2^20 configurations, transfer products within
MAX_TRANSFER_BYTES); couplings finite reals of either sign, one per bond or uniform; q ≥ 2;
curvature takes a symmetric positive definite metric g and a fully symmetric third cumulant T.
Results: cumulants with a symmetric positive semidefinite g and a fully symmetric T, the
transfer matrix equal to enumeration; a finite curvature, invariant under linear changes of
the parameters; or a ValueError/TypeError naming what is wrong (a numerically singular metric
at very strong coupling, a coupling the transfer matrix cannot hold in float64).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rederived.stochastic import fisher

COVERS = (
    "Curvature",
    "bonds",
    "curvature",
    "exact_cumulants",
    "fisher_curvature",
    "transfer_cumulants",
    "transfer_item",
)

COUPLINGS = st.one_of(
    st.floats(-3, 3, allow_nan=False),
    st.sampled_from([0.0, -0.0, 1e-300, -1e-300, fisher.CRITICAL[2], 40.0, -40.0]),
)


@given(st.integers(3, 40))
def test_bonds_cover_each_site_four_times(L):
    b = fisher.bonds(L)
    assert b.shape == (2 * L * L, 2)
    assert np.all(np.bincount(b.ravel(), minlength=L * L) == 4)
    assert len({tuple(sorted(pair)) for pair in b.tolist()}) == 2 * L * L


def assert_cumulant_shapes(g, T):
    assert np.all(np.isfinite(g)) and np.all(np.isfinite(T))
    assert np.allclose(g, g.T, rtol=0, atol=1e-12)
    assert np.linalg.eigvalsh(g)[0] > -1e-12
    for axes in ((1, 0, 2), (0, 2, 1), (2, 1, 0)):
        assert np.allclose(T, T.transpose(axes), rtol=0, atol=1e-12)


@given(COUPLINGS, st.sampled_from([2, 2, 2, 3]))
def test_transfer_matrix_equals_enumeration_at_any_coupling(J, q):
    exact = fisher.exact_cumulants(3, J, q=q)
    assert_cumulant_shapes(*exact[1:])
    try:
        transfer = fisher.transfer_cumulants(3, J, q=q)
    except ValueError as err:  # frozen or frustrated bonds at large |J|: said clearly
        assert "too strong" in str(err) and abs(J) > 1.5
        return
    for a, b in zip(transfer, exact, strict=True):
        assert np.allclose(a, b, rtol=1e-8, atol=1e-12)


@given(hnp.arrays(float, 18, elements=st.floats(-1.5, 1.5, allow_nan=False)))
def test_any_bond_couplings_give_valid_cumulants(J):
    assert_cumulant_shapes(*fisher.exact_cumulants(3, J)[1:])


@given(COUPLINGS, st.integers(0, 2**32))
def test_curvature_is_finite_and_invariant_under_reparametrisation(J, seed):
    _, g, T = fisher.exact_cumulants(3, J)
    try:
        c = fisher.curvature(g, T)
    except ValueError as err:  # frozen bonds: the metric is singular in double precision
        assert "numerically singular" in str(err) or "positive definite" in str(err)
        return
    assert np.isfinite(c.R) and abs(c.R - (c.R1 + c.R2 + c.R3 + c.R4)) <= 1e-9 * abs(c.R1)
    # a linear change of parameters θ = A φ maps g → Aᵀ g A and T → T(A, A, A); R is a scalar
    A = np.eye(len(g)) + 0.1 * np.random.default_rng(seed).normal(size=g.shape)
    moved = fisher.curvature(A.T @ g @ A, np.einsum("abc,ai,bj,ck->ijk", T, A, A, A, optimize=True))
    assert abs(moved.R - c.R) <= 1e-6 * max(1.0, abs(c.R1))


@given(st.floats(-1, 1, allow_nan=False))
def test_fisher_curvature_and_the_sweep_item_agree(J):
    direct = fisher.fisher_curvature(3, J)
    item = fisher.transfer_item({"q": 2, "L": 3, "J": J})
    assert isinstance(direct, fisher.Curvature)
    assert abs(item["R"] - direct.R) <= 1e-7 * max(1.0, abs(direct.R1))


def test_the_defects_once_found():
    # strong antiferromagnetic coupling overflowed the transfer weights: NaN, without an error
    with pytest.raises(ValueError, match="too strong"):
        fisher.transfer_cumulants(3, -1000.0)
    exact = fisher.exact_cumulants(3, -1.0)
    transfer = fisher.transfer_cumulants(3, -1.0)
    assert np.allclose(transfer[1], exact[1], rtol=1e-8, atol=1e-12)
    # at J = 3 the raw moments' subtraction lost digits: R came out 4.5 % off, without an error
    with pytest.raises(ValueError, match="too strong"):
        fisher.transfer_cumulants(3, 3.0)
    # a metric that is not one was accepted
    with pytest.raises(ValueError, match="symmetric"):
        fisher.curvature(np.array([[1.0, 2.0], [0.0, 1.0]]), np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="positive definite"):
        fisher.curvature(-np.eye(2), np.ones((2, 2, 2)))


BAD = [
    (lambda: fisher.bonds(2), ValueError, "L must"),
    (lambda: fisher.bonds(3.0), ValueError, "L must"),
    (lambda: fisher.exact_cumulants(5, 0.4), ValueError, "beyond exact enumeration"),
    (lambda: fisher.exact_cumulants(3, 0.4, q=1), ValueError, "q must"),
    (lambda: fisher.exact_cumulants(3, np.nan), ValueError, "coupling"),
    (lambda: fisher.exact_cumulants(3, np.ones(5)), ValueError, "coupling"),
    (lambda: fisher.exact_cumulants(3, 1j), TypeError, "coupling"),
    (lambda: fisher.curvature(np.eye(2), np.zeros((3, 3, 3))), ValueError, "g must"),
    (lambda: fisher.curvature(np.zeros((0, 0)), np.zeros((0, 0, 0))), ValueError, "m ≥ 1"),
    (lambda: fisher.curvature(np.eye(2) * 1j, np.zeros((2, 2, 2))), TypeError, "g"),
    (lambda: fisher.curvature(np.eye(2), np.arange(8.0).reshape(2, 2, 2)), ValueError, "T must"),
    (lambda: fisher.curvature(np.diag([1.0, 1e-12]), np.zeros((2, 2, 2))), ValueError, "singular"),
    (lambda: fisher.fisher_curvature(3, "0.4"), TypeError, "coupling"),
    (lambda: fisher.fisher_curvature(3, 10.0), ValueError, "numerically singular"),
    (lambda: fisher.transfer_cumulants(3, np.inf), ValueError, "coupling"),
    (lambda: fisher.transfer_cumulants(3, True), TypeError, "coupling"),
    (lambda: fisher.transfer_cumulants(12, 0.4), ValueError, "GiB"),
    (lambda: fisher.transfer_cumulants(3, 0.4, q=40), ValueError, "GiB"),
    (lambda: fisher.transfer_cumulants(3, -1000.0), ValueError, "too strong"),
    (lambda: fisher.transfer_item({"L": 3, "q": 2}), ValueError, "keys"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
