"""Signed continued fractions and Berlekamp–Massey pattern detection (the ESMA idea).

Razon et al. (2023) search for formulas for a constant x by expanding it into *signed*
continued fractions,

    x = a_0 + s_1/(a_1 + s_2/(a_2 + ...)),   s_i = ±1,

under several rules for choosing a_i, and running the Berlekamp–Massey algorithm on the integer
sequences (a_i) and (s_i): a short linear recurrence that keeps predicting terms it was not fitted
on is a conjecture, which is then checked to many digits. Sequences produced by linear
recurrences whose characteristic polynomial divides (t^P − 1)^(d+1) are *quasi-polynomials*: on
each residue class mod P they are polynomials of degree ≤ d, which turns the recurrence into a
closed formula.

Rules for a_i: ``"floor"`` (the simple continued fraction, every s_i = +1), ``"ceil"`` (every
s_i = −1) and ``"nearest"`` (a_i the nearest integer, s_i the sign of the remainder).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral

import sympy as sp

from rederived._checks import ZeroDenominatorError
from rederived.experimental.contfrac import _enclosure

__all__ = [
    "RULES",
    "Conjecture",
    "Pattern",
    "berlekamp_massey",
    "conjecture",
    "find_pattern",
    "signed_continued_fraction",
    "signed_convergent",
]

RULES = ("floor", "ceil", "nearest")


def _choose(v: Fraction, rule: str) -> int:
    if rule == "floor":
        return math.floor(v)
    if rule == "ceil":
        return math.ceil(v)
    return math.floor(v + Fraction(1, 2))  # nearest, ties up


def signed_continued_fraction(
    x: object, n_terms: int, rule: str = "nearest"
) -> tuple[list[int], list[int]]:
    """Terms a_0, a_1, ... and signs s_1, s_2, ... of a signed continued fraction of ``x``.

    Parameters
    ----------
    x : int, Fraction or mpmath number
        As in :func:`rederived.experimental.contfrac.continued_fraction`: an mpmath number is
        taken to be exact to one unit in the last place, and a term is returned only when every
        number in that interval gives the same term and sign.
    n_terms : int
        Number of terms a_i wanted (≥ 1); fewer if x is rational and its expansion ends.
    rule : {"floor", "ceil", "nearest"}

    Returns
    -------
    terms : list of int, length n
    signs : list of int, length n − 1 (s_i belongs between a_{i−1} and a_i)
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}, got {rule!r}")
    if isinstance(n_terms, bool) or not isinstance(n_terms, Integral) or not 1 <= n_terms <= 10**5:
        raise ValueError(f"n_terms must be an int in [1, 10^5], got {n_terms!r}")
    lo, hi = _enclosure(x, "x")
    terms: list[int] = []
    signs: list[int] = []
    while len(terms) < n_terms:
        a_lo, a_hi = _choose(lo, rule), _choose(hi, rule)
        if a_lo != a_hi:
            raise ValueError(
                f"the precision of x determines only {len(terms)} terms, {n_terms} were asked"
            )
        terms.append(int(a_lo))
        r_lo, r_hi = lo - a_lo, hi - a_lo  # remainder interval
        if r_lo == 0 and r_hi == 0:
            break  # x is rational and its expansion ends
        if len(terms) == n_terms:
            break
        if r_lo < 0 < r_hi or r_lo == 0 or r_hi == 0:
            raise ValueError(
                f"the precision of x determines only {len(terms)} terms, {n_terms} were asked"
            )
        sign = 1 if r_lo > 0 else -1
        if len(terms) < n_terms:
            signs.append(sign)
        lo, hi = sorted((1 / abs(r_lo), 1 / abs(r_hi)))
    return terms, signs[: len(terms) - 1]


def _integers(seq: object, name: str) -> list[int]:
    """A finite sequence of ints (Python ints, NumPy integers converted exactly, bools and
    floats refused: a float would be truncated)."""
    if isinstance(seq, str | bytes) or not hasattr(seq, "__iter__"):
        raise TypeError(f"{name} must be a sequence of ints, got {type(seq).__name__}")
    out = []
    for i, v in enumerate(seq):
        if isinstance(v, bool) or not isinstance(v, Integral):
            raise TypeError(f"{name}[{i}] must be an int, got {v!r}")
        out.append(int(v))
    return out


def signed_convergent(terms: list[int], signs: list[int]) -> tuple[int, int]:
    """Exact value p/q of a finite signed continued fraction: p_n = a_n p_{n−1} + s_n p_{n−2}
    (terms ints, signs ±1; a ValueError if the denominator q is zero)."""
    terms, signs = _integers(terms, "terms"), _integers(signs, "signs")
    if any(s not in (1, -1) for s in signs):
        raise ValueError(f"signs must all be +1 or -1, got {signs}")
    if len(terms) < 1 or len(signs) != len(terms) - 1:
        raise ValueError(
            f"need n ≥ 1 terms and n − 1 signs, got {len(terms)} terms and {len(signs)} signs"
        )
    p_prev, p, q_prev, q = 1, int(terms[0]), 0, 1
    for a, s in zip(terms[1:], signs, strict=True):
        p, p_prev = int(a) * p + int(s) * p_prev, p
        q, q_prev = int(a) * q + int(s) * q_prev, q
    if q == 0:
        raise ZeroDenominatorError("the signed continued fraction has a zero denominator")
    return p, q


