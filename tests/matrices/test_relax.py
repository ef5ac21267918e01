"""Unit tests of rederived.matrices.relax."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.matrices.relax import (
    RELAX_SETUP,
    RELAX_SWEEP,
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


def _sor_matrix(A, omega):
    """The defect-reduction matrix C_ω = I − A (D/ω + L)⁻¹ of the matrix's own ordering."""
    W = np.diag(np.diag(A)) / omega + np.tril(A, -1)
    return np.eye(len(A)) - A @ np.linalg.inv(W)


def test_smallest_shift_is_minus_the_smallest_eigenvalue():
    for n in (1, 2, 5, 9):
        lowest = np.linalg.eigvalsh(shifted_laplacian(n, 0.0)).min()
        assert smallest_shift(n) == pytest.approx(-lowest, rel=1e-12)


@pytest.mark.parametrize("shift", [-0.1, 0.0, 0.45, 3.0])
def test_jacobi_radius_is_the_jacobi_iterations_spectral_radius(shift):
    A = shifted_laplacian(6, shift)
    J = np.eye(len(A)) - A / np.diag(A)[:, None]
    assert jacobi_radius(6, shift) == pytest.approx(np.abs(np.linalg.eigvals(J)).max(), 1e-12)


@pytest.mark.parametrize("order", ["natural", "red-black"])
def test_youngs_formula_is_the_spectral_radius_of_sor(order):
    # both orderings are consistently ordered: the same spectral radius for every ω; ω is kept
    # away from ω*, where the iteration matrix has a Jordan block (eigenvalues there are only
    # accurate to about the square root of the rounding error)
    n, shift = 6, 0.05
    A = shifted_laplacian(n, shift)
    if order == "red-black":
        p = red_black_order(n)
        A = A[np.ix_(p, p)]
    beta = float(jacobi_radius(n, shift))
    star = float(optimal_omega(beta))
    for omega in (0.6, 1.0, 1.3, star - 0.1, star + 0.05, 1.9):
        measured = np.abs(np.linalg.eigvals(_sor_matrix(A, omega))).max()
        assert sor_radius(omega, beta) == pytest.approx(measured, rel=1e-8)


def test_optimal_omega_minimises_the_radius_and_has_both_forms():
    beta = np.linspace(0.0, 0.999, 50)
    star = optimal_omega(beta)
    paper_form = 1 + (beta / (1 + np.sqrt(1 - beta**2))) ** 2
    np.testing.assert_allclose(star, paper_form, rtol=1e-14)
    grid = np.linspace(0.01, 1.99, 4001)
    for b, s in zip(beta[::7], star[::7], strict=True):
        best = grid[np.argmin(sor_radius(grid, b))]
        assert abs(best - s) <= 1e-3
        assert sor_radius(s, b) == pytest.approx(s - 1, abs=1e-15)
    assert sor_radius(1.0, 0.9) == pytest.approx(0.81)  # Gauss–Seidel: β²


def test_surrogate_bound():
    # τ = 0: the asymptotic count 1 + log ε / log ρ; growing in τ
    assert surrogate_bound(1.0, 0.9, 0.0, 1e-8) == pytest.approx(1 + np.log(1e-8) / np.log(0.81))
    values = surrogate_bound(1.5, 0.95, np.array([0.0, 0.2, 0.5]))
    assert np.all(np.diff(values) > 0)


@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_batched_counts_are_algorithm_1_on_the_red_black_matrix(n):
    rng = np.random.default_rng(n)
    shifts = rng.uniform(smallest_shift(n) + 0.02, 0.5, 6)
    rhs = rng.normal(size=(6, n, n))
    omegas = np.array([0.7, 1.0, 1.4, 1.8])
    counts = sor_counts(shifts, rhs, omegas)
    p = red_black_order(n)
    for t in range(6):
        A = shifted_laplacian(n, shifts[t])[np.ix_(p, p)]
        expect = [sor_reference(A, rhs[t].ravel()[p], w) for w in omegas]
        np.testing.assert_array_equal(counts[t], expect)


