"""Sketching a matrix product AᵀB by coordinated sampling of rows, against linear sketches
(Daliri, Freire, Li and Musco, ICLR 2025, arXiv:2501.17836).

A (n × d) and B (n × m) are sketched separately, sharing only a random seed. Coordinated
*priority sampling*: the shared seed gives every row index i a uniform number h_i; matrix M keeps
the k rows of smallest rank h_i/‖M_i‖² with their values and indices, and the threshold τ, the
(k+1)-th smallest rank. A row is then in M's sketch exactly when h_i < ‖M_i‖²τ, and, because h
is shared, in both sketches when h_i < min(‖A_i‖²τ_A, ‖B_i‖²τ_B). Dividing each common row's
product by that probability gives an unbiased estimate of AᵀB (conditionally on the thresholds,
by the priority-sampling argument of Duffield, Lund and Thorup). Rows are stored sparsely, so a
sketch of k rows with s non-zeros each stores about 2ks numbers whatever the width d.

The linear sketches compress the n rows into k combinations, SA and SB with a shared S, and
estimate (SA)ᵀ(SB): a Gaussian (Johnson–Lindenstrauss) S with N(0, 1/k) entries, or CountSketch
(each row added with a random sign into one of k buckets). They store k·d numbers.

Matrices are SciPy sparse (CSR) or dense NumPy arrays; estimates are dense d × m arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from rederived._checks import count, generator, memory

__all__ = [
    "PrioritySketch",
    "count_sketch_product",
    "gaussian_sketch_product",
    "priority_sketch",
    "product_estimate",
    "relative_error",
    "sparse_pair",
]


def _matrix(value: object, name: str) -> sp.csr_matrix:
    if sp.issparse(value):
        if value.dtype.kind not in "biuf":
            raise TypeError(f"{name} must be real, got dtype {value.dtype}")
        M = sp.csr_matrix(value, dtype=float)
    else:
        a = np.asarray(value)
        if a.dtype.kind not in "iuf" or a.ndim != 2:
            raise TypeError(f"{name} must be a 2-d real array or a SciPy sparse matrix")
        M = sp.csr_matrix(a.astype(float))
    if M.shape[0] == 0 or M.shape[1] == 0:
        raise ValueError(f"{name} must have rows and columns, got shape {M.shape}")
    if not np.all(np.isfinite(M.data)):
        raise ValueError(f"{name} must be finite")
    if M.data.size and np.max(np.abs(M.data)) > 1e150:
        raise ValueError(f"{name}'s entries must be at most 1e150 in size (squared row norms)")
    return M


def _hashes(n: int, seed: object) -> np.ndarray:
    """The shared uniform numbers h_i in (0, 1] of the n row indices."""
    return 1.0 - generator(seed).random(n)


@dataclass(frozen=True)
class PrioritySketch:
    """A priority sample of a matrix's rows: ``indices`` (k,) of the kept rows in increasing
    order, their ``rows`` (k × d, CSR), the logarithms of their squared norms ``log_weights``
    (k,) and of the threshold ``log_tau`` (inf when every non-zero row is kept), and the
    matrix's ``shape``. Logarithms, so that rows of norm 1e-200 or 1e150 keep their weights."""

    indices: np.ndarray
    rows: sp.csr_matrix
    log_weights: np.ndarray
    log_tau: float
    shape: tuple[int, int]
    seed: str = ""

    @property
    def stored(self) -> int:
        """Numbers stored: each kept row sparsely (its non-zeros and their column indices) or
        densely (its d values), whichever is smaller, plus its index and weight, and the
        threshold."""
        per_row = np.minimum(2 * np.diff(self.rows.indptr), self.shape[1])
        return int(per_row.sum() + 2 * self.indices.size + 1)


