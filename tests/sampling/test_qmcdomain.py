"""Unit tests of rederived.sampling.qmcdomain: lattice rules and the Poisson problem on random
star-shaped domains."""

from __future__ import annotations

import numpy as np
import pytest

from rederived.sampling import qmcdomain as q


def _dense_system(mesh, domain, y_row):
    """The interior stiffness and lumped load of one sample, assembled element by element."""
    values, grads = q.harmonics(mesh.centroids, domain.s)
    c = domain.parameters(y_row[None])[0] * domain.b
    A, det = q.pullback(mesh.centroids, values @ c, np.einsum("tsk,s->tk", grads, c))
    n = mesh.interior.size
    pos = -np.ones(len(mesh.nodes), int)
    pos[mesh.interior] = np.arange(n)
    K, F = np.zeros((n, n)), np.zeros(n)
    for t, tri in enumerate(mesh.triangles):
        G = mesh.gradients[t]
        Ke = mesh.area[t] * G @ A[t] @ G.T
        for a_ in range(3):
            if pos[tri[a_]] < 0:
                continue
            F[pos[tri[a_]]] += mesh.area[t] * det[t] / 3
            for b_ in range(3):
                if pos[tri[b_]] >= 0:
                    K[pos[tri[a_]], pos[tri[b_]]] += Ke[a_, b_]
    return K, F


def test_is_prime_matches_a_sieve():
    sieve = np.ones(2000, bool)
    sieve[:2] = False
    for p in range(2, 45):
        sieve[p * p :: p] = False
    assert [q.is_prime(n) for n in range(2000)] == list(sieve)
    with pytest.raises(ValueError, match="n"):
        q.is_prime(-3)
    with pytest.raises(ValueError, match="n must be an int"):
        q.is_prime(7.0)


def test_bernoulli2_and_its_mean():
    t = np.linspace(0, 1, 100_001)
    assert q.bernoulli2([0.0, 0.5, 1.0]) == pytest.approx([1 / 6, -1 / 12, 1 / 6])
    assert abs(np.trapezoid(q.bernoulli2(t), t)) < 1e-9  # the unanchored kernel has mean zero


@pytest.mark.parametrize("n", [8, 31, 61])
def test_the_error_formula_is_the_kernel_double_sum(n):
    # averaged over shifts, the squared worst-case error is the mean of the kernel over all
    # pairs of points minus 1; the lattice's group structure reduces it to a single sum
    gamma = np.array([1.0, 0.5, 0.2])
    z = np.array([1, 3, 5]) % n
    t = q.lattice_points(z, n)
    d = (t[:, None, :] - t[None, :, :]) % 1.0
    double = np.prod(1 + gamma * q.bernoulli2(d), axis=2).mean() - 1
    assert q.shift_averaged_error(z, n, gamma) == pytest.approx(np.sqrt(double), rel=1e-10)