def test_counts_follow_youngs_rate():
    # far into the iteration the residual falls by ρ(ω) per step: the counts of a harder
    # tolerance grow by log(100)/log(1/ρ) for a tolerance 100 times smaller
    n, shift = 10, 0.1
    rhs = np.random.default_rng(0).normal(size=(1, n, n))
    beta = float(jacobi_radius(n, shift))
    for omega in (1.0, 1.5):
        a = sor_counts([shift], rhs, [omega], eps=1e-6)[0, 0]
        b = sor_counts([shift], rhs, [omega], eps=1e-8)[0, 0]
        predicted = np.log(100) / -np.log(sor_radius(omega, beta))
        assert abs((b - a) - predicted) <= 0.05 * predicted + 2


def test_counts_edge_cases():
    assert sor_counts([0.0], np.zeros((1, 3, 3)), [1.2]).tolist() == [[0]]
    assert sor_counts(np.empty(0), np.empty((0, 4, 4)), [1.0]).shape == (0, 1)
    with pytest.raises(ValueError, match="max_iter"):
        sor_counts([0.0], np.ones((1, 8, 8)), [1.0], max_iter=5)
    # a factor per system: the same counts as the shared grid's matching column
    rng = np.random.default_rng(8)
    rhs, shifts = rng.normal(size=(3, 5, 5)), np.array([0.0, 0.1, 0.3])
    shared = sor_counts(shifts, rhs, [1.2, 1.5])
    own = sor_counts(shifts, rhs, np.array([[1.2], [1.5], [1.2]]))
    np.testing.assert_array_equal(own[:, 0], [shared[0, 0], shared[1, 1], shared[2, 0]])


def test_reference_counts_do_not_depend_on_the_scale_of_b():
    rng = np.random.default_rng(9)
    A = shifted_laplacian(4, 0.1)
    b = rng.normal(size=16)
    base = sor_reference(A, b, 1.3)
    for scale in (1e-300, 1e-160, 1e160, 1e300):
        assert sor_reference(A, b * scale, 1.3) == base


def test_the_learner_finds_the_best_arm_of_a_stationary_table():
    rng = np.random.default_rng(3)
    means = np.array([200.0, 150.0, 100.0, 160.0])
    table = means + rng.normal(0, 10, size=(4, 3000, 4))
    run = tsallis_inf(table, 7)
    np.testing.assert_allclose(run.probabilities.sum(axis=2), 1.0, atol=1e-12)
    assert np.mean(run.arms[:, -500:] == 2) > 0.8
    np.testing.assert_array_equal(
        run.costs, table[np.arange(4)[:, None], np.arange(3000), run.arms]
    )
    regret = expected_regret(run, table)
    # Tsallis-INF's adversarial bound, 4√(dT) + 1 for losses in [0, 1], in units of the largest
    # cost (the losses here are costs over their running mean, below 2.5)
    assert np.all(regret[:, -1] < (4 * np.sqrt(4 * 3000) + 1) * table.max())
    again = tsallis_inf(table, 7)
    np.testing.assert_array_equal(again.arms, run.arms)


def test_the_broken_update_does_not_concentrate():
    rng = np.random.default_rng(4)
    table = np.array([200.0, 150.0, 100.0, 160.0]) + rng.normal(0, 10, size=(4, 3000, 4))
    broken = tsallis_inf(table, 7, importance_weighted=False)
    assert np.mean(broken.arms[:, -500:] == 2) < 0.5
    per_instance = expected_regret(broken, table)[:, -1] / 3000
    assert np.all(per_instance > 10)  # linear regret


def test_probabilities_solve_the_tsallis_problem():
    from rederived.matrices.relax import _tsallis_probabilities

    rng = np.random.default_rng(5)
    losses = rng.uniform(0, 50, size=(6, 9))
    eta = rng.uniform(0.05, 2, 6)
    p = _tsallis_probabilities(losses, eta)
    # stationarity: L_i − (2/η)/√p_i is the same for every arm (the multiplier of Σp = 1)
    multiplier = losses - (2 / eta[:, None]) / np.sqrt(p)
    same = np.broadcast_to(multiplier[:, :1], multiplier.shape)
    np.testing.assert_allclose(multiplier, same, rtol=1e-9, atol=1e-9)