def priority_sketch(M: object, k: int, seed: object) -> PrioritySketch:
    """Keep the k rows of M (n × d) of smallest rank h_i/‖M_i‖², h from the shared ``seed``
    (an int or SeedSequence: the same for every matrix to be multiplied). Rows of zero norm
    are never kept."""
    M = _matrix(M, "M")
    k = count(k, "k")
    if isinstance(seed, np.random.Generator):
        raise TypeError("seed must be an int or a SeedSequence, shared by both sketches")
    log_weights = _log_squared_norms(M)
    live = np.isfinite(log_weights)
    ranks = np.where(
        live, np.log(_hashes(M.shape[0], seed)) - np.where(live, log_weights, 0), np.inf
    )
    nonzero = int(np.count_nonzero(live))
    if k >= nonzero:
        keep = np.flatnonzero(live)
        log_tau = np.inf
    else:
        order = np.argpartition(ranks, k)  # the k smallest first, the (k+1)-th at position k
        keep = np.sort(order[:k])
        log_tau = float(ranks[order[k]])
    return PrioritySketch(keep, M[keep], log_weights[keep], log_tau, M.shape, _fingerprint(seed))


def _fingerprint(seed: object) -> str:
    """A record of the seed, so that sketches from different seeds are not combined."""
    if not isinstance(seed, np.random.SeedSequence):
        seed = np.random.SeedSequence(int(seed))  # what default_rng(int) uses: the same h
    return f"SeedSequence({seed.entropy!r}, {tuple(seed.spawn_key)!r})"


def _log_squared_norms(M: sp.csr_matrix) -> np.ndarray:
    """log ‖M_i‖² of every row (−inf for a zero row), without underflow or overflow: each row
    is scaled by a power of two (exactly) to a largest entry in [1/2, 1) first."""
    out = np.full(M.shape[0], -np.inf)
    counts = np.diff(M.indptr)
    rows_with = np.flatnonzero(counts)
    if not rows_with.size:
        return out
    largest = np.maximum.reduceat(np.abs(M.data), M.indptr[rows_with])
    live = largest > 0
    exponent = np.frexp(largest)[1]
    scaled = np.ldexp(M.data, -np.repeat(exponent, counts[rows_with]))
    sums = np.add.reduceat(scaled * scaled, M.indptr[rows_with])
    out[rows_with[live]] = 2 * np.log(2.0) * exponent[live] + np.log(sums[live])
    return out


def product_estimate(
    SA: PrioritySketch, SB: PrioritySketch, coordinated: bool = True
) -> np.ndarray:
    """The unbiased estimate Σ_{i kept by both} A_iᵀB_i / min(1, ‖A_i‖²τ_A, ‖B_i‖²τ_B) of AᵀB
    (d × m, dense), from two sketches made with the same seed (ValueError otherwise).

    With ``coordinated=False`` the sketches must come from *different* seeds (independent
    sampling, the control), and each common row is divided by the product of the two inclusion
    probabilities, min(1, ‖A_i‖²τ_A)·min(1, ‖B_i‖²τ_B), which keeps that estimate unbiased."""
    for name, S in (("SA", SA), ("SB", SB)):
        if not isinstance(S, PrioritySketch):
            raise TypeError(f"{name} must be a PrioritySketch, got {type(S).__name__}")
    if SA.shape[0] != SB.shape[0]:
        raise ValueError(f"the sketches are of {SA.shape[0]} and {SB.shape[0]} rows")
    if not isinstance(coordinated, bool):
        raise TypeError("coordinated must be a bool")
    if coordinated and SA.seed != SB.seed:
        raise ValueError(
            f"the sketches were made with different seeds ({SA.seed} and {SB.seed}): a "
            "coordinated estimate needs the same seed (coordinated=False for independent ones)"
        )
    if not coordinated and SA.seed == SB.seed:
        raise ValueError("independent sampling needs two different seeds")
    memory(8.0 * SA.shape[1] * SB.shape[1], f"a {SA.shape[1]} × {SB.shape[1]} estimate")
    common, ia, ib = np.intersect1d(SA.indices, SB.indices, return_indices=True)
    if common.size == 0:
        return np.zeros((SA.shape[1], SB.shape[1]))
    log_a = np.minimum(0.0, SA.log_weights[ia] + SA.log_tau)
    log_b = np.minimum(0.0, SB.log_weights[ib] + SB.log_tau)
    log_p = np.minimum(log_a, log_b) if coordinated else log_a + log_b
    scaled = sp.diags(np.exp(-log_p)) @ SA.rows[ia]
    return np.asarray((scaled.T @ SB.rows[ib]).todense())


