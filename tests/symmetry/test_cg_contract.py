"""Contract of rederived.symmetry.cg, on its whole domain (Hypothesis).

Domain: degrees are ints ≥ 0 (exact Racah coefficients at any degree; the dense product tensor
is refused above the memory budget); coefficient arrays are finite real (..., (L+1)²) arrays
whose batch shapes broadcast. Results: coupling blocks that are isometries onto degree l3 and
zero off the triangle rule, equivariant tensor products that agree with the dense product
tensor; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rederived.symmetry.cg import (
    clebsch_gordan_complex,
    clebsch_gordan_real,
    paths,
    product_tensor,
    tensor_product,
)
from rederived.symmetry.so3 import wigner_D_real

COVERS = (
    "clebsch_gordan_complex",
    "clebsch_gordan_real",
    "paths",
    "product_tensor",
    "tensor_product",
)

degrees = st.integers(0, 8)


@given(degrees, degrees, st.integers(0, 16))
def test_coupling_blocks_are_isometries_or_zero(l1, l2, l3):
    for C in (clebsch_gordan_real(l1, l2, l3), clebsch_gordan_complex(l1, l2, l3)):
        assert C.shape == (2 * l1 + 1, 2 * l2 + 1, 2 * l3 + 1) and np.all(np.isfinite(C))
        gram = np.einsum("abc,abd->cd", C, C)
        if abs(l1 - l2) <= l3 <= l1 + l2:
            assert np.max(np.abs(gram - np.eye(2 * l3 + 1))) < 1e-12
        else:
            assert not np.any(C)


@given(st.sampled_from([(44, 44, 88), (50, 30, 40), (60, 60, 1)]))
def test_high_degrees_stay_isometries(triple):
    # from degree 44 Racah's factorials overflow a double (an OverflowError before)
    C = clebsch_gordan_complex(*triple)
    gram = np.einsum("abc,abd->cd", C, C)
    assert np.max(np.abs(gram - np.eye(2 * triple[2] + 1))) < 1e-10


def random_rotation(seed):
    Q, R = np.linalg.qr(np.random.default_rng(seed).standard_normal((3, 3)))
    Q = Q * np.sign(np.diag(R))
    return Q if np.linalg.det(Q) > 0 else -Q


@given(st.integers(0, 3), st.integers(0, 3), st.integers(0, 4), st.integers(0, 2**32))
def test_tensor_product_is_equivariant_and_matches_the_dense_tensor(L1, L2, lmax_out, seed):
    rng = np.random.default_rng(seed)
    x1, x2 = rng.standard_normal((2, (L1 + 1) ** 2)), rng.standard_normal((2, (L2 + 1) ** 2))
    out = tensor_product(x1, x2, lmax_out)
    assert out.shape == (2, (lmax_out + 1) ** 2) and np.all(np.isfinite(out))
    R = random_rotation(seed)
    D1, D2, D3 = (wigner_D_real(L, R) for L in (L1, L2, lmax_out))
    assert np.allclose(tensor_product(x1 @ D1.T, x2 @ D2.T, lmax_out), out @ D3.T, atol=1e-10)
    L = max(L1, L2, lmax_out)
    M = product_tensor(L, normalization="isometry")
    pad = [np.zeros((2, (L + 1) ** 2)) for _ in range(2)]
    pad[0][:, : x1.shape[1]], pad[1][:, : x2.shape[1]] = x1, x2
    dense = np.einsum("kij,ni,nj->nk", M, *pad)[:, : (lmax_out + 1) ** 2]
    assert np.allclose(dense, out, atol=1e-10)


@given(st.integers(0, 6), st.integers(0, 6), st.integers(0, 8))
def test_paths_follow_the_triangle_rule(L1, L2, lmax_out):
    all_paths = paths(L1, L2, lmax_out)
    even, odd = paths(L1, L2, lmax_out, parity="even"), paths(L1, L2, lmax_out, parity="odd")
    assert sorted(even + odd) == sorted(all_paths)
    for a, b, c in all_paths:
        assert abs(a - b) <= c <= min(a + b, lmax_out) and a <= L1 and b <= L2


@given(st.sampled_from([1e-300, 1.0, 1e150]))
def test_tensor_product_scales_bilinearly(scale):
    x = np.arange(1.0, 5.0)
    base = tensor_product(x, x, 2)
    assert np.allclose(tensor_product(scale * x, x, 2), scale * base, rtol=1e-12)


BAD = [
    (lambda: clebsch_gordan_real(-1, 0, 1), ValueError, "l1"),
    (lambda: clebsch_gordan_real(1, 1.0, 1), TypeError, "l2"),
    (lambda: clebsch_gordan_complex(1, 1, True), TypeError, "l3"),
    (lambda: paths(1, 1, 1, parity="both"), ValueError, "parity"),
    (lambda: paths(1, -1, 1), ValueError, "L2"),
    (lambda: tensor_product([1.0, 2.0], [1.0], 1), ValueError, "x1"),
    (lambda: tensor_product([1.0], [np.nan], 1), ValueError, "x2"),
    (lambda: tensor_product([1j], [1.0], 1), TypeError, "x1"),
    (lambda: tensor_product(["a"], [1.0], 1), TypeError, "x1"),
    (lambda: tensor_product([1.0], [1.0], -1), ValueError, "lmax_out"),
    (lambda: tensor_product([1e200], [1e200], 0), ValueError, "overflows"),
    (lambda: product_tensor(30), ValueError, "at most 16"),
    (lambda: product_tensor(2, normalization="unit"), ValueError, "normalization"),
    (lambda: product_tensor(2, basis="spherical"), ValueError, "basis"),
    (lambda: product_tensor(1, weights=[1.0, 2.0]), ValueError, "weights"),
    (lambda: product_tensor(1, weights=[np.nan] * 5), ValueError, "weights"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
