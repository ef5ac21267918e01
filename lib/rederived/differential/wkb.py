"""The WKB series of ε²φ'' + a(x)φ = 0 to any order, its truncations, and a Taylor reference.

Substituting φ = exp(ε⁻¹ Σ_p ε^p S_p(x)) into ε²φ'' + aφ = 0 gives the Riccati equation
S'² + εS'' + a = 0 for S = Σ_p ε^p S_p, and order by order in ε

    S₀'² = −a,    2 S₀' S_n' = −(S_{n−1}'' + Σ_{j=1}^{n−1} S_j' S_{n−j}')   (n ≥ 1),

with S₀' = i√a on the "+" branch (Körner, Arnold, Klein and Melenk, arXiv:2310.00955, and the
companion paper arXiv:2401.10141, Sec. 2). For a polynomial a every term has the exact form

    S_n' = (i√a)^{e_n} P_n(x) / a(x)^{m_n},   e_n = 1 for even n, 0 for odd n,   m_n = ⌊3n/2⌋,

with P_n a polynomial with rational coefficients: the recursion keeps every summand over the same
power of a (the chapter proves this), so :func:`series` computes the P_n exactly, in
:class:`fractions.Fraction` arithmetic, with no differentiation error however large n is. The
"−" branch is S_n'⁻ = (−1)^{n+1} S_n'⁺.

The truncation of order N solves the initial value problem φ(ξ) = φ₀, εφ'(ξ) = φ₁ as
φ_N = α e^{Φ_N⁺} + β e^{Φ_N⁻} with Φ_N^± = Σ_{p≤N} (±1)^{p+1} ε^{p−1} S_p, S_p(ξ) = 0, and α, β
fixed by the two initial conditions (:func:`solution`). The phases S_p are integrated exactly
when a is a pure power κ(x − x₀)^k and by composite Gauss–Legendre quadrature otherwise, with the
nodes chosen from the distance to the nearest complex zero of a, the order of the pole S_p' has
there, and the working precision.

:func:`taylor_reference` integrates the same problem by Taylor series in arbitrary precision (the
solutions of a linear equation with polynomial coefficients are entire): the reference that the
truncations are measured against where no special function gives the exact solution.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from numbers import Complex, Integral, Rational, Real

import mpmath
import numpy as np

from rederived._checks import digits
from rederived._checks import finite_real as _real

__all__ = [
    "MAX_DEGREE",
    "MAX_GENERAL_WORK",
    "MAX_NODES",
    "MAX_ORDER",
    "MAX_PIECE_NODES",
    "MAX_STEPS",
    "MAX_TERM_WORK",
    "MAX_WORK_DPS",
    "WKBSeries",
    "series",
    "solution",
    "taylor_reference",
    "truncation_errors",
]

#: the highest order of the series :func:`series` computes (a pure power, whose numerators are
#: monomials, reaches it in about a second)
MAX_ORDER = 300

#: order⁴·(degree − 1)²·(1 + bits/8) allowed for an a that is not a pure power, bits the size
#: of a's largest numerator or denominator (order 100 for a quadratic with one-digit integers)
MAX_GENERAL_WORK = 100**4 * 1.25

#: the most decimal digits :func:`solution` and :func:`taylor_reference` work at
MAX_WORK_DPS = 2000

#: the highest degree of a accepted
MAX_DEGREE = 12

#: the most quadrature pieces one call uses before refusing the request
MAX_NODES = 200_000

#: the most Gauss–Legendre nodes on one piece (longer rules are split into shorter pieces)
MAX_PIECE_NODES = 192

#: the most term evaluations one quadrature makes, weighted by 1 + dps/50 (about 15 s)
MAX_TERM_WORK = 500_000

#: the most Taylor steps :func:`taylor_reference` takes (about a second per thousand at 30 digits)
MAX_STEPS = 20_000


# --------------------------------------------------------------------------------------------
# exact polynomials: lists of Fractions, lowest power first


def _trim(p: list[Fraction]) -> list[Fraction]:
    while len(p) > 1 and p[-1] == 0:
        p.pop()
    return p


def _add(p: list[Fraction], q: list[Fraction]) -> list[Fraction]:
    if len(p) < len(q):
        p, q = q, p
    out = list(p)
    for i, c in enumerate(q):
        if c:
            out[i] += c
    return _trim(out)


def _mul(p: list[Fraction], q: list[Fraction]) -> list[Fraction]:
    out = [Fraction(0)] * (len(p) + len(q) - 1)
    nonzero_q = [(j, d) for j, d in enumerate(q) if d]  # pure powers give sparse numerators
    for i, c in enumerate(p):
        if c:
            for j, d in nonzero_q:
                out[i + j] += c * d
    return _trim(out)


def _scale(p: list[Fraction], c: Fraction) -> list[Fraction]:
    return _trim([c * x if x else x for x in p])


def _derivative(p: list[Fraction]) -> list[Fraction]:
    return [i * p[i] if p[i] else p[i] for i in range(1, len(p))] or [Fraction(0)]


def _remainder(p: list[Fraction], q: list[Fraction]) -> list[Fraction]:
    """p mod q, exactly (q with a non-zero leading coefficient)."""
    p = list(p)
    while len(p) >= len(q) and any(p):
        factor = p[-1] / q[-1]
        shift = len(p) - len(q)
        for i, c in enumerate(q):
            p[shift + i] -= factor * c
        p.pop()
        _trim(p)
    return _trim(p) if p else [Fraction(0)]


def _gcd(p: list[Fraction], q: list[Fraction]) -> list[Fraction]:
    """Monic greatest common divisor, by Euclid's algorithm in exact arithmetic."""
    p, q = _trim(list(p)), _trim(list(q))
    while any(q):
        p, q = q, _remainder(p, q)
    return [c / p[-1] for c in p]


def _value(p, t: Fraction) -> Fraction:
    out = Fraction(0)
    for c in reversed(p):
        out = out * t + c
    return out


