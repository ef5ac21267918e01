"""Contract of rederived.matrices.coordinated, on its whole domain (Hypothesis).

Domain: finite real matrices (dense or sparse) with entries up to 1e150, k ≥ 1, seeds ints or
SeedSequences. Results: sketches of at most k rows with their threshold, finite estimates that
are exact when every non-zero row is kept, finite relative errors; or a ValueError/TypeError
naming the argument.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.matrices.coordinated import (
    PrioritySketch,
    count_sketch_product,
    gaussian_sketch_product,
    priority_sketch,
    product_estimate,
    relative_error,
    sparse_pair,
)

COVERS = (
    "PrioritySketch",
    "count_sketch_product",
    "gaussian_sketch_product",
    "priority_sketch",
    "product_estimate",
    "relative_error",
    "sparse_pair",
)

entries = st.sampled_from([0.0, 1.0, -2.5, 1e-300, 5e-324, 1e150, -1e150, 3.0])


@settings(deadline=None, max_examples=60)
@given(
    st.integers(1, 12),
    st.integers(1, 4),
    st.integers(1, 15),
    st.integers(0, 2**32 - 1),
    st.lists(entries, min_size=48, max_size=48),
)
def test_estimates_are_finite_and_exact_when_everything_is_kept(n, d, k, seed, values):
    A = np.resize(np.array(values), (n, d))
    B = np.resize(np.array(values[::-1]), (n, d))
    SA, SB = priority_sketch(A, k, seed), priority_sketch(B, k, seed)
    assert isinstance(SA, PrioritySketch) and len(SA.indices) <= k
    W = product_estimate(SA, SB)
    assert W.shape == (d, d) and np.all(np.isfinite(W))
    if np.isinf(SA.log_tau) and np.isinf(SB.log_tau):  # every non-zero row kept by both
        # exact sums of the products (BLAS may cancel 1e150-sized terms inexactly), within the
        # rounding of the terms themselves
        exact = np.array(
            [
                [
                    float(
                        sum(
                            Fraction(a) * Fraction(b) for a, b in zip(A[:, j], B[:, m], strict=True)
                        )
                    )
                    for m in range(d)
                ]
                for j in range(d)
            ]
        )
        scale = np.abs(A).T @ np.abs(B)
        assert np.all(np.abs(W - exact) <= 1e-12 * scale + 1e-300)


@settings(deadline=None, max_examples=30)
@given(st.integers(2, 40), st.integers(1, 5), st.integers(1, 50), st.integers(0, 2**32 - 1))
def test_linear_sketches_are_finite(n, d, k, seed):
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(n, d)), rng.normal(size=(n, d))
    for fn in (count_sketch_product, gaussian_sketch_product):
        W = fn(A, B, k, seed)
        assert W.shape == (d, d) and np.all(np.isfinite(W))
        assert np.isfinite(relative_error(W, A, B))


@settings(deadline=None, max_examples=20)
@given(st.integers(1, 200), st.integers(1, 30), st.integers(0, 2**32 - 1), st.floats(0, 1))
def test_sparse_pairs(n, d, seed, overlap):
    s = max(1, d // 3)
    A, B = sparse_pair(n, d, s, seed, overlap=overlap)
    assert A.shape == B.shape == (n, d)
    assert np.all(np.isfinite(A.data)) and np.all(np.diff(A.indptr) <= s)
