"""Contract of rederived.optimization.stepnewton, on its whole domain (Hypothesis).

Domain: decrements g ≥ 0 finite, constants positive and finite, q ∈ [2, 4]; symmetric positive
definite Hessians of any scale; Problems with positive definite Hessians, started anywhere finite.
Results: stepsizes in [0, 1] that never grow with g and solve their defining equations; Newton
directions that solve the system; runs whose arrays agree in length, whose status is one of the
documented ones, and which descend (backtracking, exact line search, and any schedule under
``monotone=True``); or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.optimization.stepnewton import (
    MAX_ENTRIES,
    MAX_ITERATIONS,
    SCHEDULES,
    SLACK,
    STATUSES,
    GridSearch,
    NewtonRun,
    Problem,
    armijo_newton,
    backtracking_newton,
    cubic_newton,
    greedy_newton,
    grid_search,
    local_orders,
    log_sum_exp,
    logistic_regression,
    minimise,
    newton_step,
    pseudo_huber_regression,
    sqrt_one_plus_square,
    stepsize,
    stepsized_newton,
)

COVERS = (
    "GridSearch",
    "NewtonRun",
    "Problem",
    "armijo_newton",
    "backtracking_newton",
    "cubic_newton",
    "greedy_newton",
    "grid_search",
    "local_orders",
    "log_sum_exp",
    "logistic_regression",
    "minimise",
    "newton_step",
    "pseudo_huber_regression",
    "sqrt_one_plus_square",
    "stepsize",
    "stepsized_newton",
)

decrements = st.floats(0.0, 1e300, allow_nan=False)
constants = st.floats(1e-300, 1e300, allow_nan=False)
orders = st.floats(2.0, 4.0, allow_nan=False)


@given(st.lists(decrements, min_size=1, max_size=20), st.sampled_from(SCHEDULES), constants, orders)
@settings(max_examples=300, deadline=None)
def test_stepsizes_in_unit_interval_and_non_increasing(gs, schedule, constant, q):
    constant = None if schedule in ("pure", "damped") else constant
    g = np.sort(np.array(gs))
    a = stepsize(g, schedule, constant, q)
    assert a.shape == g.shape
    assert np.all(np.isfinite(a)) and np.all((a >= 0) & (a <= 1))
    assert np.all(np.diff(a) <= 1e-15 * a[:-1])


@given(decrements, constants, orders)
@settings(max_examples=300, deadline=None)
def test_regularised_root_residual(g, sigma, q):
    a = stepsize(g, "regularised", sigma, q)
    if a == 0.0:  # underflow: σ g^{q−2} beyond float64's reciprocal range
        assert np.log(sigma) + (q - 2) * np.log(max(g, 1e-320)) > 600
        return
    with np.errstate(divide="ignore"):
        # g^{q−2} = 1 at q = 2 for every g, 0 included
        log_term = np.log(sigma) + (q - 1) * np.log(a) + ((q - 2) * np.log(g) if q > 2 else 0.0)
    term = np.exp(log_term) if np.isfinite(log_term) else 0.0
    assert abs(1 - a - term) < 1e-12


@given(
    st.integers(1, 8), st.integers(0, 2**31 - 1), st.sampled_from([1e-150, 1e-8, 1.0, 1e8, 1e150])
)
@settings(max_examples=200, deadline=None)
def test_newton_step_solves_the_system(d, seed, scale):
    rng = np.random.default_rng(seed)
    B = rng.normal(size=(d, d))
    H = scale * (B @ B.T + 0.5 * np.eye(d))
    grad = rng.normal(size=d)
    try:
        n, g = newton_step(grad, H)
    except ValueError as err:
        assert "overflows" in str(err)
        return
    assert np.all(np.isfinite(n)) and np.isfinite(g) and g >= 0
    assert np.linalg.norm(H @ n - grad) <= 1e-9 * np.linalg.norm(H) * np.linalg.norm(n) + 1e-300
    assert g == pytest.approx(np.sqrt(max(grad @ n, 0.0)), rel=1e-12)


def _problem(kind, seed, d):
    if kind == "sqrt":
        return sqrt_one_plus_square(d)
    if kind == "logistic":
        return logistic_regression(8 * d, d, seed, condition=100.0, mu=1e-3)
    if kind == "lse":
        return log_sum_exp(8 * d, d, seed, mu=0.5, ridge=1e-2)
    return pseudo_huber_regression(8 * d, d, seed, delta=0.05)


problems = st.tuples(
    st.sampled_from(["sqrt", "logistic", "huber", "lse"]),
    st.integers(0, 2**31 - 1),
    st.integers(1, 6),
    st.sampled_from([1e-6, 1.0, 30.0, 1e4]),
)


def _consistent(run):
    assert isinstance(run, NewtonRun)
    assert run.status in STATUSES
    assert run.values.size == run.stepsizes.size + 1 == run.decrements.size
    assert run.evaluations.size == run.values.size and np.all(np.diff(run.evaluations) >= 1)
    assert np.all((run.stepsizes >= 0) & (run.stepsizes <= 1))
    assert np.isfinite(run.values[0])


@given(problems)
@settings(max_examples=60, deadline=None)
def test_backtracking_and_line_search_descend(args):
    kind, seed, d, spread = args
    problem = _problem(kind, seed, d)
    x0 = spread * np.random.default_rng(seed).normal(size=problem.dimension)
    for run in (
        backtracking_newton(problem, x0, iterations=60),
        greedy_newton(problem, x0, iterations=30),
        armijo_newton(problem, x0, iterations=60),
    ):
        _consistent(run)
        assert run.status in ("converged", "iterations", "stalled")
        v = run.values
        assert np.all(v[1:] <= v[:-1] + SLACK * np.abs(v[:-1]))
    bt = backtracking_newton(problem, x0, iterations=200)
    assert bt.status == "converged"


@given(problems, st.sampled_from(SCHEDULES), constants, orders, st.booleans())
@settings(max_examples=120, deadline=None)
def test_any_schedule_returns_a_consistent_run(args, schedule, constant, q, monotone):
    kind, seed, d, spread = args
    problem = _problem(kind, seed, d)
    x0 = spread * np.random.default_rng(seed).normal(size=problem.dimension)
    constant = None if schedule in ("pure", "damped") else constant
    run = stepsized_newton(problem, x0, schedule, constant, q, iterations=40, monotone=monotone)
    _consistent(run)
    if monotone:
        v = run.values[:-1] if run.status == "rose" else run.values
        assert np.all(v[1:] <= v[:-1] + SLACK * np.abs(v[:-1]))


@given(problems)
@settings(max_examples=30, deadline=None)
def test_minimise_is_stationary(args):
    kind, seed, d, spread = args
    problem = _problem(kind, seed, d)
    x0 = spread * np.random.default_rng(seed).normal(size=problem.dimension)
    x, f = minimise(problem, x0)
    assert np.isfinite(f) and f <= problem.value(x0)
    _, g0 = newton_step(problem.gradient(x0), problem.hessian(x0))
    _, g = newton_step(problem.gradient(x), problem.hessian(x))
    assert g <= 1e-12 * g0  # the relative test minimise documents
    # the same minimum for a scaled f (the test is relative, so the scale cannot stop it early)
    tiny = Problem(
        value=lambda z: 1e-30 * problem.value(z),
        gradient=lambda z: 1e-30 * problem.gradient(z),
        hessian=lambda z: 1e-30 * problem.hessian(z),
        dimension=problem.dimension,
    )
    _, f_tiny = minimise(tiny, x0)
    assert f_tiny == pytest.approx(1e-30 * f, rel=1e-9, abs=1e-30 * 1e-12 * abs(problem.value(x0)))


@given(st.one_of(st.just(np.inf), st.just(-1.0), st.just("1"), st.just(0.0)))
@settings(max_examples=10, deadline=None)
def test_bad_constants_are_refused_by_name(value):
    with pytest.raises((TypeError, ValueError), match="constant"):
        stepsize(1.0, "root", value)


def test_limits_refused():
    with pytest.raises(ValueError, match="iterations"):
        stepsized_newton(sqrt_one_plus_square(), [1.0], "damped", iterations=MAX_ITERATIONS + 1)
    with pytest.raises(ValueError, match="at most"):
        logistic_regression(MAX_ENTRIES // 10 + 1, 10, 0)
    with pytest.raises(TypeError, match="problem"):
        greedy_newton(Problem, [1.0])


@given(problems, st.floats(1e-300, 1e300, allow_nan=False))
@settings(max_examples=60, deadline=None)
def test_cubic_regularisation_returns_a_consistent_run(args, M):
    kind, seed, d, spread = args
    problem = _problem(kind, seed, d)
    x0 = spread * np.random.default_rng(seed).normal(size=problem.dimension)
    run = cubic_newton(problem, x0, M, iterations=30)
    _consistent(run)
    # the first step solves the subproblem's stationarity: (H + (M r/2) I) h = −∇f, r = ‖h‖
    one = cubic_newton(problem, x0, M, iterations=1, tolerance=0)
    if one.stepsizes.size == 1 and one.status not in ("diverged", "stalled"):
        grad, H = problem.gradient(x0), problem.hessian(x0)
        h = one.x - x0  # recovered from x⁺ − x₀: an error of a few ulp of x₀ in each entry
        shift = 0.5 * M * np.linalg.norm(h)
        resid = (H + shift * np.eye(problem.dimension)) @ h + grad
        recovery = 4 * np.finfo(float).eps * np.abs(x0).max() * (np.linalg.norm(H, 2) + shift)
        assert np.linalg.norm(resid) <= 1e-6 * np.linalg.norm(grad) + recovery * problem.dimension


@given(
    problems,
    st.sampled_from([("root", 2.0), ("root", 3.0), ("root", 4.0), ("regularised", 3.0)]),
    st.lists(st.floats(1e-3, 1e6), min_size=1, max_size=6),
    st.lists(st.floats(1e-14, 1.0), min_size=1, max_size=3),
    st.integers(1, 40),
)
@settings(max_examples=40, deadline=None)
def test_grid_search_is_the_minimum_over_the_grid(args, schedule, grid, fractions, cap):
    kind, seed, d, spread = args
    problem = _problem(kind, seed, d)
    x0 = spread * np.random.default_rng(seed).normal(size=problem.dimension)
    _, f_star = minimise(problem, x0)
    gaps = [r * (problem.value(x0) - f_star) for r in fractions]
    found = grid_search(problem, x0, schedule[0], grid, f_star, gaps, q=schedule[1], cap=cap)
    assert isinstance(found, GridSearch)
    for i, gap in enumerate(gaps):  # racing never changes a minimum: compare with every run
        counts = [
            stepsized_newton(
                problem,
                x0,
                schedule[0],
                c,
                q=schedule[1],
                iterations=cap,
                tolerance=0,
                monotone=True,
            ).iterations_to(f_star, gap)
            for c in grid
        ]
        reached = [k for k in counts if k is not None]
        assert found.iterations[i] == (min(reached) if reached else None)


@given(
    st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(1e-15, 1e-1)),
        max_size=30,
    )
)
@settings(max_examples=200, deadline=None)
def test_local_orders_are_finite_and_positive(g):
    est = local_orders(g)
    assert est.ndim == 1 and np.all(np.isfinite(est)) and np.all(est > 0)
