"""Benchmark rows of Part II (experimental mathematics)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from rederived.benchmarks import Row, Target, row


@row
def pcf_convergents() -> Row:
    """Apéry's continued fraction for 6/ζ(3): exact convergents at growing depth."""
    import sympy as sp
    from ramanujantools import Matrix
    from ramanujantools.pcf import PCF

    from rederived.experimental import pcf

    a, b = [5, 27, 51, 34], [0, 0, 0, 0, 0, 0, -1]
    gmp = pcf._big is not int  # the product tree multiplies GMP integers (gmpy2)
    n = sp.Symbol("n")
    peer = PCF(34 * n**3 + 51 * n**2 + 27 * n + 5, -(n**6))

    def as_fraction(value):
        if isinstance(value, tuple):  # (p, q) of the recurrence, not reduced
            return Fraction(*value)
        return Fraction(int(value.p), int(value.q))  # SymPy's reduced rational

    def peer_limit(depth):
        Matrix._walk_inner.cache_clear()  # ramanujantools caches walks: time the work, not a lookup
        return peer.limit(depth).as_rational()

    return Row(
        family="PCF convergents",
        chapter="experimental/polynomial-continued-fractions",
        kernel="rederived.experimental.pcf.convergents (balanced product tree)",
        baseline="three-term recurrence (pcf.convergents_sequential)",
        peer="ramanujantools PCF.limit (FLINT matrices)",
        size_name="depth n",
        sizes=(250, 500, 1000, 2000, 4000),
        make=lambda depth: depth,
        run_kernel=lambda depth: pcf.convergents(a, b, depth),
        run_baseline=lambda depth: pcf.convergents_sequential(a, b, depth)[-1],
        run_peer=peer_limit,
        error=lambda x, y: float(as_fraction(x) != as_fraction(y)),
        error_name="1 if the convergents differ as exact fractions",
        tolerance=0.0,
        faster_than_baseline=1.2,
        theory={"kernel": 1.0 if gmp else 1.58, "baseline": 2},
        theory_note="The depth-n numbers have O(n log n) digits. The product tree's top "
        "products dominate: "
        + (
            "GMP's FFT products are nearly linear (logarithms ignored)."
            if gmp
            else "Karatsuba's exponent log₂3 ≈ 1.58 (Python's integers; gmpy2 is not installed)."
        )
        + " The recurrence multiplies a big number by a small one n times: n².",
        target=Target(
            "peer",
            1.0,
            "At depth ≥ 1000 (the smallest ratio over the sweep is in the table). The peer "
            "multiplies FLINT matrices along its walk, the kernel GMP integers (when gmpy2 is "
            "installed) in a balanced tree; reducing the peer's fraction "
            "adds about 1 % to its time. The kernel returns p and q unreduced, as the recurrence "
            "defines them.",
        ),
    )


@row
def continued_fraction_terms() -> Row:
    """The first n terms of the simple continued fraction of π, certified from an mpmath value
    with 1.1·n + 20 digits (π's terms average about 1.03 digits each)."""
    import mpmath
    import sympy as sp

    from rederived.experimental import contfrac

    def make(n):
        with mpmath.workdps(int(1.1 * n) + 20):
            return n, +mpmath.pi, mpmath.mp.prec

    def kernel(inputs):
        n, value, prec = inputs
        with mpmath.workprec(prec):
            return contfrac.continued_fraction(value, n)

    def floor_and_invert(inputs):
        # the textbook loop in the working precision, uncertified: x ← 1/(x − ⌊x⌋)
        n, value, prec = inputs
        terms = []
        with mpmath.workprec(prec):
            x = value
            for _ in range(n):
                a = int(mpmath.floor(x))
                terms.append(a)
                x = 1 / (x - a)
        return terms

    def peer(inputs):
        n, value, _ = inputs
        sign, man, exp, _ = value._mpf_  # the binary value itself, exactly
        exact = sp.Integer((-1) ** sign * int(man)) * sp.Integer(2) ** int(exp)
        return [int(a) for a in itertools.islice(sp.continued_fraction_iterator(exact), n)]

    return Row(
        family="continued fraction terms",
        chapter="front/how-claims-are-checked",
        kernel="rederived.experimental.contfrac.continued_fraction (interval of rationals, "
        "certified)",
        baseline="floor and invert in mpmath at the working precision (uncertified)",
        peer="SymPy continued_fraction_iterator on the mpmath value as an exact rational",
        size_name="terms n",
        sizes=(100, 300, 1000, 3000),
        make=make,
        run_kernel=kernel,
        run_baseline=floor_and_invert,
        run_peer=peer,
        error=lambda a, b: float(sum(x != y for x, y in zip(a, b, strict=True))),
        error_name="terms that differ",
        tolerance=0.0,
        fit_from=1,
        theory={"kernel": 2, "baseline": 2, "peer": 2},
        theory_note="n steps, each a subtraction or division of numbers of O(n) digits: n² "
        "once those operations dominate the fixed cost of a step.",
        note="All three read the same mpmath value of π: the kernel certifies each term "
        "against its rounding error, the other two take the value as exact.",
    )


