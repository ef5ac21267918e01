"""Contract of rederived.matrices.relax, on its whole domain (Hypothesis).

Domain: grid sides N ≥ 1, shifts above −λ_min(Δ_N) (positive definite systems) up to large
ones, relaxation factors in (0, 2), Jacobi radii in [0, 1), tolerances in (0, 1), cost tables
of non-negative finite numbers. Results: radii in [0, 1), factors in [1, 2), counts that are
Algorithm 1's, probabilities on the simplex, regrets that are finite; or a ValueError/TypeError
naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.matrices.relax import (
    BanditRun,
    block_instances,
    decode_counts,
    expected_regret,
    jacobi_radius,
    optimal_omega,
    red_black_order,
    relax_block,
    shifted_laplacian,
    smallest_shift,
    sor_counts,
    sor_radius,
    sor_reference,
    surrogate_bound,
    tsallis_inf,
)

COVERS = (
    "BanditRun",
    "block_instances",
    "decode_counts",
    "expected_regret",
    "jacobi_radius",
    "optimal_omega",
    "red_black_order",
    "relax_block",
    "shifted_laplacian",
    "smallest_shift",
    "sor_counts",
    "sor_radius",
    "sor_reference",
    "surrogate_bound",
    "tsallis_inf",
)

omegas = st.floats(1e-3, 2 - 1e-3)
betas = st.floats(0.0, 1 - 1e-9)


@settings(deadline=None, max_examples=60)
@given(st.integers(1, 10**6), st.floats(1e-6, 1e6))
def test_jacobi_radius_is_in_the_unit_interval(n, excess):
    # any shift above the bound, from barely positive definite to strongly diagonal
    shift = smallest_shift(n) + excess
    beta = float(jacobi_radius(n, shift))
    assert 0 <= beta < 1


@settings(deadline=None, max_examples=200)
@given(omegas, betas)
def test_sor_radius_is_a_convergent_rate_and_omega_star_is_best(omega, beta):
    rho = float(sor_radius(omega, beta))
    star = float(optimal_omega(beta))
    assert 0 <= rho < 1 and 1 <= star < 2
    assert float(sor_radius(star, beta)) <= rho + 1e-12
    # the rate is never better than ω − 1 in modulus (the product of the eigenvalue pair)
    assert rho >= abs(omega - 1) - 1e-12
    bound = float(surrogate_bound(omega, beta, 0.5, 1e-8))
    assert np.isfinite(bound) and bound > 1


@settings(deadline=None, max_examples=25)
@given(st.integers(1, 5), st.floats(0.01, 3.0), st.floats(0.3, 1.9), st.integers(0, 2**32 - 1))
def test_batched_counts_equal_algorithm_1(n, excess, omega, seed):
    shift = smallest_shift(n) + excess
    rhs = np.random.default_rng(seed).normal(size=(1, n, n))
    count = sor_counts([shift], rhs, [omega], eps=1e-6)[0, 0]
    p = red_black_order(n)
    A = shifted_laplacian(n, shift)[np.ix_(p, p)]
    assert count == sor_reference(A, rhs[0].ravel()[p], omega, eps=1e-6)


@settings(deadline=None, max_examples=40)
@given(st.floats(-1e300, 1e300), st.floats(1e-300, 1e300))
def test_rhs_of_any_scale_gives_the_same_count(scale, unused):
    # the criterion is relative: scaling b changes nothing, unless b is zero (count 0) or its
    # square overflows, which is refused rather than counted wrong
    rhs = np.random.default_rng(1).normal(size=(1, 3, 3))
    base = sor_counts([0.1], rhs, [1.2])[0, 0]
    try:
        scaled = sor_counts([0.1], rhs * scale, [1.2])[0, 0]
    except ValueError as err:
        assert "rhs" in str(err)
        return
    assert scaled == (0 if scale == 0 else base)


@pytest.mark.parametrize(
    "bad",
    [np.array([[[np.nan]]]), np.array([[[1e200]]]), np.array([[[1e-200]]])],
)
def test_extreme_rhs_is_refused_or_counted(bad):
    try:
        counts = sor_counts([0.0], bad, [1.0])
    except ValueError as err:
        assert "rhs" in str(err)
    else:
        assert counts.tolist() == [[1]]  # one point: a single sweep solves it exactly


@settings(deadline=None, max_examples=30)
@given(
    st.integers(1, 3),
    st.integers(1, 60),
    st.integers(1, 6),
    st.floats(0, 1e6),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_learner_probabilities_stay_on_the_simplex(runs, length, arms, top, seed, weighted):
    table = 1 + np.random.default_rng(seed).uniform(0, top, size=(runs, length, arms))
    run = tsallis_inf(table, seed, importance_weighted=weighted)
    assert isinstance(run, BanditRun)
    assert np.all(run.probabilities >= 0) and np.all(np.isfinite(run.probabilities))
    np.testing.assert_allclose(run.probabilities.sum(axis=2), 1.0, atol=1e-9)
    assert np.all((run.arms >= 0) & (run.arms < arms))
    for against in ("fixed", "instance"):
        regret = expected_regret(run, table, against)
        assert np.all(np.isfinite(regret))
        if against == "instance":
            assert np.all(regret >= -1e-9 * (top + 1) * length)


@settings(deadline=None, max_examples=20)
@given(st.integers(1, 3), st.integers(1, 40), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_contextual_learner_accepts_any_contexts(runs, length, bins, seed):
    rng = np.random.default_rng(seed)
    table = rng.uniform(1, 100, size=(runs, length, 3))
    contexts = rng.normal(0, 10, size=(runs, length))  # many outside the edges
    run = tsallis_inf(table, seed, contexts=contexts, bins=np.linspace(-1, 1, bins + 1))
    np.testing.assert_allclose(run.probabilities.sum(axis=2), 1.0, atol=1e-9)


def test_learner_refuses_bad_tables():
    for bad, error in (
        (np.full((1, 2, 2), np.inf), ValueError),
        (np.full((1, 2, 2), np.nan), ValueError),
        (np.zeros((1, 0, 2)), ValueError),
        (np.array([[["a"]]]), TypeError),
    ):
        with pytest.raises(error, match="costs"):
            tsallis_inf(bad, 0)


@settings(deadline=None, max_examples=20)
@given(st.lists(st.integers(0, 65535), min_size=1, max_size=40))
def test_stored_counts_round_trip(values):
    from rederived.matrices.relax import _encode

    counts = np.array(values, dtype=np.int64).reshape(-1, 1)
    np.testing.assert_array_equal(decode_counts(_encode(counts), counts.shape), counts)


def test_stored_block_is_deterministic():
    item = {"setting": "low", "sequence": 0, "block": 0, "size": 3, "seed": 1}
    assert relax_block(item) == relax_block(item)
    c, _, _ = block_instances(item)
    np.testing.assert_array_equal(c, block_instances(item)[0])
    with pytest.raises(KeyError):
        relax_block({"setting": "medium", "size": 3, "seed": 1})


@settings(deadline=None, max_examples=60)
@given(st.integers(1, 10**9), st.integers(1, 2**20))
def test_shifts_at_the_threshold_are_refused_or_below_one(n, steps):
    # a shift a few ulps above −λ_min: β must stay below 1, or the shift is refused by name
    shift = smallest_shift(n)
    for _ in range(min(steps, 64)):
        shift = np.nextafter(shift, 1.0)
    try:
        beta = float(jacobi_radius(n, shift))
    except ValueError as err:
        assert "shift" in str(err)
    else:
        assert 0 <= beta < 1
