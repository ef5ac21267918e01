"""Contract of rederived.symmetry.liegroups, on its whole domain (Hypothesis).

Domain: matrices are finite real stacks (..., n, n) with positive determinant, numerically
nonsingular (σ_min > 1e-13 σ_max); SL(2) elements have determinant 1 to rounding relative to
their entries' size, chart coordinates are finite with 0 ≤ t ≤ 300 (|s| ≤ 300); sample sizes
are ints ≥ 1 and t_max in (0, 300]. The layers take callables returning one finite real value
per point, group elements with positive determinant (SL(2) for the convolution), quadrature
sizes within their bounds. Results: factors that multiply back to g with the
documented structure, chart coordinates that map back to the element they came from (to
rounding relative to its size, up to t = 300); or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.symmetry.liegroups import (
    group_convolution,
    in_exp_image_sl2,
    iwasawa,
    lift,
    polar,
    rotation,
    sample_sl2,
    sl2_coordinates,
    sl2_from_coordinates,
    sl2_from_iwasawa,
)

COVERS = (
    "group_convolution",
    "in_exp_image_sl2",
    "iwasawa",
    "lift",
    "polar",
    "rotation",
    "sample_sl2",
    "sl2_coordinates",
    "sl2_from_coordinates",
    "sl2_from_iwasawa",
)


def gl_plus(seed, n, condition, scale):
    """A matrix of GL⁺(n) with the given condition number and size."""
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.standard_normal((n, n)))
    V, _ = np.linalg.qr(rng.standard_normal((n, n)))
    sigma = np.geomspace(condition, 1.0, n)
    g = scale * (U * sigma) @ V.T
    sign = np.linalg.slogdet(g)[0]  # (det itself underflows at scale 1e-100)
    return g if sign > 0 else g @ np.diag([-1.0] + [1.0] * (n - 1))


@given(
    st.integers(0, 2**32),
    st.integers(1, 5),
    st.sampled_from([1.0, 1e3, 1e6, 1e10]),
    st.sampled_from([1e-100, 1.0, 1e100]),
)
def test_polar_and_iwasawa_factor_gl_plus(seed, n, condition, scale):
    g = gl_plus(seed, n, condition, scale)
    P, R = polar(g)
    assert np.allclose(P @ R, g, rtol=0, atol=1e-12 * np.linalg.norm(g))
    assert np.allclose(R @ R.T, np.eye(n), atol=1e-12) and np.linalg.det(R) > 0
    assert np.allclose(P, P.T, atol=1e-12 * np.linalg.norm(g))
    K, A, N = iwasawa(g)
    assert np.allclose(K @ A @ N, g, rtol=0, atol=1e-11 * np.linalg.norm(g))
    assert np.allclose(K @ K.T, np.eye(n), atol=1e-12)
    assert np.all(np.diag(A) > 0) and np.allclose(np.diag(N), 1.0)
    assert np.allclose(np.tril(N, -1), 0.0)


@given(st.floats(0, 300), st.floats(0, np.pi - 1e-6), st.floats(-np.pi + 1e-6, np.pi))
def test_sl2_chart_round_trips_up_to_t_300(t, phi, theta):
    g = sl2_from_coordinates(t, phi, theta)
    t2, phi2, theta2 = sl2_coordinates(g)
    back = sl2_from_coordinates(t2, phi2, theta2)
    assert np.all(np.isfinite(back))
    assert np.linalg.norm(back - g) <= 1e-10 * np.linalg.norm(g)
    assert abs(t2 - t) <= 1e-9 * max(1.0, t)
    assert bool(in_exp_image_sl2(g)) == (np.trace(g) > -2 or np.allclose(g, -np.eye(2)))


@given(st.floats(-np.pi, np.pi), st.floats(-300, 300), st.floats(-1e6, 1e6))
def test_iwasawa_chart_is_in_sl2(theta, s, u):
    g = sl2_from_iwasawa(theta, s, u)
    assert g.shape == (2, 2) and np.all(np.isfinite(g))
    if abs(s) <= 6 and abs(u) <= 1e3:  # condition below 1e13: the decomposition is defined
        K, A, N = iwasawa(g)
        assert np.allclose(K @ A @ N, g, rtol=0, atol=1e-10 * np.linalg.norm(g))
        assert np.allclose(rotation(theta), K, atol=1e-9)
        assert np.allclose(np.diag(A), np.exp([s, -s]), rtol=1e-9)


@given(st.integers(1, 50), st.floats(1e-6, 300), st.booleans(), st.integers(0, 2**32))
def test_samples_are_in_sl2_with_t_below_t_max(size, t_max, haar, seed):
    g, volume = sample_sl2(size, t_max, np.random.default_rng(seed), haar=haar)
    assert g.shape == (size, 2, 2) and np.all(np.isfinite(g))
    assert np.isfinite(volume) and volume > 0
    t, _, _ = sl2_coordinates(g)
    assert np.all(t <= t_max * (1 + 1e-9) + 1e-12)


@given(st.sampled_from([1e-9, 1e-6, 1e-3, 1.0]), st.integers(0, 2**32))
def test_small_pieces_have_their_volume_and_spread(t_max, seed):
    # cosh(2t) − 1 cancelled: at t_max = 1e-9 the volume came out 0 and every t about 0
    g, volume = sample_sl2(4000, t_max, np.random.default_rng(seed))
    assert volume == pytest.approx(4 * np.pi**2 * np.sinh(t_max) ** 2, rel=1e-12)
    t, _, _ = sl2_coordinates(g)
    assert 0.6 < np.mean(t) / t_max < 0.72  # Haar ∝ sinh 2t ≈ 2t: mean 2/3 of t_max


def _gaussian(y):
    return np.exp(-np.sum(y**2, axis=-1) / 2)


def _bump(u):
    return np.exp(-np.sum((u - np.eye(2)) ** 2, axis=(-2, -1)))


@given(st.integers(0, 2**32), st.floats(-0.5, 0.5), st.floats(-1.0, 1.0), st.floats(-1.0, 1.0))
def test_lifting_is_affine_equivariant_and_matches_its_closed_form(seed, log_scale, b1, b2):
    # a Gaussian image and kernel: F(x, g) = 2π |det g|⁻¹ / √det(I + M) · exp(−½ xᵀ(…)x) with
    # M = (g gᵀ)⁻¹; checked in the equivariant form that needs no closed form, and at x = 0
    rng = np.random.default_rng(seed)
    h, _ = sample_sl2(3, 0.6, rng)
    h = h * np.exp(log_scale)
    g, _ = sample_sl2(4, 0.6, rng)
    b = np.array([b1, b2])
    x = rng.normal(0, 0.3, (4, 2))
    for h_map in h:
        h_inv = np.linalg.inv(h_map)
        moved = lift(
            lambda y, h_inv=h_inv: _gaussian((y - b) @ h_inv.T),
            _gaussian,
            g,
            x,
            extent=9.0,
            points=96,
        )
        direct = lift(_gaussian, _gaussian, h_inv @ g, (x - b) @ h_inv.T, extent=12.0, points=192)
        assert np.allclose(moved, direct, rtol=1e-9, atol=0)
    at_origin = lift(_gaussian, _gaussian, g, extent=12.0, points=192)
    M = np.linalg.inv(g @ np.swapaxes(g, -1, -2))
    exact = 2 * np.pi / np.sqrt(np.linalg.det(np.eye(2) + M)) / np.linalg.det(g)
    assert np.allclose(at_origin, exact, rtol=1e-10, atol=0)


def _tilted_bump(u):  # a bump at the identity that rotations move
    return _bump(u) * (1 + 0.5 * u[..., 1, 0])


@settings(max_examples=max(4, settings.default.max_examples // 6))  # 30 conv calls: seconds
@given(st.integers(0, 2**32))
def test_group_convolution_is_equivariant_and_has_the_right_values(seed):
    rng = np.random.default_rng(seed)
    h, _ = sample_sl2(1, 0.4, rng)
    g, _ = sample_sl2(3, 0.4, rng)
    h_inv = np.linalg.inv(h[0])
    options = dict(t_max=2.5, nodes=(32, 32, 64))
    left = group_convolution(lambda u: _tilted_bump(h_inv @ u), _bump, g, **options)
    right = group_convolution(_tilted_bump, _bump, h_inv @ g, **options)
    assert np.allclose(left, right, rtol=1e-6, atol=1e-12 * np.max(np.abs(right)))
    flat_left = group_convolution(
        lambda u: _tilted_bump(h_inv @ u), _bump, g, **options, haar=False
    )
    flat_right = group_convolution(_tilted_bump, _bump, h_inv @ g, **options, haar=False)
    assert not np.allclose(flat_left, flat_right, rtol=1e-3)
    # the values, not only their equivariance (a layer that ignored ψ or F would pass that):
    # a constant F gives ψ's Haar integral at every g, and (F ⋆ ψ)(e) = ∫ F(u) ψ(u⁻¹) du: both
    # checked against Monte Carlo estimates from sample_sl2
    one = group_convolution(lambda u: np.ones(u.shape[:-2]), _bump, g, **options)
    samples, volume = sample_sl2(200_000, 2.5, np.random.default_rng(seed + 1))
    values = _bump(samples)
    estimate, se = volume * values.mean(), volume * values.std() / np.sqrt(values.size)
    assert np.all(np.abs(one - estimate) < 5 * se)
    at_identity = group_convolution(_tilted_bump, _bump, np.eye(2), **options)
    inverted = np.linalg.inv(samples)  # (F ⋆ ψ)(e) = ∫ _tilted_bump(u) ψ(u⁻¹) du
    terms = _tilted_bump(samples) * _bump(inverted)
    mc, mc_se = volume * terms.mean(), volume * terms.std() / np.sqrt(terms.size)
    assert abs(at_identity - mc) < 5 * mc_se


def test_the_layers_refuse_what_their_quadratures_do_not_resolve():
    # a kernel squeezed between the nodes, a kernel stretched past the square, an element
    # far from the identity for the angular rules: each would have given a wrong value
    with pytest.raises(ValueError, match="does not resolve"):
        lift(_gaussian, _gaussian, 0.01 * np.eye(2))
    with pytest.raises(ValueError, match="does not resolve"):
        lift(_gaussian, _gaussian, np.diag([1.0, 0.01]))  # squeezed along one axis
    with pytest.raises(ValueError, match="edge"):  # an image filling the square
        lift(lambda y: np.ones(y.shape[:-1]), _gaussian, np.diag([50.0, 1.0]))
    with pytest.raises(ValueError, match="edge"):
        lift(_gaussian, _gaussian, np.eye(2), [5.5, 0.0])
    far = sl2_from_coordinates(2.0, 0.3, 0.2)
    with pytest.raises(ValueError, match="does not resolve"):
        group_convolution(_bump, _bump, far, t_max=3.0, nodes=(32, 16, 32))
    # and at t = 20 the chart's own elements are accepted (an exact inverse, a relative det)
    far_out = sl2_from_coordinates(20.0, 0.0, 0.0)
    assert group_convolution(_bump, _bump, far_out, t_max=2.5, nodes=(32, 32, 64)) == 0.0


BAD = [
    (lambda: polar(np.diag([1.0, -1.0])), ValueError, "positive determinant"),
    (lambda: polar(np.diag([1.0, 1e-14])), ValueError, "singular"),
    (lambda: polar(np.ones(3)), ValueError, "square"),
    (lambda: polar(np.eye(2) * np.nan), ValueError, "finite"),
    (lambda: iwasawa(np.zeros((2, 2))), ValueError, "singular"),
    (lambda: sl2_coordinates(np.eye(2) * 2.0), ValueError, "determinant 1"),
    (lambda: sl2_coordinates(np.eye(3)), ValueError, "2×2"),
    (lambda: in_exp_image_sl2(np.eye(2) * 3.0), ValueError, "determinant 1"),
    (lambda: sl2_from_coordinates(301.0, 0.0, 0.0), ValueError, "t"),
    (lambda: sl2_from_coordinates(-1.0, 0.0, 0.0), ValueError, "t"),
    (lambda: sl2_from_coordinates(1.0, np.nan, 0.0), ValueError, "finite"),
    (lambda: sl2_from_iwasawa(0.0, -301.0, 0.0), ValueError, "s"),
    (lambda: sample_sl2(0, 1.0, np.random.default_rng(0)), ValueError, "size"),
    (lambda: sample_sl2(3, 301.0, np.random.default_rng(0)), ValueError, "t_max"),
    (lambda: sample_sl2(3, -1.0, np.random.default_rng(0)), ValueError, "t_max"),
    (lambda: sample_sl2(3, 1.0, 0), TypeError, "rng"),
    (lambda: sl2_coordinates(np.diag([1e200, 1.0])), ValueError, "1e150"),
    (lambda: in_exp_image_sl2(np.diag([1e200, 5.0])), ValueError, "1e150"),
    (lambda: polar(np.eye(2) * (1 + 1j)), TypeError, "g"),
    (lambda: polar(np.zeros((0, 0))), ValueError, "square"),
    (lambda: rotation(np.nan), ValueError, "angle"),
    (lambda: sl2_from_iwasawa(0.0, 10.0, 1e308), ValueError, "overflows"),
    (lambda: lift(_gaussian, _gaussian, np.diag([1.0, -1.0])), ValueError, "g must have positive"),
    (lambda: lift(_gaussian, _gaussian, np.eye(2) * np.nan), ValueError, "g must be finite"),
    (lambda: lift(_gaussian, _gaussian, np.eye(3)), ValueError, "2×2"),
    (lambda: lift(0, _gaussian, np.eye(2)), TypeError, "f and kernel"),
    (lambda: lift(_gaussian, _gaussian, np.eye(2), [np.inf, 0]), ValueError, "shift"),
    (lambda: lift(_gaussian, _gaussian, np.eye(2), extent=0.0), ValueError, "extent"),
    (lambda: lift(_gaussian, _gaussian, np.eye(2), extent=1e200), ValueError, "extent"),
    (lambda: lift(_gaussian, _gaussian, np.eye(2), points=4), ValueError, "points"),
    (lambda: lift(_gaussian, _gaussian, np.eye(2), points=5000), ValueError, "points"),
    (lambda: lift(lambda y: y, _gaussian, np.eye(2)), ValueError, "f must return one value"),
    (lambda: lift(lambda y: y[..., 0] / 0, _gaussian, np.eye(2)), ValueError, "f returned"),
    (lambda: lift(lambda y: 1j * y[..., 0], _gaussian, np.eye(2)), TypeError, "f must return real"),
    (
        lambda: lift(_gaussian, _gaussian, np.ones((2, 2, 2)) * np.eye(2), np.zeros((3, 2))),
        ValueError,
        "broadcast",
    ),
    (lambda: group_convolution(_bump, _bump, np.eye(2) * 2), ValueError, "SL\\(2\\)"),
    (lambda: group_convolution(_bump, _bump, np.eye(2), t_max=301.0), ValueError, "t_max"),
    (lambda: group_convolution(_bump, _bump, np.eye(2), nodes=(4, 4)), ValueError, "nodes"),
    (lambda: group_convolution(_bump, _bump, np.eye(2), nodes=(1, 4, 4)), ValueError, "t nodes"),
    (
        lambda: group_convolution(_bump, _bump, np.eye(2), nodes=(200, 100, 100)),
        ValueError,
        "10\\^6",
    ),
    (lambda: group_convolution(_bump, _bump, np.eye(2), haar=1), TypeError, "haar"),
    (lambda: group_convolution(_bump, "psi", np.eye(2)), TypeError, "F and psi"),
    (lambda: group_convolution(lambda u: u, _bump, np.eye(2)), ValueError, "F must return one"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
