"""Characters of the classical groups and expansions of products into them, exactly.

A Laurent polynomial in x_1 … x_n is a dict {exponent tuple: integer coefficient}. Weyl's
character formula for Sp(2n) reads sp_λ = A_{λ+ρ} / A_ρ with ρ = (n, n−1, …, 1) and
A_μ = det[x_j^{μ_i} − x_j^{−μ_i}]. A function f invariant under the Weyl group (permutations
and inversions of the x_j) is a sum Σ c_λ sp_λ exactly when f·A_ρ = Σ c_λ A_{λ+ρ}; since
A_{λ+ρ} contains the strictly decreasing positive monomial x^{λ+ρ} once and no other such
monomial, c_λ is the coefficient of x^{λ+ρ} in f·A_ρ.

For a product f = ∏_j g(x_j) of one function of each variable, f·A_ρ = det[g(x_j)(x_j^{ρ_i} −
x_j^{−ρ_i})], and the coefficient of x^μ in a determinant of one-variable Laurent polynomials
h_i(x_j) is det[coefficient of x^{μ_j} in h_i]: each c_λ is an n×n integer determinant, so
``expand_product`` reaches n well beyond the expanded denominator's 2^n n! terms. The same holds
for the orthogonal groups: SO(2n+1) (type B, ρ = (n − ½, …, ½), the same alternant with
half-integer exponents, and its spin characters with λ ∈ (½ + ℤ)^n), and O(2n) (type D,
ρ = (n − 1, …, 0), numerators det[(x^{μ_i} + x^{−μ_i})/(1 + δ_{μ_i,0})], which give the
characters of O(2n) on the maximal torus).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from fractions import Fraction

import numpy as np

from rederived._checks import count

__all__ = [
    "GROUPS",
    "character",
    "conjugate",
    "expand_product",
    "expand_sp",
    "laurent_product",
    "littlewood_richardson",
    "newell_littlewood",
    "partitions",
    "product_of",
    "schur",
    "sp_character",
    "weyl_denominator",
]

GROUPS = ("B", "C", "D")  # SO(2n+1), Sp(2n), O(2n)


def _check_laurent(f: object, n: int) -> dict[tuple[int, ...], int]:
    if not isinstance(f, dict):
        raise TypeError("a Laurent polynomial is a dict {exponent tuple: integer coefficient}")
    for e, c in f.items():
        if not (isinstance(e, tuple) and len(e) == n and all(isinstance(v, int) for v in e)):
            raise ValueError(f"exponents must be tuples of {n} ints, got {e!r}")
        if not isinstance(c, int):
            raise TypeError(f"coefficients must be ints, got {c!r}")
    return f


#: the most terms (before cancellation) a product or an enumeration here is allowed to reach
MAX_TERMS = 10_000_000


def laurent_product(*factors: dict) -> dict[tuple[int, ...], int]:
    """The product of Laurent polynomials in the same number of variables (zero terms dropped)."""
    if not factors:
        raise ValueError("need at least one factor")
    if not all(isinstance(f, dict) and f for f in factors):
        raise TypeError("factors must be non-empty dicts {exponent tuple: integer coefficient}")
    n = len(next(iter(factors[0])))
    if math.prod(len(f) for f in factors) > MAX_TERMS:
        raise ValueError(
            f"the product of {len(factors)} factors has up to "
            f"{math.prod(len(f) for f in factors):,} terms before cancellation, more than "
            f"{MAX_TERMS:,}"
        )
    result = {tuple([0] * n): 1}
    for f in factors:
        _check_laurent(f, n)
        out: dict[tuple[int, ...], int] = defaultdict(int)
        for e1, c1 in result.items():
            for e2, c2 in f.items():
                out[tuple(a + b for a, b in zip(e1, e2, strict=True))] += c1 * c2
        result = {e: c for e, c in out.items() if c}
    return result


def product_of(g: object, n: int) -> dict[tuple[int, ...], int]:
    """∏_{i=1}^n g(x_i) as a Laurent polynomial in n variables, for g a dict
    {int exponent: int coefficient} in one variable."""
    n = count(n, "n")
    if not isinstance(g, dict) or not g:
        raise TypeError("g must be a non-empty dict {int exponent: int coefficient}")
    if len(g) ** n > MAX_TERMS:
        raise ValueError(f"the product has up to {len(g)}^{n} terms, more than {MAX_TERMS:,}")
    factors = [
        {tuple(e if j == i else 0 for j in range(n)): c for e, c in g.items()} for i in range(n)
    ]
    return laurent_product(*factors)


def _permutation_sign(p: tuple[int, ...]) -> int:
    sign, seen = 1, [False] * len(p)
    for i in range(len(p)):
        if not seen[i]:
            j, length = i, 0
            while not seen[j]:
                seen[j], j, length = True, p[j], length + 1
            sign *= -1 if length % 2 == 0 else 1
    return sign


#: the most parts :func:`weyl_denominator` expands (6!·2^6 = 46 080 terms; n = 7 takes 16 s)
MAX_DENOMINATOR_PARTS = 6


def weyl_denominator(mu: tuple[int, ...]) -> dict[tuple[int, ...], int]:
    """A_μ = det[x_j^{μ_i} − x_j^{−μ_i}] expanded (n! · 2^n terms before cancellation), for
    at most :data:`MAX_DENOMINATOR_PARTS` parts (n = 7 already takes seconds)."""
    if not isinstance(mu, tuple | list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in mu
    ):
        raise TypeError(f"mu must be a tuple of ints, got {mu!r}")
    n = len(mu)
    if n > MAX_DENOMINATOR_PARTS:
        raise ValueError(
            f"mu must have at most {MAX_DENOMINATOR_PARTS} parts: the expansion has n!·2^n "
            f"terms ({math.factorial(n) * 2**n:,} for n = {n}); use expand_product's "
            "determinants instead"
        )
    out: dict[tuple[int, ...], int] = defaultdict(int)
    for perm in itertools.permutations(range(n)):
        sign = _permutation_sign(perm)
        for signs in itertools.product((1, -1), repeat=n):
            e = [0] * n
            for i in range(n):
                e[perm[i]] = signs[i] * mu[i]
            out[tuple(e)] += sign * int(np.prod(signs))
    return {e: c for e, c in out.items() if c}


def expand_sp(f: object, n: int) -> dict[tuple[int, ...], int]:
    """{λ: c_λ} with f = Σ c_λ sp_λ(x_1 … x_n), for a Weyl-invariant Laurent polynomial f.

    ValueError if f is not invariant (then no such expansion exists)."""
    n = count(n, "n")
    if n > MAX_DENOMINATOR_PARTS:
        raise ValueError(f"n must be at most {MAX_DENOMINATOR_PARTS} (the Weyl denominator's size)")
    f = _check_laurent(f, n)
    for e, c in f.items():  # invariance under the generators: adjacent swaps, one sign flip
        images = [(-e[0], *e[1:])] + [(*e[:i], e[i + 1], e[i], *e[i + 2 :]) for i in range(n - 1)]
        if any(f.get(image, 0) != c for image in images):
            raise ValueError("f is not invariant under the Weyl group of Sp(2n)")
    rho = tuple(range(n, 0, -1))
    product = laurent_product(f, weyl_denominator(rho))
    return {
        tuple(a - r for a, r in zip(e, rho, strict=True)): c
        for e, c in sorted(product.items(), reverse=True)
        if all(e[i] > e[i + 1] for i in range(n - 1)) and e[-1] > 0
    }


def sp_character(lam: object, x: object) -> np.ndarray:
    """sp_λ at points x (shape (..., n), nonzero complex, no x_j = ±x_k^{±1} collisions) by
    Weyl's formula as a ratio of determinants (``character("C", lam, x)``)."""
    return character("C", lam, x)


