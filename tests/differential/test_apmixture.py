"""Unit tests of rederived.differential.apmixture against exact solutions and references."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from rederived.differential import apmixture as ap

GRID = ap.VelocityGrid()


def moments(f, grid=GRID):
    h2 = grid.h**2
    return (
        h2 * f.sum(),
        h2 * (grid.w1 * f).sum(),
        h2 * (grid.w2 * f).sum(),
        h2 * ((grid.w1**2 + grid.w2**2) * f).sum() / 2,
    )


def test_collision_matches_the_bkw_solution_and_improves_with_modes():
    errors = []
    for modes in (32, 40):
        grid = ap.VelocityGrid(modes, 8.0, 8)
        d = 1e-4
        dfdt = (ap.bkw_solution(grid, 6.5 + d) - ap.bkw_solution(grid, 6.5 - d)) / (2 * d)
        q = ap.collision(ap.bkw_solution(grid, 6.5), grid)
        errors.append(np.abs(q - dfdt).max() / np.abs(dfdt).max())
    assert errors[0] > errors[1]
    assert errors[0] < 5e-4


def test_collision_conserves_and_nearly_fixes_maxwellians():
    fl, _ = ap.random_initial(GRID, 3)
    q = ap.collision(fl, GRID)
    scale = np.abs(q).sum() * GRID.h**2
    assert np.allclose(moments(q), 0.0, atol=1e-12 * max(scale, 1.0))
    for temperature in (0.5, 0.8, 1.2):
        m = ap.maxwellian(GRID, 1.3, temperature)
        assert np.abs(ap.collision(m, GRID)).sum() < 1e-3 * m.sum()


def test_direct_sum_equals_the_fast_method():
    grid = ap.VelocityGrid(24, 8.0, 6)  # 24 modes resolve temperatures above about 0.75 here
    f = ap.maxwellian(grid, 1.0, 1.1) + 0.3 * ap.maxwellian(grid, 1.0, 0.9, (0.5, -0.2))
    fast, direct = ap.collision(f, grid), ap.collision_direct(f, grid)
    assert np.abs(fast - direct).max() < 1e-13 * f.max()
    with pytest.raises(ValueError, match="GiB"):
        ap.collision_direct(f, grid, max_bytes=1e3)


def test_angular_average_is_a_radial_conservative_projection():
    fl, _ = ap.random_initial(GRID, 5)
    p = ap.angular_average(fl, GRID)
    r2 = np.rint((GRID.w1**2 + GRID.w2**2) / GRID.h**2).astype(int)
    for value in (4, 25, 50, 100):  # points at equal radius get equal values
        assert np.ptp(p[r2 == value]) < 1e-12
    m0, m1, m2, m3 = moments(p)
    f0, _, _, f3 = moments(fl)
    assert abs(m0 - f0) < 1e-8 and abs(m3 - f3) < 1e-7
    assert abs(m1) < 1e-9 and abs(m2) < 1e-9
    assert np.abs(ap.angular_average(p, GRID) - p).max() < 1e-6 * p.max()
    m = ap.maxwellian(GRID, 1.0, 0.9)
    assert np.abs(ap.angular_average(m, GRID) - m).max() < 1e-9 * m.max()


def test_variance_of_the_exchange_step_is_the_integral():
    for rate, t, t_inf, g, lam in ((1.0, 0.3, 0.9, 0.2, 4.0), (0.5, 2.0, 1.1, -0.3, 5.0)):
        exact = integrate.quad(
            lambda s, rate=rate, t=t, t_inf=t_inf, g=g, lam=lam: (
                2 * rate * (t_inf + g * math.exp(-lam * s)) * math.exp(-2 * rate * (t - s))
            ),
            0,
            t,
        )[0]
        assert ap._variance(rate, t, t_inf, g, lam) == pytest.approx(exact, rel=1e-12)


def test_exchange_maps_maxwellians_to_maxwellians_at_the_ode_temperatures():
    ml, mh = ap.maxwellian(GRID, 1.0, 1.2), ap.maxwellian(GRID, 0.5, 0.7)
    for dt in (0.01, 0.3, 5.0):
        a, b = ap.exchange_step(ml, mh, GRID, dt)
        gap = ap.temperature_gap([dt], 0.5, 1.0, 0.5)[0]
        t_inf = (1.0 * 1.2 + 0.5 * 0.7) / 1.5
        tl, th = t_inf + 0.5 * gap / 1.5, t_inf - 1.0 * gap / 1.5
        # to the grid's resolution of a Maxwellian at T ≈ 0.7: exp(−κ_max² T/2) ≈ 1e-6
        assert np.abs(a - ap.maxwellian(GRID, 1.0, tl)).max() < 1e-6 * a.max()
        assert np.abs(b - ap.maxwellian(GRID, 0.5, th)).max() < 1e-6 * b.max()


def test_ap_step_conserves_and_reaches_the_limit_at_small_eps():
    fl, fh = ap.random_initial(GRID, 11)
    e0 = moments(fl)[3] + moments(fh)[3]
    run = ap.relax(fl, fh, GRID, 1e-6, np.full(8, 0.05), keep=True)
    assert not run.diverged
    for a, b in zip(run.light, run.heavy, strict=True):
        assert moments(a)[0] == pytest.approx(1.0, abs=1e-12)
        assert moments(a)[3] + moments(b)[3] == pytest.approx(e0, rel=1e-12)
    limit_l, limit_h = ap.limit_solution(fl, fh, GRID, run.times[4:])
    assert max(ap.distance(a, b) for a, b in zip(run.light[4:], limit_l, strict=True)) < 0.02
    assert max(ap.distance(a, b) for a, b in zip(run.heavy[4:], limit_h, strict=True)) < 0.02


def test_explicit_control_diverges_at_a_step_the_ap_scheme_takes():
    fl, fh = ap.random_initial(GRID, 12)
    assert ap.relax(fl, fh, GRID, 0.01, np.full(10, 0.05), "explicit").diverged
    assert not ap.relax(fl, fh, GRID, 0.01, np.full(10, 0.05), "ap").diverged
    assert ap.fixed_step_error(fl, fh, GRID, 0.01, scheme="explicit") == 1.0


def test_resolved_reference_is_converged():
    """The claim's reference step ε²/2 against ε²/20: the measured error moves by under 1e-3."""
    fl, fh = ap.random_initial(GRID, np.random.SeedSequence(2411_13240).spawn(5)[0])
    coarse = ap.fixed_step_error(fl, fh, GRID, 0.1, t_end=0.25, t_from=0.2)
    fine = ap.fixed_step_error(fl, fh, GRID, 0.1, t_end=0.25, t_from=0.2, reference_step=0.05)
    assert abs(coarse - fine) < 1e-3


