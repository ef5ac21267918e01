"""High-precision central binomial (Apéry-type) series, and integer relations that confirm.

``central_binomial_series(k, alternating, inverse)`` is

    Σ_{n≥1} s^(n−1) / (n^k C(2n, n))           (inverse: terms fall like 4^(−n))
    Σ_{n≥1} s^(n−1) C(2n, n) / (4^n n^k)       (terms fall like n^(−k−1/2))

with s = −1 when alternating. Inverse series are summed directly. The alternating binomial
series are summed by the Cohen–Villegas–Zagier acceleration: their terms are moments of a
positive measure (C(2n, n)/4^n and 1/n^k both are, and so is their product), for which the
error after N terms is about 5.83^(−N). ``find_relation`` runs PSLQ at one precision and confirms
the relation at a higher one, recomputing every constant there.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral

import mpmath
import numpy as np

from rederived._checks import count, digits

__all__ = ["alternating_sum", "central_binomial_series", "find_relation"]


def alternating_sum(
    term: Callable[[int], object], dps: int, terms: int | None = None
) -> mpmath.mpf:
    """Σ_{j≥0} (−1)^j term(j) to about ``dps`` digits by the Cohen–Villegas–Zagier algorithm
    (term(j) must be the moments of a positive measure on [0, 1] for the error bound to hold).
    ``terms`` fixes the number of terms used (by default enough for ``dps`` digits: the error
    after n terms is about 5.83^(−n))."""
    if not callable(term):
        raise TypeError(f"term must be a callable j -> moment, got {type(term).__name__}")
    dps = digits(dps, "dps", 10)
    if dps > 10_000:
        raise ValueError(f"dps must be at most 10^4 for a series sum, got {dps}")
    n = int(dps * 1.31) + 10 if terms is None else count(terms, "terms")
    if n > 10 * dps + 1000:
        raise ValueError(f"terms must be at most 10·dps + 1000 = {10 * dps + 1000}, got {n}")
    with mpmath.workdps(dps + 15):
        d = (3 + mpmath.sqrt(8)) ** n
        d = (d + 1 / d) / 2
        b, c, s = mpmath.mpf(-1), -d, mpmath.mpf(0)
        for j in range(n):
            c = b - c
            t = term(j)
            try:
                t = mpmath.mpmathify(t)
            except (TypeError, ValueError):
                raise TypeError(f"term({j}) must be a real number, got {t!r}") from None
            if not mpmath.isfinite(t) or mpmath.im(t) != 0:
                raise ValueError(f"term({j}) must be finite and real, got {t}")
            s += c * t
            b = (j + n) * (j - n) * b / ((j + mpmath.mpf(1) / 2) * (j + 1))
        result = s / d
    with mpmath.workdps(dps):  # rounded to the digits asked, not the caller's precision
        return +result


def central_binomial_series(k: int, alternating: bool, inverse: bool, dps: int = 50) -> mpmath.mpf:
    """The series of the module docstring to ``dps`` digits (ValueError if it diverges)."""
    if isinstance(k, bool) or not isinstance(k, Integral):
        raise TypeError(f"k must be an int, got {k!r}")
    k = int(k)
    for flag, name in ((alternating, "alternating"), (inverse, "inverse")):
        if not isinstance(flag, bool | np.bool_):
            raise TypeError(f"{name} must be a bool, got {flag!r}")
    if abs(k) > 1000:
        raise ValueError(f"k must be in [-1000, 1000], got {k}")
    dps = digits(dps, "dps", 10)
    if dps > 5000:  # 20 000 digits ran for minutes
        raise ValueError(f"dps must be at most 5000, got {dps}")
    if not inverse and not alternating and k < 1:
        raise ValueError(f"Σ C(2n,n)/(4^n n^{k}) diverges: its terms fall only like n^({-k}-1/2)")
    if not inverse and not alternating:
        raise ValueError(
            "the non-alternating binomial series converges like a power of n; it is not "
            "accelerated here (use the alternating or the inverse series)"
        )
    if not inverse and k < 0:
        raise ValueError(f"Σ (−1)^n C(2n,n)/(4^n n^{k}) diverges: its terms grow")
    with mpmath.workdps(dps + 15):
        if inverse:
            total, n, term = mpmath.mpf(0), 1, mpmath.mpf(1)
            sign = -1 if alternating else 1
            tiny = mpmath.mpf(10) ** (-(dps + 10))
            while True:
                term = mpmath.mpf(1) / (mpmath.mpf(n) ** k * mpmath.binomial(2 * n, n))
                total += sign ** (n - 1) * term
                if abs(term) < tiny * max(1, abs(total)) and n > 2 * abs(k) + 5:
                    break
                n += 1
        else:

            def term(j):  # n = j + 1
                n = j + 1
                return mpmath.binomial(2 * n, n) / (mpmath.mpf(4) ** n * mpmath.mpf(n) ** k)

            total = alternating_sum(term, dps + 5)
    with mpmath.workdps(dps):  # rounded to the digits asked, not the caller's precision
        return +total


def find_relation(
    value: Callable[[], object],
    basis: dict[str, Callable[[], object]],
    dps: int = 80,
    confirm_dps: int = 250,
    maxcoeff: int = 10**6,
) -> dict[str, int] | None:
    """An integer relation c₀·value + Σ cᵢ·basisᵢ = 0 found by PSLQ at ``dps`` digits and
    confirmed at ``confirm_dps``; None if there is none with coefficients up to ``maxcoeff``.
    A relation among the basis constants alone (the basis is dependent) is a ValueError naming
    it: PSLQ would stop there, and a search that reports none would prove nothing.

    The constants are callables evaluated at the current mpmath precision, so that every one is
    recomputed at the higher precision. A relation is accepted only as evidence: its residual,
    relative to the largest term c·v, must fall below 10^(10 − confirm_dps) at the higher
    precision, that is shrink with the precision as an exact relation's does (a relation that
    merely fits the first ``dps`` digits keeps a residual near 10^(−dps)), and its coefficients
    together (Σ log10 |cᵢ|) must carry at most half of the ``dps`` digits PSLQ saw (the data
    must say more than the relation does). A fixed slack of 30 digits, as this function first
    had, let PSLQ's fits at low precision through: at 20 digits it returned a relation among
    √3, π, e, γ, G and ln 2 whose residual at 45 digits is 1e-16.
    """
    dps, confirm_dps = digits(dps, "dps", 15), digits(confirm_dps, "confirm_dps", 30)
    if confirm_dps < dps + 20:
        raise ValueError(
            f"confirm_dps must exceed dps by at least 20 digits, got {confirm_dps} and {dps}"
        )
    maxcoeff = count(maxcoeff, "maxcoeff", 2)
    if not isinstance(basis, dict) or not basis:
        raise ValueError("basis must be a non-empty dict of name -> callable")
    if not callable(value) or not all(callable(f) for f in basis.values()):
        raise TypeError("value and the basis must be callables (evaluated at each precision)")
    if "value" in basis or not all(isinstance(k, str) for k in basis):
        raise ValueError("basis names must be strings other than 'value' (the constant's own)")
    names = ["value", *basis]
    functions = [value, *basis.values()]
    with mpmath.workdps(dps):
        numbers = []
        for name, f in zip(names, functions, strict=True):
            try:
                numbers.append(mpmath.mpmathify(f()))
            except (TypeError, ValueError):
                raise TypeError(f"{name} must evaluate to a real number") from None
        if any(not mpmath.isfinite(v) or mpmath.im(v) != 0 for v in numbers):
            raise ValueError("value and the basis must be finite real numbers")
        small = [
            n
            for n, v in zip(names, numbers, strict=True)
            if abs(v) < mpmath.eps * 2**20 * max(map(abs, numbers))
        ]
        if small:
            raise ValueError(
                f"{', '.join(small)} is zero or below the working precision relative to the "
                "others: PSLQ cannot use it"
            )
        relation = mpmath.pslq(numbers, maxcoeff=maxcoeff, maxsteps=10**6)
    if relation is None:
        return None
    if relation[0] == 0:
        # a relation among the basis alone: PSLQ stops there, so "no relation for the value"
        # would mean nothing; the basis must be independent
        among = " + ".join(f"{c}·{n}" for c, n in zip(relation, names, strict=True) if c)
        raise ValueError(
            f"the basis is linearly dependent at {dps} digits ({among} = 0): remove one of "
            "these constants, or a search that finds nothing proves nothing"
        )
    # the digits the relation itself carries, summed over its coefficients
    coefficient_digits = sum(float(mpmath.log10(abs(c) + 1)) for c in relation)
    if coefficient_digits > dps / 2:
        return None
    with mpmath.workdps(confirm_dps):
        terms = [c * mpmath.mpmathify(f()) for c, f in zip(relation, functions, strict=True)]
        residual = abs(mpmath.fsum(terms))
        scale = max(abs(term) for term in terms)
        if residual > mpmath.mpf(10) ** (10 - confirm_dps) * scale:
            return None
    return dict(zip(names, (int(c) for c in relation), strict=True))
