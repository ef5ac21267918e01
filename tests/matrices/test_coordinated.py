"""Unit tests of rederived.matrices.coordinated."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from rederived.matrices.coordinated import (
    PrioritySketch,
    count_sketch_product,
    gaussian_sketch_product,
    priority_sketch,
    product_estimate,
    relative_error,
    sparse_pair,
)


def test_the_sketch_keeps_the_smallest_ranks_with_the_next_one_as_threshold():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(30, 4))
    S = priority_sketch(A, 5, 11)
    h = 1.0 - np.random.default_rng(11).random(30)
    ranks = h / np.sum(A**2, axis=1)
    order = np.argsort(ranks)
    assert S.indices.tolist() == sorted(order[:5].tolist())
    assert S.log_tau == pytest.approx(np.log(ranks[order[5]]), abs=1e-12)
    np.testing.assert_array_equal(S.rows.toarray(), A[S.indices])
    assert S.stored == 5 * 4 + 2 * 5 + 1  # dense rows: d values each, cheaper than 2d


def test_keeping_every_row_is_exact():
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    A[2] = 0  # a zero row is never kept, and needs not be
    W = product_estimate(priority_sketch(A, 10, 3), priority_sketch(B, 10, 3))
    np.testing.assert_allclose(W, A.T @ B, atol=1e-12)


def test_shared_seeds_keep_shared_heavy_rows():
    A, B = sparse_pair(2000, 50, 5, 4, overlap=1.0)  # B = A
    SA, SB = priority_sketch(A, 100, 9), priority_sketch(B, 100, 9)
    assert SA.indices.tolist() == SB.indices.tolist()
    other = priority_sketch(B, 100, 10)
    assert len(np.intersect1d(SA.indices, other.indices)) < 100


def test_unbiased_on_average():
    rng = np.random.default_rng(2)
    A = rng.normal(size=(10, 2)) * np.exp(rng.normal(size=(10, 1)))
    B = A + rng.normal(size=(10, 2))
    draws = np.array(
        [product_estimate(priority_sketch(A, 3, s), priority_sketch(B, 3, s)) for s in range(3000)]
    )
    z = (draws.mean(axis=0) - A.T @ B) / (draws.std(axis=0) / np.sqrt(3000))
    assert np.all(np.abs(z) < 4.5)


def test_linear_sketches():
    rng = np.random.default_rng(3)
    A, B = rng.normal(size=(200, 4)), rng.normal(size=(200, 3))
    # a CountSketch with one bucket per row is a signed permutation: exact
    W = count_sketch_product(A, B, 10**6, 0)
    assert W.shape == (4, 3)
    exact = A.T @ B
    big = count_sketch_product(A, B, 20000, 5)
    assert relative_error(big, A, B) < 0.05
    errors = [relative_error(gaussian_sketch_product(A, B, 400, s), A, B) for s in range(5)]
    assert np.mean(errors) < 3 / np.sqrt(400)
    assert relative_error(exact, A, B) < 1e-15


def test_sparse_pair_shapes_and_overlap():
    A, B = sparse_pair(500, 40, 6, 1, overlap=1.0, spread=0.0)
    assert A.shape == B.shape == (500, 40)
    np.testing.assert_array_equal(A.toarray(), B.toarray())
    assert np.all(np.diff(A.indptr) <= 6)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: priority_sketch(np.ones((3, 2)), 0, 1), ValueError, "k"),
        (lambda: priority_sketch(np.ones(3), 1, 1), TypeError, "M"),
        (lambda: priority_sketch(np.full((3, 2), np.nan), 1, 1), ValueError, "finite"),
        (lambda: priority_sketch(np.ones((3, 2)) * 1e200, 1, 1), ValueError, "1e150"),
        (lambda: priority_sketch(np.ones((3, 2)), 1, np.random.default_rng(0)), TypeError, "seed"),
        (lambda: priority_sketch(np.ones((3, 2)), 1, -1), ValueError, "seed"),
        (lambda: priority_sketch(np.ones((0, 2)), 1, 1), ValueError, "rows"),
        (
            lambda: product_estimate(priority_sketch(np.ones((3, 2)), 1, 1), "x"),
            TypeError,
            "SB",
        ),
        (
            lambda: product_estimate(
                priority_sketch(np.ones((3, 2)), 1, 1), priority_sketch(np.ones((4, 2)), 1, 1)
            ),
            ValueError,
            "rows",
        ),
        (lambda: count_sketch_product(np.ones((3, 2)), np.ones((4, 2)), 2, 0), ValueError, "rows"),
        (lambda: gaussian_sketch_product(np.ones((3, 2)), np.ones((3, 2)), 0, 0), ValueError, "k"),
        (
            lambda: relative_error(np.ones((2, 2)), np.zeros((3, 2)), np.ones((3, 2))),
            ValueError,
            "zero",
        ),
        (
            lambda: relative_error(np.ones((3, 2)), np.ones((3, 2)), np.ones((3, 2))),
            ValueError,
            "shape",
        ),
        (lambda: sparse_pair(10, 5, 6, 0), ValueError, "s"),
        (lambda: sparse_pair(10, 5, 2, 0, overlap=2), ValueError, "overlap"),
        (lambda: sparse_pair(1, 10**12, 1, 0), ValueError, "GiB"),
        (
            lambda: product_estimate(
                priority_sketch(np.ones((3, 2)), 1, 1), priority_sketch(np.ones((3, 2)), 1, 2)
            ),
            ValueError,
            "same seed",
        ),
        (
            lambda: product_estimate(
                priority_sketch(np.ones((3, 2)), 1, 1),
                priority_sketch(np.ones((3, 2)), 1, 1),
                coordinated=False,
            ),
            ValueError,
            "different seeds",
        ),
        (
            lambda: relative_error(np.full((2, 2), np.nan), np.ones((3, 2)), np.ones((3, 2))),
            ValueError,
            "finite",
        ),
        (
            lambda: relative_error(np.ones((2, 2)) * 1j, np.ones((3, 2)), np.ones((3, 2))),
            TypeError,
            "real",
        ),
        (lambda: priority_sketch(sp.csr_matrix(np.ones((3, 2)) * 1j), 1, 1), TypeError, "real"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_tiny_and_huge_rows_keep_their_weight():
    A = np.array([[1e-300, 0.0], [1e140, 2e140], [3.0, -1.0]])
    S = priority_sketch(A, 5, 0)  # every row kept: the estimate is exact
    np.testing.assert_allclose(product_estimate(S, S), A.T @ A, rtol=1e-12)
    assert np.all(np.isfinite(S.log_weights))


def test_independent_sampling_is_unbiased_with_the_product_of_probabilities():
    rng = np.random.default_rng(5)
    A = rng.normal(size=(10, 2)) * np.exp(rng.normal(size=(10, 1)))
    B = A + rng.normal(size=(10, 2))
    draws = np.array(
        [
            product_estimate(priority_sketch(A, 4, s), priority_sketch(B, 4, s + 10**6), False)
            for s in range(3000)
        ]
    )
    z = (draws.mean(axis=0) - A.T @ B) / (draws.std(axis=0) / np.sqrt(3000))
    assert np.all(np.abs(z) < 4.5)


def test_dense_pairs_and_tiny_entries():
    A, B = sparse_pair(50, 6, 6, 2, overlap=0.5)
    assert A.nnz == 300 and np.array_equal(A.toarray()[:, :3], B.toarray()[:, :3])
    tiny = np.array([[1e-200, 2e-200], [3e-200, 0.0]])
    assert relative_error(tiny.T @ tiny * 0, tiny, tiny) == pytest.approx(
        np.linalg.norm((tiny * 1e200).T @ (tiny * 1e200)) / np.sum((tiny * 1e200) ** 2)
    )


def test_an_int_seed_and_its_seed_sequence_are_the_same_seed():
    A = np.random.default_rng(6).normal(size=(20, 3))
    by_int, by_sequence = priority_sketch(A, 5, 5), priority_sketch(A, 5, np.random.SeedSequence(5))
    assert by_int.indices.tolist() == by_sequence.indices.tolist()
    product_estimate(by_int, by_sequence)  # coordinated: accepted
    with pytest.raises(ValueError, match="different seeds"):
        product_estimate(by_int, by_sequence, coordinated=False)


def test_sparse_input_is_accepted():
    A = sp.random(100, 20, density=0.1, random_state=0, format="csr")
    S = priority_sketch(A, 10, 0)
    assert isinstance(S, PrioritySketch) and S.rows.shape == (len(S.indices), 20)
