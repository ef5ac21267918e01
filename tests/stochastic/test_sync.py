"""Unit tests of rederived.stochastic.sync: ring integration, widths and growth exponents."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.stochastic import sync


def test_uncoupled_noise_is_random_deposition():
    # K = 0: each phase is √(2D) W(t), so W² = 2D t (up to the replica sampling)
    run = sync.simulate_ring(64, 32, K=0, c=0, D=0.5, disorder="noise", dt=0.1, t_max=50, seed=1)
    assert np.allclose(run.width**2 / run.times, 1.0, rtol=0.1)
    assert sync.growth_exponent(run, 1, 50) == pytest.approx(0.5, abs=0.03)


def test_uncoupled_columnar_grows_linearly_and_exactly():
    run = sync.simulate_ring(64, 4, K=0, c=0, D=0.5, disorder="columnar", dt=0.1, t_max=20, seed=2)
    assert sync.growth_exponent(run, 1, 20) == pytest.approx(1.0, abs=1e-9)


def test_synchronized_ring_does_not_slip_and_errors_come_from_groups():
    run = sync.simulate_ring(256, 8, K=1, c=0, D=0.05, disorder="noise", dt=0.1, t_max=100, seed=3)
    assert run.slipped_bonds == 0.0
    beta, error = sync.growth_exponent(run, 5, 100, groups=4)
    assert 0.15 < beta < 0.35 and 0 < error < 0.1
    assert run.width2.shape == (run.times.size, 8)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sync.simulate_ring(2, 1, K=1, c=0, D=0.1, disorder="noise", dt=0.1, t_max=1), "L"),
        (
            lambda: sync.simulate_ring(8, 1, K=-1, c=0, D=0.1, disorder="noise", dt=0.1, t_max=1),
            "K must be non-negative",
        ),
        (
            lambda: sync.simulate_ring(8, 1, K=1, c=0, D=0.1, disorder="both", dt=0.1, t_max=1),
            "disorder",
        ),
        (
            lambda: sync.simulate_ring(8, 1, K=1, c=0, D=0.1, disorder="noise", dt=1.0, t_max=0.5),
            "dt <= t_max",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_growth_exponent_needs_three_points_and_valid_groups():
    run = sync.simulate_ring(16, 2, K=1, c=0, D=0.1, disorder="noise", dt=0.1, t_max=10, seed=4)
    with pytest.raises(ValueError, match="fewer than 3"):
        sync.growth_exponent(run, 9.9, 10)
    with pytest.raises(ValueError, match="groups"):
        sync.growth_exponent(run, 1, 10, groups=5)


def test_group_exponents_are_the_groups_own_fits_and_give_growth_exponents_error():
    run = sync.simulate_ring(
        L=64, replicas=6, K=1, c=0, D=0.1, disorder="noise", dt=0.1, t_max=100, seed=3
    )
    slopes = sync.group_exponents(run, 5, 100, 3)
    alone = sync.RingRun(run.times, run.width2[:, 2:4], run.slipped_bonds)
    assert slopes[1] == pytest.approx(sync.growth_exponent(alone, 5, 100), rel=1e-12)
    _, error = sync.growth_exponent(run, 5, 100, groups=3)
    assert error == pytest.approx(np.std(slopes, ddof=1) / np.sqrt(3))
    with pytest.raises(ValueError, match="groups must be an int"):
        sync.group_exponents(run, 5, 100, 7)


def test_a_growth_item_is_one_seeded_group_of_rings():
    item = {"regime": "EW, noise", "replicas": 2, "seed": 11}
    result = sync.growth_item(item)
    again = sync.simulate_ring(replicas=2, seed=11, **sync.REGIMES["EW, noise"])
    assert np.allclose(result["width2"], again.width2, rtol=1e-7, atol=0)
    assert result["times"] == [float(t) for t in again.times]


def test_phase_map_point_has_independent_groups_and_refuses_bad_items():
    item = {"c": 0.0, "D": 0.05, "groups": 2, "replicas": 2, "seed": 7}
    out = sync.map_item(item)
    assert len(out["width2_groups"]) == 2 and len(out["width2_groups"][0]) == len(out["times"])
    assert out["width2_groups"][0] != out["width2_groups"][1]  # independent rings
    assert out["slipped_bonds"] == 0.0  # far below the edge: nothing slips
    # the same rings as simulate_ring with all replicas together, averaged per group
    whole = sync.simulate_ring(replicas=4, seed=7, c=0.0, D=0.05, **sync.MAP_RING)
    assert np.allclose(out["width2_groups"][1], whole.width2[:, 2:].mean(axis=1), rtol=1e-5)
    assert sync.map_spot_eligible(item) and not sync.map_spot_eligible({**item, "D": 0.2})
    for bad, error, name in [
        ({**item, "replicas": 2.9}, ValueError, "replicas"),
        ({**item, "seed": 1.7}, ValueError, "seed"),
        ({**item, "groups": 1}, ValueError, "groups"),
        ({**item, "c": True}, TypeError, "c"),
        ({**item, "D": float("nan")}, TypeError, "D"),
        ({k: v for k, v in item.items() if k != "D"}, ValueError, "D"),
        ([item], TypeError, "item"),
    ]:
        with pytest.raises(error, match=name):
            sync.map_item(bad)


def test_ew_ring_width_grows_to_its_plateau():
    L, K = 64, 1.0
    t = np.array([0.0, 1e-3, 1e6])
    w = sync.ew_ring_width2(t, L, K)
    assert w[0] == 0
    assert np.isclose(w[1], 2e-3 * (L - 1) / L, rtol=1e-2)  # early: every mode grows as 2t
    assert np.isclose(w[2], (L**2 - 1) / (12 * K * L), rtol=1e-12)  # the plateau
    assert np.all(np.diff(sync.ew_ring_width2(np.linspace(0, 500, 50), L, K)) > 0)
    for args, error, name in [
        ((-1.0, L, K), ValueError, "t"),
        ((np.nan, L, K), ValueError, "t"),
        ((1.0, 2, K), ValueError, "L"),
        ((1.0, L, 0.0), ValueError, "K"),
        ((1.0, 10**6, K), ValueError, "L"),
    ]:
        with pytest.raises(error, match=name):
            sync.ew_ring_width2(*args)
