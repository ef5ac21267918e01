"""Benchmark rows of Part II (experimental mathematics)."""

from __future__ import annotations

from fractions import Fraction

from rederived.benchmarks import Row, row


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
        kernel="rederived.experimental.pcf.convergents (balanced product tree)",
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
