"""Polynomial continued fractions: exact convergents, limits, convergence rate, δ, PSLQ.

A polynomial continued fraction (PCF) with integer polynomials a(n), b(n) is

    a(0) + b(1)/(a(1) + b(2)/(a(2) + b(3)/(a(3) + ...))),

and its convergents p_n/q_n obey p_n = a(n) p_{n-1} + b(n) p_{n-2} (likewise q_n) with
(p_{-1}, q_{-1}) = (1, 0), (p_0, q_0) = (a(0), 1). In matrix form

    [[p_n, p_{n-1}], [q_n, q_{n-1}]] = [[a(0), 1], [1, 0]] · Π_{k=1..n} [[a(k), 1], [b(k), 0]],

which this module evaluates in exact integers by a balanced product tree, so that the big
multiplications are between numbers of similar size (Karatsuba pays off) rather than a huge
number times a small one at every step.

Polynomials are integer coefficient lists in increasing powers of n: ``[5, 27, 51, 34]`` is
34n³ + 51n² + 27n + 5 (Apéry's a(n) for ζ(3)). References: Apéry (1979); the Ramanujan Machine
papers (Raayoni et al. 2021; Elimelech et al. 2024 on conservative matrix fields; Shalyt et al.
2024 on convergence-dynamics metrics).
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from numbers import Integral, Real

import mpmath

from rederived._checks import ZeroDenominatorError, count
from rederived._checks import digits as _digits

__all__ = [
    "MAX_FAMILY",
    "SCAN_CODES",
    "Dynamics",
    "Relation",
    "classify",
    "convergence_rate",
    "convergents",
    "convergents_sequential",
    "delta",
    "dynamics",
    "evaluate_polynomial",
    "excess_digits",
    "family",
    "identify",
    "identify_mobius",
    "limit",
]


def _as_polynomial(coeffs: object, name: str) -> tuple[int, ...]:
    if isinstance(coeffs, str | bytes) or not hasattr(coeffs, "__iter__"):
        raise TypeError(
            f"{name} must be a list of integer coefficients, got {type(coeffs).__name__}"
        )
    out = []
    for i, c in enumerate(coeffs):
        if isinstance(c, bool) or not isinstance(c, Integral):
            if isinstance(c, float) and c.is_integer():
                raise TypeError(f"{name}[{i}] = {c!r} is a float: pass integers (int({c!r}))")
            raise TypeError(f"{name}[{i}] must be an integer, got {c!r}")
        out.append(int(c))
    if not out:
        raise ValueError(f"{name} must have at least one coefficient")
    return tuple(out)


#: the deepest convergent computed (its numerator has millions of digits already)
MAX_DEPTH = 10**5


def _as_depth(depth: object, name: str = "depth") -> int:
    if isinstance(depth, bool) or not isinstance(depth, Integral):
        raise TypeError(f"{name} must be an int, got {type(depth).__name__}")
    if depth < 1:
        raise ValueError(f"{name} must be at least 1, got {depth}")
    if depth > MAX_DEPTH:
        raise ValueError(f"{name} must be at most {MAX_DEPTH:,}, got {depth}")
    return int(depth)


def _finite_real(value: object, name: str) -> mpmath.mpf:
    """``value`` as an mpmath real at the working precision; a clear error for NaN, inf, junk."""
    try:
        out = mpmath.mpf(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}") from None
    if not mpmath.isfinite(out):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return out


def evaluate_polynomial(coeffs: object, n: int) -> int:
    """Exact value of the integer polynomial ``coeffs`` (increasing powers) at integer ``n``
    (NumPy integers are converted to Python ints first, so nothing wraps around)."""
    if isinstance(n, bool) or not isinstance(n, Integral):
        raise TypeError(f"n must be an int, got {n!r}")
    n = int(n)
    value = 0
    for c in reversed(_as_polynomial(coeffs, "coeffs")):
        value = value * n + c
    return value


def _values(coeffs: tuple[int, ...], stop: int) -> list[int]:
    """Exact values at n = 0, 1, ..., stop-1 (Horner on Python integers)."""
    out = []
    for n in range(stop):
        value = 0
        for c in reversed(coeffs):
            value = value * n + c
        out.append(value)
    return out


Matrix = tuple[int, int, int, int]  # (m00, m01, m10, m11)

try:  # optional: GMP's big-integer products (see _product)
    from gmpy2 import mpz as _big
except ImportError:  # pragma: no cover - exercised where gmpy2 is absent
    _big = int


def _mul(x: Matrix, y: Matrix) -> Matrix:
    a, b, c, d = x
    e, f, g, h = y
    return (a * e + b * g, a * f + b * h, c * e + d * g, c * f + d * h)


def _product(mats: list[Matrix]) -> Matrix:
    """The ordered product of integer 2 × 2 matrices by a balanced tree, in GMP integers when
    gmpy2 is installed (its multiplication grows more slowly than Python's Karatsuba: several
    times faster at the Benchmarks page's largest depth), Python integers otherwise; Python
    integers out."""
    mats = [tuple(map(_big, m)) for m in mats]
    while len(mats) > 1:  # balanced: pair neighbours until one matrix is left
        paired = [_mul(mats[i], mats[i + 1]) for i in range(0, len(mats) - 1, 2)]
        if len(mats) % 2:
            paired.append(mats[-1])
        mats = paired
    return tuple(int(v) for v in mats[0])


def convergents(a: object, b: object, depth: int) -> tuple[int, int]:
    """The depth-th convergent p/q of the PCF, in exact integers (not reduced).

    Parameters
    ----------
    a, b : list of int
        Coefficients of a(n) and b(n), increasing powers of n.
    depth : int
        n of p_n/q_n, at least 1: the fraction uses a(0..n) and b(1..n).

    Returns
    -------
    p, q : int
        Numerator and denominator as the recurrence defines them (they may share factors).

    Raises
    ------
    ZeroDenominatorError (a ValueError and a ZeroDivisionError)
        If q_depth is zero: the convergent does not exist.
    """
    a_c, b_c = _as_polynomial(a, "a"), _as_polynomial(b, "b")
    depth = _as_depth(depth)
    av, bv = _values(a_c, depth + 1), _values(b_c, depth + 1)
    mats = [(av[0], 1, 1, 0)] + [(av[k], 1, bv[k], 0) for k in range(1, depth + 1)]
    p, _, q, _ = _product(mats)
    if q == 0:
        raise ZeroDenominatorError(f"the denominator q_{depth} of the continued fraction is zero")
    return p, q


def convergents_sequential(a: object, b: object, depth: int) -> list[tuple[int, int]]:
    """All convergents (p_n, q_n), n = 0..depth, by the three-term recurrence (exact).

    The straightforward O(depth) sequence of big-by-small multiplications: the reference
    that :func:`convergents` is checked against, and what the cost measurement compares with.
    """
    a_c, b_c = _as_polynomial(a, "a"), _as_polynomial(b, "b")
    depth = _as_depth(depth)
    av, bv = _values(a_c, depth + 1), _values(b_c, depth + 1)
    p_prev, p = 1, av[0]
    q_prev, q = 0, 1
    out = [(p, q)]
    for n in range(1, depth + 1):
        p, p_prev = av[n] * p + bv[n] * p_prev, p
        q, q_prev = av[n] * q + bv[n] * q_prev, q
        out.append((p, q))
    return out


def limit(a: object, b: object, depth: int, dps: int = 50) -> mpmath.mpf:
    """p_depth / q_depth as an mpmath number with ``dps`` significant digits.

    This is the limit only to the accuracy the depth reaches; see :func:`convergence_rate`.
    """
    dps = _digits(dps, "dps", 1)
    p, q = convergents(a, b, depth)
    with mpmath.workdps(dps):
        return mpmath.mpf(p) / q


def _log10_distance(p: int, q: int, P: int, Q: int) -> float:
    """log10 |p/q − P/Q| exactly from integers (−inf if equal)."""
    num = abs(p * Q - P * q)
    if num == 0:
        return -math.inf
    return math.log10(num) - math.log10(abs(q)) - math.log10(abs(Q))


def convergence_rate(a: object, b: object, depth: int) -> float:
    """Digits gained per term: slope of −log10|L − p_n/q_n| over n from depth/2 to depth.

    L is taken as the convergent at 2·depth, so errors are measured exactly in integers.
    """
    depth = _as_depth(depth)
    if depth < 2:
        raise ValueError("depth must be at least 2 to measure a rate")
    P, Q = convergents(a, b, 2 * depth)
    half = depth // 2
    p1, q1 = convergents(a, b, half)
    p2, q2 = convergents(a, b, depth)
    e1, e2 = _log10_distance(p1, q1, P, Q), _log10_distance(p2, q2, P, Q)
    if math.isinf(e1) or math.isinf(e2):
        _check_terminates(b, half)
        return math.inf  # terminates: rational with finite expansion
    return (e1 - e2) / (depth - half)


def _check_terminates(b: object, upto: int) -> None:
    """A convergent equal to the reference is a fraction that terminates (some b(k) = 0, after
    which every convergent is the same); otherwise the sequence merely repeats a value (as the
    periodic a = 0, b = −1 does, whose odd convergents are 0/0) and has no rate."""
    bv = _values(_as_polynomial(b, "b"), upto + 2)
    if all(v != 0 for v in bv[1:]):
        raise ValueError(
            "the convergents at depth/2, depth and 2·depth coincide although the fraction does "
            "not terminate (no b(k) = 0): a periodic fraction that does not converge"
        )


def excess_digits(p: int, q: int, P: int, Q: int) -> tuple[float, float]:
    """How well the fraction p/q, reduced by its gcd, approximates the limit estimate P/Q.

    Returns ``(excess, delta)``: the excess digits −log10(q·|L − p/q|) and the irrationality
    estimate δ = excess / log10 q, from L = P/Q in exact integer arithmetic (both ``inf`` when
    the two fractions are equal). A rational limit a/b bounds the excess digits by log10 b for
    every p/q ≠ a/b (|aq − bp| ≥ 1), so excess digits that keep growing, not one positive δ,
    are what an irrationality proof needs.

    Domain: Python or NumPy integers, q and Q nonzero, and |q| > 1 once reduced (δ divides by
    log10 q); anything else is a TypeError or ValueError naming the argument.
    """
    values = []
    for name, v in (("p", p), ("q", q), ("P", P), ("Q", Q)):
        if isinstance(v, bool) or not isinstance(v, Integral):
            raise TypeError(f"{name} must be an integer, got {type(v).__name__}")
        values.append(int(v))
    p, q, P, Q = values
    if Q == 0:
        raise ZeroDenominatorError("Q must be nonzero")
    if q == 0:
        raise ZeroDenominatorError("q must be nonzero")
    g = math.gcd(p, q)
    p, q = p // g, q // g
    if abs(q) <= 1:
        raise ValueError("the reduced denominator q is ±1: δ is undefined")
    err = _log10_distance(p, q, P, Q)
    if math.isinf(err):
        return math.inf, math.inf
    log_q = math.log10(abs(q))
    return -err - log_q, -1.0 - err / log_q


def delta(a: object, b: object, depth: int) -> float:
    """Irrationality-measure estimate δ from the reduced convergent at ``depth``.

    With p/q reduced by their gcd and L the convergent at 2·depth,
    |L − p/q| = q^{−(1+δ)}, so δ = −1 − log|L − p/q| / log q. δ > 0 for a whole family of
    convergents would prove L irrational (δ > 0 means approximations better than Dirichlet's
    1/q² allow for a rational limit).
    """
    depth = _as_depth(depth)
    P, Q = convergents(a, b, 2 * depth)
    p, q = convergents(a, b, depth)
    g = math.gcd(p, q)
    if abs(q // g) <= 1:
        raise ValueError("the reduced denominator is ±1: δ is undefined at this depth")
    return excess_digits(p, q, P, Q)[1]


@dataclass(frozen=True)
class Relation:
    """An integer relation Σ c_i v_i = 0 found by PSLQ, with its certificate.

    ``digits`` is how many digits the relation holds to (−log10 of the residual relative to
    the largest term), ``precision`` the digits the input was known to; ``margin`` is
    ``digits`` minus the digits spent on the coefficients: the relation says more than its
    own size only when the margin is large.
    """

    coefficients: tuple[int, ...]
    names: tuple[str, ...]
    digits: float
    precision: int

    def __post_init__(self):
        if len(self.coefficients) != len(self.names) or not self.names:
            raise ValueError("coefficients and names must have the same, nonzero length")
        if not all(isinstance(c, Integral) for c in self.coefficients):
            raise TypeError("coefficients must be ints")
        if not math.isfinite(self.digits):
            raise ValueError(f"digits must be finite, got {self.digits}")

    @property
    def margin(self) -> float:
        size = sum(math.log10(abs(c)) for c in self.coefficients if c != 0)
        return self.digits - size

    def __str__(self) -> str:
        terms = " + ".join(
            f"({c})·{n}" for c, n in zip(self.coefficients, self.names, strict=True) if c
        )
        return f"{terms} = 0  (holds to {self.digits:.0f} digits, margin {self.margin:.0f})"


def identify(
    x: object, basis: dict[str, object], *, dps: int | None = None, maxcoeff: int = 10**6
) -> Relation | None:
    """Find integers c0, c_i with c0·x + Σ c_i·basis_i = 0, or None when nothing holds.

    Parameters
    ----------
    x : mpmath number
        The value to identify, accurate to about ``dps`` digits.
    basis : dict of name -> mpmath number
        The constants to try, e.g. ``{"1": 1, "pi": mpmath.pi}``; pass products such as
        ``x·π`` explicitly to find Möbius relations (c0 + c1 π) x = c2 + c3 π.
    dps : int, optional
        Digits to use (default: the current mpmath precision).
    maxcoeff : int
        Largest coefficient PSLQ may return.

    Returns
    -------
    Relation or None
        A relation is returned only if c0 ≠ 0, it holds to within 10 digits of ``dps``, and its
        margin (digits minus the digits of its coefficients) is at least dps/2: the data must
        say twice as much as the relation itself does. A relation with coefficients nearly as
        long as the data is no evidence.
    """
    if not isinstance(basis, dict) or not basis:
        raise TypeError("basis must be a non-empty dict of name -> number")
    if not all(isinstance(k, str) for k in basis) or "x" in basis:
        raise ValueError("basis names must be strings other than 'x' (the value's own)")
    dps = mpmath.mp.dps if dps is None else _digits(dps, "dps", 15)
    if dps < 15:
        raise ValueError(f"dps must be at least 15 (PSLQ's certificate needs 10 spare), got {dps}")
    maxcoeff = count(maxcoeff, "maxcoeff")
    with mpmath.workdps(dps):
        values = [_finite_real(x, "x")] + [
            _finite_real(v, f"basis[{k!r}]") for k, v in basis.items()
        ]
        if any(v == 0 for v in values[1:]):
            raise ValueError("basis values must be nonzero")
        if values[0] == 0:  # x = 0 exactly: the relation 1·x = 0
            return Relation((1,) + (0,) * len(basis), ("x", *basis), float(dps), dps)
        largest = max(abs(v) for v in values)
        if any(abs(v) < largest * mpmath.mpf(10) ** (10 - dps) for v in values):
            raise ValueError(
                "x or a basis value is below the working precision relative to the others: "
                "PSLQ cannot use it (raise dps, or check whether x is 0)"
            )
        among = (
            mpmath.pslq(values[1:], maxcoeff=maxcoeff, maxsteps=10**5) if len(basis) > 1 else None
        )
        if among is not None and _certified(among, values[1:], dps):
            # then no relation involving x is unique
            terms = " + ".join(f"({c})·{n}" for c, n in zip(among, basis, strict=True) if c)
            raise ValueError(f"the basis is linearly dependent over the integers: {terms} = 0")
        rel = mpmath.pslq(values, maxcoeff=maxcoeff, maxsteps=10**5)
        if rel is None or rel[0] == 0:
            return None
        residual = abs(mpmath.fsum(c * v for c, v in zip(rel, values, strict=True)))
        scale = max(abs(c * v) for c, v in zip(rel, values, strict=True))
        digits = float(dps) if residual == 0 else float(-mpmath.log10(residual / scale))
    found = Relation(tuple(int(c) for c in rel), ("x", *basis), min(digits, float(dps)), dps)
    if found.digits < dps - 10 or found.margin < dps / 2:
        return None
    return found


def _certified(rel: list, values: list, dps: int) -> bool:
    """A relation passes :func:`identify`'s certificate: it holds to within 10 digits of dps
    and its coefficients carry at most dps/2 digits."""
    size = sum(math.log10(abs(c)) for c in rel if c != 0)
    residual = abs(mpmath.fsum(c * v for c, v in zip(rel, values, strict=True)))
    scale = max(abs(c * v) for c, v in zip(rel, values, strict=True))
    return size <= dps / 2 and residual <= scale * mpmath.mpf(10) ** (10 - dps)


def identify_mobius(
    x: object, constant: object, name: str = "c", *, dps: int | None = None
) -> Relation | None:
    """Find x = (α + β c)/(γ + δ c) with small integers: a relation among (x, x·c, 1, c).

    Returns the relation (names ``x``, ``x·c``, ``1``, ``c``) when it involves x and holds with
    the same certificate rules as :func:`identify`; None otherwise. A relation whose c terms
    vanish says x is rational, which the caller can see from the coefficients.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    dps = mpmath.mp.dps if dps is None else _digits(dps, "dps", 15)
    if dps < 15:
        raise ValueError(f"dps must be at least 15 (PSLQ's certificate needs 10 spare), got {dps}")
    with mpmath.workdps(dps):
        xv, cv = _finite_real(x, "x"), _finite_real(constant, "constant")
        if cv == 0:
            raise ValueError("constant must be nonzero: x = (α + β·0)/(γ + δ·0) is only rational")
        rational = mpmath.pslq([cv, mpmath.mpf(1)], maxcoeff=10**6, maxsteps=10**4)
        if rational is not None:
            raise ValueError(
                f"constant must be irrational: it is {-rational[1]}/{rational[0]} to the working "
                "precision, and x·c then repeats x"
            )
        if abs(xv) < abs(cv) * mpmath.mpf(10) ** (10 - dps) or abs(cv) < mpmath.mpf(10) ** (
            10 - dps
        ) * max(abs(xv), 1):
            if xv != 0:
                raise ValueError(
                    "x or constant is below the working precision relative to the other: PSLQ "
                    "cannot use it (raise dps)"
                )
        if xv == 0:
            return Relation((1, 0, 0, 0), ("x", f"x·{name}", "1", name), float(dps), dps)
        values = [xv, xv * cv, mpmath.mpf(1), cv]
        rel = mpmath.pslq(values, maxcoeff=10**6, maxsteps=10**5)
        if rel is None or (rel[0] == 0 and rel[1] == 0):
            return None
        residual = abs(mpmath.fsum(c * v for c, v in zip(rel, values, strict=True)))
        scale = max(abs(c * v) for c, v in zip(rel, values, strict=True))
        digits = float(dps) if residual == 0 else float(-mpmath.log10(residual / scale))
    found = Relation(
        tuple(int(c) for c in rel), ("x", f"x·{name}", "1", name), min(digits, float(dps)), dps
    )
    if found.digits < dps - 10 or found.margin < dps / 2:
        return None
    return found


@dataclass(frozen=True)
class Dynamics:
    """Convergence dynamics of one PCF: its value, digits gained per term, and δ."""

    a: tuple[int, ...]
    b: tuple[int, ...]
    limit: mpmath.mpf
    rate: float
    delta: float


def dynamics(a: object, b: object, depth: int, dps: int = 30) -> Dynamics:
    """Limit, convergence rate and δ of a PCF from one pass of the recurrence to 2·depth.

    The same definitions as :func:`convergence_rate` and :func:`delta` (the convergent at
    2·depth stands in for the limit), computed from a single sequence of convergents, which is
    what a scan over thousands of PCFs needs. δ is NaN when the reduced denominator is ±1 or the
    convergent equals the reference; the rate is inf for a terminating fraction.

    Raises
    ------
    ZeroDenominatorError (a ValueError and a ZeroDivisionError)
        If a denominator needed (at depth/2, depth or 2·depth) is zero.
    ValueError
        If the convergents repeat without the fraction terminating (no limit, no rate).
    """
    depth = _as_depth(depth)
    if depth < 2:
        raise ValueError("depth must be at least 2 to measure a rate")
    seq = convergents_sequential(a, b, 2 * depth)
    (P, Q), (p1, q1), (p2, q2) = seq[-1], seq[depth // 2], seq[depth]
    if 0 in (Q, q1, q2):
        raise ZeroDenominatorError("a denominator of the continued fraction is zero")
    e1, e2 = _log10_distance(p1, q1, P, Q), _log10_distance(p2, q2, P, Q)
    if math.isinf(e1) or math.isinf(e2):
        _check_terminates(b, depth // 2)
    rate = math.inf if math.isinf(e1) or math.isinf(e2) else (e1 - e2) / (depth - depth // 2)
    g = math.gcd(p2, q2)
    p, q = p2 // g, q2 // g
    err = _log10_distance(p, q, P, Q)
    d = math.nan if abs(q) <= 1 or math.isinf(err) else -1.0 - err / math.log10(abs(q))
    with mpmath.workdps(_digits(dps, "dps", 1)):
        value = mpmath.mpf(P) / Q
    return Dynamics(_as_polynomial(a, "a"), _as_polynomial(b, "b"), value, rate, d)


# --------------------------------------------------------------------------- scans

#: the most PCFs :func:`family` lists (the paper's whole family has 1,768,900)
MAX_FAMILY = 2_000_000


def family(
    bound: int, a_degree: int, b_degree: int
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Every PCF with a(n), b(n) of degree at most ``a_degree``, ``b_degree`` and integer
    coefficients in [−bound, bound], neither polynomial zero, in a fixed order (a's
    coefficients, then b's, each in increasing powers, lexicographically). The paper's family is
    ``family(5, 2, 2)`` (Shalyt et al. 2024: 1,768,900 PCFs).

    Raises
    ------
    ValueError
        If the family would hold more than :data:`MAX_FAMILY` PCFs.
    """
    bound, a_degree, b_degree = (
        count(bound, "bound"),
        count(a_degree, "a_degree", minimum=0),
        count(b_degree, "b_degree", minimum=0),
    )
    if (a_degree + b_degree + 2) * math.log(2 * bound + 1) > math.log(4 * MAX_FAMILY):
        raise ValueError(
            f"the family with bound {bound} and degrees {a_degree}, {b_degree} holds more than "
            f"MAX_FAMILY = {MAX_FAMILY:,} PCFs"
        )
    size = ((2 * bound + 1) ** (a_degree + 1) - 1) * ((2 * bound + 1) ** (b_degree + 1) - 1)
    if size > MAX_FAMILY:
        raise ValueError(
            f"the family with bound {bound} and degrees {a_degree}, {b_degree} holds {size:,} "
            f"PCFs, more than MAX_FAMILY = {MAX_FAMILY:,}"
        )
    polys_a, polys_b = _polys(bound, a_degree), _polys(bound, b_degree)
    return [(a, b) for a in polys_a for b in polys_b]


@functools.lru_cache(maxsize=8)
def _polys(bound: int, degree: int) -> tuple[tuple[int, ...], ...]:
    """The nonzero coefficient tuples of degree ≤ ``degree`` in [−bound, bound], in order."""
    values = range(-bound, bound + 1)
    return tuple(p for p in itertools.product(values, repeat=degree + 1) if any(p))


def _members(item: dict) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The PCFs of a scan item, decoded from their indices without listing the family."""
    polys_a = _polys(int(item["bound"]), int(item["a_degree"]))
    polys_b = _polys(int(item["bound"]), int(item["b_degree"]))
    indices = item["indices"] if "indices" in item else range(item["start"], item["stop"])
    return [(polys_a[i // len(polys_b)], polys_b[i % len(polys_b)]) for i in indices]


def classify(
    found: Dynamics, candidates: dict[str, object], *, dps: int = 20, min_rate: float = 0.2
) -> str:
    """What a scanned PCF's limit is: ``"rational"``, the name of the candidate constant c of
    which it is a Möbius transform (α + βc)/(γ + δc) with β or δ nonzero (the first that PSLQ
    finds, in the candidates' order), or ``"unidentified"``. Limits that converge at fewer than
    ``min_rate`` digits per term are not known to enough digits and stay unidentified, as do
    limits PSLQ cannot use at ``dps`` digits."""
    if not isinstance(found, Dynamics):
        raise TypeError(f"found must be a Dynamics, got {type(found).__name__}")
    if not isinstance(candidates, dict) or not all(isinstance(k, str) for k in candidates):
        raise TypeError("candidates must be a dict of name -> constant")
    dps = _digits(dps, "dps", 15)
    if isinstance(min_rate, bool) or not isinstance(min_rate, Real) or not math.isfinite(min_rate):
        raise ValueError(f"min_rate must be a finite real number, got {min_rate!r}")
    with mpmath.workdps(dps + 10):
        constants = {}
        for name, constant in candidates.items():
            value = _finite_real(constant, f"candidates[{name!r}]")
            if value == 0:
                raise ValueError(f"candidates[{name!r}] must be nonzero")
            constants[name] = value
        if not found.rate >= min_rate:
            return "unidentified"
        x = _finite_real(found.limit, "found.limit")
        if x == 0:
            return "rational"
        tiny = mpmath.mpf(10) ** (10 - dps)

        def usable(*others):  # PSLQ needs x and each constant within its working precision
            return all(abs(x) >= abs(c) * tiny and abs(c) >= tiny * max(abs(x), 1) for c in others)

        if usable(mpmath.mpf(1)) and identify(x, {"1": 1}, dps=dps):
            return "rational"
        for name, constant in constants.items():
            if not usable(constant):
                continue
            rel = identify_mobius(x, constant, name, dps=dps)
            if rel is not None and (rel.coefficients[1] or rel.coefficients[3]):
                return name
    return "unidentified"


def _sig(x: float) -> float | None:
    """Six significant digits, None for NaN (JSON has no NaN)."""
    return None if math.isnan(x) else float(f"{x:.6g}")


def scan_item(item: dict) -> dict:
    """One chunk of :data:`SCAN_SWEEP`: for the PCFs ``start:stop`` of the family (or of the
    item's ``indices`` into it), the rate and δ at depth 60 (six digits; rate None for a
    terminating fraction, δ None when undefined) and a one-letter status, in a string: ``z`` (a
    zero denominator), ``p`` (convergents that repeat without terminating), else the label of
    :func:`classify` against π, ln 2 and e: ``r`` rational, ``P`` π, ``L`` ln 2, ``E`` e, ``u``
    unidentified (:data:`SCAN_CODES`)."""
    pcfs = _members(item)
    with mpmath.workdps(30):
        candidates = {"π": +mpmath.pi, "ln 2": mpmath.log(2), "e": +mpmath.e}
    rate, delta, status = [], [], []
    for a, b in pcfs:
        try:
            found = dynamics(a, b, 60, dps=30)
        except ZeroDivisionError:
            rate.append(None), delta.append(None), status.append("z")
            continue
        except ValueError:
            rate.append(None), delta.append(None), status.append("p")
            continue
        rate.append(None if math.isinf(found.rate) else _sig(found.rate))
        delta.append(_sig(found.delta))
        status.append(_CODE[classify(found, candidates)])
    return {"rate": rate, "delta": delta, "status": "".join(status)}


#: the one-letter statuses of :func:`scan_item`
SCAN_CODES = {
    "z": "zero denominator",
    "p": "periodic",
    "r": "rational",
    "P": "π",
    "L": "ln 2",
    "E": "e",
    "u": "unidentified",
}
_CODE = {name: code for code, name in SCAN_CODES.items()}


def scan_indices(params) -> list[int]:
    """The indices into the family that a scale of :data:`SCAN_SWEEP` scans: all of them, or a
    seeded sample without replacement (in increasing order) when it names a ``sample`` size."""
    import numpy as np

    size = len(_polys(params["bound"], params["a_degree"])) * len(
        _polys(params["bound"], params["b_degree"])
    )
    if "sample" not in params:
        return list(range(size))
    rng = np.random.default_rng(np.random.SeedSequence(int(params["seed"])))
    return sorted(int(i) for i in rng.choice(size, int(params["sample"]), replace=False))


def _scan_items(params) -> list[dict]:
    indices, chunk = scan_indices(params), int(params["chunk"])
    shape = {k: params[k] for k in ("bound", "a_degree", "b_degree")}
    if "sample" in params:
        return [{**shape, "indices": indices[i : i + chunk]} for i in range(0, len(indices), chunk)]
    return [
        {**shape, "start": i, "stop": min(i + chunk, len(indices))}
        for i in range(0, len(indices), chunk)
    ]


def _make_scan_sweep():
    from rederived.sweep import Sweep

    return Sweep(
        name="pcf-scan",
        chapter="experimental/polynomial-continued-fractions",
        description="rate, δ and identified limit of a chunk of PCFs from the paper's family.",
        scales={
            # 100,000 of the paper's 1,768,900 PCFs (a, b of degree ≤ 2, coefficients in
            # [−5, 5]), drawn at random
            "paper": {
                "bound": 5,
                "a_degree": 2,
                "b_degree": 2,
                "sample": 100_000,
                "chunk": 1000,
                "seed": 20241219,
            },
            # the same coefficient range with a of degree ≤ 1, where the classical formulas
            # for π, ln 2 and e lie: 120 × 1330 = 159,600 PCFs, every one
            "slice": {"bound": 5, "a_degree": 1, "b_degree": 2, "chunk": 1000, "seed": None},
            # coefficients in [−2, 2]: 24 × 124 = 2,976 PCFs, about the chapter's own scan
            "book": {"bound": 2, "a_degree": 1, "b_degree": 2, "chunk": 500, "seed": None},
        },
        items=_scan_items,
        run_item=scan_item,
    )


SCAN_SWEEP = _make_scan_sweep()
