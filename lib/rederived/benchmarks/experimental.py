"""Benchmark rows of Part II (experimental mathematics)."""

from __future__ import annotations

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
        theory={"kernel": 1.58, "baseline": 2},
        theory_note="The depth-n numbers have O(n log n) digits. The product tree's top "
        "products dominate: Karatsuba's exponent log₂3 ≈ 1.58 (GMP's FFT products are "
        "nearly linear at the largest depths; logarithms ignored). The recurrence multiplies a "
        "big number by a small one n times: n².",
        target=Target(
            "peer",
            1.0,
            "At depth ≥ 1000. The peer multiplies FLINT matrices along its walk, the kernel GMP "
            "integers (gmpy2, installed here) in a balanced tree; reducing the peer's fraction "
            "adds about 1 % to its time. The kernel returns p and q unreduced, as the recurrence "
            "defines them.",
        ),
    )