def _squarefree(a: list[Fraction]) -> tuple[list[Fraction], int]:
    """The squarefree part of a and the largest multiplicity of its zeros (exact)."""
    if len(a) < 2:
        return list(a), 1
    g = _gcd(a, _derivative(a))
    multiplicity = 1
    while len(g) > 1:
        multiplicity += 1
        g = _gcd(g, _derivative(g))
    core = _gcd(a, _derivative(a))
    if len(core) == 1:
        return list(a), 1
    # a / gcd(a, a') by long division
    quotient, rest = [Fraction(0)] * (len(a) - len(core) + 1), list(a)
    for k in range(len(quotient) - 1, -1, -1):
        quotient[k] = rest[k + len(core) - 1] / core[-1]
        for i, c in enumerate(core):
            rest[k + i] -= quotient[k] * c
    return _trim(quotient), multiplicity


def _real_zeros_between(p: list[Fraction], lo: Fraction, hi: Fraction) -> int:
    """Distinct real zeros of the squarefree p in (lo, hi], by Sturm's theorem."""
    if len(p) < 2:
        return 0
    chain = [p, _derivative(p)]
    while len(chain[-1]) > 1 or chain[-1][0] != 0:
        r = _remainder(chain[-2], chain[-1])
        if not any(r):
            break
        chain.append([-c for c in r])

    def changes(t):
        signs = [v for v in (_value(q, t) for q in chain) if v != 0]
        return sum(1 for u, v in itertools.pairwise(signs) if (u > 0) != (v > 0))

    return changes(lo) - changes(hi)


def _as_polynomial(a: object, name: str = "a") -> tuple[Fraction, ...]:
    if isinstance(a, str | bytes) or not isinstance(a, Sequence | np.ndarray):
        raise TypeError(f"{name} must be a list of coefficients, got {type(a).__name__}")
    out = []
    for i, c in enumerate(a):
        if isinstance(c, bool) or not isinstance(c, Real):
            raise TypeError(f"{name}[{i}] must be a real number, got {c!r}")
        if isinstance(c, Rational):
            out.append(Fraction(int(c.numerator), int(c.denominator)))
        else:
            value = float(c)
            if not math.isfinite(value):
                raise ValueError(f"{name}[{i}] must be finite, got {c!r}")
            out.append(Fraction(value))  # the float's exact binary value
    out = _trim(out) if out else out
    if not out or (len(out) == 1 and out[0] == 0):
        raise ValueError(f"{name} must be a non-zero polynomial (coefficients, lowest power first)")
    if len(out) - 1 > MAX_DEGREE:
        raise ValueError(f"{name} must have degree at most {MAX_DEGREE}, got {len(out) - 1}")
    return tuple(out)


def _power_form(a: tuple[Fraction, ...]) -> tuple[Fraction, Fraction, int] | None:
    """(κ, x₀, k) when a = κ(x − x₀)^k exactly with k ≥ 1, else None."""
    k = len(a) - 1
    if k < 1:
        return None
    kappa = a[-1]
    x0 = -a[-2] / (k * kappa)
    expanded = [kappa * math.comb(k, j) * (-x0) ** (k - j) for j in range(k + 1)]
    return (kappa, x0, k) if list(a) == expanded else None


@dataclass(frozen=True)
class WKBSeries:
    """The exact WKB terms S_n' = (i√a)^{e_n} P_n / a^{m_n}, n = 0..order, of a polynomial a.

    Attributes
    ----------
    a : tuple of Fraction
        The coefficients of a, lowest power first.
    numerators : tuple of tuple of Fraction
        P_n for n = 0..order (P_0 = 1), as polynomials in x − ``shift``.
    shift : Fraction
        x₀ when a = κ(x − x₀)^k is a pure power (the numerators are then monomials in x − x₀,
        cheap to compute to high order), else 0.
    """

    a: tuple[Fraction, ...]
    numerators: tuple[tuple[Fraction, ...], ...]
    shift: Fraction = Fraction(0)

    @property
    def order(self) -> int:
        """The highest order n computed."""
        return len(self.numerators) - 1

    @staticmethod
    def denominator_power(n: int) -> int:
        """m_n = ⌊3n/2⌋, the power of a below P_n."""
        return 3 * n // 2

    @property
    def power_form(self) -> tuple[Fraction, Fraction, int] | None:
        """(κ, x₀, k) when a = κ(x − x₀)^k exactly; then S_n' = d_n (x − x₀)^{μ_n} with
        μ_n = k/2 − n(k/2 + 1), and the phases integrate in closed form."""
        return _power_form(self.a)

    def exponent(self, n: int) -> Fraction:
        """μ_n = k/2 − n(k/2 + 1) of the pure power a = κ(x − x₀)^k (ValueError otherwise)."""
        form = self.power_form
        if form is None:
            raise ValueError("a is not a pure power κ(x − x0)^k")
        k = form[2]
        return Fraction(k, 2) - n * Fraction(k + 2, 2)

    def power_coefficient(self, n: int) -> tuple[Fraction, int]:
        """(r_n, e_n) with d_n = r_n (i√κ)^{e_n} for the pure power a = κ(x − x₀)^k: the value of
        P_n / a^{m_n} at x = x₀ + 1, exact."""
        form = self.power_form
        if form is None:
            raise ValueError("a is not a pure power κ(x − x0)^k")
        kappa, x0, _ = form
        n = _order(n, self.order)
        value = sum(c * (x0 + 1 - self.shift) ** i for i, c in enumerate(self.numerators[n]))
        return Fraction(value) / kappa ** self.denominator_power(n), 1 - n % 2

    def roots(self) -> np.ndarray:
        """The complex zeros of a (floating point), shape (degree,)."""
        coeffs = [float(c) for c in self.a]
        return np.roots(coeffs[::-1]) if len(coeffs) > 1 else np.zeros(0, complex)


