"""Unit tests of rederived.optimization.lossomp: the one-coordinate gains against brute force,
OMP against scikit-learn's, the local fits' optimality conditions, and the refusals."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from rederived.optimization import lossomp as lo


def _problem(seed, m=30, N=60, s=4, **kw):
    return lo.gaussian_problem(m, N, s, seed, **kw)


def _one_coordinate_best(kind, a, r, mu):
    """min over t of the loss along one column, by brute force (exact for LAD: breakpoints)."""

    def f(t):
        res = r - t * a
        if kind == "l1":
            return res @ res + mu * abs(t)
        if kind == "sr":
            return np.linalg.norm(res) + mu * abs(t)
        return np.sum(np.abs(res)) + mu * abs(t)

    if kind == "lad":
        points = np.concatenate([r[a != 0] / a[a != 0], [0.0]])
        return f(0.0) - min(f(t) for t in points)
    grid = np.linspace(-5, 5, 4001)
    t0 = grid[np.argmin([f(t) for t in grid])]
    best = minimize_scalar(f, bracket=(t0 - 5e-3, t0, t0 + 5e-3)).fun
    return f(0.0) - min(best, f(0.0))


@pytest.mark.parametrize("kind", ["l1", "sr", "lad"])
@pytest.mark.parametrize("lam", [0.0, 0.05, 0.3, 2.0])
def test_gains_are_the_best_one_coordinate_decrease(kind, lam):
    A, _, y = _problem(1, noise=0.1)
    r = y - A[:, :3] @ np.array([0.4, -0.3, 0.2])  # not a least-squares residual
    w = np.random.default_rng(2).uniform(0.5, 2.0, A.shape[1])
    gains, steps = lo.coordinate_gains(A, r, lam, kind=kind, weights=w)
    for j in range(A.shape[1]):
        want = _one_coordinate_best(kind, A[:, j], r, lam * w[j])
        assert gains[j] == pytest.approx(want, abs=1e-9)
        z = np.zeros(A.shape[1])
        z[j] = steps[j]
        # the step achieves the gain
        base = lo.loss(A, r, np.zeros(A.shape[1]), lam, kind=kind, weights=w)
        assert base - lo.loss(A, r, z, lam, kind=kind, weights=w) == pytest.approx(
            gains[j], abs=1e-9
        )


def test_l0_gain_is_omp_rule_minus_the_weight():
    A, _, y = _problem(3)
    w = np.linspace(1, 3, A.shape[1])
    gains, _ = lo.coordinate_gains(A, y, 0.01, kind="l0", weights=w)
    c = A.T @ y
    assert np.allclose(gains, c**2 / np.sum(A**2, axis=0) - 0.01 * w**2)


def test_omp_matches_scikit_learn():
    from sklearn.linear_model import OrthogonalMatchingPursuit

    for seed in range(4):
        A, _, y = _problem(seed, m=40, N=100, s=6, noise=0.05)
        A /= np.linalg.norm(A, axis=0)  # scikit-learn's rule max |a_jᵀr| assumes unit columns
        ours = lo.omp(A, y, 8)
        theirs = OrthogonalMatchingPursuit(n_nonzero_coefs=8, fit_intercept=False).fit(A, y)
        assert np.allclose(ours.x, theirs.coef_, atol=1e-10)


def test_omp_recovers_a_sparse_vector_exactly():
    A, x, y = _problem(5, m=60, N=120, s=5)
    run = lo.omp(A, y, 5)
    assert sorted(run.support) == sorted(np.flatnonzero(x))
    assert np.allclose(run.x, x, atol=1e-12)


@pytest.mark.parametrize("kind,lam", [("l0", 1e-4), ("l1", 1e-2), ("sr", 0.15), ("lad", 1.0)])
def test_runs_descend_and_fits_satisfy_optimality(kind, lam):
    A, x, y = _problem(7, m=50, N=120, s=5, noise=0.01)
    w = np.random.default_rng(8).uniform(1.0, 2.0, A.shape[1])
    run = lo.loss_omp(A, y, lam, kind=kind, weights=w, max_support=20)
    assert np.all(np.diff(run.losses) <= 0)
    assert run.losses[-1] == pytest.approx(lo.loss(A, y, run.x, lam, kind=kind, weights=w))
    assert np.linalg.norm(run.x - x) / np.linalg.norm(x) < 0.1
    S = np.array(run.support)
    z = run.x[S]
    res = y - A @ run.x
    mu = lam * w[S]
    active = z != 0
    if kind == "l1":  # 2a_jᵀr = μ_j sign z_j on the active set, |2a_jᵀr| ≤ μ_j off it
        g = 2 * A[:, S].T @ res
        assert np.allclose(g[active], mu[active] * np.sign(z[active]), atol=1e-8)
        assert np.all(np.abs(g[~active]) <= mu[~active] + 1e-8)
    if kind == "sr":
        g = A[:, S].T @ res / np.linalg.norm(res)
        assert np.allclose(g[active], mu[active] * np.sign(z[active]), atol=1e-8)
    if kind == "lad":  # the restricted LP again, from scratch
        again = lo.local_fit(A, y, S, lam, kind="lad", weights=w)
        assert lo.loss(A, y, again, lam, kind="lad", weights=w) == pytest.approx(run.losses[-1])
    if kind == "l0":
        assert np.allclose(A[:, S].T @ res, 0, atol=1e-10)


def test_lad_ignores_gross_outliers_where_omp_does_not():
    A, x, y = _problem(11, m=100, N=300, s=8, noise=1e-4, outliers=5)
    lad = lo.loss_omp(A, y, 1.0, kind="lad", max_support=40)
    assert np.linalg.norm(lad.x - x) / np.linalg.norm(x) < 0.01
    assert np.linalg.norm(lo.omp(A, y, 8).x - x) / np.linalg.norm(x) > 0.5


def test_convex_lad_lasso_is_an_lp_optimum():
    A, _, y = _problem(12, m=40, N=60, s=3, noise=1e-3, outliers=2)
    z = lo.lad_lasso(A, y, 0.5)
    value = lo.loss(A, y, z, 0.5, kind="lad")
    rng = np.random.default_rng(0)
    for _ in range(50):  # no random perturbation does better
        assert lo.loss(A, y, z + 1e-3 * rng.normal(size=z.size), 0.5, kind="lad") >= value - 1e-12
    assert np.all(lo.lad_lasso(A, y, 1e6) == 0)


@pytest.mark.parametrize("kind", lo.LOSSES)
def test_scale_is_irrelevant(kind):
    A, _, y = _problem(13, noise=0.05)
    lam = {"l0": 1e-3, "l1": 1e-2, "sr": 0.2, "lad": 0.8}[kind]
    base = lo.loss_omp(A, y, lam, kind=kind, max_support=10)
    for sa, sy in [(1e-150, 1e150), (1e200, 1e-100), (3.0, 1e-250)]:
        # G(z; sa A, sy y, λ') = unit · G(z'; A, y, λ) with z' = z sa / sy
        lam2 = {"l0": lam * sy**2, "l1": lam * sy * sa, "sr": lam * sa, "lad": lam * sa}[kind]
        if not np.isfinite(lam2) or lam2 == 0:
            continue
        run = lo.loss_omp(sa * A, sy * y, lam2, kind=kind, max_support=10)
        assert run.support == base.support
        assert np.allclose(run.x * sa / sy, base.x, rtol=1e-7, atol=1e-12)


def test_zero_data_and_tiny_supports():
    A, _, _ = _problem(14)
    run = lo.loss_omp(A, np.zeros(A.shape[0]), 0.1, kind="sr")
    assert run.iterations == 0 and np.all(run.x == 0) and run.stopped == "no gain"
    assert np.all(lo.local_fit(A, np.ones(A.shape[0]), [], 0.1, kind="l1") == 0)
    gains, steps = lo.coordinate_gains(A, np.zeros(A.shape[0]), 0.0, kind="lad")
    assert np.all(gains == 0) and np.all(steps == 0)


def test_large_lambda_selects_nothing():
    A, _, y = _problem(15)
    for kind in ("l1", "sr", "lad"):
        run = lo.loss_omp(A, y, 1e8, kind=kind)
        assert run.iterations == 0 and np.all(run.x == 0)


def test_legendre_design_is_orthonormal_with_sup_norm_weights():
    idx = lo.hyperbolic_cross(2, 3)
    assert len(idx) == 8  # Π(ν_k + 1) ≤ 4 in two dimensions
    nodes, wts = np.polynomial.legendre.leggauss(10)
    X, Y = np.meshgrid(nodes, nodes)
    W = np.outer(wts, wts).ravel() / 4
    design, weights = lo.legendre_design(np.column_stack([X.ravel(), Y.ravel()]), idx)
    assert np.allclose(design.T @ (W[:, None] * design), np.eye(len(idx)), atol=1e-12)
    corners, _ = lo.legendre_design(np.ones((1, 2)), idx)
    assert np.allclose(np.abs(corners[0]), weights)


def test_gaussian_problem_is_reproducible_with_the_asked_corruption():
    A1, x1, y1 = lo.gaussian_problem(20, 40, 3, np.random.SeedSequence(5), noise=0.0, outliers=4)
    _, _, y2 = lo.gaussian_problem(20, 40, 3, np.random.SeedSequence(5), noise=0.0, outliers=4)
    assert np.array_equal(y1, y2) and np.count_nonzero(x1) == 3
    assert np.count_nonzero(~np.isclose(y1, A1 @ x1)) == 4


@pytest.mark.parametrize(
    "call",
    [
        lambda: lo.loss_omp(np.eye(3), np.ones(3), 0.1, kind="l2"),
        lambda: lo.loss_omp(np.zeros((3, 2)), np.ones(3), 0.1, kind="l0"),
        lambda: lo.loss_omp(np.eye(3), np.ones(2), 0.1, kind="l0"),
        lambda: lo.loss_omp(np.eye(3), [np.nan, 0, 0], 0.1, kind="l0"),
        lambda: lo.loss_omp(np.eye(3), np.ones(3), -1.0, kind="l0"),
        lambda: lo.loss_omp(np.eye(3), np.ones(3), 0.1, kind="l0", weights=[1, 0, 1]),
        lambda: lo.loss_omp(np.eye(3), np.ones(3), 0.1, kind="l0", max_support=4),
        lambda: lo.loss_omp(np.eye(3) * 1e-300, np.ones(3) * 1e300, 1.0, kind="l1"),
        lambda: lo.loss_omp(np.eye(3) + 1j, np.ones(3), 0.1, kind="l0"),
        lambda: lo.local_fit(np.eye(3), np.ones(3), [0, 0], 0.1, kind="l1"),
        lambda: lo.local_fit(np.eye(3), np.ones(3), [3], 0.1, kind="l1"),
        lambda: lo.local_fit(np.eye(3), np.ones(3), [0.5], 0.1, kind="l1"),
        lambda: lo.coordinate_gains(np.eye(3), np.ones(3), np.inf, kind="sr"),
        lambda: lo.gaussian_problem(10, 20, 21, 0),
        lambda: lo.gaussian_problem(10, 20, 2, 0, outliers=11),
        lambda: lo.gaussian_problem(10, 20, 2, -1),
        lambda: lo.hyperbolic_cross(0, 3),
        lambda: lo.legendre_design([[2.0, 0.0]], lo.hyperbolic_cross(2, 2)),
        lambda: lo.legendre_design([[0.0]], lo.hyperbolic_cross(2, 2)),
        lambda: lo.lad_lasso(np.eye(3), np.ones(3), 0.1, weights=[1.0, 1.0]),
        lambda: lo.omp(np.eye(3), np.ones(3), 0),
    ],
)
def test_bad_input_is_refused(call):
    with pytest.raises((ValueError, TypeError)):
        call()


def test_exact_fits_stop_at_the_rounding_floor():
    A, x, y = _problem(16, m=40, N=80, s=5)
    for kind, lam in (("l0", 0.0), ("sr", 0.1), ("l1", 1e-6)):
        run = lo.loss_omp(A, y, lam, kind=kind, max_support=40)  # no error past an exact fit
        assert run.stopped == "no gain" and run.iterations < 40
        assert np.linalg.norm(run.x - x) / np.linalg.norm(x) < 1e-4


def test_lad_fit_is_exact_with_a_small_column():
    # HiGHS drops matrix entries below its tolerance: the kernel scales the columns first
    rng = np.random.default_rng(17)
    A = rng.normal(size=(20, 6))
    A[:, 5] *= 1e-10
    y = A[:, [0, 5]] @ np.array([1.0, 3e9])
    z = lo.local_fit(A, y, [5, 0], 0.0, kind="lad")
    assert lo.loss(A, y, z, 0.0, kind="lad") < 1e-9 * np.sum(np.abs(y))
