"""Contract of rederived.sampling.qmcdomain, on its whole domain (Hypothesis).

Domain: lattice rules with 1 ≤ n ≤ 2²⁴ points (primes for the CBC), product weights in
(0, 1e6], at most 4096 dimensions; shifts in [0, 1); estimates from R ≥ 2 randomisations;
random domains that cannot fold; meshes of 2..100 rings. Results: errors that are finite,
non-negative and equal to their kernel double sum, CBC choices that minimise that error at each
step, points in [0, 1), a Gevrey step that maps [−1/2, 1/2] onto itself, harmonic polynomials
bounded by r^k, pulled-back coefficients that are symmetric positive definite with a positive
load, and finite Poisson solutions that are positive inside the domain (maximum principle); or a
ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.sampling.qmcdomain import (
    DiskMesh,
    StarDomain,
    bernoulli2,
    cbc_lattice,
    disk_mesh,
    gevrey_step,
    harmonics,
    is_prime,
    lattice_points,
    product_weights,
    pullback,
    randomised_errors,
    shift_averaged_error,
    solve_heat,
    solve_poisson,
    solve_poisson_moved_mesh,
    standard_error,
    sweep_item,
    truncation_errors,
)

COVERS = (
    "DiskMesh",
    "StarDomain",
    "bernoulli2",
    "cbc_lattice",
    "disk_mesh",
    "gevrey_step",
    "harmonics",
    "is_prime",
    "lattice_points",
    "product_weights",
    "pullback",
    "randomised_errors",
    "shift_averaged_error",
    "solve_heat",
    "solve_poisson",
    "solve_poisson_moved_mesh",
    "standard_error",
    "sweep_item",
    "truncation_errors",
)

PRIMES = [p for p in range(3, 400) if all(p % d for d in range(2, int(p**0.5) + 1))]
WEIGHTS = st.lists(
    st.sampled_from([1e-300, 1e-12, 1e-3, 0.1, 1.0, 10.0, 1e6]), min_size=1, max_size=6
)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(PRIMES), WEIGHTS)
def test_cbc_minimises_the_error_at_every_step(n, gamma):
    gamma = np.array(gamma)
    z, errors = cbc_lattice(n, gamma, errors=True)
    assert z.dtype == np.int64 and z[0] == 1 and np.all((z >= 1) & (z <= (n - 1) // 2))
    assert np.all(np.isfinite(errors)) and np.all(errors >= 0)
    for j in range(1, len(z)):
        best = min(
            shift_averaged_error(np.array([*z[:j], c]), n, gamma[: j + 1])
            for c in range(1, (n - 1) // 2 + 1)
        )
        chosen = shift_averaged_error(z[: j + 1], n, gamma[: j + 1])
        assert chosen <= best * (1 + 1e-9) + 1e-12
        assert chosen == pytest.approx(errors[j], rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60), WEIGHTS, st.integers(0, 2**31 - 1))
def test_error_is_the_double_sum_for_any_vector(n, gamma, seed):
    gamma = np.array(gamma)
    rng = np.random.default_rng(seed)
    z = rng.integers(0, n, size=gamma.size)
    t = lattice_points(z, n, rng.random(gamma.size) * 0.999)
    d = (t[:, None, :] - t[None, :, :]) % 1.0
    e2 = np.prod(1 + gamma * bernoulli2(d), axis=2).mean() - 1
    e = shift_averaged_error(z, n, gamma)
    assert np.isfinite(e) and e >= 0
    assert e**2 == pytest.approx(max(e2, 0.0), rel=1e-8, abs=1e-12 * (1 + gamma.sum()))
    assert np.all((t >= 0) & (t < 1))


@settings(max_examples=30, deadline=None)
@given(
    st.one_of(
        st.integers(-5, 0),
        st.just(2**30),
        st.floats(allow_nan=True),
        st.text(max_size=2),
        st.booleans(),
    )
)
def test_bad_point_counts_are_refused(n):
    with pytest.raises((ValueError, TypeError), match="n"):
        cbc_lattice(n, [1.0])
    with pytest.raises((ValueError, TypeError), match="n"):
        lattice_points([1], n)
    with pytest.raises((ValueError, TypeError), match="n"):
        shift_averaged_error([1], n, [1.0])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from([0.0, -1.0, np.nan, np.inf, 1e7, "x"]), min_size=1, max_size=3))
def test_bad_weights_are_refused(gamma):
    with pytest.raises((ValueError, TypeError), match="gamma"):
        cbc_lattice(7, gamma)
    with pytest.raises(ValueError, match="gamma is too large"):
        cbc_lattice(61, [1e6] * 64)  # within (0, 1e6] each, but their product overflows
    with pytest.raises(ValueError, match="gamma is too large"):
        shift_averaged_error([1] * 4096, 61, [1e3] * 4096)
    with pytest.raises(TypeError, match="errors"):
        cbc_lattice(7, [1.0], errors="yes")
    if any(g != 1e7 for g in gamma):  # a large amplitude b is allowed (its weight is capped)
        with pytest.raises((ValueError, TypeError), match="b"):
            product_weights(gamma)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(2, 8), st.integers(1, 5))
def test_standard_error_is_finite_and_shift_invariant(seed, r, m):
    rng = np.random.default_rng(seed)
    est = rng.normal(size=(r, m)) * 10.0 ** rng.integers(-300, 300)
    mean, se = standard_error(est)
    assert np.isfinite(se) and se >= 0 and np.all(np.isfinite(mean))
    d = est - est.mean(0)
    scale = np.abs(d).max()
    expected = scale * np.sqrt(((d / scale) ** 2).sum() / (r * (r - 1))) if scale else 0.0
    assert se == pytest.approx(expected, rel=1e-12)
    _, se_gram = standard_error(est, 2.0 * np.eye(m))
    assert se_gram == pytest.approx(np.sqrt(2.0) * se, rel=1e-9)
    with pytest.raises(ValueError, match="estimates"):
        standard_error(np.full((r, m), np.inf))
    if m >= 2:
        bad = np.eye(m)
        bad[0, 1] = 1.0  # not symmetric
        with pytest.raises(ValueError, match="symmetric"):
            standard_error(rng.normal(size=(r, m)), bad)
        with pytest.raises(ValueError, match="semi-definite"):
            standard_error(rng.normal(size=(max(r, 3), m)), -np.eye(m))
    with pytest.raises(ValueError, match="finite"):
        standard_error(rng.normal(size=(r, m)), np.full((m, m), np.nan))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.floats(-0.5, 0.5, allow_subnormal=True) | st.sampled_from([-0.5, 0.5, 5e-324]),
        max_size=20,
    )
)
def test_gevrey_step_maps_the_interval_onto_itself(t):
    b = gevrey_step(np.array(t, dtype=float))
    assert b.shape == (len(t),) and np.all(np.isfinite(b))
    assert np.all((b >= -0.5) & (b <= 0.5))
    assert np.allclose(gevrey_step(-np.array(t, dtype=float)), -b, atol=1e-15)
    with pytest.raises(ValueError, match="t"):
        gevrey_step([0.5000001])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 40), st.integers(1, 30))
def test_harmonics_are_bounded_by_powers_of_the_radius(seed, s, p):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(p, 2))
    x /= np.maximum(1.0, np.hypot(x[:, 0], x[:, 1]))[:, None]  # into the closed disk
    x[0] = [1.0, 0.0] if p > 1 else x[0]  # the boundary itself
    values, grads = harmonics(x, s)
    r = np.hypot(x[:, 0], x[:, 1])[:, None]
    k = (np.arange(1, s + 1) + 1) // 2
    assert np.all(np.abs(values) <= r**k * (1 + 1e-12) + 1e-300)
    assert np.all(np.hypot(grads[..., 0], grads[..., 1]) <= k * r ** (k - 1) * (1 + 1e-12) + 1e-15)
    with pytest.raises(ValueError, match="points"):
        harmonics(np.array([[np.nan, 0.0]]), s)
    with pytest.raises(ValueError, match="points"):
        harmonics(np.array([[2.0, 0.0]]), s)  # outside the disk, powers would overflow


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 12), st.sampled_from([0.0, 1e-300, 1.0, 250.0]))
def test_pulled_back_coefficients_are_positive_definite(seed, p, level):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(p, 2))
    g = rng.normal(size=(p, 2)) * 0.4 / np.maximum(np.hypot(x[:, 0], x[:, 1]), 1)[:, None]
    a = np.full(p, level) * rng.choice([-1.0, 1.0])
    try:
        A, det = pullback(x, a, g)
    except ValueError as refused:
        assert "folds" in str(refused)
        return
    assert np.all(np.isfinite(A)) and np.all(det > 0) and np.all(np.isfinite(det))
    assert np.allclose(A, np.swapaxes(A, -1, -2))
    assert np.all(np.linalg.eigvalsh(A) > 0)
    with pytest.raises(ValueError, match="300"):
        pullback(x, np.full(p, 301.0), g)
    with pytest.raises(ValueError, match="grad_a"):
        pullback(np.full((1, 2), 1e-100), [0.0], [[1e200, 1e200]])


@settings(max_examples=15, deadline=None)
@given(
    st.integers(0, 2**31 - 1),
    st.integers(1, 20),
    st.sampled_from(["analytic", "gevrey"]),
    st.booleans(),
    st.integers(2, 6),
)
def test_poisson_solutions_are_finite_and_positive(seed, s, parametrisation, centred, rings):
    domain = StarDomain(s=s, parametrisation=parametrisation, centred=centred)
    mesh = disk_mesh(rings)
    assert isinstance(mesh, DiskMesh)
    low = -0.5 if centred else 0.0
    y = np.random.default_rng(seed).uniform(low, low + 1, size=(2, s))
    y[0] = low  # a corner of the cube
    for solver in (solve_poisson, solve_poisson_moved_mesh, solve_heat):
        u = solver(mesh, domain, y)
        assert u.shape == (2, mesh.interior.size) and np.all(np.isfinite(u))
        assert np.all(u > 0)  # −Δu = 1 > 0 with zero boundary values
    assert np.all(domain.radius(np.linspace(0, 6.3, 9), y) > 0)
    for solver in (solve_poisson, solve_poisson_moved_mesh, solve_heat):  # no samples
        assert solver(mesh, domain, np.empty((0, s))).shape == (0, mesh.interior.size)


@settings(max_examples=30, deadline=None)
@given(
    st.one_of(
        st.integers(-3, 1),
        st.just(101),
        st.floats(allow_nan=True),
        st.none(),
    )
)
def test_bad_rings_and_domains_are_refused(value):
    with pytest.raises((ValueError, TypeError), match="rings"):
        disk_mesh(value)
    if value not in (1, 101):
        with pytest.raises((ValueError, TypeError), match="s"):
            StarDomain(s=value)
    with pytest.raises((ValueError, TypeError), match="s"):
        StarDomain(s=5000)
    with pytest.raises((ValueError, TypeError), match="decay"):
        StarDomain(s=3, decay=2.0)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([None, 3, {}, {"kind": "rate"}, {"kind": "truncation", "centred": 2}]))
def test_sweep_items_refuse_malformed_items(item):
    with pytest.raises((ValueError, TypeError, KeyError)):
        sweep_item(item)


def test_primality_agrees_with_trial_division():
    assert [n for n in range(400) if is_prime(n)] == [2, *PRIMES]


@settings(max_examples=30, deadline=None)
@given(
    st.one_of(st.floats(allow_nan=True), st.just(1e7), st.just(0.0), st.just(-1.0)),
    st.one_of(st.integers(-2, 0), st.just(10**6), st.floats(allow_nan=True)),
)
def test_heat_refuses_bad_times_and_steps(t_end, steps):
    mesh, domain = disk_mesh(3), StarDomain(s=2)
    y = np.zeros((1, 2))
    if not (isinstance(t_end, float) and 0 < t_end <= 1e6):
        with pytest.raises((ValueError, TypeError), match="t_end"):
            solve_heat(mesh, domain, y, t_end=t_end)
    with pytest.raises((ValueError, TypeError), match="steps"):
        solve_heat(mesh, domain, y, steps=steps)


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(["lattice", "mc", "sobol"]),
    st.integers(1, 4),
    st.integers(2, 6),
    st.integers(0, 2**31 - 1),
    st.sampled_from([1e-300, 1.0, 1e150]),
)
def test_randomised_errors_are_finite_and_scale_with_the_integrand(rule, s, shifts, seed, scale):
    n_values = [7, 13] if rule == "lattice" else [8, 16]
    gamma = np.full(s, 0.5)
    errors, norms = randomised_errors(
        lambda y: scale * np.cos(y), rule, n_values, shifts, s, seed, np.eye(s), gamma
    )
    assert errors.shape == (2,) and np.all(np.isfinite(errors)) and np.all(errors >= 0)
    assert np.all(np.isfinite(norms))
    unit, _ = randomised_errors(
        lambda y: np.cos(y), rule, n_values, shifts, s, seed, np.eye(s), gamma
    )
    assert np.allclose(errors, scale * unit, rtol=1e-9, atol=0)


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 6), st.integers(1, 3), st.integers(0, 2**31 - 1), st.booleans())
def test_truncation_errors_are_finite_and_refuse_bad_terms(k, shifts, seed, centred):
    mesh, domain = disk_mesh(3), StarDomain(s=6, centred=centred)
    z = cbc_lattice(7, product_weights(domain.b))
    errors, spread = truncation_errors(mesh, domain, z, 7, [k], shifts, seed)
    assert np.all(np.isfinite(errors)) and np.all(errors >= 0)
    assert (spread is None) == (shifts == 1)
    with pytest.raises((ValueError, TypeError), match="kept"):
        truncation_errors(mesh, domain, z, 7, [0], shifts, seed)
    with pytest.raises((ValueError, TypeError), match="shifts"):
        truncation_errors(mesh, domain, z, 7, [k], 0, seed)