def gaussian_sketch_product(A: object, B: object, k: int, seed: object) -> np.ndarray:
    """(SA)ᵀ(SB) with a shared k × n Gaussian S of N(0, 1/k) entries (generated in blocks of
    rows, so that S is never held whole)."""
    A, B = _matrix(A, "A"), _matrix(B, "B")
    k = count(k, "k")
    n = A.shape[0]
    if B.shape[0] != n:
        raise ValueError(f"A and B must have the same rows, got {A.shape} and {B.shape}")
    memory(8.0 * k * (A.shape[1] + B.shape[1] + 4096), f"Gaussian sketches of {k} rows")
    rng = generator(seed)
    SA, SB = np.zeros((k, A.shape[1])), np.zeros((k, B.shape[1]))
    for start in range(0, n, 4096):
        stop = min(n, start + 4096)
        S = rng.normal(0.0, 1.0 / np.sqrt(k), (k, stop - start))
        SA += (A[start:stop].T @ S.T).T
        SB += (B[start:stop].T @ S.T).T
    return SA.T @ SB


def count_sketch_product(A: object, B: object, k: int, seed: object) -> np.ndarray:
    """(SA)ᵀ(SB) with a shared CountSketch S: row i added with sign σ_i into bucket b_i."""
    A, B = _matrix(A, "A"), _matrix(B, "B")
    k = count(k, "k")
    n = A.shape[0]
    if B.shape[0] != n:
        raise ValueError(f"A and B must have the same rows, got {A.shape} and {B.shape}")
    memory(8.0 * k * (A.shape[1] + B.shape[1]), f"CountSketches of {k} rows")
    rng = generator(seed)
    buckets = rng.integers(0, k, n)
    signs = rng.choice([-1.0, 1.0], n)
    S = sp.csr_matrix((signs, (buckets, np.arange(n))), shape=(k, n))
    return np.asarray((S @ A).T.todense()) @ np.asarray((S @ B).todense())


def relative_error(estimate: object, A: object, B: object) -> float | np.ndarray:
    """‖W − AᵀB‖_F / (‖A‖_F ‖B‖_F), the paper's error measure, for one estimate W (d × m) or a
    stack of them (r × d × m, one error each: AᵀB is computed once); W finite and real."""
    A, B = _matrix(A, "A"), _matrix(B, "B")
    W = np.asarray(estimate)
    if W.dtype.kind not in "iuf":
        raise TypeError(f"estimate must be real numbers, got dtype {W.dtype}")
    W = W.astype(float)
    if W.shape[-2:] != (A.shape[1], B.shape[1]) or W.ndim not in (2, 3):
        raise ValueError(
            f"estimate must have shape {(A.shape[1], B.shape[1])} or (r, ...) of it, got {W.shape}"
        )
    if not np.all(np.isfinite(W)):
        raise ValueError("estimate must be finite")
    memory(16.0 * A.shape[1] * B.shape[1], f"the exact {A.shape[1]} × {B.shape[1]} product")
    # A, B and W scaled by powers of two (exactly) to largest entries near 1, so that neither
    # the product nor the norms underflow or overflow
    ea = int(np.frexp(np.max(np.abs(A.data), initial=0.0))[1])
    eb = int(np.frexp(np.max(np.abs(B.data), initial=0.0))[1])
    A.data, B.data = np.ldexp(A.data, -ea), np.ldexp(B.data, -eb)
    norm_a, norm_b = _frobenius(A.data), _frobenius(B.data)
    if norm_a == 0 or norm_b == 0:
        raise ValueError("A or B is zero: the relative error is undefined")
    if A.nnz + B.nnz > 0.05 * (A.shape[0] * (A.shape[1] + B.shape[1])):  # dense enough: BLAS
        memory(8.0 * A.shape[0] * (A.shape[1] + B.shape[1]), "dense copies of A and B")
        exact = A.toarray().T @ B.toarray()
    else:
        exact = np.asarray((A.T @ B).todense())
    with np.errstate(over="ignore"):
        W = np.ldexp(W, -(ea + eb))
    if not np.all(np.isfinite(W)):
        raise ValueError("estimate is too large for the scale of A and B (its error overflows)")
    if W.ndim == 2:
        return float(_frobenius((W - exact).ravel()) / norm_a / norm_b)
    return np.array([_frobenius((w - exact).ravel()) / norm_a / norm_b for w in W])