def test_contexts_give_each_bin_its_own_learner():
    rng = np.random.default_rng(6)
    table = rng.uniform(50, 100, size=(2, 400, 5))
    plain = tsallis_inf(table, 9)
    one_bin = tsallis_inf(table, 9, contexts=np.full((2, 400), 0.5), bins=[0.0, 1.0])
    np.testing.assert_array_equal(plain.arms, one_bin.arms)
    # two bins with opposite best arms: each learner finds its own
    ctx = rng.uniform(0, 1, size=(2, 4000))
    table = np.where(ctx[..., None] < 0.5, [100.0, 300.0], [300.0, 100.0])
    run = tsallis_inf(table, 1, contexts=ctx, bins=[0.0, 0.5, 1.0])
    late = slice(3000, None)
    best = np.where(ctx[:, late] < 0.5, 0, 1)
    assert np.mean(run.arms[:, late] == best) > 0.9


def test_expected_regret_by_hand():
    table = np.array([[[1.0, 3.0], [5.0, 1.0]]])  # one run, two instances, two arms
    run = BanditRun(np.zeros((1, 2), int), np.full((1, 2, 2), 0.5), np.array([[1.0, 5.0]]))
    np.testing.assert_allclose(expected_regret(run, table), [[2 - 1, 5 - 4]])
    np.testing.assert_allclose(expected_regret(run, table, "instance"), [[1, 3]])


def test_the_stored_format_round_trips_and_a_block_prefix_is_a_prefix():
    item = {"setting": "high", "sequence": 0, "block": 0, "size": 6, "seed": 12345}
    full = relax_block(item)
    head = relax_block({**item, "limit": 2})
    d = len(RELAX_SETUP["omegas"])
    counts = decode_counts(full["counts"], (6, d))
    np.testing.assert_array_equal(decode_counts(head["counts"], (2, d)), counts[:2])
    assert head["instances"] == 2 and counts.min() > 0
    assert RELAX_SWEEP.spot_compare(head, full)
    changed = counts.copy()
    changed[1, 3] += 1
    from rederived.matrices.relax import _encode

    assert not RELAX_SWEEP.spot_compare(head, {**full, "counts": _encode(changed)})
    c, shifts, rhs = block_instances(item)
    np.testing.assert_allclose(shifts, (12 * c - 3) / 20)
    assert rhs.shape == (6, 10, 10) and np.all((c > 0) & (c < 1))


