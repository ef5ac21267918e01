"""Benchmark rows of Part I (symmetry)."""

from __future__ import annotations

import numpy as np

from rederived.benchmarks import Row, Target, _max_relative, _unit_vectors, row


@row
def real_harmonics() -> Row:
    """Real spherical harmonics of degree ≤ L at 500 points."""
    import sphericart
    from scipy import special

    from rederived.symmetry import so3

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
        kernel="rederived.symmetry.so3.real_sph_harm (recurrence in cos θ, sin θ)",
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
        theory={"kernel": 2, "baseline": 3, "peer": 2},
        theory_note="(L+1)² values per point at O(1) each by recurrence; SciPy evaluates each "
        "(l, m) by its own recurrence from degree m, Σ(l − m) ∝ L³.",
        target=Target(
            "peer",
            0.3,
            "sphericart runs compiled loops over each point (on one thread here, like every "
            "method on this page); the kernel makes about nine NumPy passes per degree over "
            "arrays of the 500 points, each with NumPy's fixed cost per call. The target holds at "
            "the largest degree; the smallest ratio over the sweep is in the table.",
        ),
    )


@row
def gaunt_coefficients() -> Row:
    """Real-basis Gaunt coefficients of the triple (l, l, l), computed afresh (no cache)."""
    from sympy.physics.wigner import real_gaunt

    from rederived.symmetry import gaunt, so3

    def fresh(l):
        gaunt._gaunt_block.cache_clear()
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
        kernel=(
            "rederived.symmetry.gaunt.gaunt_coefficients (trigonometric products, exact weights)"
        ),
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
        theory={"kernel": 4, "baseline": 5},
        theory_note="Kernel: (l+1)³ θ-integrals over 3l/2 nodes and (2l+1)³ φ-integrals over "
        "3l+1 nodes. Baseline: (2l+1)³ coefficients, each a sum over (3l/2)(3l) points.",
        target=Target(
            "baseline", 1.0, "And a cost exponent no worse than the baseline's.", exponent=True
        ),
        note="SymPy's exact coefficients run on the smallest size only (a second each from l = 4).",
    )


@row
def gaunt_product() -> Row:
    """The full Gaunt tensor product of two batches of 512 features of degree L."""
    from rederived.symmetry import gaunt

    # batches of 512 (64 before): at 64 the kernel took under a millisecond, and one slow
    # event in a loaded test run once cut the measured ratio from about 24 to 4
    def make(L):
        rng = np.random.default_rng(L)
        return rng.normal(size=(512, (L + 1) ** 2)), rng.normal(size=(512, (L + 1) ** 2)), L

    return Row(
        family="Gaunt tensor product",
        chapter="symmetry/gaunt-tensor-products",
        kernel='rederived.symmetry.gaunt.tensor_product(method="grid")',
        baseline='dense contraction with the Gaunt tensor (method="direct")',
        peer="",
        size_name="degree L",
        sizes=(4, 6, 8, 10, 12),
        make=make,
        run_kernel=lambda x: gaunt.tensor_product(x[0], x[1], x[2], method="grid"),
        run_baseline=lambda x: gaunt.tensor_product(x[0], x[1], x[2], method="direct"),
        error=_max_relative,
        error_name="largest difference / largest value",
        tolerance=1e-12,
        fit_from=2,
        faster_than_baseline=3.0,
        theory={"kernel": 3, "baseline": 6},
        theory_note="Per product: the grid method's Legendre sums and FFTs are O(L³); the dense "
        "contraction touches (L+1)² × (L+1)² × (L+1)² coefficients.",
        note="The peers (e3nn, the papers' code) need PyTorch or JAX: left out of the book's "
        "environment. Run alone the grid method is 17 to 24 times faster at L = 12, but in two "
        "full test runs, with another notebook on the second core, it measured 4.2 times (with "
        "batches of 64 and of 512 features): the speed bound, 5 before, is 3 since then.",
    )


