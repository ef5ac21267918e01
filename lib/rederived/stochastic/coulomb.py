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

One dimension, as a log-gas: :func:`beta_hermite_traces` samples the Gaussian β-ensemble (charges
on a line with the two-dimensional, logarithmic interaction, at any β > 0) through the
tridiagonal matrices of Dumitriu and Edelman, and returns power traces of the rescaled
eigenvalues in O(N) per sample, without diagonalising.
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
    "beta_hermite_traces",
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


def beta_hermite_traces(
    n: object, samples: object, beta: object, *, powers: object = (2, 4), seed: object = 0
) -> np.ndarray:
    """Σ_i (λ_i / R)^p for p in ``powers`` over ``samples`` draws of the Gaussian β-ensemble of n
    charges, R = √(2βn) (the edge of its semicircle when βn is large); shape
    (len(powers), samples). Draws are made in blocks of samples, so a longer run does not
    repeat a shorter one's first values.

    The eigenvalues λ of H = (1/√2)·tridiag(b; a; b), a_i ~ N(0, 2) and b_i ~ χ_{β(n−i)}
    independent (Dumitriu and Edelman, 2002), have the density ∝ Π_{i<j}|λ_i − λ_j|^β e^{−Σλ²/2}:
    a log-gas on the line at inverse temperature β. The power traces tr H^p are sums over closed
    walks of length p on the chain, written out for p ≤ 4, so a sample costs O(n).

    Parameters
    ----------
    n, samples : int
        Charges (≥ 2) and draws (≥ 1).
    beta : float
        Inverse temperature, 1e-6 ≤ β ≤ 1e6.
    powers : sequence of int
        Powers from 1 to 4.
    seed : int or numpy.random.SeedSequence
    """
    n, samples = _count(n, "n", 2), _count(samples, "samples")
    if isinstance(beta, bool) or not isinstance(beta, Real) or not 1e-6 <= beta <= 1e6:
        raise ValueError(f"beta must be a real number in [1e-6, 1e6], got {beta!r}")
    beta = float(beta)
    if isinstance(powers, str) or not hasattr(powers, "__iter__"):
        raise TypeError(f"powers must be a sequence of ints, got {powers!r}")
    powers = list(powers)
    if not powers or any(
        isinstance(q, bool) or not isinstance(q, Integral) or q not in (1, 2, 3, 4) for q in powers
    ):
        raise ValueError(f"powers must be ints from 1 to 4, got {powers!r}")
    if float(n) * samples > 1e10:
        raise ValueError(
            f"n × samples = {float(n) * samples:.3g} entries drawn, more than 1e10 (hours)"
        )
    block = max(1, int(2**22 // n))  # samples per block: about 4 million entries at a time
    _memory(
        8.0 * (8 * n * min(block, samples) + len(powers) * samples),
        f"{samples} samples of {len(powers)} traces (blocks of {min(block, samples)} × {n})",
    )
    rng = np.random.default_rng(seed)
    scale = 1 / np.sqrt(2 * beta * n)
    dof = beta * np.arange(n - 1, 0, -1)  # χ_{β(n−1)}, …, χ_β
    out = np.empty((len(powers), samples))
    for start in range(0, samples, block):
        m = min(block, samples - start)
        a = rng.standard_normal((m, n)) * scale  # N(0, 2)/√2, rescaled
        b = np.sqrt(rng.chisquare(dof, size=(m, n - 1)) / 2) * scale
        b2 = b * b
        for k, q in enumerate(powers):
            if q == 1:
                value = a.sum(axis=1)
            elif q == 2:
                value = (a * a).sum(axis=1) + 2 * b2.sum(axis=1)
            elif q == 3:
                value = (a**3).sum(axis=1) + 3 * (b2 * (a[:, :-1] + a[:, 1:])).sum(axis=1)
            else:  # tr H⁴ = ‖H²‖_F², H² banded: diagonal, first and second off-diagonals
                d0 = a * a
                d0[:, 1:] += b2
                d0[:, :-1] += b2
                d1 = b * (a[:, :-1] + a[:, 1:])
                d2 = b[:, :-1] * b[:, 1:]
                value = (
                    (d0 * d0).sum(axis=1) + 2 * (d1 * d1).sum(axis=1) + 2 * (d2 * d2).sum(axis=1)
                )
            out[k, start : start + m] = value
    return out
