"""Contract of rederived.optimization.lossomp, on its whole domain (Hypothesis).

Domain: finite real m × N matrices without a zero column, data of length m, λ ≥ 0, positive
weights, any scale. Results: gains that no one-coordinate move beats (exact for LAD at its
breakpoints), runs whose loss never increases, whose supports are distinct indices within
max_support and whose coefficients vanish off the support, the same answer at every scale (up to
the scaling), a finite convex LAD-LASSO solution no better than the greedy one would allow; or a
ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.optimization.lossomp import (
    LOSSES,
    GreedyRun,
    coordinate_gains,
    gaussian_problem,
    hyperbolic_cross,
    lad_lasso,
    legendre_design,
    local_fit,
    loss,
    loss_omp,
    omp,
)

COVERS = (
    "GreedyRun",
    "coordinate_gains",
    "gaussian_problem",
    "hyperbolic_cross",
    "lad_lasso",
    "legendre_design",
    "local_fit",
    "loss",
    "loss_omp",
    "omp",
)

SCALES = [1e-150, 1e-20, 1.0, 1e20, 1e150]
# λ of each loss for unit-scale data, and how it scales with A's scale sa and y's scale sy
LAMBDAS = {"l0": 1e-3, "l1": 1e-2, "sr": 0.2, "lad": 0.8}
SCALING = {
    "l0": lambda lam, sa, sy: lam * sy * sy,
    "l1": lambda lam, sa, sy: lam * sy * sa,
    "sr": lambda lam, sa, sy: lam * sa,
    "lad": lambda lam, sa, sy: lam * sa,
}


def problems():
    return st.tuples(
        st.integers(1, 12),  # m
        st.integers(1, 16),  # N
        st.integers(0, 4),  # s
        st.integers(0, 2**31 - 1),
        st.sampled_from([0.0, 0.01, 0.3]),
        st.integers(0, 2),  # outliers
        st.sampled_from(["plain", "duplicate", "sparse"]),
        st.sampled_from([1e-100, 1.0, 1e100]),  # scale of the weights
    ).map(_make)


def _make(args):
    m, N, s, seed, noise, outliers, shape, w_scale = args
    s = min(s, N)
    A, x, y = gaussian_problem(m, N, s, seed, noise=noise, outliers=min(outliers, m))
    if shape == "duplicate" and N >= 2:
        A[:, 1] = A[:, 0]  # two equal columns: ties, and a column already in the span
    if shape == "sparse":  # zero entries (LAD breakpoints undefined there), no zero column
        A[np.random.default_rng(seed).random(A.shape) < 0.4] = 0.0
        A[0, np.all(A == 0, axis=0)] = 1.0
    return A, x, y, w_scale * np.random.default_rng(seed).uniform(0.5, 3.0, N)


def _lam(kind, factor, w):
    """λ for weights w: the unit-weight λ divided by the weights' scale (squared for l0)."""
    scale = float(np.median(w))
    return LAMBDAS[kind] * factor / (scale * scale if kind == "l0" else scale)


@settings(max_examples=60, deadline=None)
@given(problems(), st.sampled_from(LOSSES), st.sampled_from([0.0, 0.3, 1.0, 10.0]))
def test_gains_beat_every_one_coordinate_move(problem, kind, factor):
    A, _, y, w = problem
    lam = _lam(kind, factor, w)
    gains, steps = coordinate_gains(A, y, lam, kind=kind, weights=w)
    assert np.all(np.isfinite(gains)) and np.all(np.isfinite(steps))
    base = loss(A, y, np.zeros(A.shape[1]), lam, kind=kind, weights=w)
    scale = max(base, 1e-300)
    for j in range(A.shape[1]):
        z = np.zeros(A.shape[1])
        z[j] = steps[j]
        achieved = base - loss(A, y, z, lam, kind=kind, weights=w)
        if kind == "l0":  # the gain includes the penalty of a new index (steps are LS steps)
            if steps[j] != 0:
                assert achieved == pytest.approx(gains[j], abs=1e-9 * scale)
            else:  # a column orthogonal to the data: only the penalty
                assert gains[j] == pytest.approx(-lam * w[j] ** 2, abs=1e-9 * scale)
            continue
        if kind == "lad":  # exact: the convex piecewise-linear loss is least at a breakpoint
            a = A[:, j]
            points = np.append(y[a != 0] / a[a != 0], 0.0)
            best = min(np.sum(np.abs(y - t * a)) + lam * w[j] * abs(t) for t in points)
            assert gains[j] == pytest.approx(base - best, abs=1e-9 * scale)
        assert gains[j] >= -1e-12 * scale
        if gains[j] > 0:
            assert achieved == pytest.approx(gains[j], abs=1e-9 * scale)
        for t in (steps[j] * 0.9, steps[j] * 1.1, steps[j] + 0.01, -steps[j], 0.5):
            z[j] = t
            assert base - loss(A, y, z, lam, kind=kind, weights=w) <= gains[j] + 1e-9 * scale