@row
def character_expansion() -> Row:
    """Sp(2n) expansion of ∏(1 + x_i² + x_i⁻²): a determinant per coefficient against
    multiplying by the whole Weyl denominator."""
    from rederived.symmetry import characters

    def differences(a, b):
        return float(len(set(a.items()) ^ set(b.items())))

    return Row(
        family="character expansions",
        chapter="symmetry/classical-group-characters",
        kernel=(
            "rederived.symmetry.characters.expand_product (one n × n integer determinant per term)"
        ),
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
        theory_note="No power law to compare with: the baseline multiplies by the 2^n n! terms "
        "of the Weyl denominator, and three ranks are too few to fit either method.",
        note="Exact integer arithmetic on both sides. SageMath's WeylCharacterRing would be the "
        "peer, but it is far from a light wheel; the baseline's 2^n n! denominator terms are what "
        "stops it near n = 5.",
    )


@row
def polar_decomposition() -> Row:
    """Polar decompositions g = P R of N random 3 × 3 matrices with positive determinant."""
    import scipy.linalg

    from rederived.symmetry import liegroups

    def make(N):
        g = np.random.default_rng(N).normal(size=(N, 3, 3))
        g[np.linalg.det(g) < 0, :, 0] *= -1  # positive determinant: GL⁺(3)
        return g

    def newton(g):
        # the textbook iteration R ← (R + R^{-T}) / 2 from R = g, to a fixed point
        R = g.copy()
        for _ in range(100):
            step = 0.5 * (R + np.swapaxes(np.linalg.inv(R), -1, -2))
            if np.max(np.abs(step - R)) <= 4 * np.finfo(float).eps:
                R = step
                break
            R = step
        return g @ np.swapaxes(R, -1, -2), R  # g = P R with R orthogonal: P = g Rᵀ

    def peer(g):
        # SciPy's polar: g = p u with side="left"
        pairs = [scipy.linalg.polar(m, side="left") for m in g]
        return np.array([p for _, p in pairs]), np.array([u for u, _ in pairs])

    def gap(a, b):
        return float(max(np.max(np.abs(a[0] - b[0])), np.max(np.abs(a[1] - b[1]))))

    return Row(
        family="polar decomposition",
        chapter="symmetry/lie-group-decompositions",
        kernel="rederived.symmetry.liegroups.polar (one batched SVD)",
        baseline="Newton's iteration R ← (R + R⁻ᵀ)/2, batched",
        peer="scipy.linalg.polar, one matrix at a time",
        size_name="matrices N",
        sizes=(1_000, 4_000, 16_000),
        make=make,
        run_kernel=liegroups.polar,
        run_baseline=newton,
        run_peer=peer,
        peer_sizes=2,
        error=gap,
        error_name="largest entry difference of P and of R",
        tolerance=1e-9,
        fit_from=0,
        theory={"kernel": 1, "baseline": 1, "peer": 1},
        theory_note="A fixed 3 × 3 factorisation per matrix: linear in N for all three.",
        note="SciPy's polar is called once per matrix (it takes one matrix), so its time is "
        "mostly Python's; it runs on the two smaller sizes.",
    )


