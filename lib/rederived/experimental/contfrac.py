"""Simple continued fractions: certified expansions and exact convergents.

The simple continued fraction of a real x is x = a0 + 1/(a1 + 1/(a2 + ...)) with integer a0 and
positive integers a1, a2, .... Its convergents p_k/q_k obey the three-term recurrences

    p_k = a_k p_{k-1} + p_{k-2},   q_k = a_k q_{k-1} + q_{k-2},   (p_{-1}, q_{-1}) = (1, 0),
    (p_{-2}, q_{-2}) = (0, 1),

and satisfy |x − p_k/q_k| < 1/(q_k q_{k+1}) ≤ 1/q_k² (Hardy & Wright, *An Introduction to the
Theory of Numbers*, ch. 10). Everything here is exact: terms come from rational arithmetic on an
interval that is known to contain x, so a term is returned only if the input's precision
determines it.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from numbers import Integral, Rational

import mpmath

__all__ = ["continued_fraction", "convergents"]

#: the longest expansion :func:`convergents` takes (its numerators grow to millions of digits)
MAX_TERMS = 10**5


def _enclosure(x: object, name: str) -> tuple[Fraction, Fraction]:
    """A closed rational interval [lo, hi] containing the real number ``x``."""
    if isinstance(x, bool):
        raise TypeError(f"{name} must be a real number, got bool")
    if isinstance(x, Integral | Rational):
        value = Fraction(x)
        return value, value
    if hasattr(x, "_mpf_"):  # mpmath.mpf, or a constant such as mpmath.pi at the current precision
        x = mpmath.mpf(x)
        if not mpmath.isfinite(x):
            raise ValueError(f"{name} must be finite, got {x}")
        if x == 0:  # an mpf zero is exact: there is no unit in the last place to widen by
            return Fraction(0), Fraction(0)
        sign, man, exp, _ = x._mpf_  # the mantissa is unsigned: its sign is a separate bit
        value = (-1) ** sign * Fraction(int(man)) * Fraction(2) ** int(exp)
        # x is an mpf rounded to the working precision: its error is at most one unit in the
        # last place of that precision; widen by that much on each side.
        ulp = Fraction(2) ** (int(mpmath.mag(x)) - mpmath.mp.prec + 1)
        return value - ulp, value + ulp
    if isinstance(x, float):
        raise TypeError(
            f"{name} is a float: its expansion is that of the binary number, not of the real "
            "it approximates; pass a Fraction, an int or an mpmath.mpf computed at enough precision"
        )
    raise TypeError(f"{name} must be an int, a Fraction or an mpmath.mpf, got {type(x).__name__}")


def _undetermined(have: int, asked: int) -> str:
    return (
        f"the precision of x determines only {have} terms, {asked} were asked: raise "
        "mpmath.mp.dps, or pass an int or a Fraction if x is exact (an mpf is taken to be "
        "uncertain by one unit in its last place, even when it holds an integer)"
    )


def continued_fraction(x: object, n_terms: int) -> list[int]:
    """Terms a0, a1, ... of the simple continued fraction of ``x``.

    Parameters
    ----------
    x : int, fractions.Fraction or mpmath.mpf
        The number (an mpmath constant such as ``mpmath.pi`` is evaluated at the current
        precision). An ``mpf`` is taken to be exact to within one unit in the last place of the
        current ``mpmath.mp.prec``; terms are returned only while that error cannot change them.
    n_terms : int
        How many terms to return (at least 1). A rational ``x`` may have fewer; then all of its
        terms are returned.

    Returns
    -------
    list of int
        ``[a0, a1, ...]``: ``a0`` may be any integer, the others are positive.

    Raises
    ------
    ValueError
        If ``n_terms < 1``, or if the precision of an ``mpf`` does not determine ``n_terms`` terms
        (the message says how many it does determine).
    """
    if isinstance(n_terms, bool) or not isinstance(n_terms, Integral):
        raise TypeError(f"n_terms must be an int, got {type(n_terms).__name__}")
    if not 1 <= n_terms <= MAX_TERMS:
        raise ValueError(f"n_terms must be at least 1 and at most {MAX_TERMS:,}, got {n_terms}")
    lo, hi = _enclosure(x, "x")
    terms: list[int] = []
    while len(terms) < n_terms:
        a_lo, a_hi = math.floor(lo), math.floor(hi)
        if a_lo != a_hi:
            raise ValueError(_undetermined(len(terms), n_terms))
        terms.append(int(a_lo))
        frac_lo, frac_hi = lo - a_lo, hi - a_lo
        if frac_lo == 0 and frac_hi == 0:  # x is this rational number: the expansion ends here
            break
        if len(terms) == n_terms:
            break
        if frac_lo == 0:
            raise ValueError(_undetermined(len(terms), n_terms))
        lo, hi = 1 / frac_hi, 1 / frac_lo  # x -> 1/(x - a) reverses the order of the endpoints
    return terms


def convergents(terms: list[int]) -> tuple[list[int], list[int]]:
    """Numerators and denominators of the convergents of a simple continued fraction.

    Parameters
    ----------
    terms : sequence of int
        ``[a0, a1, ...]`` with ``a1, a2, ... >= 1`` (length at least 1).

    Returns
    -------
    p, q : list of int
        Exact ``p_k`` and ``q_k`` (``q_k > 0``, ``gcd(p_k, q_k) = 1``),
        for ``k = 0 .. len(terms) - 1``.
    """
    if isinstance(terms, str | bytes) or not hasattr(terms, "__iter__"):
        raise TypeError(f"terms must be a sequence of ints, got {type(terms).__name__}")
    terms = list(itertools.islice(terms, MAX_TERMS + 1))  # an endless iterator stops here
    if len(terms) > MAX_TERMS:
        raise ValueError(f"terms holds more than {MAX_TERMS:,} terms")
    if not terms:
        raise ValueError("terms must hold at least one term")
    for k, a in enumerate(terms):
        if isinstance(a, bool) or not isinstance(a, Integral):
            raise TypeError(f"terms[{k}] must be an int, got {type(a).__name__}")
        if k > 0 and a < 1:
            raise ValueError(f"terms[{k}] must be a positive integer, got {a}")
    p, q = [], []
    p_prev, p_prev2, q_prev, q_prev2 = 1, 0, 0, 1
    for a in terms:
        a = int(a)
        p_prev, p_prev2 = a * p_prev + p_prev2, p_prev
        q_prev, q_prev2 = a * q_prev + q_prev2, q_prev
        p.append(p_prev)
        q.append(q_prev)
    return p, q
