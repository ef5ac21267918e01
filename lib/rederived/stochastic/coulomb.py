"""Linear statistics of the two-dimensional one-component plasma at β = 2 (the Ginibre ensemble).

The eigenvalues of an N×N matrix of independent standard complex Gaussians, scaled by 1/√N, fill
the unit disk. Kostlan's theorem: their squared moduli times N are independent Gamma(k, 1)
variables, k = 1..N. A radial linear statistic L = Σ f(|z_i|) is then a sum of independent terms,
and its cumulants are sums of the terms' cumulants:

- :func:`radial_cumulants` gives them exactly, as rational functions of N, for f a polynomial in
  r² (the moments of Gamma(k, 1) are rising factorials, polynomials in k, so every sum over k has
  a closed form);
- :func:`disk_counting_cumulants` gives those of the number of eigenvalues in a disk (a sum of
  independent Bernoulli variables);
- :func:`ginibre_eigenvalues` and :func:`kostlan_moduli` sample the ensemble both ways, and
  :func:`sample_cumulants` estimates cumulants from samples.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import sympy as sp

from rederived._checks import count as _count
from rederived._checks import memory as _memory
from rederived._checks import real_array as _real

#: the highest cumulant order :func:`radial_cumulants` computes (the symbolic sums grow fast)
MAX_ORDER = 6
#: the most coefficients f may have (its degree in r², plus one)
MAX_COEFFICIENTS = 8

__all__ = [
    "MAX_COEFFICIENTS",
    "MAX_ORDER",
    "N",
    "dirichlet_variance",
    "disk_counting_cumulants",
    "ginibre_eigenvalues",
    "kostlan_moduli",
    "radial_cumulants",
    "sample_cumulants",
]

#: The number of charges, the variable of the exact cumulants.
N = sp.Symbol("N", positive=True, integer=True)
_k, _G, _r = sp.symbols("k G r", positive=True)


def _coefficients(coeffs: object) -> list[sp.Rational]:
    """f(r) = Σ_p c_p r^(2p), rational coefficients, at least one beyond the constant."""
    if isinstance(coeffs, str | bytes) or not hasattr(coeffs, "__len__") or len(coeffs) < 2:
        raise ValueError("coeffs must be a sequence [c0, c1, ...] of f(r) = Σ c_p r^(2p)")
    if len(coeffs) > MAX_COEFFICIENTS:
        raise ValueError(f"coeffs may hold at most {MAX_COEFFICIENTS} terms, got {len(coeffs)}")
    out = []
    for c in coeffs:
        if isinstance(c, bool) or not isinstance(c, Integral | sp.Rational | Real):
            raise TypeError(f"coefficients must be rational numbers, got {c!r}")
        if isinstance(c, Real) and not isinstance(c, Integral) and not np.isfinite(float(c)):
            raise ValueError(f"coefficients must be finite, got {c!r}")
        out.append(sp.nsimplify(c, rational=True))
    if all(c == 0 for c in out[1:]):
        raise ValueError("f must depend on r: some c_p with p >= 1 must be nonzero")
    return out


def radial_cumulants(coeffs: object, q_max: int = 4) -> list[sp.Expr]:
    """Exact cumulants κ_1..κ_q_max of L = Σ_i f(|z_i|) for the N×N Ginibre ensemble (unit disk).

    Parameters
    ----------
    coeffs : sequence of rationals
        f(r) = Σ_p c_p r^(2p): 2 to :data:`MAX_COEFFICIENTS` finite ints, floats (taken as the
        rational they are) or SymPy rationals, not all of c_1, c_2, ... zero.
    q_max : int
        Highest cumulant order, 1 to :data:`MAX_ORDER`.

    Returns
    -------
    list of sympy expressions
        κ_q as rational functions of the symbol :data:`N`, exact for every N ≥ 1.
    """
    c = _coefficients(coeffs)
    q_max = _count(q_max, "q_max")
    if q_max > MAX_ORDER:
        raise ValueError(f"q_max must be at most {MAX_ORDER}, got {q_max}")
    g = sum(cp * (_G / N) ** p for p, cp in enumerate(c))  # f at r² = G/N
    moments = [sp.Integer(1)]
    for j in range(1, q_max + 1):
        poly = sp.Poly(sp.expand(g**j), _G)
        # E[G^m] = k (k+1) ... (k+m-1) for G ~ Gamma(k, 1)
        moments.append(sp.expand(sum(cf * sp.rf(_k, m) for (m,), cf in poly.terms())))
    kappa = [sp.Integer(0)]
    for n in range(1, q_max + 1):
        kappa.append(
            sp.expand(
                moments[n]
                - sum(sp.binomial(n - 1, m - 1) * kappa[m] * moments[n - m] for m in range(1, n))
            )
        )
    return [sp.factor(sp.summation(kappa[q], (_k, 1, N))) for q in range(1, q_max + 1)]


def dirichlet_variance(coeffs: object) -> sp.Rational:
    """The bulk (Dirichlet-energy) variance (1/4π)∫_disk |∇f|² = (1/2)∫₀¹ r f'(r)² dr, exact."""
    c = _coefficients(coeffs)
    f = sum(cp * _r ** (2 * p) for p, cp in enumerate(c))
    return sp.nsimplify(sp.integrate(_r * sp.diff(f, _r) ** 2, (_r, 0, 1)) / 2)


