"""The book's benchmark rows: every kernel family against its baseline and, where one exists, an
independent peer library, measured in one run.

A row is a :class:`Row`: what is compared, a size sweep, and three callables (the package's
kernel, the textbook baseline, the peer) that take the inputs built for one size. Adding a kernel
family to the Benchmarks chapter is adding one function decorated with :func:`row` here; the
chapter measures every registered row the same way (:func:`measure`).

Peers are imported lazily, so that ``rederived`` itself needs none of them: ``ramanujantools``
(polynomial continued fractions), ``sphericart`` (real spherical harmonics) and SymPy's
``real_gaunt`` (exact Gaunt coefficients); mpmath is the accuracy peer of the log-Bessel kernels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from rederived.book.benchmark import best_time, loglog_slope

__all__ = ["ROWS", "Measurement", "Row", "measure", "row"]


@dataclass(frozen=True)
class Row:
    """One kernel family of the benchmarks table.

    Parameters
    ----------
    family, chapter : str
        Name of the family and the chapter (docname below ``chapters/``) that derives it.
    kernel, baseline, peer : str
        What runs: the package's function, the textbook method, the peer library (or ``""``
        when no light peer exists, with the reason in ``note``).
    size_name : str
        What the sweep varies, e.g. ``"depth n"``.
    sizes : tuple of int
        The sweep; the cost exponent is fitted over ``sizes[fit_from:]``.
    make : callable(size) -> inputs
        Builds the (seeded) inputs for one size.
    run_kernel, run_baseline : callable(inputs) -> result
    run_peer : callable(inputs) -> result, optional
    peer_sizes : int, optional
        The peer runs on the first ``peer_sizes`` sizes only (a slow exact peer).
    error : callable(result, reference) -> float
        Disagreement of the kernel's result with another's (0 means identical).
    error_name : str
        What ``error`` measures.
    tolerance : float
        Largest disagreement accepted with the baseline and the peer.
    baseline_exact : bool
        Whether the baseline computes the same thing exactly (False: an approximation, whose
        disagreement is its own error, e.g. Monte Carlo).
    faster_than_baseline : float, optional
        A generous lower bound on time(baseline) / time(kernel) at the largest size, checked by
        :meth:`Measurement.check_speed`; None where the kernel is not meant to be faster.
    note : str
        What the reader should know about the comparison (a missing peer, a partial sweep).
    """

    family: str
    chapter: str
    kernel: str
    baseline: str
    peer: str
    size_name: str
    sizes: tuple[int, ...]
    make: Callable[[int], Any]
    run_kernel: Callable[[Any], Any]
    run_baseline: Callable[[Any], Any]
    error: Callable[[Any, Any], float]
    error_name: str
    tolerance: float
    run_peer: Callable[[Any], Any] | None = None
    peer_sizes: int | None = None
    fit_from: int = 1
    baseline_exact: bool = True
    faster_than_baseline: float | None = None
    note: str = ""


ROWS: dict[str, Callable[[], Row]] = {}


def row(fn: Callable[[], Row]) -> Callable[[], Row]:
    """Register a row factory under its function name (rows are built when measured, so that
    importing this module imports no peer)."""
    ROWS[fn.__name__] = fn
    return fn


@dataclass
class Measurement:
    """Times (s per call, best of ``repeat``) and disagreements of one row over its sweep."""

    row: Row
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[float]] = field(default_factory=dict)

    def sizes(self, who: str) -> list[int]:
        return list(self.row.sizes[: len(self.times[who])])

    def exponent(self, who: str) -> float | None:
        """Fitted cost exponent (log–log slope) over the fit range the ``who`` timings reach
        (None when they cover fewer than two sizes)."""
        sizes, times = self.sizes(who), self.times[who]
        if len(sizes) < 2:
            return None
        start = min(self.row.fit_from, len(sizes) - 2)
        return loglog_slope(sizes[start:], times[start:])

    def ratio(self, who: str) -> float:
        """time(who) / time(kernel) at the largest size both reached: > 1 means the kernel is
        faster."""
        k = len(self.times[who]) - 1
        return self.times[who][k] / self.times["kernel"][k]

    def check_speed(self) -> None:
        """Raise if the kernel is not faster than its baseline by the row's (generous) bound."""
        bound = self.row.faster_than_baseline
        if bound is not None and not self.ratio("baseline") > bound:
            raise AssertionError(
                f"{self.row.family}: the kernel is only {self.ratio('baseline'):.2f}x faster than "
                f"the baseline, expected > {bound}"
            )

    def worst_error(self, who: str) -> float:
        """Largest disagreement of ``who`` (baseline or peer) with the kernel over the sweep."""
        return max(self.errors[who])


