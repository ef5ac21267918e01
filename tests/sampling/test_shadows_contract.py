"""Contract of rederived.sampling.shadows, on its whole domain (Hypothesis).

Domain: normalised state vectors of 1 ≤ n ≤ MAX_QUBITS qubits, snapshot arrays of bases 1..3 and
outcomes 0/1, Pauli codes 0..3, groups ≥ 1. Results: snapshots of the right shape and codes,
estimates that are finite and bounded by 3^weight (1 for the exact expectations), purities in
[−4^|A|, 5^|A|] (the U-statistic's range), the paper's bound as integers; or a
ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.sampling.shadows import (
    ghz_state,
    haar_estimates,
    local_paulis,
    median_of_means,
    parse_paulis,
    pauli_estimates,
    pauli_expectations,
    pauli_fidelities,
    pauli_snapshot_values,
    pauli_snapshots,
    sample_bound,
    subsystem_purity,
    transverse_ising_ground_state,
)

COVERS = (
    "ghz_state",
    "haar_estimates",
    "local_paulis",
    "median_of_means",
    "parse_paulis",
    "pauli_estimates",
    "pauli_expectations",
    "pauli_fidelities",
    "pauli_snapshot_values",
    "pauli_snapshots",
    "sample_bound",
    "subsystem_purity",
    "transverse_ising_ground_state",
)


def _state(n, seed):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    return v / np.linalg.norm(v)


@settings(deadline=None, max_examples=30)
@given(st.integers(1, 8), st.integers(1, 300), st.integers(0, 2**32 - 1))
def test_snapshots_have_valid_codes(n, count_, seed):
    bases, outcomes = pauli_snapshots(_state(n, seed), count_, seed)
    assert bases.shape == outcomes.shape == (count_, n)
    assert set(np.unique(bases)) <= {1, 2, 3} and set(np.unique(outcomes)) <= {0, 1}


@settings(deadline=None, max_examples=30)
@given(
    st.integers(1, 6),
    st.integers(1, 200),
    st.integers(1, 5),
    st.integers(0, 2**32 - 1),
    st.floats(0.1, 10.0),
)
def test_estimates_are_bounded_by_the_shadow_range(n, count_, groups, seed, factor):
    rng = np.random.default_rng(seed)
    bases = rng.integers(1, 4, size=(count_, n))
    outcomes = rng.integers(0, 2, size=(count_, n))
    paulis = rng.integers(0, 4, size=(7, n))
    groups = min(groups, count_)
    est = pauli_estimates(bases, outcomes, paulis, groups, channel_factor=factor)
    single = pauli_snapshot_values(bases, outcomes, paulis, channel_factor=factor)
    assert single.shape == (count_, 7)
    if groups == 1:
        assert np.allclose(est, single.mean(axis=0))
    weight = (paulis != 0).sum(axis=1)
    assert est.shape == (7,) and np.all(np.isfinite(est))
    assert np.all(np.abs(est) <= factor**weight * (1 + 1e-12))
    exact = pauli_expectations(_state(n, seed), paulis)
    assert np.all(np.abs(exact) <= 1 + 1e-12)


@settings(deadline=None, max_examples=25)
@given(st.integers(1, 4), st.integers(2, 120), st.integers(0, 2**32 - 1))
def test_purity_lies_in_the_statistics_range(n, count_, seed):
    rng = np.random.default_rng(seed)
    bases = rng.integers(1, 4, size=(count_, n))
    outcomes = rng.integers(0, 2, size=(count_, n))
    qubits = np.arange(rng.integers(1, n + 1))
    value = subsystem_purity(bases, outcomes, qubits)
    assert math.isfinite(value) and -(4.0**qubits.size) <= value <= 5.0**qubits.size


@settings(deadline=None, max_examples=20)
@given(st.integers(1, 5), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_fidelities_are_finite_and_bounded(n, count_, seed):
    psi = _state(n, seed)
    bases, outcomes = pauli_snapshots(psi, count_, seed)
    f = pauli_fidelities(bases, outcomes, psi)
    assert f.shape == (count_,) and np.all(np.isfinite(f)) and np.all(np.abs(f) <= 4.0**n)
    if n <= 4:
        g = haar_estimates(psi, _state(n, seed + 1), min(count_, 10), seed)
        assert np.all(np.isfinite(g)) and np.all((g >= -1) & (g <= 2**n))


@given(st.lists(st.floats(-1e300, 1e300), min_size=1, max_size=30), st.integers(1, 30))
def test_median_of_means_is_finite_or_refused(values, groups):
    try:
        out = median_of_means(np.array(values), groups)
    except ValueError as err:
        assert "groups" in str(err) and groups > len(values)
        return
    assert np.isfinite(out) and min(values) <= out <= max(values)


@given(st.floats(1e-3, 1.0), st.floats(1e-6, 0.999), st.integers(1, 10**6), st.floats(1, 3**8))
def test_sample_bound_is_integers_growing_with_demands(eps, delta, m, norm):
    try:
        n, k = sample_bound(eps, delta, m, norm)
        n2, k2 = sample_bound(eps / 2, delta, 2 * m, norm)
    except ValueError as err:  # over the 1e12-snapshot budget
        assert "1e12" in str(err)
        return
    assert isinstance(n, int) and isinstance(k, int) and n >= 34 and k >= 1
    assert n2 >= 4 * n - 4 and k2 >= k


@given(st.lists(st.sampled_from("IXYZ"), min_size=1, max_size=12))
def test_parse_round_trip(chars):
    s = "".join(chars)
    codes = parse_paulis([s])
    assert "".join("IXYZ"[c] for c in codes[0]) == s


@settings(deadline=None, max_examples=10)
@given(st.integers(2, 10), st.floats(0.0, 3.0))
def test_ising_ground_state_is_normalised_and_below_the_product_states(n, h):
    psi, energy = transverse_ising_ground_state(n, h)
    assert math.isclose(np.vdot(psi, psi).real, 1.0, rel_tol=1e-9)
    # |0…0⟩ has energy −(n − 1); |+…+⟩ has −hn
    assert energy <= min(-(n - 1), -h * n) + 1e-9
    assert np.allclose(np.abs(ghz_state(n)) ** 2 @ np.ones(2**n), 1.0)


@pytest.mark.parametrize("bad", [None, "3", 2.5, -1, True, np.nan])
def test_bad_counts_and_seeds_are_refused(bad):
    with pytest.raises((TypeError, ValueError)):
        pauli_snapshots(ghz_state(2), bad, 0)
    with pytest.raises((TypeError, ValueError)):
        pauli_snapshots(ghz_state(2), 5, bad)


@given(st.integers(1, 12), st.integers(1, 3))
def test_local_paulis_have_the_right_count_and_weights(n, k):
    if k > n:
        with pytest.raises(ValueError, match="max_weight"):
            local_paulis(n, k)
        return
    strings = local_paulis(n, k)
    weights = (strings != 0).sum(axis=1)
    assert len(strings) == sum(math.comb(n, j) * 3**j for j in range(1, k + 1))
    assert weights.min() >= 1 and weights.max() <= k
    assert len({s.tobytes() for s in strings}) == len(strings)