@settings(max_examples=60, deadline=None)
@given(
    problems(),
    st.sampled_from(LOSSES),
    st.sampled_from(SCALES),
    st.sampled_from(SCALES),
    st.integers(1, 6),
    st.sampled_from([0.0, 1.0]),
)
def test_runs_descend_and_agree_at_every_scale(problem, kind, sa, sy, cap, factor):
    A, _, y, w = problem
    cap = min(cap, *A.shape)
    lam = _lam(kind, factor, w)
    base = loss_omp(A, y, lam, kind=kind, weights=w, max_support=cap)
    assert isinstance(base, GreedyRun)
    assert len(set(base.support)) == base.iterations <= cap
    off = np.setdiff1d(np.arange(A.shape[1]), base.support)
    assert np.all(base.x[off] == 0)
    # a descent up to rounding: no rise beyond 1e-10 of the loss (the kernel raises beyond)
    assert np.all(np.diff(base.losses) <= 1e-10 * base.losses[:-1] + 1e-15 * base.losses[0])
    assert base.stopped in ("no gain", "max support")
    lam2 = SCALING[kind](lam, sa, sy)
    if not np.isfinite(lam2) or (lam2 == 0 and lam > 0):
        return  # the scaled λ itself is beyond float64: the scaled problem cannot be posed
    try:
        run = loss_omp(sa * A, sy * y, lam2, kind=kind, weights=w, max_support=cap)
    except ValueError as refused:  # λ or a result beyond float64 at that scale
        assert "float64" in str(refused)
        return
    assert np.all(np.isfinite(run.x))
    if run.support == base.support:
        assert np.allclose(
            run.x * (sa / sy), base.x, rtol=1e-6, atol=1e-9 * np.abs(base.x).max(initial=1)
        )
    else:  # a tie broken by rounding: both must reach the same loss (scaled)
        unit = sy * sy if kind in ("l0", "l1") else sy
        assert run.losses[-1] / unit == pytest.approx(base.losses[-1], rel=1e-6, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(problems(), st.sampled_from(["l1", "sr", "lad"]))
def test_local_fit_is_no_worse_than_its_start_or_the_greedy_run(problem, kind):
    A, _, y, w = problem
    lam = _lam(kind, 1.0, w)
    run = loss_omp(A, y, lam, kind=kind, weights=w)
    if run.iterations == 0:
        return
    again = local_fit(A, y, list(run.support), lam, kind=kind, weights=w)
    value = loss(A, y, again, lam, kind=kind, weights=w)
    scale = max(run.losses[0], 1e-300)
    assert value == pytest.approx(run.losses[-1], abs=1e-8 * scale)
    if kind == "lad":  # the convex problem over every column can only do better
        full = lad_lasso(A, y, lam, weights=w)
        assert loss(A, y, full, lam, kind="lad", weights=w) <= value + 1e-9 * scale


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(0, 6), st.integers(0, 2**31 - 1))
def test_legendre_design_is_bounded_by_its_weights(d, n, seed):
    idx = hyperbolic_cross(d, n)
    assert np.all(np.prod(idx + 1, axis=1) <= n + 1)
    points = np.random.default_rng(seed).uniform(-1, 1, (20, d))
    design, weights = legendre_design(points, idx)
    assert np.all(np.abs(design) <= weights * (1 + 1e-12))
    A = design + 1e-3  # a design with no zero column
    assert omp(A, design[:, 0], 1).iterations <= 1


@pytest.mark.parametrize(
    "call",
    [
        lambda: loss(np.eye(2), np.ones(2), np.ones(3), 0.1, kind="l1"),
        lambda: loss(np.eye(2), np.ones(2), np.ones(2), np.nan, kind="l1"),
        lambda: loss(np.eye(2) * 1e300, np.ones(2) * 1e300, np.ones(2) * 1e300, 0.0, kind="l0"),
        lambda: coordinate_gains(np.eye(2), np.ones(2), 0.1, kind="sr", weights=[1.0, -1.0]),
        lambda: coordinate_gains(np.ones((2, 2, 2)), np.ones(2), 0.1, kind="sr"),
        lambda: loss_omp(np.eye(2), np.ones(2), 0.1, kind=None),
        lambda: loss_omp(np.eye(2), np.ones(2), True, kind="l0"),
        lambda: loss_omp(np.eye(2), np.ones(2), 0.1, kind="l0", max_support=0),
        lambda: loss_omp(np.ones((30_000, 1)), np.ones(30_000), 0.1, kind="l0"),
        lambda: local_fit(np.eye(2), np.ones(2), [[0]], 0.1, kind="lad"),
        lambda: lad_lasso(np.eye(2), [1.0, np.inf], 0.1),
        lambda: gaussian_problem(0, 3, 1, 0),
        lambda: gaussian_problem(3, 3, 1, 0, noise=-1.0),
        lambda: hyperbolic_cross(3, -1),
        lambda: hyperbolic_cross(40, 10_000),
        lambda: legendre_design(np.zeros((2, 1)), np.array([[-1]])),
        lambda: omp(np.eye(2), np.ones(2), 3),
        # a penalty λ·w_j beyond float64 (it used to turn a gain into NaN and stop silently)
        lambda: loss_omp(np.eye(2), np.ones(2), 10.0, kind="lad", weights=[1.7e308, 1.0]),
        lambda: coordinate_gains(np.eye(2), np.ones(2), 10.0, kind="sr", weights=[1.0, 1e308]),
        # more entries than MAX_ENTRIES (the LAD gains hold several m × N arrays)
        lambda: loss_omp(np.ones((2001, 2001)), np.ones(2001), 0.1, kind="lad"),
        lambda: gaussian_problem(2001, 2001, 1, 0),
        # a column whose squared norm underflows beside the others (it used to be skipped)
        lambda: loss_omp(np.array([[1.0, 1e-170], [1.0, 0.0]]), np.ones(2), 0.0, kind="l0"),
        # a degree whose table of values would not fit (it used to run for minutes)
        lambda: legendre_design(np.zeros((1, 1)), np.array([[30_000_000]])),
        lambda: legendre_design(np.zeros((1, 1)), np.array([[2**63]], dtype=np.uint64)),
    ],
)
def test_bad_input_is_refused_by_name(call):
    with pytest.raises((ValueError, TypeError)):
        call()
