"""Contract of rederived.stochastic.sync, on its whole domain (Hypothesis).

Domain: rings of L ≥ 3 oscillators, replicas ≥ 1, K, c, D finite and ≥ 0, 0 < dt ≤ t_max with
K·dt ≤ 1/4 (explicit Euler is inaccurate beyond), at most MAX_WORK oscillator steps and 2 GiB;
growth exponents over windows holding at least 3 recorded times of a growing width. Results:
finite, non-negative squared widths on increasing times, a slip fraction in [0, 1], runs that
repeat with their seed; exponents exact on exact power laws; or a ValueError/TypeError naming
the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rederived.stochastic import sync

COVERS = ("RingRun", "ew_ring_width2", "group_exponents", "growth_exponent", "simulate_ring")


@given(
    st.integers(3, 12),
    st.integers(1, 3),
    st.floats(0, 2),
    st.floats(0, 3),
    st.floats(0, 1),
    st.sampled_from(["noise", "columnar"]),
    st.floats(0.01, 1),
    st.integers(0, 2**32),
)
def test_rings_give_finite_growing_widths_and_repeat(L, replicas, K, c, D, disorder, frac, seed):
    dt = 0.25 * frac / max(K, 1e-9) if K > 0 else frac
    run = sync.simulate_ring(
        L, replicas, K=K, c=c, D=D, disorder=disorder, dt=dt, t_max=30 * dt, n_out=8, seed=seed
    )
    assert isinstance(run, sync.RingRun)
    assert run.width2.shape == (len(run.times), replicas)
    assert np.all(np.diff(run.times) > 0)
    assert np.all(np.isfinite(run.width2)) and np.all(run.width2 >= 0)
    assert 0 <= run.slipped_bonds <= 1
    again = sync.simulate_ring(
        L, replicas, K=K, c=c, D=D, disorder=disorder, dt=dt, t_max=30 * dt, n_out=8, seed=seed
    )
    assert np.array_equal(again.width2, run.width2)
    if D == 0:  # nothing drives the phases apart: they stay equal
        assert np.all(run.width2 == 0)


@given(st.floats(0.05, 2), st.floats(1e-3, 1e3), st.integers(2, 6))
def test_exponents_are_exact_on_power_laws(beta, amplitude, groups):
    times = np.geomspace(1, 1e3, 20)
    width2 = np.repeat((amplitude * times**beta)[:, None] ** 2, 2 * groups, axis=1)
    run = sync.RingRun(times, width2, 0.0)
    assert abs(sync.growth_exponent(run, 1, 1e3) - beta) < 1e-9
    b, err = sync.growth_exponent(run, 10, 1e3, groups=groups)
    assert abs(b - beta) < 1e-9 and 0 <= err < 1e-9
    assert len(sync.group_exponents(run, 1, 1e3, groups)) == groups


RUN = sync.RingRun(np.geomspace(1, 100, 10), np.ones((10, 4)), 0.0)
ARGS = dict(K=1.0, c=0.0, D=0.1, disorder="noise", dt=0.1, t_max=5.0)
BAD = [
    (lambda: sync.simulate_ring(2, 1, **ARGS), ValueError, "L must"),
    (lambda: sync.simulate_ring(8, 0, **ARGS), ValueError, "replicas"),
    (lambda: sync.simulate_ring(8, 1, **{**ARGS, "K": -1.0}), ValueError, "K must"),
    (lambda: sync.simulate_ring(8, 1, **{**ARGS, "D": np.nan}), TypeError, "D must"),
    (lambda: sync.simulate_ring(8, 1, **{**ARGS, "c": "1"}), TypeError, "c must"),
    (lambda: sync.simulate_ring(8, 1, **{**ARGS, "dt": 0.0}), ValueError, "dt"),
    (lambda: sync.simulate_ring(8, 1, **{**ARGS, "dt": 10.0}), ValueError, "dt"),
    (lambda: sync.simulate_ring(8, 1, **{**ARGS, "dt": 1.0, "t_max": 10.0}), ValueError, "K·dt"),
    (lambda: sync.simulate_ring(8, 1, **{**ARGS, "disorder": "both"}), ValueError, "disorder"),
    (lambda: sync.simulate_ring(8, 1, **ARGS, n_out=1), ValueError, "n_out"),
    (lambda: sync.simulate_ring(8, 1, **ARGS, n_out=10**9), ValueError, "n_out"),
    (
        lambda: sync.simulate_ring(1000, 100, **{**ARGS, "t_max": 1e7}),
        ValueError,
        "oscillator steps",
    ),
    (lambda: sync.simulate_ring(10**8, 10**2, **{**ARGS, "t_max": 0.1}), ValueError, "GiB"),
    (lambda: sync.growth_exponent(RUN, 50, 60), ValueError, "fewer than 3"),
    (lambda: sync.growth_exponent(RUN, -1, 60), ValueError, "t_min"),
    (lambda: sync.group_exponents(RUN, 1, 100, 1), ValueError, "groups"),
    (lambda: sync.group_exponents(RUN, 1, 100, 5), ValueError, "groups"),
    (
        lambda: sync.growth_exponent(sync.RingRun(RUN.times, np.zeros((10, 4)), 0.0), 1, 100),
        ValueError,
        "width is zero",
    ),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()


@given(st.integers(3, 400), st.floats(1e-3, 1e3), st.floats(0, 1e6))
def test_ew_ring_width_is_bounded_by_its_plateau(L, K, t):
    """On its whole domain: finite, non-negative, never above the exact plateau, and equal to it
    within rounding once every mode has relaxed."""
    w = float(sync.ew_ring_width2(t, L, K))
    plateau = (L**2 - 1) / (12 * K * L)
    assert np.isfinite(w) and 0 <= w <= plateau * (1 + 1e-12)
    slowest = 4 * K * np.sin(np.pi / L) ** 2
    if 2 * slowest * t > 60:
        assert np.isclose(w, plateau, rtol=1e-12)