def measure(factory: Callable[[], Row], *, repeat: int = 3) -> Measurement:
    """Time the kernel, the baseline and the peer of a row at every size (one run, best of
    ``repeat``), and measure how far each result is from the kernel's.

    Raises
    ------
    AssertionError
        If an exact baseline or the peer disagrees with the kernel beyond the row's tolerance.
    """
    r = factory()
    m = Measurement(r)
    runners = {"kernel": r.run_kernel, "baseline": r.run_baseline}
    if r.run_peer is not None:
        runners["peer"] = r.run_peer
    for who in runners:
        m.times[who] = []
        if who != "kernel":
            m.errors[who] = []
    for i, size in enumerate(r.sizes):
        inputs = r.make(size)
        result = r.run_kernel(inputs)
        for who, fn in runners.items():
            if who == "peer" and r.peer_sizes is not None and i >= r.peer_sizes:
                continue
            m.times[who].append(best_time(lambda fn=fn, x=inputs: fn(x), repeat=repeat))
            if who != "kernel":
                m.errors[who].append(float(r.error(result, fn(inputs))))
    for who in m.errors:
        if who == "baseline" and not r.baseline_exact:
            continue
        worst = m.worst_error(who)
        if not worst <= r.tolerance:
            raise AssertionError(f"{r.family}: {who} disagrees with the kernel: {worst:.3g}")
    return m


# --------------------------------------------------------------------------- the rows


def _max_relative(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), np.finfo(float).tiny))


def _unit_vectors(n: int, seed: int) -> np.ndarray:
    xyz = np.random.default_rng(seed).normal(size=(n, 3))
    return xyz / np.linalg.norm(xyz, axis=1, keepdims=True)


@row
def pcf_convergents() -> Row:
    """Apéry's continued fraction for 6/ζ(3): exact convergents at growing depth."""
    import sympy as sp
    from ramanujantools import Matrix
    from ramanujantools.pcf import PCF

    from rederived import pcf

    a, b = [5, 27, 51, 34], [0, 0, 0, 0, 0, 0, -1]
    n = sp.Symbol("n")
    peer = PCF(34 * n**3 + 51 * n**2 + 27 * n + 5, -(n**6))

    def exact(depth):
        p, q = pcf.convergents(a, b, depth)
        return Fraction(p, q)

    def sequential(depth):
        p, q = pcf.convergents_sequential(a, b, depth)[-1]
        return Fraction(p, q)

    def peer_limit(depth):
        Matrix._walk_inner.cache_clear()  # ramanujantools caches walks: time the work, not a lookup
        r = peer.limit(depth).as_rational()
        return Fraction(int(r.p), int(r.q))

    return Row(
        family="PCF convergents",
        chapter="experimental/polynomial-continued-fractions",
        kernel="rederived.pcf.convergents (balanced product tree)",
        baseline="three-term recurrence (pcf.convergents_sequential)",
        peer="ramanujantools PCF.limit (FLINT matrices)",
        size_name="depth n",
        sizes=(250, 500, 1000, 2000, 4000),
        make=lambda depth: depth,
        run_kernel=exact,
        run_baseline=sequential,
        run_peer=peer_limit,
        error=lambda x, y: float(x != y),
        error_name="1 if the convergents differ as exact fractions",
        tolerance=0.0,
        faster_than_baseline=1.2,
    )


