"""Unit tests of rederived.sampling.shadows: exact cases, unbiasedness, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rederived.sampling import shadows as sh


def _random_state(n, seed):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    return v / np.linalg.norm(v)


def test_snapshots_of_a_product_state_are_deterministic_in_the_matching_basis():
    # |+⟩|0⟩|−i⟩: X on qubit 0 gives +1, Z on qubit 1 gives +1, Y on qubit 2 gives −1
    plus = np.array([1, 1]) / math.sqrt(2)
    zero = np.array([1, 0])
    minus_i = np.array([1, -1j]) / math.sqrt(2)
    psi = np.kron(np.kron(plus, zero), minus_i)
    bases, outcomes = sh.pauli_snapshots(psi, 4000, 3)
    assert np.all(outcomes[bases[:, 0] == 1, 0] == 0)
    assert np.all(outcomes[bases[:, 1] == 3, 1] == 0)
    assert np.all(outcomes[bases[:, 2] == 2, 2] == 1)
    # other bases give fair coins
    assert abs(outcomes[bases[:, 0] == 3, 0].mean() - 0.5) < 0.05


def test_outcome_frequencies_match_the_born_rule():
    psi = _random_state(3, 7)
    bases, outcomes = sh.pauli_snapshots(psi, 60000, 8)
    paulis = sh.parse_paulis(["XIZ", "YYI", "IZX", "ZZZ"])
    exact = sh.pauli_expectations(psi, paulis)
    estimate = sh.pauli_estimates(bases, outcomes, paulis)
    weights = (paulis != 0).sum(axis=1)
    # single-shot variance 3^k − ⟨P⟩²: five standard errors
    assert np.all(np.abs(estimate - exact) < 5 * np.sqrt(3.0**weights / 60000))


def test_wrong_channel_factor_scales_estimates_by_its_ratio_to_the_power_weight():
    psi = sh.ghz_state(4)
    bases, outcomes = sh.pauli_snapshots(psi, 2000, 1)
    paulis = sh.parse_paulis(["ZZII", "IZIZ", "ZZZZ"])
    right = sh.pauli_estimates(bases, outcomes, paulis)
    wrong = sh.pauli_estimates(bases, outcomes, paulis, channel_factor=2.0)
    assert np.allclose(wrong, right * (2 / 3) ** np.array([2, 2, 4]))


def test_pauli_expectations_of_ghz():
    psi = sh.ghz_state(5)
    values = sh.pauli_expectations(psi, ["ZZIII", "XXXXX", "YYXXX", "ZIIII", "IIIII"])
    assert np.allclose(values, [1, 1, -1, 0, 1])


def test_median_of_means_groups():
    v = np.arange(12.0)
    assert sh.median_of_means(v, 1) == v.mean()
    assert sh.median_of_means(v, 3) == np.median([1.5, 5.5, 9.5])
    assert sh.median_of_means(np.arange(13.0), 3) == 5.5  # the last row dropped


def test_purity_of_ghz_marginals_and_of_a_product_state():
    psi = sh.ghz_state(4)
    bases, outcomes = sh.pauli_snapshots(psi, 4000, 5)
    one = sh.subsystem_purity(bases, outcomes, np.array([0]))
    assert abs(one - 0.5) < 0.05
    pure = np.zeros(16, dtype=complex)
    pure[0] = 1
    b, o = sh.pauli_snapshots(pure, 3000, 6)
    assert abs(sh.subsystem_purity(b, o, np.array([0, 1])) - 1.0) < 0.15


def test_single_qubit_pair_factors_follow_from_the_snapshot_formula():
    # tr(σσ') for σ = 3|s⟩⟨s| − I: 5 same basis same outcome, −4 different outcome, 1/2 else
    rows = sh._ROTATIONS
    snap = {
        (b, o): 3 * np.outer(rows[b][o].conj(), rows[b][o]) - np.eye(2)
        for b in (1, 2, 3)
        for o in (0, 1)
    }
    for (b1, o1), s1 in snap.items():
        for (b2, o2), s2 in snap.items():
            value = np.trace(s1 @ s2).real
            expected = (5.0 if o1 == o2 else -4.0) if b1 == b2 else 0.5
            assert math.isclose(value, expected, abs_tol=1e-12)


def test_fidelity_estimators_are_unbiased():
    psi = sh.ghz_state(3)
    bases, outcomes = sh.pauli_snapshots(psi, 20000, 2)
    f = sh.pauli_fidelities(bases, outcomes, psi)
    assert abs(f.mean() - 1) < 5 * f.std() / math.sqrt(f.size)
    other = _random_state(3, 4)
    g = sh.haar_estimates(psi, other, 3000, 9)
    exact = abs(np.vdot(other, psi)) ** 2
    assert abs(g.mean() - exact) < 5 * g.std() / math.sqrt(g.size)


def test_sample_bound_is_the_papers_formula():
    n, k = sh.sample_bound(0.1, 0.05, 100, 9.0)
    assert n == math.ceil(34 * 9 / 0.01) and k == math.ceil(2 * math.log(2 * 100 / 0.05))


def test_ising_ground_state_energy_against_dense_diagonalisation():
    psi, energy = sh.transverse_ising_ground_state(6, 0.7)
    assert math.isclose(np.linalg.norm(psi), 1.0)
    zz = sum(sh.pauli_expectations(psi, ["I" * q + "ZZ" + "I" * (4 - q)])[0] for q in range(5))
    x = sum(sh.pauli_expectations(psi, ["I" * q + "X" + "I" * (5 - q)])[0] for q in range(6))
    assert math.isclose(-zz - 0.7 * x, energy, rel_tol=1e-9)
    # the critical chain's energy per site tends to −4/π
    _, big = sh.transverse_ising_ground_state(14, 1.0)
    assert abs(big / 14 + 4 / math.pi) < 0.05


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: sh.pauli_snapshots(np.ones(3) / math.sqrt(3), 10, 0), ValueError, "2\\^n"),
        (lambda: sh.pauli_snapshots(np.ones(4), 10, 0), ValueError, "normalised"),
        (lambda: sh.pauli_snapshots(sh.ghz_state(2), 0, 0), ValueError, "count_"),
        (lambda: sh.pauli_snapshots(sh.ghz_state(2), 10, "x"), TypeError, "seed"),
        (lambda: sh.pauli_snapshots(np.array(["a", "b"]), 10, 0), TypeError, "state"),
        (lambda: sh.pauli_estimates([[4]], [[0]], [[1]]), ValueError, "bases"),
        (lambda: sh.pauli_estimates([[1]], [[2]], [[1]]), ValueError, "outcomes"),
        (lambda: sh.pauli_estimates([[1]], [[0]], [[1, 1]]), ValueError, "paulis"),
        (lambda: sh.pauli_estimates([[1]], [[0]], [[1]], channel_factor=0), ValueError, "channel"),
        (lambda: sh.parse_paulis(["XQ"]), ValueError, "I, X, Y, Z"),
        (lambda: sh.parse_paulis(["X", "XX"]), ValueError, "one length"),
        (lambda: sh.median_of_means([1.0, 2.0], 3), ValueError, "groups"),
        (lambda: sh.subsystem_purity([[1]], [[0]], np.array([0])), ValueError, "two snapshots"),
        (lambda: sh.subsystem_purity([[1], [2]], [[0], [1]], np.array([1])), ValueError, "qubits"),
        (
            lambda: sh.haar_estimates(sh.ghz_state(9), sh.ghz_state(9), 1, 0),
            ValueError,
            "8 qubits",
        ),
        (lambda: sh.sample_bound(0.1, 1.5, 10, 9.0), ValueError, "delta"),
        (lambda: sh.ghz_state(0), ValueError, "n must"),
        (lambda: sh.transverse_ising_ground_state(3, -1.0), ValueError, "field"),
        (lambda: sh.transverse_ising_ground_state(3, "1.0"), TypeError, "field"),
        (lambda: sh.transverse_ising_ground_state(19), ValueError, "18"),
        (
            lambda: sh.pauli_estimates([[3, 3]], [[0, 0]], ["ZZ"], channel_factor=1e200),
            ValueError,
            "channel",
        ),
        (lambda: sh.median_of_means([1.0, np.nan], 1), ValueError, "finite"),
        (lambda: sh.median_of_means([1e308, 1e308], 1), ValueError, "finite"),
        (lambda: sh.sample_bound(1e-200, 0.1, 10, 9.0), ValueError, "epsilon"),
        (lambda: sh.sample_bound(0.1, 5e-324, 10, 9.0), ValueError, "delta"),
        (lambda: sh.sample_bound(0.1, 0.1, 10, 1e308), ValueError, "shadow_norm"),
        (lambda: sh.pauli_snapshots(sh.ghz_state(20), 10**8, 0), ValueError, "MAX_WORK"),
        (lambda: sh.pauli_snapshots(sh.ghz_state(2), 5, -1), ValueError, "seed"),
        (
            lambda: sh.pauli_snapshot_values([[3]], [[0]], np.zeros((0, 1), dtype=int)),
            ValueError,
            "non-empty",
        ),
        (
            lambda: sh.haar_estimates(sh.ghz_state(2), np.zeros((0, 4, 4)), 5, 0),
            ValueError,
            "at least one",
        ),
        (lambda: sh.subsystem_purity([[1], [2]], [[0], [1]], np.array([0.0])), TypeError, "qubits"),
    ],
)
def test_bad_input_is_refused_with_a_named_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_haar_estimates_of_a_pauli_observable_have_the_three_design_variance():
    psi = sh.ghz_state(3)
    zz = np.diag([1.0, 1, -1, -1, -1, -1, 1, 1])  # Z ⊗ Z ⊗ I
    g = sh.haar_estimates(psi, zz, 4000, 11)
    assert abs(g.mean() - 1.0) < 5 * g.std() / math.sqrt(g.size)
    # (D + 1)/(D + 2)·(tr P² + 2 tr(ρP²)) − ⟨P⟩² = (9/10)(8 + 2) − 1 = 8 for a 3-design
    assert 0.8 * 8 < g.var() < 1.2 * 8
