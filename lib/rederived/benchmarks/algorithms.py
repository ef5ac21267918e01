"""Benchmark rows of Part VI (algorithms, floating point)."""

from __future__ import annotations

import numpy as np

from rederived.benchmarks import Row, Target, row


@row
def hamming_distances() -> Row:
    """Text-to-pattern Hamming distances, text of 50 000 symbols over an alphabet of 1024."""
    from rederived.algorithms import hamming

    def make(m):
        rng = np.random.default_rng(m)
        return rng.integers(0, 1024, 50_000), rng.integers(0, 1024, m)

    return Row(
        family="text-to-pattern Hamming",
        chapter="algorithms/hamming-distances",
        kernel="rederived.algorithms.hamming.text_to_pattern (Abrahamson's split)",
        baseline='naive count of mismatches (method="naive", vectorised)',
        peer="",
        size_name="pattern length m",
        sizes=(128, 512, 2048, 8192),
        make=make,
        run_kernel=lambda x: hamming.text_to_pattern(*x, "split"),
        run_baseline=lambda x: hamming.text_to_pattern(*x, "naive"),
        error=lambda a, b: float(np.count_nonzero(np.asarray(a) != np.asarray(b))),
        error_name="alignments where the distances differ",
        tolerance=0.0,
        fit_from=1,
        faster_than_baseline=1.5,
        theory={"kernel": 1, "baseline": 1},
        theory_note="With every pattern symbol rare (1024 symbols), the split lists n·m/σ "
        "pairs; the naive count compares n·m symbol pairs. Both are linear in m; NumPy's "
        "per-call costs flatten the kernel's measured exponent.",
        note="No PyPI package implements these algorithms.",
    )


@row
def newton_recurrence() -> Row:
    """A diagonal GRU (64 units, 32 inputs) over T steps: Newton with a parallel scan."""
    from rederived.algorithms import pararnn

    cell = pararnn.DiagonalGRU.random(64, 32, seed=0)
    h0 = np.zeros(64)

    def make(T):
        return np.random.default_rng(T).normal(size=(T, 32))

    return Row(
        family="nonlinear recurrence",
        chapter="algorithms/pararnn",
        kernel="rederived.algorithms.pararnn.newton (6 iterations, Hillis–Steele scan)",
        baseline="sequential loop over the steps (pararnn.sequential)",
        peer="",
        size_name="sequence length T",
        sizes=(512, 1024, 2048, 4096),
        make=make,
        run_kernel=lambda x: pararnn.newton(cell, x, h0, 6)[0],
        run_baseline=lambda x: pararnn.sequential(cell, x, h0),
        error=lambda a, b: float(np.max(np.abs(np.asarray(a) - np.asarray(b)))),
        error_name="largest absolute difference of the hidden states",
        tolerance=1e-12,
        fit_from=1,
        theory={"kernel": 1, "baseline": 1},
        theory_note="Six Newton iterations, each a scan of T steps of O(log T) depth but "
        "O(T log T) work (Hillis–Steele; the logarithm ignored); the loop is T steps.",
        note="The paper's CUDA kernels need a GPU; on one CPU core the parallel form does more "
        "work than the loop.",
    )


@row
def kronecker_factors() -> Row:
    """Kronecker approximation of a gradient covariance (m = n), from 4000 per-example gradients
    r xᵀ of least squares whose noise grows with the largest input: the covariance is not a
    Kronecker product, so the one step and the optimum differ."""
    from rederived.algorithms import shampoo

    def make(k):
        rng = np.random.default_rng(k)
        x = rng.normal(size=(4000, k)) * np.geomspace(0.3, 3, k)
        r = rng.normal(size=(4000, k)) * (1 + x[:, -1:] ** 2) * np.linspace(0.5, 2, k)
        return k, shampoo.covariance(np.einsum("si,sj->sij", r, x))

    def one_step(inputs):
        k, H = inputs
        return np.kron(*shampoo.kron_power_iteration(H, k, k, 1))

    def optimal(inputs):
        k, H = inputs
        return np.kron(*shampoo.optimal_kronecker(H, k, k))

    return Row(
        family="Kronecker factors",
        chapter="algorithms/shampoo-preconditioner",
        kernel="rederived.algorithms.shampoo.kron_power_iteration (one step: Shampoo's statistics)",
        baseline="top singular pair of the rearranged covariance (optimal_kronecker, SVD)",
        peer="",
        size_name="factor size m = n",
        sizes=(6, 9, 12, 18),
        make=make,
        run_kernel=one_step,
        run_baseline=optimal,
        error=lambda a, b: 1 - shampoo.cosine(a, b),
        error_name="1 − cosine between the two approximations",
        tolerance=0.01,
        fit_from=1,
        baseline_exact=False,
        faster_than_baseline=2.0,
        theory={"kernel": 4, "baseline": 6},
        theory_note="The covariance has (mn)² = k⁴ entries: one power step reads them once; "
        "the SVD of the k² × k² rearrangement costs k⁶.",
        note="The peers (optax-shampoo, heavyball) need JAX or PyTorch.",
    )