def _doubled_rho(group: str, n: int) -> list[int]:
    """2ρ: integers, so that half-integer weights (type B) stay exact."""
    if group == "C":
        return [2 * (n - i) for i in range(n)]
    if group == "B":
        return [2 * (n - i) - 1 for i in range(n)]
    return [2 * (n - 1 - i) for i in range(n)]


def _check_group(group: object) -> str:
    if group not in GROUPS:
        raise ValueError(f"group must be one of {GROUPS} (SO(2n+1), Sp(2n), O(2n)), got {group!r}")
    return group


def _weight(lam: object, n: int, group: str) -> list[Fraction]:
    """λ as exact numbers, checked dominant: a partition, or for type B all half-integers
    (spin) with λ − ½ a partition."""
    try:
        values = [Fraction(v) for v in lam]
    except (TypeError, ValueError):
        raise TypeError(f"λ must be a sequence of numbers, got {lam!r}") from None
    if len(values) > n:
        raise ValueError(f"λ has {len(values)} parts, more than n = {n}")
    spin = bool(values) and values[0].denominator == 2
    values += [Fraction(1, 2) if spin else Fraction(0)] * (n - len(values))
    shift = Fraction(1, 2) if spin else Fraction(0)
    parts = [v - shift for v in values]
    if spin and group != "B":
        raise ValueError("half-integer (spin) weights exist only for group 'B'")
    if any(p.denominator != 1 or p < 0 for p in parts) or any(
        a < b for a, b in itertools.pairwise(parts)
    ):
        kind = "λ − (½, …, ½)" if spin else "λ"
        raise ValueError(f"{kind} must be a partition, got {tuple(values)}")
    return values