def disk_counting_cumulants(n: object, radius: object, q_max: int = 4) -> np.ndarray:
    """Cumulants κ_1..κ_q_max (q_max ≤ 4) of the number of Ginibre eigenvalues (unit disk) in
    the disk |z| < radius: a sum of independent Bernoulli(P(Gamma(k, 1) < radius²·n))."""
    from scipy import special

    n = _count(n, "n")
    q_max = _count(q_max, "q_max")
    if q_max > 4:
        raise ValueError("q_max must be at most 4")
    if isinstance(radius, bool) or not isinstance(radius, Real) or not 0 < radius < 1:
        raise ValueError(f"radius must be in (0, 1), got {radius!r}")
    _memory(40.0 * n, f"the {n} Bernoulli terms")
    p = special.gammainc(np.arange(1, n + 1), radius**2 * n)
    q = 1 - p
    per_term = [p, p * q, p * q * (1 - 2 * p), p * q * (1 - 6 * p * q)]
    return np.array([np.sum(t) for t in per_term[:q_max]])


def ginibre_eigenvalues(n: object, samples: object, *, seed: object = 0) -> np.ndarray:
    """Eigenvalues of ``samples`` N×N complex Ginibre matrices scaled to the unit disk.

    Returns
    -------
    ndarray, shape (samples, n), complex
    """
    n, samples = _count(n, "n"), _count(samples, "samples")
    _memory(16.0 * n * (n + samples), f"{samples} Ginibre matrices of size {n}")
    rng = np.random.default_rng(seed)
    out = np.empty((samples, n), dtype=complex)
    for i in range(samples):
        a = (rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))) / np.sqrt(2 * n)
        out[i] = np.linalg.eigvals(a)
    return out


def kostlan_moduli(n: object, samples: object, *, seed: object = 0) -> np.ndarray:
    """Moduli |z| of Ginibre eigenvalues (unit disk) by Kostlan's theorem: √(Gamma(k, 1)/N),
    k = 1..N, independent. Shape (samples, n)."""
    n, samples = _count(n, "n"), _count(samples, "samples")
    _memory(16.0 * n * samples, f"{samples} × {n} moduli")
    rng = np.random.default_rng(seed)
    return np.sqrt(rng.gamma(np.arange(1, n + 1), size=(samples, n)) / n)


def sample_cumulants(values: object, q_max: int = 4) -> np.ndarray:
    """Unbiased estimates (k-statistics) of the cumulants κ_1..κ_q_max (q_max ≤ 4) of a sample."""
    x = _real(values, "values")
    q_max = _count(q_max, "q_max")
    if x.ndim != 1 or x.size < 5 or not np.all(np.isfinite(x)):
        raise ValueError("values must be a finite 1-D sample of at least 5 values")
    if q_max > 4:
        raise ValueError("q_max must be at most 4")
    n = x.size
    d = x - x.mean()
    m2, m3, m4 = (np.mean(d**p) for p in (2, 3, 4))
    k2 = n * m2 / (n - 1)
    k3 = n**2 * m3 / ((n - 1) * (n - 2))
    k4 = n**2 * ((n + 1) * m4 - 3 * (n - 1) * m2**2) / ((n - 1) * (n - 2) * (n - 3))
    return np.array([x.mean(), k2, k3, k4][:q_max])