def _brute_force_step(prefix, n, gamma):
    j = len(prefix)
    errors = [
        q.shift_averaged_error(np.array([*prefix, c]), n, gamma[: j + 1])
        for c in range(1, (n - 1) // 2 + 1)
    ]
    return min(errors)


@pytest.mark.parametrize("n", [3, 7, 31, 61, 127])
def test_fast_cbc_picks_a_brute_force_minimiser_at_every_step(n):
    gamma = q.product_weights(q.StarDomain(s=5).b)
    z, errors = q.cbc_lattice(n, gamma, errors=True)
    assert z[0] == 1 and np.all((z >= 1) & (z <= (n - 1) // 2))
    for j in range(1, 5):
        chosen = q.shift_averaged_error(z[: j + 1], n, gamma[: j + 1])
        assert chosen == pytest.approx(errors[j], rel=1e-10)
        assert chosen <= _brute_force_step(list(z[:j]), n, gamma) * (1 + 1e-9)


def test_cbc_errors_fall_nearly_like_one_over_n():
    gamma = q.product_weights(q.StarDomain(s=32).b)
    n = np.array([61, 251, 1021, 4093])
    e = np.array([q.cbc_lattice(int(m), gamma, errors=True)[1][-1] for m in n])
    slope = np.polyfit(np.log(n), np.log(e), 1)[0]
    assert slope < -0.8  # the bound's rate n^(−1/(2λ)) with λ near 1/2; Monte Carlo: −1/2


def test_cbc_refuses_what_it_cannot_build():
    with pytest.raises(ValueError, match="prime"):
        q.cbc_lattice(64, [1.0])
    with pytest.raises(ValueError, match="gamma"):
        q.cbc_lattice(61, [1.0, -1.0])
    with pytest.raises(ValueError, match="gamma"):
        q.cbc_lattice(61, [])
    with pytest.raises(ValueError, match="n must be at most"):
        q.cbc_lattice(2**31 - 1, [1.0])


def test_lattice_points_project_onto_every_point_of_the_grid():
    z = q.cbc_lattice(61, [1.0, 0.5, 0.25, 0.1])
    shift = np.array([0.3, 0.9, 0.0, 0.5])
    t = q.lattice_points(z, 61, shift)
    assert t.shape == (61, 4) and np.all((t >= 0) & (t < 1))
    for j in range(4):  # z_j is coprime to the prime n: each axis sees all of k/n, shifted
        assert np.allclose(np.sort((t[:, j] - shift[j]) % 1.0), np.arange(61) / 61)
    with pytest.raises(ValueError, match="shift"):
        q.lattice_points(z, 61, [0.1, 0.2, 0.3, 1.0])
    with pytest.raises(TypeError, match="z"):
        q.lattice_points([1.5, 2.0], 61)


def test_standard_error_is_the_textbook_formula():
    rng = np.random.default_rng(1)
    est = rng.normal(size=(16, 5))
    mean, se = q.standard_error(est)
    assert np.allclose(mean, est.mean(0))
    assert se == pytest.approx(np.sqrt(((est - est.mean(0)) ** 2).sum() / (16 * 15)))
    gram = np.diag([1.0, 2.0, 0.0, 1.0, 1.0])
    _, se_gram = q.standard_error(est, gram)
    d = est - est.mean(0)
    assert se_gram == pytest.approx(np.sqrt(np.einsum("ri,ij,rj->", d, gram, d) / 240))
    with pytest.raises(ValueError, match="R >= 2"):
        q.standard_error(est[:1])
    with pytest.raises(ValueError, match="gram"):
        q.standard_error(est, np.eye(4))


def test_gevrey_step_is_odd_increasing_and_flat_at_the_ends():
    t = np.linspace(-0.5, 0.5, 2001)
    b = q.gevrey_step(t)
    assert b[0] == -0.5 and b[-1] == 0.5 and q.gevrey_step(0.0) == 0.0
    assert np.allclose(b, -b[::-1], atol=1e-15) and np.all(np.diff(b) >= 0)
    # near the lower end β + 1/2 = 1/(1 + exp(1/l − 1/r)), l = 1/2 + t, r = 1/2 − t: it
    # vanishes like exp(−1/l), flatter than any power of l
    for l_ in (0.05, 0.1, 0.2):
        assert q.gevrey_step(l_ - 0.5) + 0.5 == pytest.approx(
            1 / (1 + np.exp(1 / l_ - 1 / (1 - l_))), rel=1e-6
        )
    assert q.gevrey_step(-0.45) + 0.5 < 0.05**5
    with pytest.raises(ValueError, match="t"):
        q.gevrey_step(0.6)


def test_harmonics_are_harmonic_with_the_stated_gradients():
    rng = np.random.default_rng(2)
    x = rng.uniform(-0.6, 0.6, size=(20, 2))
    values, grads = q.harmonics(x, 9)
    eps = 1e-5
    for axis in range(2):
        step = np.zeros(2)
        step[axis] = eps
        fd = (q.harmonics(x + step, 9)[0] - q.harmonics(x - step, 9)[0]) / (2 * eps)
        assert np.allclose(fd, grads[..., axis], atol=1e-8)
    lap = sum(
        q.harmonics(x + d, 9)[0] + q.harmonics(x - d, 9)[0] - 2 * values
        for d in (np.array([1e-3, 0]), np.array([0, 1e-3]))
    )
    assert np.abs(lap).max() < 1e-8
    phi = np.linspace(0, 2 * np.pi, 7)
    on_circle = q.harmonics(np.stack([np.cos(phi), np.sin(phi)], 1), 4)[0]
    expected = np.stack([np.cos(phi), np.sin(phi), np.cos(2 * phi), np.sin(2 * phi)], 1)
    assert np.allclose(on_circle, expected)


def test_the_domain_is_the_image_of_the_disk():
    domain = q.StarDomain(s=12)
    y = np.random.default_rng(3).uniform(-0.5, 0.5, size=(3, 12))
    phi = np.linspace(0, 2 * np.pi, 50)
    x = np.stack([np.cos(phi), np.sin(phi)], 1)
    a = (domain.parameters(y) * domain.b) @ q.harmonics(x, 12)[0].T
    assert np.allclose(domain.radius(phi, y), np.exp(a))
    assert np.allclose(domain.b, 0.5 * np.arange(1, 13) ** -2.5)
    with pytest.raises(ValueError, match="fold"):
        q.StarDomain(s=4, scale=3.0)
    with pytest.raises(ValueError, match="y must lie"):
        domain.parameters(np.full((1, 12), 0.7))
    shifted = q.StarDomain(s=12, centred=False)
    assert np.allclose(shifted.parameters(y + 0.5), y + 0.5)
    with pytest.raises(ValueError, match="parametrisation"):
        q.StarDomain(s=2, parametrisation="affine")


def test_pullback_matches_the_jacobian_of_the_map():
    rng = np.random.default_rng(4)
    x = rng.uniform(-0.7, 0.7, size=(6, 2))
    alpha, g = 0.3, np.array([0.2, -0.4])

    def V(p):  # a(x) = α + g·x, affine, so ∇a = g everywhere
        return p * np.exp(alpha + p @ g)[:, None]

    eps = 1e-6
    J = np.stack(
        [(V(x + eps * e) - V(x - eps * e)) / (2 * eps) for e in np.eye(2)], axis=2
    )  # J[p, i, k] = ∂V_i/∂x_k
    det = np.linalg.det(J)
    Jinv = np.linalg.inv(J)
    expected = det[:, None, None] * Jinv @ np.swapaxes(Jinv, 1, 2)
    A, d = q.pullback(x, alpha + x @ g, np.tile(g, (6, 1)))
    assert np.allclose(A, expected, rtol=1e-7) and np.allclose(d, det, rtol=1e-8)
    A0, d0 = q.pullback(x, np.full(6, 0.7), np.zeros((6, 2)))  # a dilation: A = I
    assert np.allclose(A0, np.eye(2)) and np.allclose(d0, np.exp(1.4))
    with pytest.raises(ValueError, match="folds"):
        q.pullback(np.array([[1.0, 0.0]]), [0.0], [[-2.0, 0.0]])


def test_poisson_on_the_disk_converges_at_second_order():
    errors, hs = [], []
    for rings in (4, 8, 16):
        mesh = q.disk_mesh(rings)
        u = q.solve_poisson(mesh, q.StarDomain(s=3), np.zeros((1, 3)))[0]
        r2 = (mesh.nodes[mesh.interior] ** 2).sum(1)
        e = u - (1 - r2) / 4
        errors.append(np.sqrt(e @ (mesh.mass @ e)))
        hs.append(mesh.h)
    slope = np.polyfit(np.log(hs), np.log(errors), 1)[0]
    assert 1.7 < slope < 2.5


def test_mesh_is_a_conforming_triangulation_of_the_disk():
    mesh = q.disk_mesh(6)
    assert len(mesh.triangles) == 6 * 36 and len(mesh.nodes) == 1 + 3 * 6 * 7
    assert mesh.area.sum() == pytest.approx(6 * 36 * 0 + mesh.area.sum())
    # the polygon's area: 6L² triangles fill the inscribed 6L-gon
    assert mesh.area.sum() == pytest.approx(0.5 * 36 * np.sin(2 * np.pi / 36))
    assert np.all(mesh.area > 0)
    edges = np.sort(mesh.triangles[:, [[0, 1], [1, 2], [2, 0]]].reshape(-1, 2), axis=1)
    _, counts = np.unique(edges, axis=0, return_counts=True)
    assert set(counts) == {1, 2} and (counts == 1).sum() == 36  # boundary edges once
    with pytest.raises(ValueError, match="rings"):
        q.disk_mesh(1000)


def test_pulled_back_and_moved_mesh_solutions_agree_to_discretisation_order():
    domain = q.StarDomain(s=8)
    y = np.random.default_rng(5).uniform(-0.5, 0.5, size=(3, 8))
    gaps = []
    for rings in (6, 12, 24):
        mesh = q.disk_mesh(rings)
        d = q.solve_poisson(mesh, domain, y) - q.solve_poisson_moved_mesh(mesh, domain, y)
        gaps.append(max(np.sqrt(v @ (mesh.mass @ v)) for v in d))
    assert gaps[2] < gaps[1] < gaps[0] and gaps[2] < gaps[0] / 8


def test_poisson_solution_matches_a_dense_assembly():
    mesh = q.disk_mesh(4)
    domain = q.StarDomain(s=6, parametrisation="gevrey")
    y = np.random.default_rng(6).uniform(-0.5, 0.5, size=(2, 6))
    u = q.solve_poisson(mesh, domain, y)
    for i in range(2):
        K, F = _dense_system(mesh, domain, y[i])
        assert np.allclose(u[i], np.linalg.solve(K, F), rtol=1e-11, atol=1e-14)


def test_solvers_refuse_bad_arguments():
    mesh, domain = q.disk_mesh(3), q.StarDomain(s=2)
    with pytest.raises(TypeError, match="mesh"):
        q.solve_poisson("mesh", domain, np.zeros((1, 2)))
    with pytest.raises(TypeError, match="domain"):
        q.solve_poisson_moved_mesh(mesh, None, np.zeros((1, 2)))
    with pytest.raises(ValueError, match="y must have shape"):
        q.solve_poisson(mesh, domain, np.zeros((1, 3)))
    with pytest.raises(ValueError, match="y must lie"):
        q.solve_poisson(mesh, domain, np.full((1, 2), np.nan))


def test_product_weights_follow_their_formula():
    b = np.array([0.5, 0.1, 0.01])
    from scipy.special import zeta

    rho = 2 * zeta(1.1) / (2 * np.pi**2) ** 0.55
    assert np.allclose(q.product_weights(b), (b / np.sqrt(rho)) ** (2 / 1.55))
    with pytest.raises(ValueError, match="lam"):
        q.product_weights(b, 0.5)


def test_sweep_items_run_at_book_scale_and_refuse_unknown_kinds():
    items = q.SWEEP.items(q.SWEEP.params("book"))
    results = [q.sweep_item(item) for item in items]
    rate, truncation, _ = results
    assert len(rate["error"]) == 2 and rate["error"][1] < rate["error"][0]
    assert np.all(np.diff(truncation["error"]) < 0)
    with pytest.raises(ValueError, match="kind"):
        q.sweep_item({"kind": "other"})


def test_heat_solution_rises_to_the_poisson_solution():
    mesh, domain = q.disk_mesh(8), q.StarDomain(s=6)
    y = np.random.default_rng(7).uniform(-0.5, 0.5, size=(3, 6))
    steady = q.solve_poisson(mesh, domain, y)
    # implicit Euler's fixed point is the stationary problem, reached for long times
    assert np.allclose(q.solve_heat(mesh, domain, y, t_end=50.0, steps=500), steady, atol=1e-12)
    # u_t = Δu + 1 from u = 0 rises monotonically towards it (a maximum principle)
    early, late = (q.solve_heat(mesh, domain, y, t_end=t, steps=int(200 * t)) for t in (0.05, 0.2))
    assert np.all(early > 0) and np.all(early < late) and np.all(late < steady)


def test_one_heat_step_solves_its_linear_system():
    mesh, domain = q.disk_mesh(4), q.StarDomain(s=3)
    y = np.array([[0.3, -0.2, 0.5]])
    u1 = q.solve_heat(mesh, domain, y, t_end=0.1, steps=1)[0]
    # (M/Δt + K) u = M·1 with M the lumped mass, whose diagonal is the Poisson load
    K, lumped = _dense_system(mesh, domain, y[0])
    assert np.allclose(u1, np.linalg.solve(np.diag(lumped) / 0.1 + K, lumped), rtol=1e-11)
    with pytest.raises(ValueError, match="steps"):
        q.solve_heat(mesh, domain, y, steps=0)
    with pytest.raises((ValueError, TypeError), match="t_end"):
        q.solve_heat(mesh, domain, y, t_end=-1.0)


def test_heat_sweep_runs_at_book_scale():
    (lattice,) = [q.heat_item(i) for i in q.HEAT_SWEEP.items(q.HEAT_SWEEP.params("book"))][:1]
    assert len(lattice["error"]) == 2 and all(e > 0 for e in lattice["error"])
    with pytest.raises(ValueError, match="rule"):
        q.heat_item({"rule": "sobol"})


def test_randomised_errors_match_the_textbook_standard_error():
    # F(y) = y₁ has variance 1/12: R batches of n independent points give a standard error near
    # √(1/(12 n R)); the lattice rule's errors are far smaller and fall faster
    mass = np.eye(1)
    mc, norms = q.randomised_errors(lambda y: y[:, :1], "mc", [64, 256], 16, 3, 5, mass)
    assert np.all(np.abs(mc / np.sqrt(1 / (12 * np.array([64, 256]) * 16)) - 1) < 0.5)
    assert np.all(norms < 0.05)
    gamma = q.product_weights([0.5, 0.1, 0.01])
    lat, _ = q.randomised_errors(
        lambda y: np.exp(y[:, :1] + y[:, 1:2]), "lattice", [61, 251], 16, 3, 5, mass, gamma
    )
    assert lat[1] < lat[0] / 3 and np.all(lat < mc)
    again, _ = q.randomised_errors(lambda y: y[:, :1], "mc", [64, 256], 16, 3, 5, mass)
    assert np.array_equal(again, mc)  # one seed, the same draws
    with pytest.raises(ValueError, match="rule"):
        q.randomised_errors(lambda y: y, "halton", [8], 4, 1, 0, mass)
    with pytest.raises(ValueError, match="gamma"):
        q.randomised_errors(lambda y: y, "lattice", [61], 4, 2, 0, mass, [1.0])
    with pytest.raises(ValueError, match="shifts"):
        q.randomised_errors(lambda y: y, "mc", [8], 1, 1, 0, mass)
    with pytest.raises(TypeError, match="solve"):
        q.randomised_errors(None, "mc", [8], 4, 1, 0, mass)


def test_truncation_errors_vanish_when_nothing_is_dropped_and_fall_with_s():
    mesh, domain = q.disk_mesh(6), q.StarDomain(s=12)
    z = q.cbc_lattice(31, q.product_weights(domain.b))
    errors, spread = q.truncation_errors(mesh, domain, z, 31, [2, 6, 12], 2, 1)
    assert errors[-1] == 0.0 and errors[1] < errors[0] and spread.shape == (3,)
    one, none_ = q.truncation_errors(mesh, domain, z, 31, [2], 1, 1)
    assert none_ is None and one[0] > 0
    with pytest.raises(ValueError, match="kept"):
        q.truncation_errors(mesh, domain, z, 31, [13], 2, 1)
    with pytest.raises(ValueError, match="z must have"):
        q.truncation_errors(mesh, domain, z[:3], 31, [2], 2, 1)