def berlekamp_massey(seq: list[int]) -> list[Fraction]:
    """Shortest linear recurrence of a sequence over the rationals.

    Returns
    -------
    list of Fraction
        ``c`` of length L with ``seq[n] = Σ_{i=1..L} c[i−1] · seq[n−i]`` for every n ≥ L in the
        given terms (L = 0, an empty list, for the zero sequence).
    """
    if isinstance(seq, str | bytes) or not hasattr(seq, "__iter__"):
        raise TypeError(f"seq must be a sequence of ints or Fractions, got {type(seq).__name__}")
    seq = list(itertools.islice(seq, 2001))
    if len(seq) > 2000:  # exact rational arithmetic is quadratic in the length and grows numbers
        raise ValueError("seq must hold at most 2000 terms")
    s = []
    for i, v in enumerate(seq):  # exact rationals only: NumPy ints converted before arithmetic
        if isinstance(v, bool) or not isinstance(v, Integral | Fraction):
            raise TypeError(f"seq[{i}] must be an int or a Fraction, got {v!r}")
        s.append(Fraction(int(v)) if isinstance(v, Integral) else v)
    C, B = [Fraction(1)], [Fraction(1)]  # connection polynomials, C(t) = 1 + c_1 t + ...
    L, m, b = 0, 1, Fraction(1)
    for n in range(len(s)):
        d = s[n] + sum(C[i] * s[n - i] for i in range(1, L + 1))
        if d == 0:
            m += 1
            continue
        T = C[:]
        coef = d / b
        C = C + [Fraction(0)] * (len(B) + m - len(C))
        for i, bi in enumerate(B):
            C[i + m] -= coef * bi
        if 2 * L <= n:
            L, B, b, m = n + 1 - L, T, d, 1
        else:
            m += 1
    C = C + [Fraction(0)] * (L + 1 - len(C))
    return [-C[i] for i in range(1, L + 1)]


@dataclass(frozen=True)
class Pattern:
    """A linear recurrence that predicts a sequence, and its closed form when it has one.

    ``recurrence``: seq[n] = Σ c_i seq[n−i]. ``period`` P and ``formulas`` (SymPy polynomials
    in k, one per residue r): seq[start + P·k + r] = formulas[r](k), when the characteristic
    polynomial divides (t^P − 1)^(d+1); otherwise period is None.
    """

    recurrence: tuple[Fraction, ...]
    start: int
    period: int | None
    formulas: tuple[sp.Expr, ...]
    predicted: int

    def term(self, n: int) -> int:
        """The n-th term (n ≥ start) from the closed form."""
        if self.period is None:
            raise ValueError("this pattern has no closed form")
        if isinstance(n, bool) or not isinstance(n, Integral):
            raise TypeError(f"n must be an int, got {n!r}")
        if n < self.start:
            raise ValueError(f"n must be at least start = {self.start} (the closed form's range)")
        k, r = divmod(int(n) - self.start, self.period)
        return int(self.formulas[r].subs(sp.Symbol("k"), k))


def _quasi_polynomial(seq: list[int], rec: list[Fraction], start: int, max_period: int = 12):
    t, k = sp.symbols("t k")
    char = sp.Poly(t ** len(rec) - sum(c * t ** (len(rec) - 1 - i) for i, c in enumerate(rec)), t)
    for P in range(1, max_period + 1):
        for power in range(1, len(rec) + 1):
            if sp.rem(sp.Poly((t**P - 1) ** power, t), char).is_zero:
                break
        else:
            continue
        tail = seq[start:]
        formulas = []
        for r in range(P):
            points = list(enumerate(tail[r::P]))[: power + 1]
            if len(points) < power + 1:
                return None, ()
            formulas.append(sp.expand(sp.interpolate(points, k)))
        return P, tuple(formulas)
    return None, ()


