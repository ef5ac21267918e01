"""Unit tests of rederived.optimization.stepnewton: the schedules' closed forms, the Newton step,
the test problems' derivatives, the methods' runs against exact facts and against SciPy, and
the argument checks."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from rederived.optimization import stepnewton as sn

G = np.logspace(-12, 12, 97)


# ----- stepsize -------------------------------------------------------------------------------


def test_regularised_q3_is_cubic_with_l_twice_sigma():
    for sigma in (1e-8, 0.3, 7.0, 1e9):
        assert np.allclose(
            sn.stepsize(G, "regularised", sigma, q=3),
            sn.stepsize(G, "cubic", 2 * sigma),
            rtol=1e-14,
            atol=0,
        )


@pytest.mark.parametrize("q", [2.0, 2.3, 2.5, 3.0, 3.4, 4.0])
def test_regularised_root_solves_its_equation(q):
    for sigma in (1e-6, 1.0, 1e6):
        a = sn.stepsize(G, "regularised", sigma, q=q)
        assert np.all((a > 0) & (a <= 1))
        # 1 − α − σ α^{q−1} g^{q−2} = 0; both terms are in [0, 1], so the residual is absolute
        term = np.exp(np.log(sigma) + (q - 1) * np.log(a) + (q - 2) * np.log(G))
        assert np.max(np.abs(1 - a - term)) < 1e-13


def test_root_schedule_formula_and_q2_fixed_step():
    for q in (2.0, 3.0, 4.0):
        theta = (9 * 0.5) ** (1 / (q - 1)) * G ** ((q - 2) / (q - 1))
        assert np.allclose(sn.stepsize(G, "root", 0.5, q=q), 1 / (1 + theta), rtol=1e-13)
    assert np.allclose(sn.stepsize(G, "root", 2.0, q=2), 1 / 19, rtol=1e-15)


def test_pure_and_damped():
    assert np.all(sn.stepsize(G, "pure") == 1.0)
    assert np.allclose(sn.stepsize(G, "damped"), 1 / (1 + G), rtol=1e-15)
    assert sn.stepsize(3.0, "damped") == pytest.approx(0.25)
    assert isinstance(sn.stepsize(3.0, "cubic", 1.0), float)


@pytest.mark.parametrize(
    "schedule,constant,q",
    [("damped", None, 3), ("cubic", 2.0, 3), ("regularised", 1.0, 2.7), ("root", 1.0, 4)],
)
def test_steps_shrink_as_the_decrement_grows(schedule, constant, q):
    a = sn.stepsize(G, schedule, constant, q=q)
    assert np.all(np.diff(a) <= 0) and np.all(a > 0) and np.all(a <= 1)


def test_no_overflow_at_extremes():
    for schedule in ("cubic", "regularised", "root"):
        for q in (2.0, 3.0, 3.5, 4.0):
            a = sn.stepsize([0.0, 1e-300, 1e300], schedule, 1e300, q=q)
            assert np.all(np.isfinite(a)) and np.all((a >= 0) & (a <= 1))
            assert sn.stepsize(0.0, schedule, 1e-300, q=q) == pytest.approx(1.0)


def test_stepsize_checks():
    with pytest.raises(ValueError, match="schedule"):
        sn.stepsize(1.0, "newton")
    with pytest.raises(ValueError, match="needs a constant"):
        sn.stepsize(1.0, "cubic")
    with pytest.raises(ValueError, match="takes no constant"):
        sn.stepsize(1.0, "damped", 1.0)
    with pytest.raises(ValueError, match="constant"):
        sn.stepsize(1.0, "root", -1.0)
    with pytest.raises(TypeError, match="constant"):
        sn.stepsize(1.0, "root", np.inf)
    with pytest.raises(ValueError, match="q must be in"):
        sn.stepsize(1.0, "root", 1.0, q=5)
    with pytest.raises(ValueError, match="decrement"):
        sn.stepsize([1.0, -1.0], "damped")
    with pytest.raises(ValueError, match="decrement"):
        sn.stepsize(np.nan, "damped")
    with pytest.raises(TypeError, match="decrement"):
        sn.stepsize(1j, "damped")


# ----- Newton step ----------------------------------------------------------------------------


def test_newton_step_matches_solve():
    rng = np.random.default_rng(1)
    B = rng.normal(size=(6, 6))
    H = B @ B.T + 0.1 * np.eye(6)
    grad = rng.normal(size=6)
    n, g = sn.newton_step(grad, H)
    assert np.allclose(n, np.linalg.solve(H, grad), rtol=1e-12)
    assert g == pytest.approx(np.sqrt(grad @ np.linalg.solve(H, grad)), rel=1e-12)


def test_newton_step_checks():
    with pytest.raises(ValueError, match="positive definite"):
        sn.newton_step([1.0, 1.0], np.diag([1.0, -1.0]))
    with pytest.raises(ValueError, match="positive definite"):
        sn.newton_step([1.0], [[0.0]])
    with pytest.raises(ValueError, match="symmetric"):
        sn.newton_step([1.0, 1.0], [[1.0, 0.5], [0.0, 1.0]])
    with pytest.raises(ValueError, match="shape"):
        sn.newton_step([1.0, 1.0], np.eye(3))
    with pytest.raises(ValueError, match="finite"):
        sn.newton_step([np.inf], [[1.0]])
    with pytest.raises(ValueError, match="overflows"):
        sn.newton_step([1e200], [[1e-200]])


# ----- problems -------------------------------------------------------------------------------


def _finite_differences(problem, x, h=1e-6):
    d = x.size
    grad = np.array(
        [(problem.value(x + h * e) - problem.value(x - h * e)) / (2 * h) for e in np.eye(d)]
    )
    hess = np.array(
        [(problem.gradient(x + h * e) - problem.gradient(x - h * e)) / (2 * h) for e in np.eye(d)]
    )
    return grad, hess


@pytest.mark.parametrize(
    "make",
    [
        lambda: sn.sqrt_one_plus_square(3),
        lambda: sn.logistic_regression(40, 5, 3, condition=10.0, mu=1e-2),
        lambda: sn.pseudo_huber_regression(40, 5, 4, delta=0.5),
        lambda: sn.log_sum_exp(40, 5, 6, mu=0.5, ridge=0.1),
    ],
)
def test_problem_derivatives(make):
    problem = make()
    x = np.random.default_rng(2).normal(size=problem.dimension) * 0.7
    grad, hess = _finite_differences(problem, x)
    assert np.allclose(problem.gradient(x), grad, rtol=1e-5, atol=1e-8)
    assert np.allclose(problem.hessian(x), hess, rtol=1e-5, atol=1e-8)
    assert np.allclose(problem.hessian(x), problem.hessian(x).T)


def test_sqrt_value_without_cancellation_or_overflow():
    p = sn.sqrt_one_plus_square()
    assert p.value(np.array([1e-10])) == pytest.approx(5e-21, rel=1e-12)
    assert p.value(np.array([1e200])) == pytest.approx(1e200, rel=1e-12)


def test_problem_builder_checks():
    with pytest.raises(ValueError, match="at most"):
        sn.logistic_regression(100_000, 100, 1)
    with pytest.raises(ValueError, match="condition"):
        sn.logistic_regression(10, 2, 1, condition=0.5)
    with pytest.raises(ValueError, match="m must be at least d"):
        sn.pseudo_huber_regression(3, 5, 1)
    with pytest.raises(ValueError, match="delta"):
        sn.pseudo_huber_regression(10, 2, 1, delta=0.0)
    with pytest.raises(ValueError, match="mu"):
        sn.logistic_regression(10, 2, 1, mu=-1.0)
    with pytest.raises(ValueError, match="d must be"):
        sn.sqrt_one_plus_square(0)
    with pytest.raises(ValueError, match="ridge"):
        sn.log_sum_exp(10, 2, 1, ridge=-1.0)
    with pytest.raises(ValueError, match="mu"):
        sn.log_sum_exp(10, 2, 1, mu=0.0)


def test_log_sum_exp_is_stable_for_small_mu():
    # μ = 10⁻⁶ with affine values of order 1: exp(z/μ) would overflow without the shift
    p = sn.log_sum_exp(50, 4, 3, mu=1e-6)
    x = np.ones(4)
    assert np.isfinite(p.value(x)) and np.all(np.isfinite(p.gradient(x)))
    H = p.hessian(x)
    assert np.all(np.isfinite(H)) and np.linalg.eigvalsh(H).min() >= -1e-9 * np.abs(H).max()


# ----- runs -----------------------------------------------------------------------------------


def test_pure_newton_cubes_and_diverges_on_sqrt():
    p = sn.sqrt_one_plus_square()
    run = sn.stepsized_newton(p, [2.0], "pure", iterations=1, tolerance=0)
    assert run.x[0] == pytest.approx(-8.0, rel=1e-14)  # x⁺ = −x³
    run = sn.stepsized_newton(p, [2.0], "pure", iterations=50)
    assert run.status in ("diverged", "singular hessian")
    assert len(run.values) == run.stepsizes.size + 1 == len(run.decrements)


def test_exact_line_search_hits_the_minimum_of_sqrt():
    p = sn.sqrt_one_plus_square()
    run = sn.greedy_newton(p, [3.0], iterations=1, tolerance=0)
    # α* = 1/(1 + x²); a search on function values resolves α only to about √ε relative
    # (f is flat to second order at its minimum along the line)
    assert run.stepsizes[0] == pytest.approx(1 / 10, rel=1e-7)
    assert abs(run.x[0]) < 1e-6
    for x0 in (1e6, 1e100):  # α* = 10⁻¹², 10⁻²⁰⁰: found on the geometric grid, then refined
        run = sn.greedy_newton(p, [x0], iterations=1, tolerance=0)
        assert run.stepsizes[0] == pytest.approx(1 / (1 + x0**2), rel=1e-6)
        assert run.evaluations[-1] < 1000


@pytest.mark.parametrize("x0", [1.5, 10.0, 1e4])
def test_backtracking_converges_on_sqrt_with_model_bound(x0):
    p = sn.sqrt_one_plus_square()
    run = sn.backtracking_newton(p, [x0], iterations=200)
    assert run.status == "converged" and run.values[-1] < 1e-18
    assert np.all(np.diff(run.values) <= sn.SLACK * np.abs(run.values[:-1]))  # a descent method
    # each accepted step met the model bound with its σ
    g, a, s = run.decrements[:-1], run.stepsizes, run.constants
    model = run.values[:-1] - a * g**2 + 0.5 * (a * g) ** 2 + s * (a * g) ** 3 / 3
    assert np.all(run.values[1:] <= model + sn.SLACK * np.abs(run.values[:-1]))


def test_methods_reach_scipys_minimum():
    p = sn.logistic_regression(300, 20, 5, condition=100.0)
    x0 = np.full(20, 3.0)
    x_ref = minimize(
        p.value, x0, jac=p.gradient, hess=p.hessian, method="trust-exact", options={"gtol": 1e-12}
    ).x
    f_ref = p.value(x_ref)
    x_star, f_star = sn.minimise(p, x0)
    assert f_star <= f_ref + 1e-14 * abs(f_ref)
    assert np.allclose(x_star, x_ref, rtol=1e-6, atol=1e-8)
    for run in (
        sn.backtracking_newton(p, x0),
        sn.greedy_newton(p, x0),
        sn.stepsized_newton(p, x0, "cubic", 100.0, iterations=500),
    ):
        assert run.status == "converged"
        assert run.values[-1] - f_star <= 1e-12 * abs(f_star)
        assert run.iterations_to(f_star, 1e-6) is not None


def test_monotone_stops_at_a_rise():
    p = sn.pseudo_huber_regression(200, 10, 7)
    free = sn.stepsized_newton(p, np.zeros(10), "root", 1e-2, q=3, iterations=20, tolerance=0)
    assert np.any(np.diff(free.values) > 0)  # a small constant overshoots
    stopped = sn.stepsized_newton(
        p, np.zeros(10), "root", 1e-2, q=3, iterations=20, tolerance=0, monotone=True
    )
    assert stopped.status == "rose"
    assert stopped.values[-1] > stopped.values[-2]
    assert np.all(np.diff(stopped.values[:-1]) <= 0)


def test_iterations_to_and_gaps():
    p = sn.sqrt_one_plus_square()
    run = sn.backtracking_newton(p, [5.0])
    assert np.array_equal(run.gaps(0.0), run.values)
    k = run.iterations_to(0.0, 1e-3)
    assert run.values[k] <= 1e-3 and (k == 0 or run.values[k - 1] > 1e-3)
    assert run.iterations_to(0.0, -1.0) is None


def test_run_checks():
    p = sn.sqrt_one_plus_square(2)
    with pytest.raises(TypeError, match="problem"):
        sn.backtracking_newton(lambda x: x, [1.0, 1.0])
    with pytest.raises(ValueError, match="x0 must have shape"):
        sn.backtracking_newton(p, [1.0])
    with pytest.raises(ValueError, match="x0 must be finite"):
        sn.greedy_newton(p, [np.nan, 1.0])
    with pytest.raises(ValueError, match="iterations"):
        sn.stepsized_newton(p, [1.0, 1.0], "pure", iterations=10**9)
    with pytest.raises(ValueError, match="iterations"):
        sn.stepsized_newton(p, [1.0, 1.0], "pure", iterations=-1)
    with pytest.raises(ValueError, match="tolerance"):
        sn.stepsized_newton(p, [1.0, 1.0], "pure", tolerance=-1.0)
    with pytest.raises(TypeError, match="monotone"):
        sn.stepsized_newton(p, [1.0, 1.0], "pure", monotone=1)
    with pytest.raises(ValueError, match="sigma0"):
        sn.backtracking_newton(p, [1.0, 1.0], sigma0=0.0)
    with pytest.raises(ValueError, match="q must be in"):
        sn.backtracking_newton(p, [1.0, 1.0], q=1.5)
    flat = sn.Problem(
        value=lambda x: 0.0,
        gradient=lambda x: np.zeros(1),
        hessian=lambda x: np.zeros((1, 1)),
        dimension=1,
    )
    with pytest.raises(ValueError, match="at x0: hessian is not positive definite"):
        sn.backtracking_newton(flat, [0.0])
    with pytest.raises(ValueError, match=r"at x0.*overflows"):
        sn.backtracking_newton(p, [1e103, 1e103])


def test_zero_iterations_and_start_at_minimum():
    p = sn.sqrt_one_plus_square()
    run = sn.stepsized_newton(p, [4.0], "damped", iterations=0)
    assert run.status == "iterations" and run.values.size == 1 and run.stepsizes.size == 0
    run = sn.backtracking_newton(p, [0.0])
    assert run.status == "converged" and run.stepsizes.size == 0


def test_exact_line_search_on_a_bounded_domain():
    # f(x) = x − log x: infinite or NaN for x ≤ 0, where the full Newton step from 100 lands
    p = sn.Problem(
        value=lambda x: float(x[0] - np.log(x[0])) if x[0] > 0 else np.inf,
        gradient=lambda x: 1 - 1 / x,
        hessian=lambda x: np.diag(1 / x**2),
        dimension=1,
    )
    run = sn.greedy_newton(p, [100.0], iterations=50)
    assert run.status == "converged" and run.x[0] == pytest.approx(1.0, abs=1e-8)
    assert np.all(np.diff(run.values) <= 0)
    run = sn.armijo_newton(p, [100.0], iterations=50)
    assert run.status == "converged" and run.x[0] == pytest.approx(1.0, abs=1e-8)


def test_tiny_steps_stall_instead_of_spending_the_budget():
    p = sn.sqrt_one_plus_square()
    run = sn.stepsized_newton(p, [3.0], "root", 1e300, q=2, iterations=100)
    assert run.status == "stalled" and run.stepsizes.size == 1
    run = sn.backtracking_newton(p, [3.0], sigma0=1e300, iterations=100)
    assert run.status in ("stalled", "converged")


def test_backtracking_is_invariant_to_scaling_f():
    base = sn.logistic_regression(200, 10, 3)
    runs = []
    for s in (1e-6, 1.0, 1e6):
        scaled = sn.Problem(
            value=lambda x, s=s: s * base.value(x),
            gradient=lambda x, s=s: s * base.gradient(x),
            hessian=lambda x, s=s: s * base.hessian(x),
            dimension=10,
        )
        runs.append(sn.backtracking_newton(scaled, np.full(10, 2.0), tolerance=0, iterations=12))
    for run in runs[1:]:
        assert np.allclose(run.stepsizes, runs[0].stepsizes, rtol=1e-6)


def test_tiny_sigma0_is_recovered_by_doubling():
    p = sn.sqrt_one_plus_square()
    run = sn.backtracking_newton(p, [30.0], sigma0=5e-324, iterations=200)
    assert run.status == "converged"
    assert run.evaluations[1] > 1000  # the first step doubled σ across the float range


def test_errors_during_a_run_are_raised_not_hidden():
    calls = {"n": 0}

    def gradient(x):
        calls["n"] += 1
        return x if calls["n"] == 1 else np.append(x, 0.0)  # wrong shape after the start

    p = sn.Problem(
        value=lambda x: float(x @ x),
        gradient=gradient,
        hessian=lambda x: 2 * np.eye(2),
        dimension=2,
    )
    with pytest.raises(ValueError, match="at iteration 1"):
        sn.backtracking_newton(p, [1.0, 1.0])
    bad = sn.Problem(
        value=lambda x: x, gradient=lambda x: x, hessian=lambda x: np.eye(1), dimension=1
    )
    with pytest.raises(TypeError, match=r"problem\.value"):
        sn.greedy_newton(bad, [1.0])


def test_rounding_level_asymmetry_is_accepted():
    H = np.array([[1.0, 1e-20], [1.1e-20, 1.0]])
    n, g = sn.newton_step([1.0, 1.0], H)
    assert np.allclose(n, 1.0) and g == pytest.approx(np.sqrt(2.0))


def test_armijo_checks():
    p = sn.sqrt_one_plus_square()
    with pytest.raises(ValueError, match="c must be"):
        sn.armijo_newton(p, [1.0], c=0.5)
    run = sn.armijo_newton(p, [1e4])
    assert run.status == "converged"


def test_edge_cases_found_in_review():
    p = sn.sqrt_one_plus_square()
    # σ is floored instead of underflowing to 0 over a long run at the rounding floor
    run = sn.backtracking_newton(
        sn.logistic_regression(200, 10, 3), np.full(10, 2.0), iterations=1500, tolerance=0
    )
    assert run.status in ("iterations", "stalled") and np.all(run.constants > 0)
    # far starts: the model's decrease is formed without a power of αg that could overflow
    for q, x0 in ((3.0, 1e77), (4.0, 1e52)):
        run = sn.backtracking_newton(p, [x0], q=q, iterations=200)
        assert run.status == "iterations" and run.values[-1] < 1e-3 * run.values[0]
        assert np.all(np.diff(run.values) <= sn.SLACK * run.values[:-1])
    # a σ0 far too large: the step that cannot move x lowers σ instead of stalling the run
    run = sn.backtracking_newton(p, [3.0], sigma0=1e40, iterations=300)
    assert run.status == "converged"
    # f* = 0 with rounding near it: the run ends (converged or stalled), no exception
    logb = sn.Problem(
        value=lambda x: float(-np.log1p(-(x[0] ** 2))) if abs(x[0]) < 1 else np.inf,
        gradient=lambda x: 2 * x / (1 - x**2),
        hessian=lambda x: np.diag(2 * (1 + x**2) / (1 - x**2) ** 2),
        dimension=1,
    )
    run = sn.backtracking_newton(logb, [0.999999], iterations=200)
    assert run.status in ("converged", "stalled") and run.values[-1] < 1e-15
    # the cubic schedule at g = 0 with the largest constant: 1, not NaN
    assert sn.stepsize(0.0, "cubic", 1.7e308) == 1.0


def test_nan_derivatives_and_bad_values_are_errors():
    calls = {"n": 0}

    def gradient(x):
        calls["n"] += 1
        return x if calls["n"] == 1 else np.full_like(x, np.nan)

    p = sn.Problem(
        value=lambda x: float(x @ x),
        gradient=gradient,
        hessian=lambda x: 2 * np.eye(1),
        dimension=1,
    )
    with pytest.raises(ValueError, match="NaN"):
        sn.backtracking_newton(p, [0.5])
    for bad in (None, "1", True):
        q = sn.Problem(
            value=lambda x, b=bad: b, gradient=lambda x: x, hessian=lambda x: np.eye(1), dimension=1
        )
        with pytest.raises(TypeError, match=r"problem\.value"):
            sn.backtracking_newton(q, [1.0])


def _brute_force(problem, x0, schedule, grid, f_star, gaps, q, cap):
    """Every constant run to the cap, no racing: the minimum the racing search must match."""
    best = [None] * len(gaps)
    for c in grid:
        run = sn.stepsized_newton(
            problem, x0, schedule, c, q=q, iterations=cap, tolerance=0, monotone=True
        )
        for i, gap in enumerate(gaps):
            hit = run.iterations_to(f_star, gap)
            if hit is not None and (best[i] is None or hit < best[i]):
                best[i] = hit
    return best


def test_grid_search_matches_brute_force():
    p = sn.pseudo_huber_regression(200, 10, 5)
    x0 = np.zeros(10)
    _, f_star = sn.minimise(p, x0)
    gap0 = p.value(x0) - f_star
    gaps = [1e-10 * gap0, 1e-2 * gap0, 3e-3 * gap0]
    grid = 10.0 ** np.arange(-1, 6.01, 0.5)
    for schedule, q in (("root", 3), ("root", 4), ("regularised", 3), ("root", 2)):
        found = sn.grid_search(p, x0, schedule, grid, f_star, gaps, q=q, cap=60)
        assert list(found.iterations) == _brute_force(p, x0, schedule, grid, f_star, gaps, q, 60)
        for k, c, gap in zip(found.iterations, found.constants, gaps, strict=True):
            assert (k is None) == (c is None)
            if c is not None:  # the reported constant does reach the gap in that many steps
                run = sn.stepsized_newton(p, x0, schedule, c, q=q, iterations=k, tolerance=0)
                assert run.iterations_to(f_star, gap) == k
        assert found.lowest in grid and found.lowest_value >= f_star - 1e-12


def test_grid_search_checks():
    p = sn.sqrt_one_plus_square()
    for grid in ([], [1.0, -1.0], [np.nan]):
        with pytest.raises(ValueError, match="grid"):
            sn.grid_search(p, [2.0], "root", grid, 0.0, [1e-6])
    with pytest.raises(ValueError, match="gaps"):
        sn.grid_search(p, [2.0], "root", [1.0], 0.0, [])
    with pytest.raises(ValueError, match="f_star"):
        sn.grid_search(p, [2.0], "root", [1.0], np.inf, [1e-6])
    with pytest.raises(ValueError, match="cap"):
        sn.grid_search(p, [2.0], "root", [1.0], 0.0, [1e-6], cap=0)


def test_local_orders_of_known_sequences():
    for order in (1.5, 5 / 3, 2.0):
        g = [1e-2 * 0.9]
        while g[-1] > 1e-13:
            g.append(g[-1] ** order)
        est = sn.local_orders(g)
        assert est.size >= 1 and np.allclose(est, order, rtol=1e-9)
    # outside (low, high), not falling, or not finite: no estimate
    assert sn.local_orders([1.0, 0.5, 0.1]).size == 0
    assert sn.local_orders([1e-3, 1e-4, 1e-4, 1e-5]).size == 0
    assert sn.local_orders([np.nan, 1e-3, 1e-5, 1e-9]).tolist() == pytest.approx([2.0])
    with pytest.raises(ValueError, match="low must be below high"):
        sn.local_orders([1e-3], low=1e-2, high=1e-3)