@row
def real_harmonics() -> Row:
    """Real spherical harmonics of degree ≤ L at 500 points."""
    import sphericart
    from scipy import special

    from rederived import so3

    def textbook(inputs):
        L, xyz = inputs
        l, m = so3.sh_index(L)
        theta = np.arccos(np.clip(xyz[:, 2], -1, 1))
        phi = np.arctan2(xyz[:, 1], xyz[:, 0])
        Y = special.sph_harm_y(l[None, :], np.abs(m)[None, :], theta[:, None], phi[:, None])
        sign = np.where(m % 2 == 0, 1.0, -1.0)
        return np.where(
            m > 0, np.sqrt(2) * sign * Y.real, np.where(m < 0, np.sqrt(2) * sign * Y.imag, Y.real)
        )

    return Row(
        family="real spherical harmonics",
        chapter="symmetry/gaunt-tensor-products",
        kernel="rederived.so3.real_sph_harm (recurrence in cos θ, sin θ)",
        baseline="SciPy's complex sph_harm_y, made real",
        peer="sphericart SphericalHarmonics (same normalisation and order)",
        size_name="degree L",
        sizes=(4, 8, 16, 24, 32),
        make=lambda L: (L, _unit_vectors(500, seed=L)),
        run_kernel=lambda inputs: so3.real_sph_harm(*inputs),
        run_baseline=textbook,
        run_peer=lambda inputs: sphericart.SphericalHarmonics(inputs[0]).compute(inputs[1]),
        error=_max_relative,
        error_name="largest difference / largest value",
        tolerance=1e-10,
        fit_from=2,
        faster_than_baseline=3.0,
    )


@row
def gaunt_coefficients() -> Row:
    """Real-basis Gaunt coefficients of the triple (l, l, l), computed afresh (no cache)."""
    from sympy.physics.wigner import real_gaunt

    from rederived import gaunt, so3

    def fresh(l):
        gaunt._gaunt_dense.cache_clear()
        return gaunt.gaunt_coefficients(l, l, l)

    def quadrature(l):
        points, weights = so3.sphere_quadrature(3 * l)
        Y = so3.real_sph_harm(l, points)[:, l * l :]
        return np.einsum("p,pi,pj,pk->ijk", weights, Y, Y, Y, optimize=True)

    def exact(l):
        m = range(-l, l + 1)
        return np.array([[[float(real_gaunt(l, l, l, a, b, c)) for c in m] for b in m] for a in m])

    return Row(
        family="Gaunt coefficients",
        chapter="symmetry/gaunt-tensor-products",
        kernel="rederived.gaunt.gaunt_coefficients (trigonometric products, exact weights)",
        baseline="Gauss–Legendre × uniform quadrature of three harmonics",
        peer="SymPy real_gaunt (exact rational arithmetic)",
        size_name="degree l of (l, l, l)",
        sizes=(2, 4, 8, 12, 16),
        make=lambda l: l,
        run_kernel=fresh,
        run_baseline=quadrature,
        run_peer=exact,
        peer_sizes=1,
        error=lambda x, y: float(np.max(np.abs(np.asarray(x) - np.asarray(y)))),
        error_name="largest absolute difference",
        tolerance=1e-12,
        fit_from=2,
        note="SymPy's exact coefficients run on the smallest size only (a second each from l = 4).",
    )


