"""Benchmark rows of Part V (stochastic processes)."""

from __future__ import annotations

import itertools

import numpy as np

from rederived.benchmarks import Row, _max_relative, row


@row
def gaussian_paths() -> Row:
    """2000 paths of the stationary process of 2-D diffusion (persistence chapter)."""
    from rederived.stochastic import persistence

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
        kernel="rederived.stochastic.persistence.simulate_stationary (circulant embedding, FFT)",
        baseline="Cholesky factor of the covariance matrix, O(n³) once, then O(n²) per path",
        peer="",
        size_name="points per path n",
        sizes=(128, 256, 512, 1024, 1536),
        make=lambda n: n,
        run_kernel=lambda n: persistence.simulate_stationary(f, dt, n, 2000, seed=n),
        run_baseline=cholesky_paths,
        error=correlation_gap,
        error_name="largest gap between the two samples' lag correlations (Monte Carlo)",
        tolerance=0.1,
        fit_from=2,
        baseline_exact=False,
        faster_than_baseline=2.0,
        theory={"kernel": 1, "baseline": 2},
        theory_note="Per path: an FFT of twice the length (n log n; the logarithm ignored). The "
        "baseline: a Cholesky factor once (n³/3) and n² per path, the paths dominating at "
        "these sizes.",
        note="Random samples: they agree in distribution, so the gap measured is sampling noise. "
        "No light peer samples Gaussian processes (GPyTorch needs PyTorch).",
    )


@row
def ginibre_moduli() -> Row:
    """Moduli of the eigenvalues of 4 complex Ginibre matrices of size N (unit disk)."""
    from rederived.stochastic import coulomb

    def mean_square(a, b):
        # the two samples' mean |z|², exactly (N + 1)/(2N) in expectation: a Monte Carlo gap
        return float(abs(np.mean(np.abs(a) ** 2) - np.mean(np.abs(b) ** 2)))

    return Row(
        family="Ginibre eigenvalue moduli",
        chapter="stochastic/coulomb-gas-cumulants",
        kernel="rederived.stochastic.coulomb.kostlan_moduli (Kostlan: independent Gamma variables)",
        baseline="eigenvalues of sampled matrices (coulomb.ginibre_eigenvalues, LAPACK)",
        peer="",
        size_name="matrix size N",
        sizes=(25, 50, 100, 200),
        make=lambda N: N,
        run_kernel=lambda N: coulomb.kostlan_moduli(N, 4, seed=N),
        run_baseline=lambda N: np.abs(coulomb.ginibre_eigenvalues(N, 4, seed=N)),
        error=mean_square,
        error_name="gap between the two samples' mean |z|² (Monte Carlo)",
        tolerance=0.1,
        fit_from=1,
        baseline_exact=False,
        faster_than_baseline=10.0,
        theory={"kernel": 1, "baseline": 3},
        theory_note="Kostlan's theorem gives the N moduli as independent draws (N per matrix); "
        "the eigenvalues of a dense N × N matrix cost N³.",
        note="Random samples: they agree in distribution, so the gap is sampling noise. No "
        "light peer samples the ensemble's moduli directly.",
    )


@row
def chain_stationary_density() -> Row:
    """The stationary density of a Markov chain on a grid of n points: a discretised
    autoregression x → 0.9x + 0.3·ξ (Gaussian columns, normalised) on [−3, 3]."""
    from rederived.stochastic import diffusion

    def make(n):
        x = np.linspace(-3.0, 3.0, n)
        K = np.exp(-((x[:, None] - 0.9 * x[None, :]) ** 2) / (2 * 0.3**2))
        return K / K.sum(axis=0), x

    def power_iteration(inputs):
        # the textbook route: push a density through the chain until it stops changing
        K, x = inputs
        p = np.full(x.size, 1.0 / x.size)
        for _ in range(10_000):
            new = K @ p
            new /= new.sum()
            if np.max(np.abs(new - p)) <= 1e-15 * np.max(new):
                p = new
                break
            p = new
        return p / np.trapezoid(p, x)

    return Row(
        family="stationary densities",
        chapter="stochastic/state-dependent-diffusion",
        kernel="rederived.stochastic.diffusion.chain_stationary (eigenvector of eigenvalue 1)",
        baseline="power iteration to a fixed point",
        peer="",
        size_name="grid points n",
        sizes=(100, 200, 300, 400),
        make=make,
        run_kernel=lambda inputs: diffusion.chain_stationary(*inputs),
        run_baseline=power_iteration,
        error=lambda a, b: float(np.max(np.abs(a - b)) / np.max(np.abs(b))),
        error_name="largest difference / largest value",
        tolerance=1e-10,
        fit_from=1,
        theory={"kernel": 3, "baseline": 2},
        theory_note="A dense eigendecomposition costs n³; power iteration n² per step, with a "
        "number of steps set by the chain's mixing (0.9 per step here), not by n.",
        note="The kernel is slower: it takes every eigenvector of the dense matrix (and checks "
        "that the one of eigenvalue 1 is a density), where this chain, which mixes fast, needs "
        "a few hundred products at most; a linear solve of (K − I)p = 0 with the normalisation "
        "would also be faster. SciPy's eigs (ARPACK) finds only the leading eigenvectors; not "
        "compared here.",
    )