@row
def rounding_to_fp16() -> Row:
    """Rounding float64 numbers to fp16 (round to nearest, ties to even, subnormals)."""
    from rederived.algorithms.lowprec import count_different, round_to

    def make(n):
        # in fp16's normal range: magnitudes log-uniform from 2^-14 to 2^15.9, random signs
        rng = np.random.default_rng(n)
        return rng.choice([-1.0, 1.0], n) * 2.0 ** rng.uniform(-14, 15.9, n)

    def pychop_fp16(x):
        import pychop

        pychop.backend("numpy")
        return np.asarray(pychop.Chop(exp_bits=5, sig_bits=10, rmode=1)(x), dtype=np.float64)

    return Row(
        family="rounding to a format",
        chapter="algorithms/low-precision",
        kernel='rederived.algorithms.lowprec.round_to(x, "fp16")',
        baseline="NumPy's cast to float16 (compiled, one format only)",
        peer="pychop.Chop(exp_bits=5, sig_bits=10, rmode=1), NumPy back end",
        size_name="array length n",
        sizes=(10_000, 100_000, 400_000),
        make=make,
        run_kernel=lambda x: round_to(x, "fp16"),
        run_baseline=lambda x: x.astype(np.float16).astype(np.float64),
        run_peer=pychop_fp16,
        error=lambda a, b: float(count_different(a, b)),
        error_name="values rounded differently",
        tolerance=0.0,
        fit_from=1,
        theory={"kernel": 1, "baseline": 1, "peer": 1},
        theory_note="Elementwise: linear in n.",
        target=Target(
            "baseline",
            0.3,
            "NumPy casts in one compiled pass each way, for one format; round_to serves any "
            "format and rounding mode, and its path for rounding to nearest takes about ten "
            "NumPy passes over cache-sized blocks.",
        ),
        note="The inputs lie in fp16's normal range, where NumPy's compiled cast is at its "
        "fastest; below it (subnormal results) the kernel hands values to its general path and "
        "NumPy's cast slows down too. None lies beyond the range, where Pychop's results "
        "differ (see the low-precision chapter).",
    )


@row
def recurrence_gradients() -> Row:
    """Gradients of L = Σ w ⊙ H through a diagonal GRU (64 units, 32 inputs) over T steps."""
    from rederived.algorithms import pararnn

    cell = pararnn.DiagonalGRU.random(64, 32, seed=0)
    h0 = np.zeros(64)

    def make(T):
        rng = np.random.default_rng(T)
        x = rng.normal(size=(T, 32))
        return x, pararnn.sequential(cell, x, h0), rng.normal(size=(T, 64))

    def flat(grads):
        return np.concatenate([np.ravel(getattr(grads, n)) for n in ("a", "B", "b", "h0", "x")])

    return Row(
        family="recurrence gradients",
        chapter="algorithms/pararnn",
        kernel="rederived.algorithms.pararnn.backward (adjoint by the reversed parallel scan)",
        baseline="back-propagation through time, step by step (pararnn.backward_sequential)",
        peer="",
        size_name="sequence length T",
        sizes=(512, 1024, 2048, 4096),
        make=make,
        run_kernel=lambda x: flat(pararnn.backward(cell, x[0], h0, x[1], x[2])),
        run_baseline=lambda x: flat(pararnn.backward_sequential(cell, x[0], h0, x[1], x[2])),
        error=lambda a, b: float(np.max(np.abs(a - b)) / np.max(np.abs(b))),
        error_name="largest gradient difference, relative to the largest entry",
        tolerance=1e-12,
        fit_from=1,
        theory={"kernel": 1, "baseline": 1},
        theory_note="The reversed scan does O(T log T) work (the logarithm ignored); the "
        "step-by-step adjoint, T steps.",
        note="Automatic differentiation peers (JAX, PyTorch) were left out as heavy; the "
        "parameter sums dominate both, so on one core neither is faster.",
    )