def _frobenius(values: np.ndarray) -> float:
    """‖values‖₂ without underflow or overflow (scaled by its largest entry first)."""
    largest = float(np.max(np.abs(values), initial=0.0))
    if largest == 0:
        return 0.0
    return largest * float(np.sqrt(np.sum((values / largest) ** 2)))


def sparse_pair(
    n: int, d: int, s: int, seed: object, overlap: float = 0.5, spread: float = 1.0
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Test matrices A, B (n × d, CSR) with up to s non-zeros per row (s columns drawn with
    replacement from a Zipf popularity ∝ 1/(j + 1); a repeated column sums its values): B's
    row i shares a fraction ``overlap`` of its entries with A's row i (the rest fresh), and both
    rows are scaled by a common log-normal factor of log-spread ``spread`` (heavy rows in
    both). With s = d the rows are dense, standard normal, B's first ``overlap``·d columns
    equal to A's."""
    n, d, s = count(n, "n"), count(d, "d"), count(s, "s")
    if s > d:
        raise ValueError(f"s must be at most d = {d}, got {s}")
    if not 0 <= overlap <= 1 or not 0 <= spread <= 10:
        raise ValueError("overlap must lie in [0, 1] and spread in [0, 10]")
    memory(48.0 * n * s + 16.0 * d, f"two {n} × {d} matrices with {s} non-zeros per row")
    rng = generator(seed)
    scale = np.exp(spread * rng.normal(size=n))[:, None]
    if s == d:  # dense rows
        A = rng.normal(size=(n, d))
        B = np.where(np.arange(d) < round(overlap * d), A, rng.normal(size=(n, d)))
        return sp.csr_matrix(A * scale), sp.csr_matrix(B * scale)
    # column popularity ∝ 1/(j + 1) (Zipf): a few columns are in many rows, so that AᵀB has
    # large entries, as products of real feature tables do
    popularity = 1.0 / np.arange(1, d + 1)
    cdf = np.cumsum(popularity / popularity.sum())
    cols_a = np.minimum(np.searchsorted(cdf, rng.random((n, s))), d - 1)
    vals_a = rng.normal(size=(n, s))
    shared = round(overlap * s)
    cols_b = np.minimum(np.searchsorted(cdf, rng.random((n, s))), d - 1)
    cols_b[:, :shared] = cols_a[:, :shared]
    vals_b = rng.normal(size=(n, s))
    vals_b[:, :shared] = vals_a[:, :shared]
    rows = np.repeat(np.arange(n), s)

    def build(cols, vals):
        M = sp.coo_matrix(((vals * scale).ravel(), (rows, cols.ravel())), shape=(n, d))
        return M.tocsr()  # duplicate columns in a row (B's fresh ones) are summed

    return build(cols_a, vals_a), build(cols_b, vals_b)