def _encode_for_test():
    from rederived.matrices.relax import _encode

    return _encode(np.ones((2, 2), dtype=np.int64))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: jacobi_radius(0, 0.0), ValueError, "n_side"),
        (lambda: jacobi_radius(4, -1.0), ValueError, "shift"),
        (lambda: jacobi_radius(4, np.nan), ValueError, "shift"),
        (lambda: jacobi_radius(4, "a"), TypeError, "shift"),
        (lambda: sor_radius(2.0, 0.5), ValueError, "omega"),
        (lambda: sor_radius(1.0, 1.0), ValueError, "beta"),
        (lambda: optimal_omega(-0.1), ValueError, "beta"),
        (lambda: surrogate_bound(1.0, 0.5, 1.0), ValueError, "tau"),
        (lambda: surrogate_bound(1.0, 0.5, 0.1, eps=0.0), ValueError, "eps"),
        (lambda: shifted_laplacian(65), ValueError, "n_side"),
        (lambda: sor_counts([0.0], np.ones((1, 3, 4)), [1.0]), ValueError, "rhs"),
        (lambda: sor_counts([0.0, 0.1], np.ones((1, 3, 3)), [1.0]), ValueError, "shifts"),
        (lambda: sor_counts([-1.2], np.ones((1, 3, 3)), [1.0]), ValueError, "shifts"),
        (lambda: sor_counts([0.0], np.ones((1, 3, 3)), [2.0]), ValueError, "omegas"),
        (lambda: sor_counts([0.0], np.ones((1, 3, 3)), []), ValueError, "omegas"),
        (lambda: sor_counts([0.0], np.full((1, 3, 3), np.inf), [1.0]), ValueError, "rhs"),
        (lambda: sor_counts([0.0], np.ones((1, 3, 3)), [1.0], eps=1.0), ValueError, "eps"),
        (
            lambda: sor_counts(np.zeros(10**5), np.ones((10**5, 3, 3)), np.ones(10**4)),
            ValueError,
            "GiB",
        ),
        (lambda: sor_reference(np.ones((2, 3)), np.ones(2), 1.0), ValueError, "square"),
        (lambda: sor_reference(np.eye(2), np.ones(3), 1.0), ValueError, "rhs"),
        (lambda: sor_reference([[1.0, 2.0], [0.0, 1.0]], np.ones(2), 1.0), ValueError, "symm"),
        (lambda: tsallis_inf(np.ones((1, 2)), 0), ValueError, "costs"),
        (lambda: tsallis_inf(-np.ones((1, 2, 2)), 0), ValueError, "costs"),
        (lambda: tsallis_inf(np.zeros((1, 2, 2)), 0), ValueError, "at least 1"),
        (lambda: sor_radius(True, 0.5), TypeError, "omega"),
        (lambda: sor_counts([0.0], np.ones((1, 3, 3), dtype=bool), [1.0]), TypeError, "rhs"),
        (lambda: sor_counts([0.0], np.ones((1, 3, 3)), [1.0], eps=1e-12), ValueError, "eps"),
        (
            lambda: sor_reference(np.array([[1.0, 2.0], [2.0, 1.0]]), np.ones(2), 1.0),
            ValueError,
            "diverged",
        ),
        (lambda: tsallis_inf(np.ones((1, 2, 2)), -1), ValueError, "seed"),
        (lambda: tsallis_inf(np.ones((1, 2, 2)), "x"), TypeError, "seed"),
        (lambda: tsallis_inf(np.ones((1, 2, 2)), 0, contexts=np.ones((1, 2))), ValueError, "bins"),
        (
            lambda: tsallis_inf(np.ones((1, 2, 2)), 0, contexts=np.ones((1, 3)), bins=[0, 1]),
            ValueError,
            "contexts",
        ),
        (
            lambda: tsallis_inf(np.ones((1, 2, 2)), 0, contexts=np.ones((1, 2)), bins=[1, 0]),
            ValueError,
            "bins",
        ),
        (lambda: tsallis_inf(np.ones((1, 2, 2)), 0, importance_weighted=1), TypeError, "weighted"),
        (lambda: tsallis_inf(np.full((1, 50, 2), 1e307), 0), ValueError, "overflow"),
        (
            lambda: jacobi_radius(4, np.nextafter(smallest_shift(4), 1)),
            ValueError,
            "rounds to 1",
        ),
        (lambda: jacobi_radius(2**70, 0.0), ValueError, "rounds to 1"),
        (lambda: jacobi_radius(4, np.array([True])), TypeError, "boolean"),
        (lambda: surrogate_bound(1e-300, 0.5, 0.1), ValueError, "infinite"),
        (lambda: sor_counts([0.0], np.ones((1, 3, 3)), [1.0], eps=1e-300), ValueError, "eps"),
        (lambda: sor_reference(np.eye(2), np.ones(2), 1.0, eps=1e-11), ValueError, "eps"),
        (lambda: sor_counts([0.0], np.ones((1, 3, 3)), np.ones((2, 2))), ValueError, "omegas"),
        (lambda: decode_counts("!!", (1, 1)), ValueError, "stored block"),
        (lambda: decode_counts(_encode_for_test(), (3, 3)), ValueError, "counts"),
        (lambda: decode_counts(b"x", (1, 1)), TypeError, "text"),
        (lambda: expected_regret("run", np.ones((1, 2, 2))), TypeError, "run"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
