"""Contract of rederived.differential.apmixture, on its whole domain (Hypothesis).

Domain: grids with an even number of modes in [8, MAX_MODES], half-width in [2, 64] and [2, 64]
angles; distributions finite, non-negative (up to 1e-3 of their largest value), of positive mass
and fitting in the box, drawn here among those the default grid resolves; ε in (0, 1]; positive
finite steps. Results: collision outputs that conserve mass, momentum and energy to rounding; an
angular average that is radial and keeps mass and energy to 1e-6; steps that keep each species'
mass and the total energy, stay finite at any ε and step (the AP scheme), return valid inputs
and map Maxwellians to Maxwellians; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.differential.apmixture import (
    MAX_MODES,
    Relaxation,
    VelocityGrid,
    angular_average,
    ap_step,
    bkw_solution,
    collision,
    collision_direct,
    distance,
    dsmc_temperatures,
    epochal_times,
    exchange_step,
    fixed_step_error,
    geometric_steps,
    largest_stable_step,
    limit_solution,
    maxwellian,
    moments,
    random_initial,
    relax,
    relaxation_time,
    temperature_gap,
)

COVERS = (
    "Relaxation",
    "VelocityGrid",
    "angular_average",
    "ap_step",
    "bkw_solution",
    "collision",
    "collision_direct",
    "distance",
    "dsmc_temperatures",
    "epochal_times",
    "exchange_step",
    "fixed_step_error",
    "geometric_steps",
    "largest_stable_step",
    "limit_solution",
    "maxwellian",
    "moments",
    "random_initial",
    "relax",
    "relaxation_time",
    "temperature_gap",
)

GRID = VelocityGrid()


@st.composite
def mixtures(draw, grid=GRID, centred=False, low=0.5):
    """1–3 anisotropic Gaussians with variances in [0.5, 1.3] and centres within 0.8 (or a
    symmetric pair around 0): smooth data that fit the default box, as do Maxwellians at their
    temperatures (at most 1.9), and that its modes resolve
    (Fourier coefficients at the highest wave number below 1e-4 of the largest)."""
    k = draw(st.integers(1, 3))
    f = np.zeros_like(grid.w1)
    for _ in range(k):
        tx, ty = draw(st.floats(low, 1.3)), draw(st.floats(low, 1.3))
        angle = draw(st.floats(0, math.pi))
        c = np.array([draw(st.floats(-0.8, 0.8)), draw(st.floats(-0.8, 0.8))])
        weight = draw(st.floats(0.1, 2.0))
        r = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
        inv = np.linalg.inv(r @ np.diag([tx, ty]) @ r.T)
        for centre in (c, -c) if centred else (c,):
            d = np.stack([grid.w1 - centre[0], grid.w2 - centre[1]], axis=-1)
            q = np.einsum("...i,ij,...j->...", d, inv, d)
            f += weight * np.exp(-q / 2) * math.sqrt(np.linalg.det(inv)) / (2 * math.pi)
    return f


def conserved(f, grid=GRID):
    h2 = grid.h**2
    r2 = grid.w1**2 + grid.w2**2
    return np.array([f.sum(), (grid.w1 * f).sum(), (grid.w2 * f).sum(), (r2 * f).sum() / 2]) * h2


@settings(max_examples=25, deadline=None)
@given(mixtures())
def test_collision_conserves_and_is_finite(f):
    q = collision(f, GRID)
    assert np.all(np.isfinite(q))
    scale = max(np.abs(conserved(np.abs(q))).max(), 1.0)
    assert np.abs(conserved(q)).max() < 1e-12 * scale


SMALL = VelocityGrid(24, 8.0, 4)  # resolves variances above about 0.75


@settings(max_examples=5, deadline=None)
@given(mixtures(SMALL, low=1.0))
def test_direct_sum_is_the_same_operator(f):
    grid = SMALL
    assert np.abs(collision_direct(f, grid) - collision(f, grid)).max() < 1e-12 * f.max()


@settings(max_examples=20, deadline=None)
@given(mixtures())
def test_angular_average_is_radial_and_conservative(f):
    p = angular_average(f, GRID)
    r2 = np.rint((GRID.w1**2 + GRID.w2**2) / GRID.h**2).astype(int)
    assert np.ptp(p[r2 == 25]) < 1e-12 * f.max()
    a, b = conserved(p), conserved(f)
    # the average is set to 0 on circles beyond L, which leave the box: mass and energy are
    # kept up to what f has out there, and to 1e-6 (the J₀ terms are not band-limited, so the
    # grid sums of the average are quadratures with that error on the data drawn here)
    outside = np.hypot(GRID.w1, GRID.w2) > GRID.half_width - GRID.h
    lost = conserved(np.where(outside, f, 0.0))
    assert abs(a[0] - b[0]) <= 2 * lost[0] + 1e-6 * b[0]
    assert abs(a[3] - b[3]) <= 2 * lost[3] + 1e-6 * b[3]
    assert np.abs(a[1:3]).max() < 1e-8 * b[0]


@settings(max_examples=20, deadline=None)
@given(st.floats(0.2, 3.0), st.floats(0.5, 1.3), st.floats(-1.0, 1.0), st.floats(-1.0, 1.0))
def test_maxwellian_has_its_moments(density, temperature, u1, u2):
    m = maxwellian(GRID, density, temperature, (u1, u2))
    rho, u, t = moments(m, GRID)
    # up to the tail cut off by the box, which the fit check bounds (1e-5 of the mass near the
    # edge): about 1e-9 for the hottest and most shifted of these
    assert rho == pytest.approx(density, rel=1e-7)
    assert np.allclose(u, (u1, u2), atol=1e-6)
    assert t == pytest.approx(temperature, rel=1e-6)


@settings(max_examples=15, deadline=None)
@given(mixtures(centred=True), mixtures(centred=True), st.floats(1e-6, 20.0))
def test_exchange_keeps_masses_and_total_energy(fl, fh, dt):
    a, b = exchange_step(fl, fh, GRID, dt)
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(b))
    before, after = conserved(fl) + conserved(fh), conserved(a) + conserved(b)
    assert after[3] == pytest.approx(before[3], rel=1e-10)
    assert conserved(a)[0] == pytest.approx(conserved(fl)[0], rel=1e-10)


@settings(max_examples=15, deadline=None)
@given(
    mixtures(centred=True),
    mixtures(centred=True),
    st.floats(1e-8, 1.0),
    st.floats(1e-4, 2.0),
    st.sampled_from([1, 2]),
)
def test_ap_step_is_finite_and_conservative_at_any_eps_and_step(fl, fh, eps, dt, power):
    a, b = ap_step(fl, fh, GRID, eps, dt, heavy_power=power)
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(b))
    assert conserved(a)[0] == pytest.approx(conserved(fl)[0], rel=1e-10)
    assert conserved(b)[0] == pytest.approx(conserved(fh)[0], rel=1e-10)
    total = conserved(fl)[3] + conserved(fh)[3]
    assert conserved(a)[3] + conserved(b)[3] == pytest.approx(total, rel=1e-10)
    # the output is again a valid input: with β = n the penalised step is (f + kQ⁺(f))/(1 + kn),
    # positive up to the spectral Q⁺'s errors, whose negative wiggles (about 1e-4 of the peak
    # where Δτ/ε² is of order one) stay inside the inputs' allowance of 1e-3
    assert min(a.min() / a.max(), b.min() / b.max()) > -1e-3
    moments(a, GRID), moments(b, GRID)


@settings(max_examples=10, deadline=None)
@given(st.floats(0.5, 1.3), st.floats(0.5, 1.3), st.floats(1e-8, 1.0), st.floats(1e-3, 1.0))
def test_ap_step_maps_maxwellians_to_the_limit(tl, th, eps, dt):
    ml, mh = maxwellian(GRID, 1.0, tl), maxwellian(GRID, 1.0, th)
    a, b = ap_step(ml, mh, GRID, eps, dt)
    gap = temperature_gap([dt], tl - th)[0]
    mean = (tl + th) / 2
    assert distance(a, maxwellian(GRID, 1.0, mean + gap / 2)) < 2e-3
    assert distance(b, maxwellian(GRID, 1.0, mean - gap / 2)) < 2e-3


@settings(max_examples=15, deadline=None)
@given(st.floats(0.05, 10.0), st.floats(0.01, 0.99))
def test_relaxation_time_on_exponentials(rate, level):
    t = np.linspace(0, 4 / rate * max(1.0, -math.log(level)), 33)
    assert relaxation_time(t, np.exp(-rate * t), level) == pytest.approx(-math.log(level) / rate)


@settings(max_examples=20, deadline=None)
@given(st.floats(1e-4, 1.0), st.floats(0.01, 5.0), st.floats(1.0, 2.0))
def test_geometric_steps_cover_the_interval(eps, t_end, ratio):
    steps = geometric_steps(eps, t_end=t_end, ratio=ratio)
    assert np.all(steps > 0) and steps.max() <= 0.05
    assert t_end <= steps.sum() < t_end + 0.05 + 1e-12


@settings(max_examples=20, deadline=None)
@given(st.floats(0, 50), st.floats(-2, 2), st.floats(0.1, 3), st.floats(0.1, 3), st.floats(1e-6, 1))
def test_temperature_gap_decays_at_the_truncated_and_exact_rates(t, gap0, nl, nh, eps):
    lam = 2 * (nl + nh)
    assert temperature_gap([t], gap0, nl, nh)[0] == pytest.approx(gap0 * math.exp(-lam * t))
    exact = temperature_gap([t], gap0, nl, nh, eps=eps)[0]
    assert exact == pytest.approx(gap0 * math.exp(-lam * t / (1 + eps**2) ** 2))


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.3, 3.0), st.floats(0.3, 3.0))
def test_random_initial_and_its_limit(seed, nl, nh):
    fl, fh = random_initial(GRID, seed, n_light=nl, n_heavy=nh)
    (rl, _, tl), (rh, _, th) = moments(fl, GRID), moments(fh, GRID)
    assert rl == pytest.approx(nl) and rh == pytest.approx(nh)
    light, heavy = limit_solution(fl, fh, GRID, [0.0, 100.0])
    final = (nl * tl + nh * th) / (nl + nh)
    assert moments(light[0], GRID)[2] == pytest.approx(tl, rel=1e-8)
    assert moments(light[1], GRID)[2] == pytest.approx(final, rel=1e-8)
    assert moments(heavy[1], GRID)[2] == pytest.approx(final, rel=1e-8)


@settings(max_examples=10, deadline=None)
@given(
    st.sampled_from([1e-100, 1e-30, 1e-8, 1.0]),
    st.sampled_from([5e-324, 1e-310, 1e-12, 1.0, 1e100]),
)
def test_ap_step_is_finite_at_extreme_dt_over_eps_squared(eps, dt):
    fl, fh = random_initial(GRID, 4)
    a, b = ap_step(fl, fh, GRID, eps, dt)
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(b))
    moments(a, GRID), moments(b, GRID)
    if dt / eps**2 < 1e-200:  # a vanishing step changes nothing beyond rounding
        assert np.abs(a - fl).max() < 1e-12 * fl.max()
        assert not relax(fl, fh, GRID, eps, [dt]).diverged


@settings(max_examples=10, deadline=None)
@given(st.floats(8 * math.log(2), 200.0))
def test_bkw_solution_has_unit_moments_and_tends_to_the_maxwellian(t):
    try:
        f = bkw_solution(GRID, t)
    except ValueError as refused:  # just after 8 ln 2 the default grid does not resolve it
        assert "not resolved" in str(refused) and t < 5.9
        return
    rho, u, temperature = moments(f, GRID)
    assert rho == pytest.approx(1.0, rel=1e-9) and temperature == pytest.approx(1.0, rel=1e-8)
    assert np.abs(u).max() < 1e-12
    assert distance(f, maxwellian(GRID, 1.0, 1.0)) < 4 * math.exp(-t / 8) + 1e-12


def test_distance_does_not_overflow():
    assert distance([1e308, -1e308], [1.0, 1.0]) == pytest.approx(1e308)
    assert distance([1e308, 1e308], [1e308, 1e308]) == 0.0
    assert distance([5e-324, 0.0], [1e-323, 0.0]) == pytest.approx(0.5)


def test_runs_measures_and_dsmc_on_their_domain():
    fl, fh = random_initial(GRID, 1)
    run = relax(fl, fh, GRID, 0.1, [0.01, 0.02], keep=True)
    assert isinstance(run, Relaxation) and run.light.shape == (3, 32, 32) and not run.diverged
    assert 0 <= fixed_step_error(fl, fh, GRID, 1e-3, dt=0.1, t_end=0.3, t_from=0.1) < 0.05
    assert largest_stable_step(fl, fh, GRID, 0.5, "ap", steps=3) == 1.0
    times = epochal_times(fl, fh, GRID, 0.2, levels=(0.5,))
    assert times.shape == (1, 3) and np.all(times > 0)
    tau, tl, th = dsmc_temperatures(1.0, 0.2, 3, particles=10_000)
    assert tau[-1] == pytest.approx(0.2) and np.all(np.isfinite(tl + th))


BAD_GRIDS = [
    ({"modes": 9}, ValueError, "modes"),
    ({"modes": MAX_MODES + 2}, ValueError, "modes"),
    ({"modes": 32.0}, ValueError, "modes"),
    ({"half_width": 1.0}, ValueError, "half_width"),
    ({"half_width": math.nan}, TypeError, "half_width"),
    ({"angles": 1}, ValueError, "angles"),
    ({"angles": 65}, ValueError, "angles"),
]


@pytest.mark.parametrize(("kwargs", "error", "name"), BAD_GRIDS)
def test_bad_grids_are_refused(kwargs, error, name):
    with pytest.raises(error, match=name):
        VelocityGrid(**kwargs)


def test_bad_inputs_name_the_argument():
    fl, fh = random_initial(GRID, 2)
    hot = np.exp(-(GRID.w1**2 + GRID.w2**2) / 16)  # T = 8: its tails reach the edge
    big = random_initial(VelocityGrid(64), 2)
    cases = [
        (lambda: collision(fl[:-1], GRID), ValueError, "shape"),
        (lambda: collision(np.where(GRID.w1 > 0, np.nan, fl), GRID), ValueError, "finite"),
        (lambda: collision(-fl, GRID), ValueError, "non-negative"),
        (lambda: collision(fl + 0j, GRID), TypeError, "real"),
        (lambda: collision(np.zeros_like(fl), GRID), ValueError, "mass"),
        (lambda: collision(hot, GRID), ValueError, "box"),
        (lambda: collision(fl, "grid"), TypeError, "grid"),
        (lambda: maxwellian(GRID, 1.0, 9.0), ValueError, "box"),
        (lambda: maxwellian(GRID, -1.0, 1.0), ValueError, "density"),
        (lambda: maxwellian(GRID, 1.0, 1.0, (0.0,)), ValueError, "velocity"),
        (lambda: angular_average(fl, None), TypeError, "grid"),
        (lambda: exchange_step(fl, fh, GRID, 0.0), ValueError, "dt"),
        (lambda: ap_step(fl, fh, GRID, 1.5, 0.1), ValueError, "eps"),
        (lambda: ap_step(fl, fh, GRID, 0.1, 0.1, heavy_power=3), ValueError, "heavy_power"),
        (lambda: relax(fl, fh, GRID, 0.1, []), ValueError, "steps"),
        (lambda: relax(fl, fh, GRID, 0.1, [0.1, -0.1]), ValueError, "steps"),
        (lambda: relax(fl, fh, GRID, 0.1, np.full(100_001, 1e-3)), ValueError, "steps"),
        (lambda: relax(fl, fh, GRID, 0.1, [0.1], scheme="imex"), ValueError, "scheme"),
        (lambda: distance(fl, fl[:-1]), ValueError, "shape"),
        (lambda: distance(fl, np.zeros_like(fl)), ValueError, "zero"),
        (lambda: temperature_gap([-1.0], 1.0), ValueError, "times"),
        (lambda: relaxation_time([0, 1], [1, 2], 1.5), ValueError, "level"),
        (lambda: relaxation_time([1, 0], [1, 0.1], 0.5), ValueError, "increasing"),
        (lambda: geometric_steps(0.1, ratio=0.5), ValueError, "ratio"),
        (lambda: geometric_steps(1e-9, t_end=1e5), ValueError, "100000"),
        (lambda: fixed_step_error(fl, fh, GRID, 0.1, dt=0.07), ValueError, "whole"),
        (lambda: largest_stable_step(fl, fh, GRID, 0.1, low=1.0, high=0.5), ValueError, "low"),
        (
            lambda: limit_solution(maxwellian(GRID, 1.0, 1.0, (0.5, 0)), fh, GRID, [0]),
            ValueError,
            "zero mean",
        ),
        (lambda: dsmc_temperatures(0.1, 1.0, 0, particles=10), ValueError, "particles"),
        (lambda: dsmc_temperatures(0.1, 1.0, 0, dt=2.0), ValueError, "dt"),
        (lambda: dsmc_temperatures(1e-4, 1e3, 0), ValueError, "2e9"),
        (lambda: random_initial(GRID, -1), ValueError, "seed"),
        (lambda: bkw_solution(GRID, 5.0), ValueError, "time"),
        (lambda: bkw_solution(GRID, math.inf), TypeError, "time"),
        (lambda: ap_step(fl, fh, GRID, 1e-120, 0.1), ValueError, "eps"),
        (lambda: collision(fl * 1e200, GRID), ValueError, "mass"),
        (lambda: random_initial(GRID, 0, n_light=1e200), ValueError, "mass"),
        (lambda: maxwellian(GRID, 1.0, 0.01), ValueError, "resolved"),
        (lambda: geometric_steps(0.1, ratio=1 + 1e-8), ValueError, "100000"),
        (
            lambda: fixed_step_error(fl, fh, GRID, 0.01, dt=1e-12, t_end=1e-6, t_from=1e-7),
            ValueError,
            "100000",
        ),
        (lambda: fixed_step_error(fl, fh, GRID, 1e-4, resolved_below=1e-6), ValueError, "100000"),
        (lambda: fixed_step_error(fl, fh, GRID, 0.01, t_from=[0.1, 0.9]), ValueError, "t_from"),
        (lambda: fixed_step_error(fl, fh, GRID, 0.01, t_from=[0.3, 0.2]), ValueError, "increasing"),
        (
            lambda: fixed_step_error(fl, fh, GRID, 0.01, t_from=[0.3, 0.32, 0.34]),
            ValueError,
            "window",
        ),
        (lambda: epochal_times(fl, fh, GRID, 0.1, levels=5), ValueError, "levels"),
        (lambda: epochal_times(fl, fh, GRID, 0.1, levels=[1.5]), ValueError, "levels"),
        (lambda: dsmc_temperatures(0.5, 1.0, 0, particles=1000), ValueError, "pairs"),
        (lambda: relax(fl, fh, GRID, 0.1, [0.1], exchange=0.0), ValueError, "exchange"),
        (lambda: limit_solution(*big, VelocityGrid(64), np.zeros(50_000)), ValueError, "GiB"),
    ]
    for call, error, text in cases:
        with pytest.raises(error, match=text):
            call()