@row
def clebsch_gordan_product() -> Row:
    """The full Clebsch–Gordan tensor product of two batches of 64 features of degree L (every
    path, unit weights)."""
    from rederived.symmetry import cg

    def make(L):
        rng = np.random.default_rng(L)
        x1, x2 = rng.normal(size=(2, 64, (L + 1) ** 2))
        return x1, x2, L

    def dense(inputs):
        x1, x2, L = inputs
        T = cg.product_tensor(L, normalization="isometry")
        return np.einsum("ni,nj,kij->nk", x1, x2, T, optimize=True)  # T[k, i, j]

    return Row(
        family="Clebsch–Gordan product",
        chapter="symmetry/tensor-decomposition-networks",
        kernel="rederived.symmetry.cg.tensor_product (one block per path)",
        baseline="contraction with the dense product tensor over all degrees (built each call)",
        peer="",
        size_name="degree L",
        sizes=(2, 4, 6, 8),
        make=make,
        run_kernel=lambda x: cg.tensor_product(x[0], x[1], x[2]),
        run_baseline=dense,
        error=_max_relative,
        error_name="largest difference / largest value",
        tolerance=1e-12,
        fit_from=1,
        theory={"kernel": 6, "baseline": 6},
        theory_note="Every path (l1, l2, l3) with l ≤ L contracts a (2l1+1)(2l2+1)(2l3+1) block: "
        "Σ over paths ∝ L⁶, for the blocks and for the dense tensor alike.",
        note="e3nn (the peer of the paper's code) needs PyTorch, which this book does not "
        "install. At these degrees the dense tensor is small (81³ entries at L = 8) and one "
        "optimised contraction beats the loop over the paths' blocks.",
    )


@row
def cp_decomposition() -> Row:
    """A rank-d CP decomposition of a random d × d × d tensor of exact rank d, by 100 sweeps of
    alternating least squares from the same seeded start."""
    from rederived.symmetry import cpd

    def make(d):
        rng = np.random.default_rng(d)
        A, B, C = rng.normal(size=(3, d, d))
        return np.einsum("kr,ir,jr->kij", A, B, C), d

    def normal_equations(inputs):
        # the textbook sweep: each factor from the normal equations (Gram matrices' Hadamard
        # product), whose squared condition number limits the reachable error
        T, d = inputs
        A, B, C = cpd._start(T, d, 0)
        T1 = T.reshape(d, d * d)
        T2 = T.transpose(1, 0, 2).reshape(d, d * d)
        T3 = T.transpose(2, 0, 1).reshape(d, d * d)
        for _ in range(100):
            A = (
                T1
                @ (B[:, None, :] * C[None, :, :]).reshape(-1, d)
                @ np.linalg.pinv((B.T @ B) * (C.T @ C))
            )
            B = (
                T2
                @ (A[:, None, :] * C[None, :, :]).reshape(-1, d)
                @ np.linalg.pinv((A.T @ A) * (C.T @ C))
            )
            C = (
                T3
                @ (A[:, None, :] * B[None, :, :]).reshape(-1, d)
                @ np.linalg.pinv((A.T @ A) * (B.T @ B))
            )
        return float(np.linalg.norm(T - np.einsum("kr,ir,jr->kij", A, B, C)) / np.linalg.norm(T))

    return Row(
        family="CP decompositions",
        chapter="symmetry/tensor-decomposition-networks",
        kernel="rederived.symmetry.cpd.als (least squares on the Khatri–Rao products)",
        baseline="ALS on the normal equations (textbook), same start and sweeps",
        peer="",
        size_name="tensor side d (rank d)",
        sizes=(4, 6, 8, 12),
        make=make,
        run_kernel=lambda inputs: cpd.als(inputs[0], inputs[1], sweeps=100, tol=1e-300).errors[-1],
        run_baseline=normal_equations,
        error=lambda a, b: abs(a - b),
        error_name="difference of the relative errors reached after 100 sweeps",
        tolerance=1e-8,
        fit_from=1,
        theory={"kernel": 4, "baseline": 4},
        theory_note="Per sweep, three least-squares problems with d² rows and d unknowns for d "
        "right-hand sides (d⁴ each); the normal equations need the same products.",
        note="From the same start both make the same ALS iterates here and reach the same "
        "error. The kernel is slower: it solves each least-squares problem by an SVD of the "
        "Khatri–Rao product, which keeps its accuracy when the factors are nearly collinear "
        "(the normal equations square the condition number), and it records the error after "
        "every sweep. Tensorly (PyPI) would be the peer; it is not a dependency of the book.",
    )