def test_explicit_stability_limit_scales_like_eps_squared():
    fl, fh = ap.random_initial(GRID, 13)
    lim = [
        ap.largest_stable_step(fl, fh, GRID, e, "explicit", steps=20, low=1e-6) for e in (0.2, 0.05)
    ]
    assert 16 / 1.5 < lim[0] / lim[1] < 16 * 1.5
    assert ap.largest_stable_step(fl, fh, GRID, 0.05, "ap", steps=5) == 1.0


def test_relaxation_time_is_exact_on_exponentials():
    t = np.linspace(0, 2, 9)
    assert ap.relaxation_time(t, 3 * np.exp(-2.5 * t), math.exp(-1)) == pytest.approx(0.4)
    with pytest.raises(ValueError, match="never"):
        ap.relaxation_time(t, np.ones(9), 0.5)


def test_geometric_steps_resolve_the_first_epoch_and_reach_the_end():
    steps = ap.geometric_steps(0.01, t_end=1.0)
    assert steps[0] == pytest.approx(1e-4 / 20)
    assert np.all(np.diff(steps) >= 0) and steps.max() <= 0.05
    assert 1.0 <= steps.sum() < 1.05


def test_epochs_are_ordered():
    fl, fh = ap.random_initial(GRID, 14)
    times = ap.epochal_times(fl, fh, GRID, 0.1, levels=(math.exp(-1),))
    assert times[0, 0] < times[0, 1] < times[0, 2]
    assert times[0, 2] == pytest.approx(0.25, rel=0.02)  # 1/λ, λ = 2(n_L + n_H) = 4


def test_each_species_relaxes_on_its_own_time_scale():
    """Light time ∝ ε², heavy ∝ ε^(−p) with its self-collision rate ε^(−p), at small ε."""
    fl, fh = ap.random_initial(GRID, 15)
    eps = np.array([0.01, 0.0025])
    for power in (1, 1.5):
        t = np.array([ap.epochal_times(fl, fh, GRID, e, [math.exp(-1)], power)[0] for e in eps])
        slopes = np.log(t[1] / t[0]) / np.log(eps[1] / eps[0])
        assert slopes[0] == pytest.approx(2, abs=0.05)
        assert slopes[1] == pytest.approx(power, abs=0.15)


def test_random_initial_is_centred_and_in_range():
    for seed in range(4):
        fl, fh = ap.random_initial(GRID, seed)
        (nl, ul, tl), (nh, uh, th) = ap.moments(fl, GRID), ap.moments(fh, GRID)
        assert nl == pytest.approx(1.0) and nh == pytest.approx(1.0)
        assert np.abs(ul).max() < 1e-9 and np.abs(uh).max() < 1e-9
        assert 1.3 - 1e-6 <= max(tl, th) / min(tl, th) <= 1.6 + 1e-6
        assert 1.0 - 1e-6 <= max(tl, th) <= 1.2 + 1e-6


def test_dsmc_conserves_energy_and_matches_the_exact_rate():
    tau, tl, th = ap.dsmc_temperatures(0.5, 0.5, np.random.SeedSequence(7), particles=40_000)
    # the kinetic energy is conserved exactly; T_L + T_H only up to the energy of the sample
    # means' drift, O(T/N)
    assert np.ptp(tl + th) < 1e-3
    rate = -np.polyfit(tau, np.log(tl - th), 1)[0]
    assert rate == pytest.approx(4 / (1 + 0.25) ** 2, rel=0.05)


def test_temperature_gap_truncated_and_exact():
    assert ap.temperature_gap([0.25], 1.0)[0] == pytest.approx(math.exp(-1))
    exact = ap.temperature_gap([0.25], 1.0, eps=0.5)[0]
    assert exact == pytest.approx(math.exp(-1 / (1.25**2)))
