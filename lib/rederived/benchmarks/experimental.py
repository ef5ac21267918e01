"""Benchmark rows of Part II (experimental mathematics)."""

from __future__ import annotations

import itertools
from fractions import Fraction

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