def character(group: str, lam: object, x: object) -> np.ndarray:
    """The character of highest weight λ of SO(2n+1) ("B", spin weights allowed), Sp(2n)
    ("C") or O(2n) ("D") at torus points x (shape (..., n), nonzero complex, generic), by
    Weyl's formula as a ratio of determinants in complex floating point. Half-integer powers
    use one square root of each x_j throughout, so the ratio does not depend on its branch."""
    group = _check_group(group)
    x = np.asarray(x)
    if x.dtype.kind not in "biufc":
        raise TypeError(f"x must be numeric, got dtype {x.dtype}")
    x = x.astype(complex)
    if x.ndim < 1 or x.shape[-1] < 1 or not np.all(np.isfinite(x)) or np.any(x == 0):
        raise ValueError("x must hold finite nonzero points, shape (..., n)")
    n = x.shape[-1]
    lam = _weight(lam, n, group)
    _check_weight_size(max(abs(v) for v in lam) if lam else 0, "λ")
    rho2 = np.array(_doubled_rho(group, n))
    mu2 = np.array([int(2 * v) for v in lam]) + rho2
    y = np.sqrt(x)  # x_j^{e/2} = y_j^e

    def alternant(m2):
        powers = y[..., None, :] ** m2[:, None]  # [..., i, j] = x_j^{m_i/2}
        if group == "D":
            return np.linalg.det((powers + 1 / powers) / np.where(m2 == 0, 2, 1)[:, None])
        return np.linalg.det(powers - 1 / powers)

    with np.errstate(over="ignore", invalid="ignore"):
        value = alternant(mu2) / _checked_denominator(alternant, rho2, y, group)
    if not np.all(np.isfinite(value)):
        raise ValueError(
            "the weight is too large for the determinant formula at these points: its powers "
            "of x overflow complex128 (at λ = 700 the character came out NaN); use smaller "
            "weights, or points on the unit circle"
        )
    return value


#: the largest weight the determinant formulas take: their powers x^λ carry a relative error of
#: about λ·ε in the phase (at λ = 10^12 the character is off by 1e-4, at 10^15 by order one)
MAX_WEIGHT = 10**6


def _check_weight_size(largest, name: str) -> None:
    if largest > MAX_WEIGHT:
        raise ValueError(
            f"{name} has a part {largest}, beyond {MAX_WEIGHT:,}: the determinant formula's "
            "powers of x lose about λ·ε of their phase"
        )


def _refuse_singular(den: np.ndarray, matrix: np.ndarray, need: str) -> None:
    """Weyl's ratio is 0/0 where the denominator vanishes (the character itself is a Laurent
    polynomial, finite there, but this formula cannot give it): refuse such points, judged
    against Hadamard's bound (the product of the rows' norms)."""
    scale = np.prod(np.linalg.norm(matrix, axis=-1), axis=-1)
    if np.any(~np.isfinite(den)) or np.any(np.abs(den) <= 1e-12 * scale):
        raise ValueError(f"x must be generic ({need}): the determinant formula is 0/0 there")


def _checked_denominator(alternant, rho2: np.ndarray, y: np.ndarray, group: str) -> np.ndarray:
    powers = y[..., None, :] ** rho2[:, None]
    matrix = powers + 1 / powers if group == "D" else powers - 1 / powers
    den = alternant(rho2)
    need = "no x_j = x_k^{±1}" if group == "D" else "no x_j = ±1 and no x_j = x_k^{±1}"
    _refuse_singular(den, matrix, need)
    return den