@row
def gaunt_product() -> Row:
    """The full Gaunt tensor product of two batches of 64 features of degree L."""
    from rederived import gaunt

    def make(L):
        rng = np.random.default_rng(L)
        return rng.normal(size=(64, (L + 1) ** 2)), rng.normal(size=(64, (L + 1) ** 2)), L

    return Row(
        family="Gaunt tensor product",
        chapter="symmetry/gaunt-tensor-products",
        kernel='rederived.gaunt.tensor_product(method="grid")',
        baseline='dense contraction with the Gaunt tensor (method="direct")',
        peer="",
        size_name="degree L",
        sizes=(4, 6, 8, 12, 16),
        make=make,
        run_kernel=lambda x: gaunt.tensor_product(x[0], x[1], x[2], method="grid"),
        run_baseline=lambda x: gaunt.tensor_product(x[0], x[1], x[2], method="direct"),
        error=_max_relative,
        error_name="largest difference / largest value",
        tolerance=1e-12,
        fit_from=2,
        faster_than_baseline=5.0,
        note="The peers (e3nn, the papers' code) need PyTorch or JAX: left out of the book's "
        "environment.",
    )


@row
def log_bessel() -> Row:
    """log I_v(x) at random points, log-uniform in v ∈ [1e-2, 1e4] and x ∈ [1e-8, 1e5]."""
    import mpmath
    from scipy import special

    from rederived import bessel

    def make(n):
        rng = np.random.default_rng(n)
        return 10 ** rng.uniform(-2, 4, n), 10 ** rng.uniform(-8, 5, n)

    def scipy_form(inputs):
        v, x = inputs
        with np.errstate(all="ignore"):
            return np.log(special.ive(v, x)) + x

    def reference(inputs):
        v, x = inputs
        with mpmath.workdps(30):
            return np.array(
                [float(mpmath.log(mpmath.besseli(a, b))) for a, b in zip(v, x, strict=True)]
            )

    def units(computed, exact):
        v, x = make(len(exact))
        with np.errstate(all="ignore"):
            e = bessel.error_units(computed, exact, v, x)
        return float(np.max(np.where(np.isfinite(e), e, np.inf)))

    return Row(
        family="log-Bessel",
        chapter="approximation/log-bessel",
        kernel="rederived.bessel.log_iv (series, Debye, Hankel, SciPy by region)",
        baseline="SciPy log(ive(v, x)) + x (fails where ive underflows)",
        peer="mpmath besseli at 30 digits (accuracy reference)",
        size_name="points",
        sizes=(100, 1_000, 10_000, 100_000, 300_000),
        make=make,
        run_kernel=lambda inputs: bessel.log_iv(*inputs),
        run_baseline=scipy_form,
        run_peer=reference,
        peer_sizes=1,
        error=units,
        error_name="largest error in rounding units (ε·conditioning; inf where not finite)",
        tolerance=100.0,
        fit_from=2,
        baseline_exact=False,
        note="SciPy's form returns -inf or nan on part of the range, so its disagreement is "
        "infinite there; mpmath runs on the smallest size only.",
    )


@row
def relu_kernel() -> Row:
    """The ReLU random-feature kernel matrix of n points on the sphere S^3."""
    from rederived import random_features

    def make(n):
        return random_features.sphere_points(n, 3, seed=n)

    def monte_carlo(X, features=2048):
        rng = np.random.default_rng(0)
        W = rng.normal(scale=np.sqrt(1.0 / X.shape[1]), size=(X.shape[1], features))
        b = rng.normal(size=features)
        phi = np.maximum(X @ W + b, 0.0)
        return phi @ phi.T / features

    return Row(
        family="ReLU kernel",
        chapter="scaling/four-regimes",
        kernel="rederived.random_features.relu_kernel (closed form, cache-sized blocks)",
        baseline="average over 2048 random ReLU features (Monte Carlo)",
        peer="",
        size_name="points n",
        sizes=(256, 512, 1024, 2048, 4096),
        make=make,
        run_kernel=lambda X: random_features.relu_kernel(X, X),
        run_baseline=monte_carlo,
        error=_max_relative,
        error_name="largest difference / largest value (the Monte Carlo error)",
        tolerance=0.2,
        fit_from=2,
        baseline_exact=False,
        faster_than_baseline=1.2,
        note="No light peer computes the arc-cosine kernel (neural-tangents needs JAX).",
    )