@row
def ring_oscillators() -> Row:
    """Rings of 256 phase oscillators with odd and even coupling (K = 1, c = 3) and noise
    (D = 0.05), 100 Euler steps, widths recorded at 8 times: the synchronization chapter's
    KPZ regime, shortened."""
    from rederived.stochastic import sync

    L, K, c, D, dt, t_max, n_out = 256, 1.0, 3.0, 0.05, 0.05, 5.0, 8

    def euler(replicas):
        # the textbook step: both neighbours' differences by np.roll, two sines and two
        # cosines, fresh arrays every step; the same generator draws the same noise
        rng = np.random.default_rng(replicas)
        steps = round(t_max / dt)
        record = set(np.unique(np.geomspace(1, steps, n_out).astype(int)).tolist())
        phi, widths = np.zeros((replicas, L)), []
        for step in range(1, steps + 1):
            right = np.roll(phi, -1, axis=1) - phi
            left = np.roll(phi, 1, axis=1) - phi
            drift = np.sin(right) + np.sin(left) + c * (2 - np.cos(right) - np.cos(left))
            phi = phi + K * dt * drift + np.sqrt(2 * D * dt) * rng.standard_normal(phi.shape)
            if step in record:
                widths.append(np.var(phi, axis=1))
        return np.array(widths)

    return Row(
        family="oscillator rings",
        chapter="stochastic/sync-ew-kpz",
        kernel="rederived.stochastic.sync.simulate_ring (one sine and one cosine per bond, "
        "buffers reused)",
        baseline="Euler steps with np.roll, each bond's sine and cosine computed for both of "
        "its oscillators",
        peer="",
        size_name="rings of 256",
        sizes=(4, 8, 16),
        make=lambda replicas: replicas,
        run_kernel=lambda replicas: (
            sync.simulate_ring(
                L,
                replicas,
                K=K,
                c=c,
                D=D,
                disorder="noise",
                dt=dt,
                t_max=t_max,
                n_out=n_out,
                seed=replicas,
            ).width2
        ),
        run_baseline=euler,
        error=_max_relative,
        error_name="largest difference of the recorded squared widths / largest",
        tolerance=1e-12,
        fit_from=1,
        faster_than_baseline=1.1,
        theory={"kernel": 1, "baseline": 1},
        theory_note="Every step touches every oscillator once.",
        note="The same generator draws the same noise in both, so the widths agree to "
        "rounding. No light peer integrates oscillator rings.",
    )


@row
def hessian_curvature() -> Row:
    """The scalar curvature of a Hessian metric in m dimensions: a random positive definite
    g and a random totally symmetric third-derivative tensor T (the Fisher chapter's
    g and T have m = 2L² bonds)."""
    from rederived.stochastic import fisher

    def make(m):
        rng = np.random.default_rng(m)
        X = rng.normal(size=(4 * m, m))
        A = rng.normal(size=(m, m, m))
        T = sum(A.transpose(p) for p in itertools.permutations(range(3))) / 6
        return X.T @ X / (4 * m), T

    def riemann_tensor(inputs):
        # the textbook route: Christoffel symbols, their derivatives, the whole Riemann
        # tensor R^l_ijk (m⁴ numbers), Ricci, then the trace. For a Hessian metric
        # Γ^l_ik = ½ g^la T_aik, and ∂_j Γ^l_ik = −g^lb T_bcj Γ^c_ik plus a fourth-derivative
        # term symmetric in i, j, k that cancels in R.
        g, T = inputs
        G = np.linalg.inv(g)
        gamma = 0.5 * np.einsum("la,aik->lik", G, T)
        d_gamma = -np.einsum("lb,bcj,cik->likj", G, T, gamma, optimize=True)
        R = (
            np.einsum("likj->lijk", d_gamma)
            - d_gamma
            + np.einsum("ljm,mik->lijk", gamma, gamma, optimize=True)
            - np.einsum("lkm,mij->lijk", gamma, gamma, optimize=True)
        )
        return float(np.einsum("ik,ik->", G, np.einsum("jijk->ik", R)))

    return Row(
        family="Hessian-metric curvature",
        chapter="stochastic/fisher-curvature",
        kernel="rederived.stochastic.fisher.curvature (four contractions of g⁻¹ and T)",
        baseline="Christoffel symbols, their derivatives and the whole Riemann tensor, then "
        "its traces",
        peer="",
        size_name="dimension m",
        sizes=(12, 16, 24, 32),
        make=make,
        run_kernel=lambda inputs: fisher.curvature(*inputs).R,
        run_baseline=riemann_tensor,
        error=lambda a, b: abs(a - b) / abs(b),
        error_name="relative difference of the scalar curvatures",
        tolerance=1e-10,
        fit_from=1,
        faster_than_baseline=3.0,
        theory={"kernel": 4, "baseline": 5},
        theory_note="Each of the kernel's four contractions has six indices: two reduce to "
        "traces and cost m³ in the best order, the other two m⁴; the Riemann tensor has m⁴ "
        "entries, each a sum of m products (m⁵). The kernel also checks g and T (symmetry, "
        "definiteness: m³).",
        note="Random g and T: the cost does not depend on where they come from. No light "
        "peer computes curvature of a Hessian metric from its derivatives (a symbolic "
        "package would differentiate a potential, which this problem does not have).",
    )