def _integer_det(M: list[list[int]]) -> int:
    """Exact determinant of an integer matrix by fraction-free (Bareiss) elimination."""
    M = [row[:] for row in M]
    n, sign, previous = len(M), 1, 1
    for k in range(n - 1):
        if M[k][k] == 0:
            swap = next((r for r in range(k + 1, n) if M[r][k] != 0), None)
            if swap is None:
                return 0
            M[k], M[swap] = M[swap], M[k]
            sign = -sign
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                M[i][j] = (M[i][j] * M[k][k] - M[i][k] * M[k][j]) // previous
        previous = M[k][k]
    return sign * M[-1][-1]


def expand_product(g: object, n: int, group: str = "C", *, spin: bool = False) -> dict[tuple, int]:
    """{λ: c_λ} with ∏_{j=1}^n g(x_j) = Σ c_λ χ_λ(x), χ the characters of ``group``.

    Parameters
    ----------
    g : dict {int exponent: int coefficient}
        A Laurent polynomial in one variable with g(x) = g(1/x), so that the product is
        invariant under the Weyl group.
    n : int
        The rank (number of variables).
    group : {"B", "C", "D"}
        SO(2n+1), Sp(2n) or O(2n).
    spin : bool
        Type B only: expand Δ·∏ g(x_j), Δ = ∏ (x_j^½ + x_j^−½) the spin character, into the
        spin characters (λ half-integers, returned as Fractions).
    """
    n = count(n, "n")
    group = _check_group(group)
    if not isinstance(g, dict) or not g:
        raise TypeError("g must be a non-empty dict {int exponent: int coefficient}")
    for e, c in g.items():
        if not isinstance(e, int) or not isinstance(c, int):
            raise TypeError(f"g must map int exponents to int coefficients, got {e!r}: {c!r}")
        if g.get(-e, 0) != c:
            raise ValueError(f"g must satisfy g(x) = g(1/x): the coefficients of x^{e} differ")
    if spin and group != "B":
        raise ValueError("spin=True needs group 'B'")
    g2: dict[int, int] = defaultdict(int)  # doubled exponents
    for e, c in g.items():
        if spin:
            g2[2 * e + 1] += c
            g2[2 * e - 1] += c
        else:
            g2[2 * e] += c
    rho2 = _doubled_rho(group, n)
    rows = []
    for r in rho2:
        h: dict[int, int] = defaultdict(int)
        for e, c in g2.items():
            h[e + r] += c
            if not (group == "D" and r == 0):  # (x^0 + x^-0)/2 = 1
                h[e - r] += c if group == "D" else -c
        rows.append(h)
    parity = (rho2[-1] + (1 if spin else 0)) % 2
    top = max(max(h) for h in rows)
    lowest = 0 if group == "D" else 1
    exponents = [m for m in range(top, lowest - 1, -1) if m % 2 == parity]
    if math.comb(len(exponents), n) > MAX_TERMS // 10:
        raise ValueError(
            f"g's degree ({max(g)}) and n = {n} leave {math.comb(len(exponents), n):,} "
            "candidate weights to test: too many"
        )
    out = {}
    for mu in itertools.combinations(exponents, n):  # strictly decreasing
        c = _integer_det([[rows[i].get(m, 0) for m in mu] for i in range(n)])
        if c:
            lam = tuple(Fraction(m - r, 2) for m, r in zip(mu, rho2, strict=True))
            out[lam if spin else tuple(int(v) for v in lam)] = c
    return out


def _partition(lam: object, name: str) -> tuple[int, ...]:
    try:
        parts = tuple(int(v) for v in lam)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of integers, got {lam!r}") from None
    if any(v < 0 for v in parts) or any(a < b for a, b in itertools.pairwise(parts)):
        raise ValueError(f"{name} must be a partition (weakly decreasing, non-negative), got {lam}")
    if any(float(v) != w for v, w in zip(parts, lam, strict=True)):
        raise ValueError(f"{name} must hold integers, got {lam}")
    return tuple(v for v in parts if v)


