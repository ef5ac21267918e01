"""Benchmark rows of Part III (approximating functions)."""

from __future__ import annotations

import numpy as np

from rederived.benchmarks import Row, Target, row


def _bessel_points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n points log-uniform in v ∈ [1e-2, 1e4] and x ∈ [1e-8, 1e5] (the log-Bessel rows)."""
    rng = np.random.default_rng(seed)
    return 10 ** rng.uniform(-2, 4, n), 10 ** rng.uniform(-8, 5, n)


def _rounding_units(make):
    """The disagreement of the log-Bessel rows: the largest error in the units of
    ``bessel.error_units`` at the points ``make`` drew (inf where a result is not finite)."""
    from rederived.approximation import bessel

    def units(computed, exact):
        v, x = make(len(exact))
        with np.errstate(all="ignore"):
            e = bessel.error_units(computed, exact, v, x)
        return float(np.max(np.where(np.isfinite(e), e, np.inf)))

    return units


@row
def log_bessel() -> Row:
    """log I_v(x) at random points, log-uniform in v ∈ [1e-2, 1e4] and x ∈ [1e-8, 1e5]."""
    import mpmath
    from scipy import special

    from rederived.approximation import bessel

    def make(n):
        return _bessel_points(n, seed=n)

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

    return Row(
        family="log-Bessel",
        chapter="approximation/log-bessel",
        kernel="rederived.approximation.bessel.log_iv (series, Debye, Hankel, SciPy by region)",
        baseline="SciPy log(ive(v, x)) + x (fails where ive underflows)",
        peer="mpmath besseli at 30 digits (accuracy reference)",
        size_name="points",
        sizes=(100, 1_000, 10_000, 100_000, 300_000),
        make=make,
        run_kernel=lambda inputs: bessel.log_iv(*inputs),
        run_baseline=scipy_form,
        run_peer=reference,
        peer_sizes=1,
        peer_timed=False,
        error=_rounding_units(make),
        error_name="largest error in rounding units (ε·conditioning; inf where not finite)",
        tolerance=100.0,
        fit_from=2,
        baseline_exact=False,
        theory={"kernel": 1, "baseline": 1},
        theory_note="Elementwise: linear in the number of points.",
        target=Target(
            "baseline",
            1.0,
            "The sweep's points are the log-Bessel chapter's distribution, log-uniform over "
            "the box v ∈ [1e-2, 1e4], x ∈ [1e-8, 1e5] that the chapter tests (its whole "
            "domain in the sense of the target of 0.8×, which the box's 1× covers); SciPy's "
            "form fails on part of it, and the kernel's time goes mostly to the series region.",
        ),
        note="SciPy's form returns -inf or nan on part of the range, so its disagreement is "
        "infinite there; mpmath runs on the smallest size only.",
    )


@row
def magnitude_update() -> Row:
    """The magnitude of a point cloud with one point added, at t = 5: the one-point update
    against a fresh weighting of the enlarged cloud."""
    from scipy.spatial.distance import cdist

    from rederived.approximation import magnitude

    def make(n):
        points = np.random.default_rng(n).uniform(size=(n + 1, 2))
        D = cdist(points, points)
        return magnitude.weighting(D[:n, :n], 5.0, check=False), D

    def update(inputs):
        base, D = inputs
        n = base.w.size
        return magnitude.add_point(base, D[:n, :n], D[n, :n])[1]

    return Row(
        family="magnitude, one point added",
        chapter="approximation/metric-space-magnitude",
        kernel="rederived.approximation.magnitude.add_point (Schur complement with the stored "
        "factors of Z)",
        baseline="a fresh weighting of the enlarged space (Cholesky of the new Z)",
        peer="",
        size_name="points n",
        sizes=(200, 400, 800, 1600),
        make=make,
        run_kernel=update,
        run_baseline=lambda inputs: magnitude.weighting(inputs[1], 5.0, check=False).magnitude,
        error=lambda a, b: abs(a - b) / abs(b),
        error_name="relative difference of the magnitudes",
        tolerance=1e-10,
        faster_than_baseline=1.5,
        theory={"kernel": 2, "baseline": 3},
        theory_note="The update solves with stored triangular factors (n²); a fresh weighting "
        "factorises Z (n³/3). Both also evaluate n² exponentials.",
        note="No peer is installed: magnipy (PyPI) computes magnitude but is not a dependency; "
        "the chapter checks weightings against closed forms instead. Both sides compute the new "
        "exponentials exp(-tD), O(n²), so the update's gain grows slowly.",
    )


@row
def log_bessel_k() -> Row:
    """log K_v(x) over the same domain as log I_v: log-uniform v ∈ [1e-2, 1e4], x ∈ [1e-8, 1e5]."""
    import mpmath
    from scipy import special

    from rederived.approximation import bessel

    def make(n):
        return _bessel_points(n, seed=n + 1)

    def scipy_form(inputs):
        v, x = inputs
        with np.errstate(all="ignore"):
            return np.log(special.kve(v, x)) - x

    def one(a, b):
        try:  # 50 working digits: at 30, besselk(156.6, 101.0) kept five (cancellation)
            with mpmath.workdps(50):
                return float(mpmath.log(mpmath.besselk(a, b)))
        except mpmath.libmp.NoConvergence:  # its series give up: the integral representation
            return bessel.log_kv_reference(a, b, 30)

    def reference(inputs):
        return np.array([one(a, b) for a, b in zip(*inputs, strict=True)])

    return Row(
        family="log-Bessel K",
        chapter="approximation/log-bessel",
        kernel="rederived.approximation.bessel.log_kv (Debye, Hankel, small x, SciPy by region)",
        baseline="SciPy log(kve(v, x)) − x (fails where kve overflows)",
        peer="mpmath besselk at 50 digits (accuracy reference; its integral where the series "
        "do not converge)",
        size_name="points",
        sizes=(60, 1_000, 10_000, 100_000, 300_000),
        make=make,
        run_kernel=lambda inputs: bessel.log_kv(*inputs),
        run_baseline=scipy_form,
        run_peer=reference,
        peer_sizes=1,
        peer_timed=False,
        error=_rounding_units(make),
        error_name="largest error in rounding units (ε·conditioning; inf where not finite)",
        tolerance=100.0,
        fit_from=2,
        baseline_exact=False,
        theory={"kernel": 1, "baseline": 1},
        theory_note="Elementwise: linear in the number of points.",
        target=Target(
            "baseline",
            1.0,
            "On the chapter's distribution, log-uniform over the same box as log I's (1× for "
            "it); SciPy's form overflows on part of it. Little room: on about half of "
            "the points the kernel runs the same kve (or a recurrence where kve overflows), "
            "and Debye's and Hankel's expansions, two to four times faster than kve where they "
            "serve, win back only the time spent choosing the method per point.",
        ),
        note="SciPy's form returns inf on part of the range, so its disagreement is infinite "
        "there; mpmath runs on the smallest size only, at 50 working digits: at 30, its besselk "
        "can lose digits to cancellation (at v = 156.58795264684554, x = 101.02041732707357 it "
        "kept five).",
    )


@row
def eim_greedy() -> Row:
    """Twenty steps of the empirical-interpolation greedy on n × n samples of
    f(x, y) = 1/(1 + 25(x − y²)²) on [0, 1]²."""
    from rederived.approximation import eim

    def make(n):
        x = np.linspace(0.0, 1.0, n)
        return 1.0 / (1.0 + 25.0 * (x[:, None] - x[None, :] ** 2) ** 2)

    def kernel(F):
        return eim.greedy(F, 20).interpolant(F, 20)

    def from_scratch(F):
        # the textbook greedy: at every step the interpolant on the points so far is solved
        # afresh from the original samples (no rank-one update of the residual)
        xs, cols = [], []
        R = F
        for _ in range(20):
            y = int(np.argmax(np.abs(R).max(axis=0)))
            x = int(np.argmax(np.abs(R[:, y])))
            xs.append(x)
            cols.append(y)
            B = F[:, cols]
            R = F - B @ np.linalg.solve(B[xs], F[xs])
        return F - R

    def pymor(F):
        from pymor.algorithms.ei import ei_greedy
        from pymor.core.logger import set_log_levels
        from pymor.vectorarrays.numpy import NumpyVectorSpace

        set_log_levels({"pymor": "ERROR"})
        # the columns of F are the snapshot vectors (pyMOR's arrays hold vectors as columns)
        dofs, basis, _ = ei_greedy(
            NumpyVectorSpace(F.shape[0]).from_numpy(F),
            error_norm="sup",
            max_interpolation_dofs=20,
        )
        B = basis.to_numpy()
        return B @ np.linalg.solve(B[dofs], F[dofs])

    return Row(
        family="empirical interpolation",
        chapter="approximation/empirical-interpolation",
        kernel="rederived.approximation.eim.greedy (rank-one updates of the residual)",
        baseline="the greedy re-solving the interpolant from the samples at every step",
        peer="pyMOR ei_greedy (maximum norm)",
        size_name="grid n (n × n samples)",
        sizes=(150, 300, 600, 1000),
        make=make,
        run_kernel=kernel,
        run_baseline=from_scratch,
        run_peer=pymor,
        error=lambda a, b: float(np.max(np.abs(a - b))),
        error_name="largest difference of the 20-point interpolants",
        tolerance=1e-10,
        fit_from=1,
        theory={"kernel": 2, "baseline": 2, "peer": 2},
        theory_note="Each of the 20 steps touches the n² samples (the baseline forms a new "
        "n × n residual per step, k times the work at step k): all quadratic in n.",
        note="pyMOR takes the columns of the sample matrix as snapshot vectors; its "
        "interpolant is formed here from its points and basis the same way as the kernel's.",
    )


@row
def float32_scan() -> Row:
    """The largest ULP error of NumPy's float32 exp at every float32 number of [1, 1 + n·2^-23)
    against its float64 value: an exhaustive scan by bit pattern."""
    from rederived.approximation import float32

    def make(n):
        return np.float32(1.0), float(np.float32(1.0) + np.float32(n * 2.0**-23))

    def kernel(interval):
        return float32.scan_float32(np.exp, np.exp, interval).max_ulp

    def whole_array(interval):
        # the direct way: every input at once, one array of the whole interval
        lo, hi = (np.array(v, dtype=np.float32).view(np.uint32) for v in interval)
        x = np.arange(lo, hi + 1, dtype=np.uint32).view(np.float32)
        return float(float32.ulp_error(np.exp(x), np.exp(x.astype(np.float64))).max())

    return Row(
        family="exhaustive float32 scan",
        chapter="approximation/autonumerics-zero",
        kernel="rederived.approximation.float32.scan_float32 (cache-sized chunks of bit patterns)",
        baseline="every input of the interval in one array",
        peer="",
        size_name="float32 inputs n",
        sizes=(2**15, 2**17, 2**19, 2**21),
        make=make,
        run_kernel=kernel,
        run_baseline=whole_array,
        error=lambda a, b: abs(a - b),
        error_name="difference of the largest ULP errors found",
        tolerance=0.0,
        fit_from=1,
        theory={"kernel": 1, "baseline": 1},
        theory_note="One evaluation per float32 input, linear in n.",
        note="No light library scans every float32 input; the package's tests plant a one-ULP "
        "error at a known input and check that the scan finds it.",
    )


@row
def minimax_polynomial() -> Row:
    """The minimax polynomial of degree d for e^x on [−0.35, 0.35] (relative error)."""
    import mpmath

    from rederived.approximation import approx

    grid = np.linspace(-0.35, 0.35, 4001)

    def kernel(d):
        return float(approx.remez(mpmath.exp, (-0.35, 0.35), d).levelled_error)

    def chebyshev(d):
        # interpolation at the Chebyshev points: near-minimax, no exchange
        p = np.polynomial.Chebyshev.interpolate(np.exp, d, domain=[-0.35, 0.35])
        return float(np.max(np.abs(p(grid) / np.exp(grid) - 1)))

    return Row(
        family="minimax polynomials",
        chapter="approximation/autonumerics-zero",
        kernel="rederived.approximation.approx.remez (Remez exchange in mpmath)",
        baseline="interpolation at Chebyshev points (NumPy), its largest relative error",
        peer="",
        size_name="degree d",
        sizes=(3, 4, 5, 6),
        make=lambda d: d,
        run_kernel=kernel,
        run_baseline=chebyshev,
        error=lambda minimax, other: max(0.0, minimax / other - 1),
        error_name="how far the minimax error exceeds the interpolant's (0: no polynomial of "
        "the degree does better than the minimax one)",
        tolerance=1e-6,
        fit_from=1,
        theory={"kernel": 2, "baseline": 1},
        theory_note="Each exchange evaluates the degree-d error in mpmath on a 400-point grid and "
        "refines d + 2 extrema (O(d) per evaluation: d² per exchange); the interpolant's cost is "
        "its evaluation on 4001 points, d per point.",
        note="The kernel is slower: it works in mpmath at 30 digits and iterates the exchange "
        "until the extrema are level to 1e-10; the Chebyshev interpolant is one NumPy transform, "
        "with a somewhat larger largest error. baryrat (PyPI) computes "
        "best rational approximations; it is not a dependency of the book.",
    )


@row
def straight_line_program() -> Row:
    """A straight-line program (the Horner form of the degree-8 Taylor polynomial of e^x)
    evaluated in float64 at n points of [−0.35, 0.35]."""
    import mpmath

    from rederived.approximation import approx, programs

    taylor = approx.taylor(mpmath.exp, 0.0, 8)
    program = programs.Program.from_approximant(taylor)
    coefficients = np.array([float(c) for c in taylor.numerator])

    def make(n):
        return np.random.default_rng(n).uniform(-0.35, 0.35, n)

    return Row(
        family="straight-line programs",
        chapter="approximation/autonumerics-zero",
        kernel="rederived.approximation.programs.Program (one NumPy operation per instruction)",
        baseline="NumPy's polynomial.polyval of the coefficients (Horner's rule, one array "
        "operation per step, each result a new array)",
        peer="",
        size_name="points n",
        sizes=(10_000, 100_000, 1_000_000),
        make=make,
        run_kernel=program,
        run_baseline=lambda x: np.polynomial.polynomial.polyval(x, coefficients),
        error=lambda a, b: float(np.max(np.abs(a - b) / np.abs(b))),
        error_name="largest relative difference",
        tolerance=1e-14,
        fit_from=1,
        theory={"kernel": 1, "baseline": 1},
        theory_note="A fixed number of operations per point.",
        note="The paper evaluates its programs compiled by JAX/XLA, not installed here. Both "
        "evaluate the same Horner scheme, so they agree to rounding.",
    )


@row
def projection_dpp() -> Row:
    """One sample of the projection DPP of m = 24 orthonormalised Legendre features on a grid
    of N points (the WLS chapter's sampler), each method drawing with the same generator."""
    from rederived.approximation import wls

    m = 24

    def make(N):
        grid = np.linspace(-1.0, 1.0, N)
        return wls.orthonormal_features(wls.legendre_features(grid, m)), N

    def conditional_kernel(inputs):
        # the textbook chain rule on the N × N kernel K = ΦΦᵀ/N: draw i with probability
        # ∝ K_ii, then condition on it (K ← K − K_{:,i} K_{i,:} / K_ii), O(N²) per draw
        Phi, seed = inputs
        rng = np.random.default_rng(seed)
        N = Phi.shape[0]
        K = Phi @ Phi.T / N
        chosen = np.empty(m, dtype=int)
        for step in range(m):
            p = np.maximum(np.diag(K), 0.0)
            p[chosen[:step]] = 0.0
            i = rng.choice(N, p=p / p.sum())
            chosen[step] = i
            K = K - np.outer(K[:, i], K[i]) / K[i, i]
        return chosen

    return Row(
        family="projection DPP sample",
        chapter="approximation/wls-dpp",
        kernel="rederived.approximation.wls.projection_dpp (chain rule on the N × m features, "
        "Gram–Schmidt)",
        baseline="the chain rule on the N × N kernel matrix, conditioned by a rank-one update "
        "per draw",
        peer="",
        size_name="grid points N (m = 24)",
        sizes=(250, 400, 600, 900),
        make=make,
        run_kernel=lambda inputs: wls.projection_dpp(inputs[0], np.random.default_rng(inputs[1])),
        run_baseline=conditional_kernel,
        error=lambda a, b: float(np.mean(np.asarray(a) != np.asarray(b))),
        error_name="share of the m draws that differ (same generator: 0 means the same sample)",
        tolerance=0.0,
        fit_from=1,
        faster_than_baseline=5.0,
        theory={"kernel": 1, "baseline": 2},
        theory_note="Per draw the kernel projects the N × m features (N·m), the baseline "
        "updates the N × N kernel (N²); m draws each, m fixed.",
        note="Both draw from one seeded generator with the same conditional probabilities, so "
        "they return the same points (a rounding difference could flip a draw only where a "
        "uniform number falls within about 1e-16 of a cumulative probability). DPPy, the "
        "Python DPP library, is not a dependency of the book; not compared.",
    )


@row
def program_evolution() -> Row:
    """Searching straight-line programs for exp on the reduced interval (6 operations at most):
    regularized evolution against random search, with the same number of fitted programs."""
    import mpmath

    from rederived.approximation import evolution

    options = dict(points=16, max_constants=4)

    def evolve(n):
        return evolution.evolve(
            mpmath.exp,
            evolution.EXP_INTERVAL,
            6,
            generations=n - 4,
            population=4,
            tournament=2,
            seed=n,
            **options,
        )

    def random_search(n):
        # the same code with no generations: n random programs, each fitted, the best kept
        # (its own seed: the two searches share no program by construction)
        return evolution.evolve(
            mpmath.exp,
            evolution.EXP_INTERVAL,
            6,
            generations=0,
            population=n,
            tournament=1,
            seed=10_000 + n,
            **options,
        )

    return Row(
        family="program search",
        chapter="approximation/autonumerics-zero",
        kernel="rederived.approximation.evolution.evolve (regularized evolution, each child's "
        "constants fitted)",
        baseline="random search: as many random programs, each fitted, the best kept",
        peer="",
        size_name="programs fitted",
        sizes=(8, 16, 32),
        make=lambda n: n,
        run_kernel=evolve,
        run_baseline=random_search,
        error=lambda a, b: a.error / b.error,
        error_name="evolution's best error / random search's (not an agreement: above 1, "
        "random search found the better program)",
        tolerance=np.inf,
        fit_from=0,
        baseline_exact=False,
        theory={"kernel": 1, "baseline": 1},
        theory_note="Both pay the same fits per program (the inherited or random constants and "
        "one random restart, by least squares); evolved programs grow toward the budget of 6 "
        "operations, random ones are uniform in size, so evolution's fits cost more.",
        note="About as fast per program, or slower where its programs are larger (see the "
        "theory note). A search, not a formula: the two do not compute the same thing, and "
        "the disagreement column compares what each found with the same number of fits. With "
        "budgets this small both usually find the same best program (a fitted linear one); "
        "what evolution finds in long runs is the chapter's stored search. No light peer "
        "searches programs (PySR needs Julia).",
    )
