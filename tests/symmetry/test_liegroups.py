"""Unit tests of rederived.symmetry.liegroups: polar decomposition, the SL(2) chart, exp's image,
Haar."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

from rederived.symmetry import liegroups


def test_polar_factors():
    rng = np.random.default_rng(0)
    g = rng.normal(size=(200, 4, 4))
    g[np.linalg.det(g) < 0, 0] *= -1
    P, R = liegroups.polar(g)
    assert np.allclose(P @ R, g) and np.allclose(P, np.swapaxes(P, 1, 2))
    assert np.all(np.linalg.eigvalsh(P) > 0) and np.allclose(np.linalg.det(R), 1)
    R1, P1 = scipy.linalg.polar(g[0], side="left")  # g = P1 R1
    assert np.allclose(P1, P[0]) and np.allclose(R1, R[0])


def test_iwasawa_factors():
    g = np.random.default_rng(3).normal(size=(100, 3, 3))
    g[np.linalg.det(g) < 0, 0] *= -1
    K, A, N = liegroups.iwasawa(g)
    assert np.allclose(K @ A @ N, g) and np.allclose(np.swapaxes(K, 1, 2) @ K, np.eye(3))
    assert np.all(np.diagonal(A, axis1=1, axis2=2) > 0) and np.allclose(np.triu(N), N)
    with pytest.raises(ValueError, match="positive determinant"):
        liegroups.iwasawa(np.diag([1.0, -1.0]))


def test_sl2_chart_round_trip_and_exp_image():
    g = liegroups.sl2_from_coordinates([0.0, 0.7, 2.0], [0.0, 1.0, 3.0], [0.5, -2.0, 3.1])
    assert np.allclose(np.linalg.det(g), 1)
    t, phi, theta = liegroups.sl2_coordinates(g)
    assert np.allclose(liegroups.sl2_from_coordinates(t, phi, theta), g)
    assert np.allclose(t, [0.0, 0.7, 2.0])
    deep = np.diag([-2.0, -0.5])
    assert not liegroups.in_exp_image_sl2(deep)
    assert liegroups.in_exp_image_sl2(-np.eye(2)) and liegroups.in_exp_image_sl2(np.eye(2))
    assert not liegroups.in_exp_image_sl2(np.array([[-1.0, 1.0], [0.0, -1.0]]))  # parabolic
    X = np.array([[0.3, 1.2], [-0.4, -0.3]])
    assert liegroups.in_exp_image_sl2(scipy.linalg.expm(X))


def test_haar_sampler_is_left_invariant_and_the_flat_one_is_not():
    rng = np.random.default_rng(1)
    h = liegroups.sl2_from_coordinates(0.3, 0.4, 1.0)

    def bump(g):
        return np.exp(-np.sum((g - np.eye(2)) ** 2, axis=(1, 2)) / 0.5)

    g, _ = liegroups.sample_sl2(200_000, 2.5, rng)
    f0, f1 = bump(g), bump(h @ g)
    assert abs(f1.mean() - f0.mean()) < 4 * np.sqrt((f0.var() + f1.var()) / f0.size)
    g, _ = liegroups.sample_sl2(200_000, 2.5, rng, haar=False)
    f0, f1 = bump(g), bump(h @ g)
    assert abs(f1.mean() - f0.mean()) > 8 * np.sqrt((f0.var() + f1.var()) / f0.size)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: liegroups.polar(np.diag([1.0, -1.0])), ValueError, "positive determinant"),
        (lambda: liegroups.polar(np.zeros((2, 3))), ValueError, "square"),
        (lambda: liegroups.sl2_coordinates(2 * np.eye(2)), ValueError, "determinant 1"),
        (lambda: liegroups.in_exp_image_sl2(np.eye(3)), ValueError, "2×2"),
        (lambda: liegroups.sample_sl2(10, -1.0, np.random.default_rng()), ValueError, "t_max"),
        (lambda: liegroups.sample_sl2(0, 1.0, np.random.default_rng()), ValueError, "size"),
        (
            lambda: liegroups.sample_sl2(5, 400.0, np.random.default_rng()),
            ValueError,
            "at most 300",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_iwasawa_chart_of_sl2_round_trips_through_the_decomposition():
    theta, s, u = np.array([0.3, -2.0, 3.0]), np.array([0.0, 1.2, -0.7]), np.array([0.5, -3.0, 2.0])
    g = liegroups.sl2_from_iwasawa(theta, s, u)
    assert np.allclose(np.linalg.det(g), 1.0)
    K, A, N = liegroups.iwasawa(g)
    assert np.allclose(np.arctan2(K[:, 1, 0], K[:, 0, 0]), theta)
    assert np.allclose(np.log(A[:, 0, 0]), s) and np.allclose(N[:, 0, 1], u)
    with pytest.raises(ValueError, match="finite"):
        liegroups.sl2_from_iwasawa(0.0, np.inf, 0.0)


def test_the_two_charts_carry_the_same_haar_normalisation():
    # ∫ f dg for a bump at the identity, by the polar sampler and in Iwasawa coordinates
    rng = np.random.default_rng(11)

    def bump(g):
        return np.exp(-np.sum((g - np.eye(2)) ** 2, axis=(1, 2)) / 0.5)

    samples, volume = liegroups.sample_sl2(100_000, 2.5, rng)
    f = bump(samples)
    polar = (volume * f.mean(), volume * f.std() / np.sqrt(f.size))
    theta, s, u = (
        rng.uniform(0, 2 * np.pi, 100_000),
        rng.uniform(-2.5, 2.5, 100_000),
        rng.uniform(-6, 6, 100_000),
    )
    w = bump(liegroups.sl2_from_iwasawa(theta, s, u)) * np.exp(2 * s) * (2 * np.pi * 5 * 12)
    kan = (w.mean(), w.std() / np.sqrt(w.size))
    assert abs(polar[0] - kan[0]) < 4 * np.hypot(polar[1], kan[1])


def test_charts_refuse_coordinates_beyond_float64_range():
    with pytest.raises(ValueError, match="300"):
        liegroups.sl2_from_iwasawa(0.0, -800.0, 0.0)
    with pytest.raises(ValueError, match="300"):
        liegroups.sl2_from_coordinates(400.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="finite"):
        liegroups.sl2_from_coordinates(0.0, np.nan, 0.0)


@pytest.mark.parametrize("t", [14.0, 30.0, 100.0, 300.0])
def test_the_polar_chart_reads_back_its_own_elements_far_out(t):
    # from t ≈ 14 the chart refused its own outputs ("not determinant 1"): the determinant's
    # rounding grows like e^{2t}, and the SVD loses the small singular value e^-t
    g = liegroups.sl2_from_coordinates(t, 0.3, 0.7)
    back = liegroups.sl2_coordinates(g)
    assert np.allclose([float(v) for v in back], [t, 0.3, 0.7], rtol=1e-12, atol=1e-12)
    assert liegroups.in_exp_image_sl2(g)


def test_a_well_scaled_matrix_of_condition_1e6_is_not_called_singular():
    # the old test compared det g with ‖g‖^n: singular values (1e3, 1e3, 1, 1e-3, 1e-3) failed it
    rng = np.random.default_rng(0)
    Q1, Q2 = (np.linalg.qr(rng.normal(size=(5, 5)))[0] for _ in range(2))
    Q1[:, 0] *= np.sign(np.linalg.det(Q1))
    Q2[:, 0] *= np.sign(np.linalg.det(Q2))
    g = Q1 @ np.diag([1e3, 1e3, 1.0, 1e-3, 1e-3]) @ Q2
    P, R = liegroups.polar(g)
    assert np.abs(P @ R - g).max() < 1e-12 * np.abs(g).max()
    K, A, N = liegroups.iwasawa(g)
    assert np.abs(K @ A @ N - g).max() < 1e-9 * np.abs(g).max()
    with pytest.raises(ValueError, match="numerically singular"):
        liegroups.polar(np.diag([1.0, 1e-14, 1.0]))
    with pytest.raises(ValueError, match="positive determinant"):
        liegroups.polar(np.diag([1.0, -1.0, 1.0]))