def _horizontal_strips(shape: tuple[int, ...], k: int):
    """Every partition ν ⊇ shape with |ν| = |shape| + k and ν/shape a horizontal strip
    (ν_1 ≥ shape_1 ≥ ν_2 ≥ shape_2 ≥ …)."""
    old = [*shape, 0]

    def grow(r, left, prefix):
        if r == len(old):
            if left == 0:
                yield tuple(v for v in prefix if v)
            return
        room = left if r == 0 else min(left, old[r - 1] - old[r])
        for add in range(room, -1, -1):
            yield from grow(r + 1, left - add, [*prefix, old[r] + add])

    yield from grow(0, k, [])


def littlewood_richardson(lam: object, mu: object) -> dict[tuple[int, ...], int]:
    """{ν: c^ν_{λμ}} with s_λ s_μ = Σ c^ν_{λμ} s_ν, by the Littlewood–Richardson rule: c^ν_{λμ}
    counts the semistandard fillings of ν/λ with content μ whose reverse reading word (rows top
    to bottom, each right to left) is a lattice word. The fillings are built one label at a
    time, each label's boxes a horizontal strip."""
    lam, mu = _partition(lam, "lam"), _partition(mu, "mu")
    if sum(mu) > 60 or len(lam) > 200:
        raise ValueError(
            f"mu has {sum(mu)} boxes and lam {len(lam)} rows: beyond 60 boxes or 200 rows the "
            "fillings are too many to enumerate"
        )
    # states: (shape, rows of labels) — row r lists the labels added to row r, left to right.
    # The reverse reading word is a lattice word exactly when, for every label k ≥ 2 and every
    # row r, the k's in rows 1..r are at most the (k−1)'s in rows 1..r−1 (within a row the k's
    # are read before the k−1's): a condition on labels k and k−1 only, checked as soon as
    # label k is placed, so that fillings that cannot become lattice words are never grown.
    states = [(lam, tuple(() for _ in range(len(lam) + len(mu))))]
    for label, k in enumerate(mu, start=1):
        nxt = []
        for shape, rows in states:
            for nu in _horizontal_strips(shape, k):
                if len(nxt) > MAX_LR_STATES:
                    _refuse_explosion(len(nxt), lam, mu)
                padded = list(shape) + [0] * (len(nu) - len(shape))
                new_rows = list(rows)
                for r, (a, b) in enumerate(zip(nu, padded, strict=True)):
                    new_rows[r] = new_rows[r] + (label,) * (a - b)
                if label == 1 or _lattice_so_far(new_rows, label):
                    nxt.append((nu, tuple(new_rows)))
            _refuse_explosion(len(nxt), lam, mu)
        states = nxt
    out: dict[tuple[int, ...], int] = defaultdict(int)
    for shape, _ in states:
        out[shape] += 1
    return dict(out)


#: the most partial fillings :func:`littlewood_richardson` keeps at once before refusing
MAX_LR_STATES = 200_000


def _lattice_so_far(rows: list[tuple[int, ...]], label: int) -> bool:
    above, placed = 0, 0  # (label−1)'s in the rows above, label's down to this row
    for row in rows:
        placed += row.count(label)
        if placed > above:
            return False
        above += row.count(label - 1)
    return True


def _refuse_explosion(n_states: int, lam: tuple, mu: tuple) -> None:
    if n_states > MAX_LR_STATES:
        raise ValueError(
            f"lam = {lam} and mu = {mu} have more than {MAX_LR_STATES:,} partial "
            "Littlewood–Richardson fillings: too large to enumerate"
        )


def schur(lam: object, x: object) -> np.ndarray:
    """The Schur polynomial s_λ at points x (shape (..., n), distinct coordinates) by the
    bialternant formula det[x_j^{λ_i + n − i}] / det[x_j^{n − i}]; zero if λ has more than n
    parts."""
    lam = _partition(lam, "lam")
    _check_weight_size(lam[0] if lam else 0, "lam")
    x = np.asarray(x)
    if x.dtype.kind not in "biufc":
        raise TypeError(f"x must be a numeric array, got dtype {x.dtype}")
    x = x.astype(complex)
    if x.ndim < 1 or x.shape[-1] < 1 or not np.all(np.isfinite(x)):
        raise ValueError(f"x must hold finite points, shape (..., n), got shape {x.shape}")
    n = x.shape[-1]
    if len(lam) > n:
        return np.zeros(x.shape[:-1], dtype=complex)
    exps = np.array(list(lam) + [0] * (n - len(lam))) + np.arange(n - 1, -1, -1)
    base = np.arange(n - 1, -1, -1)
    with np.errstate(over="ignore", invalid="ignore"):
        num = np.linalg.det(x[..., None, :] ** exps[:, None])
    powers = x[..., None, :] ** base[:, None]
    den = np.linalg.det(powers)
    _refuse_singular(den, powers, "distinct coordinates")
    value = num / den
    if not np.all(np.isfinite(value)):
        raise ValueError(
            "lam is too large for the bialternant formula at these points: its powers of x "
            "overflow complex128"
        )
    return value


