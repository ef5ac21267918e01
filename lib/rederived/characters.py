"""Characters of the symplectic group Sp(2n) and expansions of products into them, exactly.

A Laurent polynomial in x_1 … x_n is a dict {exponent tuple: integer coefficient}. Weyl's
character formula for Sp(2n) reads sp_λ = A_{λ+ρ} / A_ρ with ρ = (n, n−1, …, 1) and
A_μ = det[x_j^{μ_i} − x_j^{−μ_i}]. A function f invariant under the Weyl group (permutations
and inversions of the x_j) is a sum Σ c_λ sp_λ exactly when f·A_ρ = Σ c_λ A_{λ+ρ}; since
A_{λ+ρ} contains the strictly decreasing positive monomial x^{λ+ρ} once and no other such
monomial, c_λ is the coefficient of x^{λ+ρ} in f·A_ρ.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np

from rederived._checks import count

__all__ = ["expand_sp", "laurent_product", "sp_character", "weyl_denominator"]


def _check_laurent(f: object, n: int) -> dict[tuple[int, ...], int]:
    if not isinstance(f, dict):
        raise TypeError("a Laurent polynomial is a dict {exponent tuple: integer coefficient}")
    for e, c in f.items():
        if not (isinstance(e, tuple) and len(e) == n and all(isinstance(v, int) for v in e)):
            raise ValueError(f"exponents must be tuples of {n} ints, got {e!r}")
        if not isinstance(c, int):
            raise TypeError(f"coefficients must be ints, got {c!r}")
    return f


def laurent_product(*factors: dict) -> dict[tuple[int, ...], int]:
    """The product of Laurent polynomials in the same number of variables (zero terms dropped)."""
    if not factors:
        raise ValueError("need at least one factor")
    n = len(next(iter(factors[0])))
    result = {tuple([0] * n): 1}
    for f in factors:
        _check_laurent(f, n)
        out: dict[tuple[int, ...], int] = defaultdict(int)
        for e1, c1 in result.items():
            for e2, c2 in f.items():
                out[tuple(a + b for a, b in zip(e1, e2, strict=True))] += c1 * c2
        result = {e: c for e, c in out.items() if c}
    return result


def _permutation_sign(p: tuple[int, ...]) -> int:
    sign, seen = 1, [False] * len(p)
    for i in range(len(p)):
        if not seen[i]:
            j, length = i, 0
            while not seen[j]:
                seen[j], j, length = True, p[j], length + 1
            sign *= -1 if length % 2 == 0 else 1
    return sign


def weyl_denominator(mu: tuple[int, ...]) -> dict[tuple[int, ...], int]:
    """A_μ = det[x_j^{μ_i} − x_j^{−μ_i}] expanded (n! · 2^n terms before cancellation)."""
    n = len(mu)
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
    Weyl's formula as a ratio of determinants."""
    lam = tuple(int(v) for v in lam)
    x = np.asarray(x, dtype=complex)
    n = x.shape[-1]
    if len(lam) > n or any(a < b for a, b in itertools.pairwise(lam)) or (lam and lam[-1] < 0):
        raise ValueError(f"λ must be a partition with at most {n} parts, got {lam}")
    lam = lam + (0,) * (n - len(lam))
    rho = np.arange(n, 0, -1)
    mu = np.array(lam) + rho

    def alternant(m):
        powers = x[..., None, :] ** m[:, None]  # [..., i, j] = x_j^{m_i}
        return np.linalg.det(powers - 1 / powers)

    return alternant(mu) / alternant(rho)
