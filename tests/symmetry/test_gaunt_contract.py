"""Contract of rederived.symmetry.gaunt, on its whole domain (Hypothesis).

Domain: degrees are ints ≥ 0 (dense tensors refused above the memory budget); coefficient
arrays are finite real (..., (L+1)²) arrays whose batch shapes broadcast, empty batches
included; methods are those of METHODS. Results: the three methods agree with each other and
with the product of the functions evaluated at points (exact below degree L1 + L2); products
that overflow are refused; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rederived.symmetry.gaunt import (
    METHODS,
    gaunt_coefficients,
    gaunt_tensor,
    operation_count,
    tensor_product,
    theta_sine_integrals,
    to_fourier,
)
from rederived.symmetry.so3 import real_sph_harm, sphere_quadrature

COVERS = (
    "gaunt_coefficients",
    "gaunt_tensor",
    "operation_count",
    "tensor_product",
    "theta_sine_integrals",
    "to_fourier",
)


@given(
    st.integers(0, 5),
    st.integers(0, 5),
    st.integers(0, 11),
    st.integers(0, 3),
    st.sampled_from([1e-150, 1.0, 1e100]),
    st.integers(0, 2**32),
)
def test_methods_agree_with_the_product_of_functions(L1, L2, lmax_out, batch, scale, seed):
    rng = np.random.default_rng(seed)
    x1 = scale * rng.standard_normal((batch, (L1 + 1) ** 2))
    x2 = rng.standard_normal((batch, (L2 + 1) ** 2))
    outs = [tensor_product(x1, x2, lmax_out, method=m) for m in METHODS]
    for out in outs:
        assert out.shape == (batch, (lmax_out + 1) ** 2) and np.all(np.isfinite(out))
        assert np.allclose(out, outs[0], rtol=1e-9, atol=1e-11 * scale)
    if batch:  # the projection of f1 f2 onto degrees ≤ lmax_out, by an exact quadrature
        pts, w = sphere_quadrature(L1 + L2 + lmax_out)
        f = (real_sph_harm(L1, pts) @ x1.T) * (real_sph_harm(L2, pts) @ x2.T)
        reference = (real_sph_harm(lmax_out, pts) * w[:, None]).T @ f
        assert np.allclose(outs[0], reference.T, rtol=1e-9, atol=1e-11 * scale)


def test_results_are_float64_unless_both_inputs_are_float32():
    x = np.ones(4)
    assert tensor_product(x.astype(np.longdouble), x, 2).dtype == np.float64
    assert tensor_product(x.astype(np.float32), x.astype(np.float32), 2).dtype == np.float32
    assert tensor_product(x.astype(np.float32), x, 2).dtype == np.float64


@given(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4))
def test_coefficients_are_symmetric_and_follow_the_selection_rules(l1, l2, l3):
    G = gaunt_coefficients(l1, l2, l3)
    assert np.allclose(G, gaunt_coefficients(l2, l1, l3).transpose(1, 0, 2), atol=1e-14)
    assert np.allclose(G, gaunt_coefficients(l3, l2, l1).transpose(2, 1, 0), atol=1e-14)
    if not abs(l1 - l2) <= l3 <= l1 + l2 or (l1 + l2 + l3) % 2:
        assert not np.any(G)
    # the dense tensor is built separately (all degrees at once): the same zeros exactly, the
    # same values to rounding
    block = gaunt_tensor(l1, l2, l3)[l1 * l1 :, l2 * l2 :, l3 * l3 :]
    assert np.array_equal(block == 0, G == 0)
    assert np.max(np.abs(block - G), initial=0.0) < 1e-15


@given(st.integers(0, 6), st.integers(0, 2**32))
def test_fourier_series_reproduces_the_function(L, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((L + 1) ** 2)
    F = to_fourier(x)
    theta, phi = rng.uniform(0, np.pi, 4), rng.uniform(0, 2 * np.pi, 4)
    xyz = np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), np.cos(theta)], 1)
    u = np.arange(-L, L + 1)
    series = np.einsum(
        "uv,nu,nv->n", F, np.exp(1j * np.outer(theta, u)), np.exp(1j * np.outer(phi, u))
    )
    assert np.allclose(series.real, real_sph_harm(L, xyz) @ x, atol=1e-10)
    assert np.max(np.abs(series.imag)) < 1e-10


@given(st.integers(0, 40))
def test_sine_integrals_match_quadrature(n):
    J = theta_sine_integrals(n)
    theta = np.linspace(0, np.pi, 20001)
    k = np.arange(-n, n + 1)
    reference = np.trapezoid(np.exp(1j * np.outer(k, theta)) * np.sin(theta), theta, axis=1)
    assert np.allclose(J, reference, atol=1e-6)


@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60), st.integers(1, 10**6))
def test_operation_counts_are_positive_and_linear_in_the_batch(L1, L2, L3, batch):
    for method in METHODS:
        one = operation_count(L1, L2, L3, method)
        assert np.isfinite(one) and one > 0
        assert operation_count(L1, L2, L3, method, batch) == pytest.approx(batch * one)


BAD = [
    (lambda: tensor_product([1.0], [1.0], 1, method="fft"), ValueError, "method"),
    (lambda: tensor_product([1.0, 2.0], [1.0], 1), ValueError, "x1"),
    (lambda: tensor_product([1.0], [np.inf], 1), ValueError, "x2"),
    (lambda: tensor_product([1j], [1.0], 1), TypeError, "x1"),
    (lambda: tensor_product(np.ones((2, 1)), np.ones((3, 1)), 1), ValueError, "broadcast"),
    (lambda: tensor_product([1.0], [1.0], 1.5), TypeError, "lmax_out"),
    (lambda: tensor_product([1e200], [1e200], 0), ValueError, "overflows"),
    (lambda: tensor_product(np.float32([1e20]), np.float32([1e20]), 0), ValueError, "overflows"),
    (
        lambda: tensor_product(np.broadcast_to(1.0, (10**6, 64)), np.ones(64), 14, "direct"),
        ValueError,
        "GiB",
    ),
    (lambda: gaunt_tensor(30, 30, 30), ValueError, "GiB"),
    (lambda: gaunt_coefficients(-1, 0, 1), ValueError, "l1"),
    (lambda: to_fourier(np.ones(3)), ValueError, "x"),
    (lambda: theta_sine_integrals(-1), ValueError, "n"),
    (lambda: operation_count(1, 1, 1, "fast"), ValueError, "method"),
    (lambda: operation_count(1, 1, 1, "grid", batch=0), ValueError, "batch"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