@row
def gaussian_paths() -> Row:
    """2000 paths of the stationary process of 2-D diffusion (persistence chapter)."""
    from rederived import persistence

    f = persistence.diffusion_correlation(2)
    dt = 0.1

    def cholesky_paths(n):
        lags = np.abs(np.subtract.outer(np.arange(n), np.arange(n))) * dt
        L = np.linalg.cholesky(f(lags) + 1e-12 * np.eye(n))
        return np.random.default_rng(n).standard_normal((2000, n)) @ L.T

    def correlation_gap(x, y):
        lags = range(0, min(x.shape[1], 40), 5)
        cx = [np.mean(x[:, : x.shape[1] - k] * x[:, k:]) for k in lags]
        cy = [np.mean(y[:, : y.shape[1] - k] * y[:, k:]) for k in lags]
        return float(np.max(np.abs(np.subtract(cx, cy))))

    return Row(
        family="stationary Gaussian paths",
        chapter="stochastic/persistence-iia",
        kernel="rederived.persistence.simulate_stationary (circulant embedding, FFT)",
        baseline="Cholesky factor of the covariance matrix, O(n³) once, then O(n²) per path",
        peer="",
        size_name="points per path n",
        sizes=(128, 256, 512, 1024, 2048),
        make=lambda n: n,
        run_kernel=lambda n: persistence.simulate_stationary(f, dt, n, 2000, seed=n),
        run_baseline=cholesky_paths,
        error=correlation_gap,
        error_name="largest gap between the two samples' lag correlations (Monte Carlo)",
        tolerance=0.1,
        fit_from=2,
        baseline_exact=False,
        faster_than_baseline=2.0,
        note="Random samples: they agree in distribution, so the gap measured is sampling noise. "
        "No light peer samples Gaussian processes (GPyTorch needs PyTorch).",
    )


@row
def hamming_distances() -> Row:
    """Text-to-pattern Hamming distances, text of 50 000 symbols over an alphabet of 1024."""
    from rederived import hamming

    def make(m):
        rng = np.random.default_rng(m)
        return rng.integers(0, 1024, 50_000), rng.integers(0, 1024, m)

    return Row(
        family="text-to-pattern Hamming",
        chapter="algorithms/hamming-distances",
        kernel="rederived.hamming.text_to_pattern (Abrahamson's split)",
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
        note="No PyPI package implements these algorithms.",
    )


@row
def newton_recurrence() -> Row:
    """A diagonal GRU (64 units, 32 inputs) over T steps: Newton with a parallel scan."""
    from rederived import pararnn

    cell = pararnn.DiagonalGRU.random(64, 32, seed=0)
    h0 = np.zeros(64)

    def make(T):
        return np.random.default_rng(T).normal(size=(T, 32))

    return Row(
        family="nonlinear recurrence",
        chapter="algorithms/pararnn",
        kernel="rederived.pararnn.newton (6 iterations, Hillis–Steele scan)",
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
        note="The paper's CUDA kernels need a GPU; on one CPU core the parallel form does more "
        "work than the loop.",
    )


@row
def kronecker_factors() -> Row:
    """Kronecker approximation of a gradient covariance (m = n), from 4000 gradient samples."""
    from rederived import shampoo

    def make(k):
        rng = np.random.default_rng(k)
        G = rng.normal(size=(4000, k, k)) * np.geomspace(0.3, 3, k)
        return k, shampoo.covariance(G)

    def one_step(inputs):
        k, H = inputs
        return np.kron(*shampoo.kron_power_iteration(H, k, k, 1))

    def optimal(inputs):
        k, H = inputs
        return np.kron(*shampoo.optimal_kronecker(H, k, k))

    return Row(
        family="Kronecker factors",
        chapter="algorithms/shampoo-preconditioner",
        kernel="rederived.shampoo.kron_power_iteration (one step: Shampoo's statistics)",
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
        note="The peers (optax-shampoo, heavyball) need JAX or PyTorch.",
    )