def find_pattern(seq: list[int], start: int = 1, holdout: int | None = None) -> Pattern | None:
    """Berlekamp–Massey on ``seq[start:]`` minus a held-out tail that it must then predict.

    Parameters
    ----------
    seq : list of int
        The sequence (e.g. the terms a_i of a continued fraction).
    start : int
        First index used (a_0 usually breaks the pattern of the rest).
    holdout : int, optional
        How many final terms are withheld and must be predicted exactly (default: a third).

    Returns
    -------
    Pattern or None
        None unless the recurrence found on the fitted part, of order L with 2L ≤ fitted length,
        predicts every held-out term.
    """
    if isinstance(start, bool) or not isinstance(start, Integral) or start < 0:
        raise ValueError(f"start must be a non-negative int, got {start!r}")
    if isinstance(seq, str | bytes) or not hasattr(seq, "__iter__"):
        raise TypeError(f"seq must be a sequence of ints, got {type(seq).__name__}")
    seq = list(seq)
    bad = [v for v in seq if isinstance(v, bool) or not isinstance(v, Integral)]
    if bad:
        raise TypeError(f"seq must hold integers (floats would be truncated), got {bad[0]!r}")
    data = [int(v) for v in seq[start:]]
    if len(data) < 6:
        raise ValueError(f"need at least 6 terms after start, got {len(data)}")
    if holdout is None:
        holdout = len(data) // 3
    elif isinstance(holdout, bool) or not isinstance(holdout, Integral):
        raise TypeError(f"holdout must be an int, got {type(holdout).__name__}")
    elif not 1 <= holdout <= len(data) - 4:
        # no held-out term would approve any recurrence; fewer than 4 fitted terms fit anything
        raise ValueError(
            f"holdout must be in [1, {len(data) - 4}] for {len(data)} terms, got {holdout}"
        )
    holdout = int(holdout)
    fit, test = data[: len(data) - holdout], data[len(data) - holdout :]
    rec = berlekamp_massey(fit)
    L = len(rec)
    if L == 0 or 2 * L > len(fit):
        return None
    extended = fit[:]
    for _ in test:
        extended.append(sum(c * extended[-1 - i] for i, c in enumerate(rec)))
    if extended[len(fit) :] != test:
        return None
    period, formulas = _quasi_polynomial(list(seq), rec, start)
    return Pattern(tuple(rec), start, period, formulas, len(test))


@dataclass(frozen=True)
class Conjecture:
    """A formula for a signed continued fraction: the expansion's first terms, then patterns.

    ``prefix_terms`` / ``prefix_signs`` are the terms a_0..a_{start−1} and signs s_1..s_{start−1}
    as computed; from index ``start`` on, a_n and s_n come from the closed forms of the two
    patterns.
    """

    rule: str
    start: int
    prefix_terms: tuple[int, ...]
    prefix_signs: tuple[int, ...]
    term_pattern: Pattern
    sign_pattern: Pattern

    def expansion(self, n_terms: int) -> tuple[list[int], list[int]]:
        """The first ``n_terms`` terms and the n_terms − 1 signs the formula predicts."""
        if isinstance(n_terms, bool) or not isinstance(n_terms, Integral):
            raise TypeError(f"n_terms must be an int, got {n_terms!r}")
        if not self.start + 1 <= n_terms <= 10**4:
            raise ValueError(f"n_terms must be in [start + 1, 10^4] = [{self.start + 1}, 10^4]")
        terms = list(self.prefix_terms) + [
            self.term_pattern.term(n) for n in range(self.start, n_terms)
        ]
        signs = list(self.prefix_signs) + [
            self.sign_pattern.term(n) for n in range(self.start, n_terms)
        ]
        return terms, signs

    def describe(self) -> str:
        k = sp.Symbol("k")
        P, Q = self.term_pattern.period, self.sign_pattern.period
        a = ", ".join(
            f"a[{self.start}+{P}k+{r}] = {f}" for r, f in enumerate(self.term_pattern.formulas)
        )
        s = ", ".join(
            f"s[{self.start}+{Q}k+{r}] = {f}" for r, f in enumerate(self.sign_pattern.formulas)
        )
        head = f"a[0..{self.start - 1}] = {list(self.prefix_terms)}"
        return f"{head}; {a}; {s}".replace(str(k), "k")


def conjecture(x: object, rule: str, start: int, n_fit: int = 60) -> Conjecture | None:
    """ESMA on one expansion: patterns in the terms and in the signs from index ``start`` on.

    Expands ``x`` to ``n_fit`` terms under ``rule``; Berlekamp–Massey must find, on each of the
    two sequences from ``start``, a recurrence that predicts a held-out third and has a closed
    (quasi-polynomial) form. Returns None otherwise.
    """
    if isinstance(start, bool) or not isinstance(start, Integral) or start < 1:
        # s_0 does not exist: the sign sequence starts at index 1
        raise ValueError(f"start must be an int >= 1, got {start!r}")
    if isinstance(n_fit, bool) or not isinstance(n_fit, Integral) or n_fit < start + 6:
        raise ValueError(f"n_fit must be an int >= start + 6 = {start + 6}, got {n_fit!r}")
    terms, signs = signed_continued_fraction(x, n_fit, rule)
    if len(terms) < n_fit:
        return None  # a rational number: its expansion ends
    seq_signs = [0, *signs]  # s_n stands before a_n; s_0 does not exist
    term_pattern = find_pattern(terms, start=start)
    sign_pattern = find_pattern(seq_signs, start=start)
    if term_pattern is None or sign_pattern is None:
        return None
    if term_pattern.period is None or sign_pattern.period is None:
        return None
    return Conjecture(
        rule, start, tuple(terms[:start]), tuple(signs[: start - 1]), term_pattern, sign_pattern
    )