@row
def linear_recurrence() -> Row:
    """The shortest linear recurrence of the first n terms of a sequence whose recurrence has
    order n/2 − 1 (random integer coefficients and start), over the rationals."""
    from rederived.experimental import esma

    def make(n):
        rng = np.random.default_rng(n)
        order = n // 2 - 1
        c = [int(v) for v in rng.integers(-3, 4, order)]
        seq = [int(v) for v in rng.integers(-5, 6, order)]
        while len(seq) < n:
            seq.append(sum(ci * seq[-1 - i] for i, ci in enumerate(c)))
        return seq

    def sympy_recurrence(seq):
        import sympy as sp

        k = sp.Symbol("k")
        return sp.SeqPer(seq, (k, 0, len(seq) - 1)).find_linear_recurrence(len(seq))

    def hankel_solve(seq):
        # the textbook route: for L = 0, 1, ..., solve the L × L Hankel system for the
        # coefficients (exact Gaussian elimination) and keep the first L that fits every term
        n = len(seq)
        s = [Fraction(v) for v in seq]
        for L in range(n // 2 + 1):
            if L == 0:
                if all(v == 0 for v in s):
                    return []
                continue
            A = [[s[L - 1 + r - i] for i in range(L)] + [s[L + r]] for r in range(L)]
            solution = _gauss(A)
            if solution is None:
                continue
            if all(s[k] == sum(solution[i] * s[k - 1 - i] for i in range(L)) for k in range(L, n)):
                return solution
        return None

    return Row(
        family="linear recurrences",
        chapter="experimental/integer-sequence-conjectures",
        kernel="rederived.experimental.esma.berlekamp_massey (exact rationals)",
        baseline="Hankel systems of growing order, solved exactly, until one fits",
        peer="SymPy find_linear_recurrence (on a periodic-sequence object of the terms)",
        size_name="terms n",
        sizes=(12, 18, 27, 40),
        make=make,
        run_kernel=esma.berlekamp_massey,
        run_baseline=hankel_solve,
        run_peer=sympy_recurrence,
        peer_sizes=3,
        error=lambda a, b: float([Fraction(str(v)) for v in a] != [Fraction(str(v)) for v in b]),
        error_name="1 if the recurrences differ",
        tolerance=0.0,
        fit_from=1,
        faster_than_baseline=2.0,
        theory={"kernel": 2, "baseline": 4},
        theory_note="Counting rational operations (their sizes grow too): Berlekamp–Massey "
        "does O(n) work per term; the baseline solves systems of order 1..n/2, each O(L³).",
        note="SymPy runs on the three smaller sizes.",
    )


def _gauss(A: list[list[Fraction]]) -> list[Fraction] | None:
    """Solve the augmented system A = [M | y] exactly; None if M is singular."""
    A = [row[:] for row in A]
    size = len(A)
    for col in range(size):
        pivot = next((r for r in range(col, size) if A[r][col] != 0), None)
        if pivot is None:
            return None
        A[col], A[pivot] = A[pivot], A[col]
        for r in range(size):
            if r != col and A[r][col] != 0:
                f = A[r][col] / A[col][col]
                A[r] = [a - f * b for a, b in zip(A[r], A[col], strict=True)]
    return [A[r][size] / A[r][r] for r in range(size)]


@row
def alternating_series() -> Row:
    """Σ_{j≥0} (−1)^j/(j+1)² = π²/12 to d digits."""
    import mpmath

    from rederived.experimental import series

    def term(j):
        return mpmath.mpf(1) / (j + 1) ** 2

    def euler(dps):
        # the textbook Euler transform Σ_k Δ^k a_0 / 2^(k+1), forward differences of the terms,
        # with 3.33·d terms (each halves the error)
        with mpmath.workdps(dps + 15):
            n = int(3.33 * dps) + 10
            a = [term(j) for j in range(n)]
            total, diff = mpmath.mpf(0), a
            for k in range(n):
                total += diff[0] / 2 ** (k + 1)
                diff = [diff[i] - diff[i + 1] for i in range(len(diff) - 1)]
            return total

    def close(a, b):
        # results are (d, value): the relative difference in units of 10^-(d - 5)
        (d, x), (_, y) = a, b
        with mpmath.workdps(d + 20):
            return float(abs(x - y) / abs(y) * mpmath.mpf(10) ** (d - 5))

    return Row(
        family="alternating series",
        chapter="experimental/apery-series",
        kernel="rederived.experimental.series.alternating_sum (Cohen–Villegas–Zagier)",
        baseline="Euler's transform (forward differences)",
        peer="mpmath.nsum (its default acceleration)",
        size_name="digits d",
        sizes=(25, 50, 100, 200),
        make=lambda d: d,
        run_kernel=lambda d: (d, series.alternating_sum(term, d)),
        run_baseline=lambda d: (d, euler(d)),
        run_peer=lambda d: (d, _nsum(mpmath, term, d)),
        peer_sizes=3,
        error=close,
        error_name="relative difference in units of 10^-(d − 5)",
        tolerance=1.0,
        fit_from=1,
        theory={"kernel": 1, "baseline": 2},
        theory_note="Counting operations on d-digit numbers: CVZ sums 1.31·d terms with O(1) "
        "work each; Euler's transform takes 3.33·d terms and all their differences, O(d²).",
        note="Each method works at d + 15 digits; they must agree to d − 5. mpmath runs to "
        "100 digits.",
    )


def _nsum(mpmath, term, dps):
    with mpmath.workdps(dps + 15):
        return mpmath.nsum(lambda j: (-1) ** int(j) * term(int(j)), [0, mpmath.inf])


@row
def cmf_trajectory() -> Row:
    """The product of the step matrices of the ζ(3) conservative matrix field along the
    diagonal (1, 1) from (1, 1), n steps."""
    from rederived.experimental import cmf, pcf

    MX, MY = cmf.FIELDS["zeta3"]

    def walk(n):
        import sympy as sp
        from ramanujantools import Matrix as RTMatrix
        from ramanujantools.cmf import known_cmfs

        RTMatrix._walk_inner.cache_clear()  # time the work, not a cached walk
        x, y = sp.symbols("x y")
        return known_cmfs.zeta3().walk({x: 1, y: 1}, n, {x: 1, y: 1})

    def sequential(n):
        # the step matrices multiplied one after another, as a walk does
        fx = [cmf._integer_function(e) for e in MX]
        fy = [cmf._integer_function(e) for e in MY]
        X, Y, out = 1, 1, (1, 0, 0, 1)
        for _ in range(n):
            out = pcf._mul(out, tuple(f(X, Y) for f in fx))
            X += 1
            out = pcf._mul(out, tuple(f(X, Y) for f in fy))
            Y += 1
        return out

    return Row(
        family="matrix-field trajectories",
        chapter="experimental/polynomial-continued-fractions",
        kernel="rederived.experimental.cmf.trajectory_matrix (balanced product tree)",
        baseline="the step matrices multiplied one after another",
        peer="ramanujantools CMF walk (its known ζ(3) field: the same two matrices)",
        size_name="steps n",
        sizes=(250, 500, 1000, 2000),
        make=lambda n: n,
        run_kernel=lambda n: cmf.trajectory_matrix(MX, MY, (1, 1), (1, 1), n),
        run_baseline=sequential,
        run_peer=walk,
        error=lambda a, b: float(tuple(int(v) for v in a) != tuple(int(v) for v in b)),
        error_name="1 if the products differ",
        tolerance=0.0,
        fit_from=1,
        faster_than_baseline=1.2,
        theory={"kernel": 1.0 if pcf._big is not int else 1.58, "baseline": 2},
        theory_note="As for PCF convergents: the entries have O(n log n) digits; the tree's top "
        "products dominate (GMP's nearly linear products when gmpy2 is installed, Karatsuba "
        "otherwise), the walk multiplies a big matrix by a small one n times.",
        note="The baseline multiplies the same step matrices as the kernel builds them; the "
        "peer builds its own from its own definition of the field.",
    )


@row
def eml_constants() -> Row:
    """The distinct values of all variable-free EML trees up to size K (the EML-operator
    chapter's exhaustive enumeration, with the C library's exp and ln)."""
    import functools
    import math

    from rederived.experimental import eml

    def python_sets(K):
        # the textbook enumeration: a Python set of floats per size, every pair combined
        values, exps, logs = {1: [1.0]}, {}, {}
        for k in range(3, K + 1, 2):
            found = set()
            for i in range(1, k - 1, 2):
                j = k - 1 - i
                if i not in exps:
                    exps[i] = []
                    for v in values[i]:
                        try:
                            exps[i].append(math.exp(v))
                        except OverflowError:  # exp(v) is not finite: skipped
                            pass
                if j not in logs:
                    logs[j] = [math.log(w) for w in values[j] if w > 0]
                for a in exps[i]:
                    for b in logs[j]:
                        if math.isfinite(a - b):
                            found.add(a - b)
            values[k] = sorted(found)
        return np.array(values[K])

    @functools.cache
    def pairs(K):
        n = {k: len(v) for k, v in eml.enumerate_constants(K, engine="libc").values.items()}
        return float(sum(n[i] * n[K - 1 - i] for i in range(1, K - 1, 2)))

    def differ(levels, reference):
        ours = levels.values[max(levels.values)]
        if ours.shape != reference.shape:
            return 1.0
        return float(np.mean(ours != reference))

    return Row(
        family="EML constants",
        chapter="experimental/eml-operator",
        kernel='rederived.experimental.eml.enumerate_constants (engine="libc": NumPy arrays, '
        "all pairs of two sizes at once, np.unique)",
        baseline="a Python set of floats per size, every pair combined in a loop",
        peer="",
        size_name="tree size K",
        sizes=(19, 21, 23, 25),
        make=lambda K: K,
        run_kernel=lambda K: eml.enumerate_constants(K, engine="libc"),
        run_baseline=python_sets,
        error=differ,
        error_name="share of the size-K values that differ (bit for bit)",
        tolerance=0.0,
        fit_from=1,
        faster_than_baseline=1.2,
        work=pairs,
        theory={"kernel": 1, "baseline": 1},
        theory_note="Exponents against the work, not K: the pairs of distinct values combined "
        "at size K (they triple every two tokens). Both touch every pair once and call exp "
        "and ln once per value in Python (the C library's functions, for the author's bits; "
        "about half of the kernel's time); the kernel also sorts the pairs' values (a "
        "logarithm, ignored). At the smallest size the kernel's fixed costs make it slower.",
        note="The default NumPy engine is faster still, but its exp and ln differ from the C "
        "library's in the last bit on some values, and with them the values found (the "
        "chapter counts the difference); the row times the engine that gives the baseline's "
        "bits. No peer enumerates these trees.",
    )


@row
def eml_tree_gradients() -> Row:
    """Gradients of the data loss of one soft EML tree with n leaves (depth log2 n) at 40
    points, with respect to every leaf and gate logit."""
    from rederived.experimental import emlfit

    def make(n):
        rng = np.random.default_rng(n)
        depth = int(np.log2(n))
        leaf, gate = emlfit.initial_logits(depth, 1, "biased", rng)
        x = np.linspace(0.5, 1.5, 40)
        y = np.linspace(1.0, 2.0, 40)
        return leaf, gate, x, y, np.exp(x) - np.log(y)

    def loss(leaf, gate, x, y, target):
        out, _ = emlfit.forward(leaf, gate, x, y, 1.0)
        return float(np.mean(np.abs(out - target) ** 2))

    def kernel(inputs):
        _, _, d_leaf, d_gate = emlfit.gradients(*inputs, 1.0)
        return np.concatenate([d_leaf.ravel(), d_gate.ravel()])

    def central_differences(inputs):
        leaf, gate, x, y, target = inputs
        h = 1e-6
        out = []
        for array, other_first in ((leaf, True), (gate, False)):
            for index in np.ndindex(array.shape):
                plus, minus = array.copy(), array.copy()
                plus[index] += h
                minus[index] -= h
                pair = (
                    [(plus, gate), (minus, gate)] if other_first else [(leaf, plus), (leaf, minus)]
                )
                out.append((loss(*pair[0], x, y, target) - loss(*pair[1], x, y, target)) / (2 * h))
        return np.array(out)

    return Row(
        family="EML tree gradients",
        chapter="experimental/eml-regression",
        kernel="rederived.experimental.emlfit.gradients (reverse mode, complex, by hand)",
        baseline="central differences of the loss, two forward passes per logit",
        peer="",
        size_name="leaves n",
        sizes=(4, 8, 16, 32),
        make=make,
        run_kernel=kernel,
        run_baseline=central_differences,
        error=lambda a, b: float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)),
        error_name="largest difference / largest gradient (the differences' own error)",
        tolerance=1e-5,
        fit_from=1,
        faster_than_baseline=5.0,
        theory={"kernel": 1, "baseline": 2},
        theory_note="One backward pass costs about a forward pass, O(n) per point; central "
        "differences take two forward passes for each of the 5n − 2 logits.",
        note="Automatic differentiation (JAX or PyTorch) would be the peer; neither is installed.",
    )