@row
def rounding_to_fp16() -> Row:
    """Rounding float64 numbers to fp16 (round to nearest, ties to even, subnormals)."""
    from rederived.lowprec import count_different, round_to

    def make(n):
        rng = np.random.default_rng(n)
        return rng.normal(size=n) * 10.0 ** rng.uniform(-8, 4, n)

    def pychop_fp16(x):
        import pychop

        pychop.backend("numpy")
        return np.asarray(pychop.Chop(exp_bits=5, sig_bits=10, rmode=1)(x), dtype=np.float64)

    return Row(
        family="rounding to a format",
        chapter="algorithms/low-precision",
        kernel='rederived.lowprec.round_to(x, "fp16")',
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
        note="The inputs span twelve decades, so many are subnormal or overflow in fp16, where "
        "NumPy's compiled cast is slow too; on ordinary inputs it is much faster.",
    )


@row
def sgd_expected_loss() -> Row:
    """Expected loss of one-pass SGD on a PLRF model (d = 128), at T steps."""
    from rederived import plrf

    problem = plrf.plrf(1.0, 0.8, 128, 512, seed=0)
    lr = 0.5 / problem.eigenvalues.sum()

    def stepped(T):
        lam = problem.eigenvalues
        s = (problem.eigenvectors.T @ problem.theta_star) ** 2
        noise = 2 * problem.limit_loss
        for _ in range(T):
            s = (1 - lr * lam) ** 2 * s + lr**2 * lam * (lam * s + lam @ s + noise)
        return problem.limit_loss + 0.5 * lam @ s

    return Row(
        family="expected SGD loss",
        chapter="scaling/four-plus-three-phases",
        kernel="rederived.plrf.expected_loss (eigendecomposition once, any t)",
        baseline="stepping the second-moment recursion t times",
        peer="",
        size_name="steps t",
        sizes=(1000, 4000, 16_000),
        make=lambda T: T,
        run_kernel=lambda T: float(plrf.expected_loss(problem, [T], lr)[0]),
        run_baseline=stepped,
        error=lambda a, b: abs(a - b) / abs(b),
        error_name="relative difference of the expected loss",
        tolerance=1e-9,
        fit_from=1,
        faster_than_baseline=3.0,
        note="No package computes this model's loss curve; the closed form's cost does not grow "
        "with t (after its first call the eigendecomposition is cached).",
    )


@row
def character_expansion() -> Row:
    """Sp(2n) expansion of ∏(1 + x_i² + x_i⁻²): a determinant per coefficient against
    multiplying by the whole Weyl denominator."""
    from rederived import characters

    def differences(a, b):
        return float(len(set(a.items()) ^ set(b.items())))

    return Row(
        family="character expansions",
        chapter="symmetry/classical-group-characters",
        kernel="rederived.characters.expand_product (one n × n integer determinant per term)",
        baseline="characters.expand_sp: the product times the expanded Weyl denominator",
        peer="",
        size_name="rank n",
        sizes=(2, 3, 4),
        make=lambda n: (n, characters.product_of({0: 1, 2: 1, -2: 1}, n)),
        run_kernel=lambda inputs: characters.expand_product({0: 1, 2: 1, -2: 1}, inputs[0], "C"),
        run_baseline=lambda inputs: characters.expand_sp(inputs[1], inputs[0]),
        error=differences,
        error_name="number of (weight, coefficient) pairs that differ",
        tolerance=0.0,
        fit_from=0,
        faster_than_baseline=10.0,
        note="Exact integer arithmetic on both sides. SageMath's WeylCharacterRing would be the "
        "peer, but it is far from a light wheel; the baseline's 2^n n! denominator terms are what "
        "stops it near n = 5.",
    )