def newell_littlewood(lam: object, mu: object) -> dict[tuple[int, ...], int]:
    """{ν: c} with χ_λ χ_μ = Σ c χ_ν for the characters of Sp(2n) (and of O(N)), by the
    Newell–Littlewood rule c = Σ_{ζ,σ,τ} c^λ_{ζσ} c^μ_{ζτ} c^ν_{στ}; valid in the stable range
    n ≥ ℓ(λ) + ℓ(μ), where no modification rules are needed."""
    lam, mu = _partition(lam, "lam"), _partition(mu, "mu")
    if sum(lam) + sum(mu) > 30:
        raise ValueError(
            f"|lam| + |mu| = {sum(lam) + sum(mu)}: beyond 30 boxes the nested "
            "Littlewood–Richardson sums are too many to run"
        )
    out: dict[tuple[int, ...], int] = defaultdict(int)
    for size in range(min(sum(lam), sum(mu)) + 1):
        for zeta in _partitions_of(size, max_part=min(lam[:1] + mu[:1], default=0)):
            if not (_contains(lam, zeta) and _contains(mu, zeta)):
                continue
            for sigma, a in _skew(lam, zeta).items():
                for tau, b in _skew(mu, zeta).items():
                    for nu, c in littlewood_richardson(sigma, tau).items():
                        out[nu] += a * b * c
    return {nu: c for nu, c in out.items() if c}


def _contains(lam: tuple[int, ...], zeta: tuple[int, ...]) -> bool:
    return len(zeta) <= len(lam) and all(z <= v for z, v in zip(zeta, lam, strict=False))


def _skew(lam: tuple[int, ...], zeta: tuple[int, ...]) -> dict[tuple[int, ...], int]:
    """{σ: c^λ_{ζσ}}: the σ with s_ζ s_σ ∋ s_λ, from the LR rule on every σ of the right size."""
    size = sum(lam) - sum(zeta)
    if size < 0:
        return {}
    out = {}
    for sigma in _partitions_of(size, max_part=lam[0] if lam else 0):
        c = littlewood_richardson(zeta, sigma).get(lam, 0)
        if c:
            out[sigma] = c
    return out


def partitions(n: int, max_part: int | None = None) -> list[tuple[int, ...]]:
    """The partitions of n (parts at most ``max_part``, default n), largest first."""
    n = count(n, "n", 0)
    max_part = n if max_part is None else count(max_part, "max_part", 0)
    if n > 10_000:  # p(n) passes a million near n = 60: far beyond what can be listed
        raise ValueError(f"n = {n} has too many partitions to list")
    # count them first (p(80) is 15.8 million): refuse a list too long to hold
    ways = [1] + [0] * n
    for part in range(1, min(n, max_part) + 1):
        for total in range(part, n + 1):
            ways[total] += ways[total - part]
    if ways[n] > MAX_TERMS // 10:
        raise ValueError(f"n = {n} has {ways[n]:,} partitions: too many to list")
    return _partitions_of(n, max_part)


def conjugate(lam: object) -> tuple[int, ...]:
    """The conjugate partition λ′ (the transposed Young diagram)."""
    lam = _partition(lam, "lam")
    if lam and lam[0] > MAX_TERMS:
        raise ValueError(
            f"lam has a part {lam[0]}: its conjugate has more than {MAX_TERMS:,} parts"
        )
    return tuple(sum(1 for v in lam if v > i) for i in range(lam[0] if lam else 0))


def _partitions_of(n: int, max_part: int) -> list[tuple[int, ...]]:
    if n == 0:
        return [()]
    return [
        (first, *rest)
        for first in range(min(n, max_part), 0, -1)
        for rest in _partitions_of(n - first, first)
    ]