@row
def gauss_newton_matrix() -> Row:
    """The Gauss–Newton matrix of softmax regression, 8 classes and 10 features, over S
    examples."""
    from rederived.algorithms import shampoo

    W = np.random.default_rng(0).normal(size=(8, 10)) * 0.3

    def make(S):
        return np.random.default_rng(S).normal(size=(S, 10))

    def einsum_gn(X):
        z = X @ W.T
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        lam = np.einsum("si,ik->sik", p, np.eye(8)) - p[:, :, None] * p[:, None, :]
        return np.einsum("sik,sj,sl->ijkl", lam, X, X, optimize=True).reshape(80, 80) / len(X)

    return Row(
        family="Gauss–Newton matrix",
        chapter="algorithms/shampoo-preconditioner",
        kernel="rederived.algorithms.shampoo.softmax_gauss_newton (one matrix product in the "
        "rearranged layout)",
        baseline="the sum of Λ ⊗ x xᵀ over the examples as one einsum",
        peer="",
        size_name="examples S",
        sizes=(1_000, 4_000, 16_000),
        make=make,
        run_kernel=lambda X: shampoo.softmax_gauss_newton(W, X),
        run_baseline=einsum_gn,
        error=lambda a, b: float(np.max(np.abs(a - b)) / np.max(np.abs(b))),
        error_name="largest difference, relative to the largest entry",
        tolerance=1e-12,
        fit_from=1,
        theory={"kernel": 1, "baseline": 1},
        theory_note="One pass over the S examples each, with a fixed 80 × 80 result.",
        note="Automatic-differentiation Hessians (JAX, PyTorch) would be the peers; left out "
        "as heavy for one matrix that has a closed form.",
    )


@row
def mixed_precision_refinement() -> Row:
    """A x = b with κ₂(A) = 100: half-precision LU (emulated), refined in single precision."""
    from rederived.algorithms import lowprec

    def make(n):
        rng = np.random.default_rng(n)
        U, _ = np.linalg.qr(rng.normal(size=(n, n)))
        V, _ = np.linalg.qr(rng.normal(size=(n, n)))
        A = (U * 100.0 ** (-np.arange(n) / (n - 1))) @ V.T
        return A, A @ rng.normal(size=n)

    return Row(
        family="mixed-precision refinement",
        chapter="algorithms/low-precision",
        kernel='rederived.algorithms.lowprec.iterative_refinement(A, b, "fp16", "fp32", 10)',
        baseline="LAPACK's single-precision solve (numpy.linalg.solve in float32)",
        peer="",
        size_name="matrix size n",
        sizes=(25, 50, 100, 200),
        make=make,
        run_kernel=lambda x: lowprec.iterative_refinement(*x, "fp16", "fp32", 10)[0][-1],
        run_baseline=lambda x: np.linalg.solve(
            x[0].astype(np.float32), x[1].astype(np.float32)
        ).astype(np.float64),
        error=lambda a, b: float(np.max(np.abs(a - b)) / np.max(np.abs(b))),
        error_name="largest difference from the single-precision solve, relative",
        tolerance=1e-4,
        fit_from=1,
        baseline_exact=False,
        theory={"kernel": 3, "baseline": 3},
        theory_note="Both factorise once (n³); the emulated factorization runs n vectorised "
        "elimination steps, whose per-call costs dominate at these sizes.",
        note="The factorization is emulated operation by operation (one rounding call per "
        "elimination step), so it is far slower than hardware half precision would be; the "
        "row measures what the emulation costs. pychop could emulate the same; it rounds "
        "whole arrays, which the elimination loop would call as often.",
    )