def _order(n: object, order: int, name: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, Integral):
        raise TypeError(f"{name} must be an int, got {n!r}")
    if not 0 <= n <= order:
        raise ValueError(f"{name} must be in [0, {order}], got {n}")
    return int(n)


def series(a: Sequence[object], order: int) -> WKBSeries:
    """The exact WKB terms of ε²φ'' + a(x)φ = 0 up to ``order``.

    Parameters
    ----------
    a : sequence of int, Fraction or finite float
        Coefficients of the polynomial a, lowest power first (floats are taken at their exact
        binary value); degree at most :data:`MAX_DEGREE`, not the zero polynomial.
    order : int
        The highest n, 0 ≤ order ≤ :data:`MAX_ORDER`.

    Returns
    -------
    WKBSeries
        The numerators P_n of S_n' = (i√a)^{e_n} P_n / a^{m_n}, exact rationals.

    Notes
    -----
    The recursion 2S₀'S_n' = −(S_{n−1}'' + Σ S_j'S_{n−j}') of arXiv:2310.00955 in this form: for
    odd n, P_n = −½[P_{n−1}'a − (m_{n−1} − ½)a'P_{n−1} + Σ_j P_jP_{n−j}]; for even n,
    P_n = ½[P_{n−1}'a − m_{n−1}a'P_{n−1} + Σ_{j odd} P_jP_{n−j} − Σ_{j even} P_jP_{n−j}].
    """
    coeffs = _as_polynomial(a)
    if isinstance(order, bool) or not isinstance(order, Integral):
        raise TypeError(f"order must be an int, got {order!r}")
    if not 0 <= order <= MAX_ORDER:
        raise ValueError(f"order must be in [0, {MAX_ORDER}], got {order}")
    form = _power_form(coeffs)
    degree = len(coeffs) - 1
    # numerators of degree about n(deg a − 1) with coefficients that grow by the size of a's
    # own each step: time grows like order⁴, and with the bits of a's coefficients (a float
    # brings a 2^52 denominator)
    bits = max(max(c.numerator.bit_length(), c.denominator.bit_length()) for c in coeffs)
    weight = (degree - 1) ** 2 * (1 + bits / 8)
    if form is None and degree >= 2 and order**4 * weight > MAX_GENERAL_WORK:
        limit = int((MAX_GENERAL_WORK / weight) ** 0.25)
        raise ValueError(
            f"order {order} for a of degree {degree} (not a pure power) would take minutes: "
            f"at most {limit}"
        )
    shift = form[1] if form is not None else Fraction(0)
    # a pure power is expanded about its zero, where every numerator is a monomial
    A = [Fraction(0)] * form[2] + [form[0]] if form is not None else list(coeffs)
    dA = _derivative(A)
    half = Fraction(1, 2)
    P: list[list[Fraction]] = [[Fraction(1)]]
    for n in range(1, int(order) + 1):
        prev, m_prev = P[n - 1], WKBSeries.denominator_power(n - 1)
        power = m_prev - half if n % 2 == 1 else Fraction(m_prev)
        q = _add(_mul(_derivative(prev), A), _scale(_mul(dA, prev), -power))
        # the sum over j = 1..n-1 of P_j P_{n-j}: pairs j < n - j twice, the middle once
        same, mixed = [Fraction(0)], [Fraction(0)]
        for j in range(1, (n + 1) // 2):
            term = _scale(_mul(P[j], P[n - j]), Fraction(2))
            if j % 2 == (n - j) % 2 and j % 2 == 0:
                same = _add(same, term)
            else:
                mixed = _add(mixed, term)
        if n % 2 == 0 and n >= 2:
            middle = _mul(P[n // 2], P[n // 2])
            if (n // 2) % 2 == 0:
                same = _add(same, middle)
            else:
                mixed = _add(mixed, middle)
        if n % 2 == 1:
            P.append(_scale(_add(q, mixed), -half))
        else:  # products of two even terms carry (i√a)² = −a, which lowers their power of a by one
            P.append(_scale(_add(_add(q, mixed), _scale(same, Fraction(-1))), half))
    return WKBSeries(coeffs, tuple(tuple(p) for p in P), shift)


# --------------------------------------------------------------------------------------------
# evaluation


def _check_series(s: object) -> WKBSeries:
    if not isinstance(s, WKBSeries):
        raise TypeError(f"s must be a WKBSeries (from series()), got {type(s).__name__}")
    return s


def _points(x: object, xi: float, name: str = "x") -> np.ndarray:
    raw = np.asarray(x) if not isinstance(x, str | bytes) else None
    if raw is None or raw.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be an array of real numbers (not complex, bool or text)")
    pts = raw.astype(float)
    if pts.ndim != 1 or pts.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {pts.shape}")
    if not np.all(np.isfinite(pts)):
        raise ValueError(f"{name} must be finite")
    if np.any(pts < xi):
        raise ValueError(f"{name} must lie at or after xi = {xi!r} (the problem runs forward)")
    return pts


def _problem(eps: object, x: object, xi: object, phi0: object, dphi0: object):
    """The checked data of an initial value problem: (eps, xi, points, phi0, dphi0)."""
    eps = _real(eps, "eps")
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    xi = _real(xi, "xi")
    return eps, xi, _points(x, xi), _complex(phi0, "phi0"), _complex(dphi0, "dphi0")


def _work_digits(dps: object) -> int:
    """A working precision in [15, MAX_WORK_DPS] decimal digits."""
    dps = digits(dps, "dps", 15)
    if dps > MAX_WORK_DPS:
        raise ValueError(f"dps must be at most {MAX_WORK_DPS}, got {dps}")
    return dps


def _complex(value: object, name: str) -> complex:
    if isinstance(value, bool) or not isinstance(value, Complex | mpmath.mpf | mpmath.mpc):
        raise TypeError(f"{name} must be a finite number, got {value!r}")
    z = complex(value)
    if not (math.isfinite(z.real) and math.isfinite(z.imag)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return z


def _check_positive(s: WKBSeries, lo: float, hi: float) -> float:
    """Refuse an interval where a has a zero or is negative, decided exactly (a(ξ) and a Sturm
    count of the real zeros of a's squarefree part in [ξ, max x]); return the distance from the
    interval to the nearest complex zero of a (floating point; inf for a constant)."""
    lo_exact, hi_exact = Fraction(lo), Fraction(hi)
    a_lo = _value(s.a, lo_exact)
    if not a_lo > 0:
        raise ValueError(f"a must be positive on [xi, max(x)], but a(xi) = {float(a_lo):.6g}")
    core, _ = _squarefree(list(s.a))
    if _real_zeros_between(core, lo_exact, hi_exact) > 0:
        raise ValueError("a has a zero in [xi, max(x)]: a turning point, where WKB does not apply")
    dist = math.inf
    if len(core) > 1:
        for r in np.roots([float(c) for c in core][::-1]):
            nearest = min(max(r.real, lo), hi)
            dist = min(dist, abs(complex(nearest, 0) - r))
    return dist


def _gauss_nodes(n: int, dps: int | None) -> tuple[list, list]:
    if dps is None:
        t, w = np.polynomial.legendre.leggauss(n)
        return list(t), list(w)
    with mpmath.workdps(dps + 10):
        t, w = zip(
            *mpmath.calculus.quadrature.GaussLegendre(mpmath.mp).calc_nodes(
                _gl_degree(n), mpmath.mp.prec
            ),
            strict=True,
        )
    return list(t), list(w)


def _gl_degree(n: int) -> int:
    # mpmath's Gauss-Legendre rule of "degree" d has 3·2^(d-1) nodes: take the smallest >= n
    d = 1
    while 3 * 2 ** (d - 1) < n:
        d += 1
    return d


def _phases(s: WKBSeries, order: int, x: np.ndarray, xi: float, dps: int | None):
    """S_p(x_j) = ∫_ξ^{x_j} S_p' for p = 0..order: complex array (order+1, M), or a list of lists
    of mpc when dps is given."""
    if float(x.max()) == xi:  # every point is the initial point, where S_p = 0
        _check_positive(s, xi, xi)
        zero = mpmath.mpc(0) if dps is not None else 0j
        rows = [[zero] * x.size for _ in range(order + 1)]
        return rows if dps is not None else np.zeros((order + 1, x.size), complex)
    hi = float(x.max())
    dist = _check_positive(s, xi, hi)
    form = s.power_form
    if form is not None and float(form[1]) < xi:
        return _phases_power(s, form, order, x, xi, dps)
    return _phases_quadrature(s, order, x, xi, dps, dist)


def _phases_power(s, form, order, x, xi, dps):
    kappa, x0, _ = form
    ctx = mpmath.mp if dps is not None else None
    out = []
    with mpmath.workdps((dps or 15) + 10):
        if ctx is None:
            sq = complex(0, math.sqrt(float(kappa)))
            sxi = xi - float(x0)
            spts = x - float(x0)
        else:
            sq = mpmath.mpc(0, mpmath.sqrt(mpmath.mpf(kappa.numerator) / kappa.denominator))
            x0m = mpmath.mpf(x0.numerator) / x0.denominator
            sxi = mpmath.mpf(xi) - x0m
            spts = [mpmath.mpf(v) - x0m for v in x]
        for p in range(order + 1):
            r, e = s.power_coefficient(p)
            mu = s.exponent(p)
            if ctx is None:
                d = float(r) * sq**e
                if mu == -1:
                    row = d * np.log(spts / sxi)
                else:
                    nu = float(mu + 1)
                    row = d * (spts**nu - sxi**nu) / nu
                out.append(np.asarray(row, dtype=complex))
            else:
                d = (mpmath.mpf(r.numerator) / r.denominator) * sq**e
                if mu == -1:
                    out.append([d * mpmath.log(v / sxi) for v in spts])
                else:
                    nu = mpmath.mpf(mu.numerator + mu.denominator) / mu.denominator
                    base = mpmath.power(sxi, nu)
                    out.append([d * (mpmath.power(v, nu) - base) / nu for v in spts])
    return np.array(out) if dps is None else out


def _pole_multiplicity(s: WKBSeries) -> int:
    """The largest multiplicity among the zeros of a, exactly (from gcd(a, a'))."""
    return _squarefree(list(s.a))[1]


def _phases_quadrature(s, order, x, xi, dps, dist):
    """Composite Gauss–Legendre: pieces of length ≤ dist/2, so that the Bernstein ellipse with
    semi-minor axis dist/2 stays dist/2 away from every zero of a; on it S_p' grows by at most
    2^q over its size on the piece, q = p(m/2 + 1) the order of its pole at a zero of
    multiplicity m, and n nodes reach ``digits`` when ρ^(2n) ≥ 10^digits · 2^q."""
    if dist < 1e-8 * max(1.0, float(x.max()) - xi):
        raise ValueError(f"a has a zero within {dist:.3g} of [xi, max(x)]: too close to resolve")
    breaks = np.unique(np.concatenate(([xi], x)))
    digits_wanted = 17 if dps is None else dps + 5
    q = order * (_pole_multiplicity(s) / 2 + 1)
    need = digits_wanted * math.log(10) + q * math.log(2)
    plan = []  # (lo, hi, pieces, nodes per piece): the budget is checked before any piece exists
    for lo, hi in itertools.pairwise(breaks):
        n_sub = max(1, math.ceil((hi - lo) / (dist / 2))) if math.isfinite(dist) else 1
        while True:
            h = (hi - lo) / n_sub
            if math.isfinite(dist):
                minor = dist / 2
                rho = (minor + math.sqrt(minor * minor + (h / 2) ** 2)) / (h / 2)
            else:
                rho = 1e6
            nodes = max(4, math.ceil(need / (2 * math.log(rho))) + 2)
            if dps is not None:
                nodes = 3 * 2 ** (_gl_degree(nodes) - 1)  # what mpmath's rule really uses
            if nodes <= MAX_PIECE_NODES or n_sub > MAX_NODES:
                break
            n_sub *= 2  # shorter pieces need fewer nodes
        plan.append((lo, hi, n_sub, nodes))
    # term evaluations, weighted by their cost at this precision relative to double
    total = sum(n * k for _, _, n, k in plan) * (order + 1) * (1 + (dps or 0) / 50)
    if total > MAX_TERM_WORK:
        raise ValueError(
            f"the quadrature would need {total:,.0f} weighted term evaluations, more than "
            f"{MAX_TERM_WORK:,}: fewer points x, a lower order or a lower dps"
        )
    # each piece: the break its gap ends at, the gap, its position in the gap, its nodes (the
    # ends are computed at the working precision, so the pieces tile each gap exactly)
    pieces = [(g + 1, lo, hi, i, n, k) for g, (lo, hi, n, k) in enumerate(plan) for i in range(n)]
    index = {v: i for i, v in enumerate(breaks)}
    ends = [index[v] for v in x]
    if dps is None:
        return _quadrature_float(s, order, breaks, pieces, ends)
    return _quadrature_mp(s, order, breaks, pieces, ends, dps)


def _quadrature_float(s, order, breaks, pieces, ends):
    lost = _cancellation_digits(s, order, float(breaks[0]), float(breaks[-1]))
    if lost > 4:
        raise ValueError(
            f"the numerators lose {lost:.1f} digits to cancellation in float64 by this order: "
            "pass dps or a lower order"
        )
    node_x, node_w, node_piece = [], [], []
    piece_break = []
    for i, (b, g_lo, g_hi, j, m, n) in enumerate(pieces):
        lo = g_lo + (g_hi - g_lo) * j / m
        hi = g_hi if j + 1 == m else g_lo + (g_hi - g_lo) * (j + 1) / m
        t, w = np.polynomial.legendre.leggauss(n)
        node_x.append((hi + lo) / 2 + (hi - lo) / 2 * t)
        node_w.append((hi - lo) / 2 * w)
        node_piece.append(np.full(n, i))
        piece_break.append(b)
    xs, ws, pc = np.concatenate(node_x), np.concatenate(node_w), np.concatenate(node_piece)
    A = np.polynomial.polynomial.polyval(xs, [float(c) for c in s.a])
    iq = 1j * np.sqrt(A)
    rows = []
    with np.errstate(over="raise", invalid="raise"):
        try:
            for p in range(order + 1):
                num = np.polynomial.polynomial.polyval(
                    xs - float(s.shift), [float(c) for c in s.numerators[p]]
                )
                val = num / A ** s.denominator_power(p) * (iq if p % 2 == 0 else 1.0)
                integral_per_piece = np.bincount(pc, weights=(ws * val).real, minlength=len(pieces))
                integral_per_piece = integral_per_piece + 1j * np.bincount(
                    pc, weights=(ws * val).imag, minlength=len(pieces)
                )
                per_break = np.zeros(len(breaks), complex)
                np.add.at(per_break, np.array(piece_break), integral_per_piece)
                rows.append(np.cumsum(per_break)[ends])
        except (FloatingPointError, OverflowError):
            raise ValueError(
                f"the terms overflow float64 by order {p}: pass dps for arbitrary precision"
            ) from None
    return np.array(rows)


def _cancellation_digits(s: WKBSeries, order: int, lo: float, hi: float) -> float:
    """Digits lost evaluating S_p' = (i√a)^e P_p / a^m on [lo, hi] with Horner's rule: the
    largest, over p, of log10(max_t Σ|c_i||t|^i / a(t)^m  /  max_t |P_p(t)| / a(t)^m), the
    rounding bound against the size of the term, with both exact at nine rational points."""
    samples = [Fraction(lo) + (Fraction(hi) - Fraction(lo)) * Fraction(k, 8) for k in range(9)]
    shifted = [t - s.shift for t in samples]
    a_at = [sum(c * t**i for i, c in enumerate(s.a)) for t in samples]
    # a itself is evaluated from its monomial coefficients and enters as a^m: a relative error
    # δ·cond(a) in a becomes m times that in a^m
    a_cond = max(
        _log10(sum(abs(c) * abs(t) ** i for i, c in enumerate(s.a)) / abs(av))
        for t, av in zip(samples, a_at, strict=True)
    )
    worst = a_cond + math.log10(WKBSeries.denominator_power(order) + 1)
    for p in range(order + 1):
        coeffs, m = s.numerators[p], WKBSeries.denominator_power(p)
        bound = max(
            sum(abs(c) * abs(t) ** i for i, c in enumerate(coeffs)) / abs(av) ** m
            for t, av in zip(shifted, a_at, strict=True)
        )
        size = max(
            abs(sum(c * t**i for i, c in enumerate(coeffs))) / abs(av) ** m
            for t, av in zip(shifted, a_at, strict=True)
        )
        if bound and size:
            worst = max(worst, _log10(bound) - _log10(size))
    return worst


def _log10(q: Fraction) -> float:
    return math.log10(q.numerator) - math.log10(q.denominator)


def _quadrature_mp(s, order, breaks, pieces, ends, dps):
    guard = _cancellation_digits(s, order, float(breaks[0]), float(breaks[-1]))
    with mpmath.workdps(dps + 10 + math.ceil(guard)):
        coeffs_a = [mpmath.mpf(c.numerator) / c.denominator for c in s.a]
        nums = [
            [mpmath.mpf(c.numerator) / c.denominator for c in p] for p in s.numerators[: order + 1]
        ]
        shift = mpmath.mpf(s.shift.numerator) / s.shift.denominator
        cache: dict[int, tuple] = {}
        per_break = [[mpmath.mpc(0)] * len(breaks) for _ in range(order + 1)]
        for b, g_lo, g_hi, j, m, n in pieces:
            if n not in cache:
                cache[n] = _gauss_nodes(n, dps)
            t, w = cache[n]
            g_lo_m, g_hi_m = mpmath.mpf(g_lo), mpmath.mpf(g_hi)
            lo_m = g_lo_m + (g_hi_m - g_lo_m) * j / m
            hi_m = g_hi_m if j + 1 == m else g_lo_m + (g_hi_m - g_lo_m) * (j + 1) / m
            mid, half = (hi_m + lo_m) / 2, (hi_m - lo_m) / 2
            for tk, wk in zip(t, w, strict=True):
                xk = mid + half * tk
                weight = half * wk
                A = mpmath.polyval(coeffs_a[::-1], xk)
                iq = mpmath.mpc(0, mpmath.sqrt(A))
                inv_a = 1 / A
                for p in range(order + 1):
                    val = mpmath.polyval(
                        nums[p][::-1], xk - shift
                    ) * inv_a ** WKBSeries.denominator_power(p)
                    if p % 2 == 0:
                        val *= iq
                    per_break[p][b] += weight * val
        out = []
        for p in range(order + 1):
            acc, cum = mpmath.mpc(0), []
            for v in per_break[p]:
                acc += v
                cum.append(acc)
            out.append([cum[j] for j in ends])
    return out


def _initial(s, order, eps, xi, dps):
    """ε S_p'(ξ) ε^{p-1} summed by parity: the even and odd parts of εΦ'(ξ), partial sums over
    the order, as lists. The values S_p'(ξ) are exact rationals (times i√a(ξ) for even p), so no
    digits are lost to the cancellation inside the numerators."""
    ev, od = [], []
    acc_e = acc_o = mpmath.mpc(0) if dps is not None else 0j
    size_e, lost = 0.0, 0.0  # Σ|even terms| and the digits their sum loses to cancellation
    x_exact = Fraction(xi)
    a_exact = sum(c * x_exact**i for i, c in enumerate(s.a))
    t_exact = x_exact - s.shift
    with mpmath.workdps((dps or 15) + 10):
        if dps is not None:
            e_val = mpmath.mpf(eps)
            iq = mpmath.mpc(0, mpmath.sqrt(mpmath.mpf(a_exact.numerator) / a_exact.denominator))
        else:
            e_val, iq = eps, 1j * math.sqrt(a_exact)
        for p in range(order + 1):
            exact = sum(c * t_exact**i for i, c in enumerate(s.numerators[p]))
            exact = exact / a_exact ** WKBSeries.denominator_power(p)
            if dps is not None:
                val = mpmath.mpf(exact.numerator) / exact.denominator
            else:
                try:
                    val = float(exact)
                except OverflowError:
                    raise ValueError(
                        f"S_{p}'(xi) overflows float64: pass dps or a lower order"
                    ) from None
            term = e_val**p * (val * iq if p % 2 == 0 else val)
            if p % 2 == 0:
                acc_e = acc_e + term
                size_e += float(abs(term))
                if acc_e == 0:
                    lost = math.inf
                else:
                    lost = max(lost, math.log10(size_e / float(abs(acc_e))))
            else:
                acc_o = acc_o + term
            ev.append(acc_e)
            od.append(acc_o)
    return ev, od, lost


def solution(
    s: WKBSeries,
    eps: float,
    x: Sequence[float] | np.ndarray,
    xi: float,
    phi0: complex,
    dphi0: complex,
    order: int | None = None,
    dps: int | None = None,
):
    """The truncated WKB solutions φ_N(x) of ε²φ'' + aφ = 0, φ(ξ) = φ₀, εφ'(ξ) = φ₁, N = 0..order.

    Parameters
    ----------
    s : WKBSeries
        The exact terms, from :func:`series`.
    eps : float
        ε > 0.
    x : array_like, shape (M,)
        Finite points at or after ``xi``; a must be positive on [ξ, max x].
    xi : float
        The initial point ξ.
    phi0, dphi0 : complex
        φ(ξ) and εφ'(ξ) (note the factor ε).
    order : int, optional
        The highest truncation order N (default: every term of ``s``).
    dps : int, optional
        Decimal digits for mpmath, at most :data:`MAX_WORK_DPS` (the kernel adds the digits of
        the phase, log10 of (max x − ξ)√max a / ε, and guards against cancellation in the
        numerators); None (default) computes in float64, which refuses orders whose terms
        overflow or whose numerators cancel, and phases above 1e8 radians.

    Returns
    -------
    numpy.ndarray, shape (order + 1, M)
        φ_N(x_j): complex128, or an object array of mpmath.mpc when ``dps`` is given.

    Notes
    -----
    Domain: a > 0 on [ξ, max x] (a zero there, a turning point, is refused; so is a complex
    zero closer than 1e-8 of the interval's length when the phases need quadrature). The phases
    S_p are exact in closed form for a pure power and otherwise accurate to the working precision
    relative to ∫|S_p'|, which is what the sum needs (each term enters as ε^{p−1}S_p). Close to a
    turning point the WKB series itself loses its meaning (ε/a^{3/2} is not small): the values
    returned are those of the truncated series, not of the solution.
    """
    s = _check_series(s)
    eps, xi, pts, phi0, dphi0 = _problem(eps, x, xi, phi0, dphi0)
    order = s.order if order is None else _order(order, s.order, "order")
    if dps is not None:
        dps = _work_digits(dps)
    # the phase |S_0|/ε reaches about (max x − ξ)·√max a / ε radians: float64 rounds it with
    # that many ulps of error, and mpmath needs that many more digits to keep dps of them
    grid = np.linspace(xi, float(pts.max()), 65)
    with np.errstate(over="ignore", invalid="ignore"):
        a_max = float(np.max(np.polynomial.polynomial.polyval(grid, [float(c) for c in s.a])))
        phase = (float(pts.max()) - xi) * math.sqrt(max(a_max, 0.0)) / eps
    if not math.isfinite(phase) or phase > 1e300:
        raise ValueError(
            "the phase (max x − xi)·√max a / eps is not finite: eps too small, or x or a too large"
        )
    if dps is None and phase > 1e8:
        raise ValueError(
            f"the phase (max x − xi)·√max a / eps reaches {phase:.2g} radians, where float64's "
            "rounding alone exceeds 1e-8: pass dps"
        )
    work = None if dps is None else dps + math.ceil(math.log10(1 + phase))
    try:
        phases = _phases(s, order, pts, xi, work)
        ev0, od0, lost = _initial(s, order, eps, xi, work)
        if work is not None and lost > 8:  # α's denominator cancels: recompute with the digits
            if not math.isfinite(lost) or lost > MAX_WORK_DPS:
                raise ValueError(f"eps = {eps}: the even terms of eps·phi'(xi) cancel exactly")
            ev0, od0, _ = _initial(s, order, eps, xi, work + math.ceil(lost))
    except OverflowError:
        raise ValueError(f"eps = {eps} overflows float64 at this order: pass dps") from None
    if work is None and lost > 4:
        raise ValueError(
            f"eps = {eps}: the even terms of eps·phi'(xi) cancel to {lost:.1f} digits at this "
            "order, too many for float64: pass dps"
        )
    if dps is None:
        p = np.arange(order + 1)[:, None]
        weights = eps ** (p - 1.0)
        with np.errstate(over="ignore", invalid="ignore"):
            terms = weights * phases
            even = np.cumsum(np.where(p % 2 == 0, terms, 0), axis=0)
            odd = np.cumsum(np.where(p % 2 == 1, terms, 0), axis=0)
            e0, o0 = np.array(ev0)[:, None], np.array(od0)[:, None]
            alpha = (dphi0 - phi0 * (o0 - e0)) / (2 * e0)
            beta = phi0 - alpha
            out = np.exp(odd) * (alpha * np.exp(even) + beta * np.exp(-even))
        if not np.all(np.isfinite(out)):
            bad = int(np.argmax(~np.all(np.isfinite(out), axis=1)))
            raise ValueError(
                f"float64 overflows at order {bad} for eps = {eps}: pass dps or a lower order"
            )
        return out
    out = np.empty((order + 1, pts.size), dtype=object)
    with mpmath.workdps(work + 10):
        e_val = mpmath.mpf(eps)
        f0, f1 = mpmath.mpc(phi0), mpmath.mpc(dphi0)
        even = [mpmath.mpc(0)] * pts.size
        odd = [mpmath.mpc(0)] * pts.size
        for N in range(order + 1):
            w = e_val ** (N - 1)
            row = phases[N]
            if N % 2 == 0:
                even = [v + w * r for v, r in zip(even, row, strict=True)]
            else:
                odd = [v + w * r for v, r in zip(odd, row, strict=True)]
            alpha = (f1 - f0 * (od0[N] - ev0[N])) / (2 * ev0[N])
            beta = f0 - alpha
            for j in range(pts.size):
                g = mpmath.exp(even[j])
                out[N, j] = mpmath.exp(odd[j]) * (alpha * g + beta / g)
    return out


def _exact_number(value: object, name: str):
    """An mpmath number holding ``value`` exactly: mpmath values as they are (at their own
    precision), integers at as many bits as they have, binary floats and complex numbers up to
    double precision; anything a double cannot hold exactly otherwise (Fractions, long doubles)
    is refused rather than rounded."""
    if isinstance(value, mpmath.mpc | mpmath.mpf):
        return value
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must hold numbers, got {value!r}")
    if isinstance(value, Integral):
        v = int(value)
        with mpmath.workprec(max(64, v.bit_length() + 2)):
            return mpmath.mpc(mpmath.mpf(v))
    if isinstance(value, np.longdouble | np.clongdouble) or (
        isinstance(value, Rational) and not isinstance(value, Integral)
    ):
        raise TypeError(
            f"{name} holds {type(value).__name__} values, which a double cannot hold exactly: "
            "pass mpmath numbers"
        )
    if not isinstance(value, Complex):
        raise TypeError(f"{name} must hold numbers, got {value!r}")
    z = complex(value)
    with mpmath.workprec(64):
        return mpmath.mpc(z.real, z.imag)


def truncation_errors(approximations: np.ndarray, reference: Sequence[object]) -> np.ndarray:
    """|φ_N(x_j) − φ(x_j)| as float64, the differences taken exactly (no precision is lost to
    rounding the inputs, whatever precision they carry).

    Parameters
    ----------
    approximations : array_like, shape (N, M)
        Values φ_N(x_j) (complex, or mpmath numbers as :func:`solution` returns with ``dps``).
    reference : sequence, length M
        The values φ(x_j) they are measured against.

    Returns
    -------
    numpy.ndarray of float64, shape (N, M)
        The absolute differences. A difference outside float64's range (above about 1.8e308,
        or non-zero below about 2.2e-308) is refused with a ValueError rather than returned as
        inf or 0.
    """
    approximations = np.asarray(approximations, dtype=object)
    if approximations.ndim != 2:
        raise ValueError(
            f"approximations must be 2-D (orders x points), got shape {approximations.shape}"
        )
    if isinstance(reference, str | bytes) or not isinstance(reference, Sequence | np.ndarray):
        raise TypeError(f"reference must be a sequence of numbers, got {type(reference).__name__}")
    if len(reference) != approximations.shape[1]:
        raise ValueError(
            f"reference must have one value per point ({approximations.shape[1]}), "
            f"got {len(reference)}"
        )
    ref = [_exact_number(v, "reference") for v in reference]
    tiny = np.finfo(float).tiny
    out = np.empty(approximations.shape)
    for (i, j), v in np.ndenumerate(approximations):
        u, r = _exact_number(v, "approximations"), ref[j]
        if not (mpmath.isfinite(u) and mpmath.isfinite(r)):
            raise ValueError(f"approximations[{i}, {j}] or reference[{j}] is not finite")
        if u == r:
            out[i, j] = 0.0
            continue
        # the difference to 64 bits: work at enough bits to cover both exponents (a value
        # beyond float64's range on either side cannot give a difference inside it unless
        # the other matches it to that many bits, which the work precision then holds)
        big = max(int(mpmath.mag(u)) if u else -1100, int(mpmath.mag(r)) if r else -1100)
        if big > 1_000_000:
            raise ValueError(
                f"approximations[{i}, {j}] or reference[{j}] is about 2^{big}: too large to "
                "subtract to float64's resolution"
            )
        with mpmath.workprec(64 + max(0, big + 1200)):
            d = abs(u - r)
        with mpmath.workprec(64):
            d = +d
            if d > np.finfo(float).max or (d != 0 and d < tiny):
                raise ValueError(
                    f"the difference at [{i}, {j}] is {mpmath.nstr(d, 3)}, outside float64's range"
                )
            out[i, j] = float(d)
    return out


def taylor_reference(
    a: Sequence[object],
    eps: float,
    x: Sequence[float] | np.ndarray,
    xi: float,
    phi0: complex,
    dphi0: complex,
    dps: int = 30,
) -> tuple[list, list]:
    """Solve ε²φ'' + a(x)φ = 0, φ(ξ) = φ₀, εφ'(ξ) = φ₁ by Taylor series to ``dps`` digits.

    The solution is entire for polynomial a, so a Taylor step converges for any length; steps are
    taken short enough (|α_j| h^{j+2}/ε² summed over the local coefficients α_j of a at most 4)
    that the terms never grow by more than a few digits before they decay, and each series is
    summed until two consecutive terms fall below 10^{−dps−5} of the solution's size.

    Parameters
    ----------
    a : sequence of numbers
        Polynomial coefficients, lowest power first (any real polynomial: a turning point is no
        obstacle to this integrator).
    eps : float
        ε > 0.
    x : array_like, shape (M,)
        Finite points at or after ``xi``.
    xi, phi0, dphi0 :
        ξ, φ(ξ) and εφ'(ξ).
    dps : int
        Decimal digits of the result (≥ 15).

    Returns
    -------
    (phi, dphi) : two lists of mpmath.mpc, length M
        φ(x_j) and εφ'(x_j) in the order of ``x``.
    """
    coeffs = _as_polynomial(a)
    eps, xi, pts, phi0, dphi0 = _problem(eps, x, xi, phi0, dphi0)
    dps = _work_digits(dps)
    order_idx = np.argsort(pts, kind="stable")
    # refuse up front what the step rule below would take too many steps for: about one step per
    # ε/√max|a| (steps also shrink where a's higher coefficients dominate)
    grid = np.linspace(xi, float(pts.max()), 65)
    a_max = float(
        np.max(np.abs(np.polynomial.polynomial.polyval(grid, [float(c) for c in coeffs])))
    )
    # the halving rule takes up to twice the steps of the estimate; each step sums about dps
    # terms, each costing more with the digits
    expected = 2 * (float(pts.max()) - xi) * math.sqrt(a_max) / (2 * eps)
    if (
        not math.isfinite(expected)
        or expected > MAX_STEPS
        or (expected * (dps + 20) * (1 + dps / 100) > 200 * MAX_STEPS)
    ):
        raise ValueError(
            f"up to {expected:,.0f} Taylor steps of about {dps} terms each would be needed, more "
            f"than the budget ({MAX_STEPS:,} steps, fewer at high dps): eps too small for this "
            "interval, or dps too high"
        )
    with mpmath.workdps(dps + 15):
        cm = [mpmath.mpf(c.numerator) / c.denominator for c in coeffs]
        e2 = mpmath.mpf(eps) ** 2
        tol = mpmath.mpf(10) ** (-(dps + 5))
        x0 = mpmath.mpf(xi)
        phi, dphi = mpmath.mpc(phi0), mpmath.mpc(dphi0) / mpmath.mpf(eps)  # φ'(ξ)
        steps = 0
        res_phi, res_dphi = [None] * pts.size, [None] * pts.size
        for j in order_idx:
            target = mpmath.mpf(pts[j])
            while x0 < target:
                local = _shifted(cm, x0)
                h = target - x0
                while sum(abs(c) * h ** (i + 2) for i, c in enumerate(local)) / e2 > 4:
                    h /= 2
                phi, dphi = _taylor_step(local, e2, phi, dphi, h, tol, dps)
                x0 = x0 + h if h != target - x0 else target
                steps += 1
                if steps > MAX_STEPS:
                    raise ValueError(
                        f"more than {MAX_STEPS:,} Taylor steps: eps too small for this interval"
                    )
            res_phi[j], res_dphi[j] = +phi, dphi * mpmath.mpf(eps)
    return res_phi, res_dphi


def _shifted(c: list, x0) -> list:
    """Coefficients of a(x0 + h) in h (Taylor shift by repeated synthetic division)."""
    c = list(c)
    n = len(c)
    for i in range(n):
        for k in range(n - 2, i - 1, -1):
            c[k] += x0 * c[k + 1]
    return c


def _taylor_step(local, e2, phi, dphi, h, tol, dps):
    coef = [phi, dphi]
    val, der = phi + dphi * h, dphi
    hk = h  # h^(k+1) at the start of step k
    scale = abs(phi) + abs(dphi * h) + tol
    k = 0
    small = 0
    limit = 20 * dps + 500
    while True:
        acc = mpmath.mpc(0)
        for i, alpha in enumerate(local):
            if k - i < 0:
                break
            acc += alpha * coef[k - i]
        nxt = -acc / (e2 * (k + 2) * (k + 1))
        coef.append(nxt)
        term = nxt * hk * h  # c_{k+2} h^{k+2}
        val += term
        der += (k + 2) * nxt * hk
        hk *= h
        term = abs(term)
        small = small + 1 if term < tol * scale else 0
        k += 1
        if small >= len(local) + 1:
            return val, der
        if k > limit:
            raise ValueError("a Taylor series did not converge: eps too small or a too large")
