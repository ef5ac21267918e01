"""Logarithms of the modified Bessel functions I_v(x) and K_v(x), without overflow or underflow.

Every intermediate quantity is kept on a logarithmic scale, in the spirit of Plesner et al.
(2024), "Accurate Computation of the Logarithm of Modified Bessel Functions on GPUs". The
implementation here is this book's own combination of classical pieces, chosen per element:

``log_iv(v, x)``
  1. x²/4 ≤ v + 1: the power series I_v(x) = (x/2)^v Σ_k (x²/4)^k / (k! Γ(v+k+1)), summed as a
     log-sum-exp of positive terms (no cancellation; 40 terms suffice because the term ratio is
     at most 1/(k+1) in this region);
  2. otherwise, v ≥ 50: Debye's uniform asymptotic expansion (DLMF 10.41.3) with the
     polynomials u_k(t), k ≤ 12, generated exactly from their recurrence (DLMF 10.41.10);
  3. otherwise: log(ive(v, x)) + x with SciPy's exponentially scaled ``ive``, which is neither
     0 nor inf there.

``log_kv(v, x)``
  1. v ≥ 50: Debye's expansion for K (DLMF 10.41.4);
  2. v < 50 where SciPy's ``kve`` is finite and positive: log(kve(v, x)) − x;
  3. otherwise (tiny x, where K_v overflows): K_{μ}, K_{μ+1} at the fractional order μ from
     ``kve`` and the forward recurrence K_{n+1} = K_{n−1} + (2n/x) K_n run on the ratios
     K_{n+1}/K_n, whose logarithms add up; the recurrence is stable in this direction.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np
from scipy import special

__all__ = [
    "DEBYE_TERMS",
    "debye_polynomials",
    "log_iv",
    "log_iv_reference",
    "log_kv",
    "log_kv_reference",
    "reference",
]

DEBYE_TERMS = 12
_DEBYE_MIN_ORDER = 50.0
_SERIES_TERMS = 40


@lru_cache(maxsize=1)
def debye_polynomials(n: int = DEBYE_TERMS) -> tuple[tuple[Fraction, ...], ...]:
    """Coefficients (increasing powers of t) of u_0, ..., u_n in Debye's expansion.

    u_0 = 1 and u_{k+1}(t) = ½ t²(1 − t²) u_k'(t) + ⅛ ∫_0^t (1 − 5s²) u_k(s) ds (DLMF 10.41.10),
    in exact rational arithmetic.
    """
    polys = [[Fraction(1)]]
    for _ in range(n):
        u = polys[-1]
        out = [Fraction(0)] * (len(u) + 3)
        for j, c in enumerate(u):  # ½ t² (1 − t²) · j c t^{j−1}
            if j:
                out[j + 1] += Fraction(j, 2) * c
                out[j + 3] -= Fraction(j, 2) * c
        for j, c in enumerate(u):  # ⅛ ∫ (1 − 5 s²) c s^j
            out[j + 1] += c / (8 * (j + 1))
            out[j + 3] -= 5 * c / (8 * (j + 3))
        while len(out) > 1 and out[-1] == 0:
            out.pop()
        polys.append(out)
    return tuple(tuple(p) for p in polys)


@lru_cache(maxsize=1)
def _debye_float() -> list[np.ndarray]:
    return [np.array([float(c) for c in p]) for p in debye_polynomials()]


def _debye_log_sum(v: np.ndarray, t: np.ndarray, sign: float) -> np.ndarray:
    """log Σ_k (sign)^k u_k(t)/v^k, via log1p of the (small) correction."""
    total = np.zeros_like(v)
    for k, coeffs in enumerate(_debye_float()[1:], start=1):
        total += (sign**k) * np.polynomial.polynomial.polyval(t, coeffs) / v**k
    return np.log1p(total)


def _debye(v: np.ndarray, x: np.ndarray, kind: str) -> np.ndarray:
    z = x / v
    root = np.sqrt(1.0 + z * z)
    t = 1.0 / root
    # η = √(1+z²) + log(z / (1 + √(1+z²))), written with log for tiny z
    eta = root + np.log(z) - np.log1p(root)
    if kind == "i":
        return (
            v * eta - 0.5 * np.log(2 * np.pi * v) - 0.5 * np.log(root) + _debye_log_sum(v, t, 1.0)
        )
    return (
        -v * eta + 0.5 * np.log(np.pi / (2 * v)) - 0.5 * np.log(root) + _debye_log_sum(v, t, -1.0)
    )


def _series_log_iv(v: np.ndarray, x: np.ndarray) -> np.ndarray:
    k = np.arange(_SERIES_TERMS)[:, None]
    with np.errstate(divide="ignore"):
        log_half = np.log(x / 2)
    with np.errstate(invalid="ignore"):  # 0 · (−inf) at x = 0, replaced just below
        log_terms = 2 * k * log_half - special.gammaln(k + 1) - special.gammaln(v + k + 1)
    log_terms = np.where(x == 0, np.where(k == 0, -special.gammaln(v + 1), -np.inf), log_terms)
    # log-sum-exp written as top + log1p(rest), so that log I ≈ 0 (I ≈ 1) keeps its digits
    peak = log_terms.argmax(axis=0)
    top = np.take_along_axis(log_terms, peak[None, :], axis=0)[0]
    rest = np.where(k == peak[None, :], 0.0, np.exp(log_terms - top)).sum(axis=0)
    summed = top + np.log1p(rest)
    with np.errstate(invalid="ignore"):
        lead = np.where(v == 0, 0.0, v * log_half)
    return lead + summed


def _prepare(v: object, x: object) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    for name, value in (("v", v), ("x", x)):
        arr = np.asarray(value)
        if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
            raise TypeError(f"{name} must be real numbers, got dtype {arr.dtype}")
    v_arr, x_arr = np.broadcast_arrays(np.asarray(v, dtype=float), np.asarray(x, dtype=float))
    if np.any(np.isnan(v_arr)) or np.any(np.isnan(x_arr)):
        raise ValueError("v and x must not be NaN")
    if np.any(v_arr < 0):
        raise ValueError("v must be >= 0 (orders from 0 up)")
    if np.any(x_arr < 0):
        raise ValueError("x must be >= 0")
    if np.any(np.isinf(v_arr)) or np.any(np.isinf(x_arr)):
        raise ValueError("v and x must be finite")
    return v_arr.ravel(), x_arr.ravel(), v_arr.shape


def log_iv(v: object, x: object) -> np.ndarray:
    """log I_v(x), elementwise, for v ≥ 0 and x ≥ 0 (arrays broadcast).

    Parameters
    ----------
    v : array_like of float
        Order, ≥ 0.
    x : array_like of float
        Argument, ≥ 0; log I_v(0) is 0 for v = 0 and −inf otherwise.

    Returns
    -------
    ndarray of float64
        Finite for every x > 0: no overflow or underflow, whatever the sizes of v and x.
    """
    v, x, shape = _prepare(v, x)
    out = np.empty_like(v)
    series = x * x / 4 <= v + 1
    debye = ~series & (v >= _DEBYE_MIN_ORDER)
    scaled = ~series & ~debye
    out[series] = _series_log_iv(v[series], x[series])
    out[debye] = _debye(v[debye], x[debye], "i")
    out[scaled] = np.log(special.ive(v[scaled], x[scaled])) + x[scaled]
    return out.reshape(shape)


def _recurrence_log_kv(v: np.ndarray, x: np.ndarray) -> np.ndarray:
    mu = v - np.floor(v)
    steps = np.floor(v).astype(int)
    log_k = np.log(special.kve(mu, x)) - x
    ratio = special.kve(mu + 1, x) / special.kve(mu, x)  # K_{μ+1}/K_μ, finite for x ≥ 1e-300
    order = mu + 1
    for n in range(1, int(steps.max(initial=0)) + 1):
        active = n <= steps
        log_k = np.where(active, log_k + np.log(ratio), log_k)
        # K_{ν+1}/K_ν = K_{ν−1}/K_ν + 2ν/x with ν = μ + n
        ratio = np.where(active, 1.0 / ratio + 2 * order / x, ratio)
        order = order + 1
    return log_k


def log_kv(v: object, x: object) -> np.ndarray:
    """log K_v(x), elementwise, for v ≥ 0 and x > 0 (arrays broadcast).

    Parameters
    ----------
    v : array_like of float
        Order, ≥ 0.
    x : array_like of float
        Argument, > 0 (K_v has a singularity at 0: x = 0 gives +inf).

    Returns
    -------
    ndarray of float64
        Finite for every x > 0.
    """
    v, x, shape = _prepare(v, x)
    out = np.empty_like(v)
    zero = x == 0
    out[zero] = np.inf
    debye = ~zero & (v >= _DEBYE_MIN_ORDER)
    rest = ~zero & ~debye
    out[debye] = _debye(v[debye], x[debye], "k")
    with np.errstate(over="ignore"):
        kve = special.kve(v[rest], x[rest])
    fine = np.isfinite(kve) & (kve > 0)
    idx = np.flatnonzero(rest)
    out[idx[fine]] = np.log(kve[fine]) - x[rest][fine]
    out[idx[~fine]] = _recurrence_log_kv(v[rest][~fine], x[rest][~fine])
    return out.reshape(shape)


def _peak_quad(g, a, b, t_star, curvature) -> object:
    """log ∫_a^b exp(g(t)) dt for a unimodal g peaked at t_star, by mpmath's tanh-sinh."""
    import mpmath

    top = g(t_star)
    width = 1 / mpmath.sqrt(abs(curvature)) if curvature != 0 else mpmath.mpf(1)
    points = [a]
    for offset in (-60, -8, 0, 8, 60):
        p = t_star + offset * width
        if a < p < b and p > points[-1]:
            points.append(p)
    points.append(b)
    integral = mpmath.quad(lambda t: mpmath.exp(g(t) - top), points)
    return top + mpmath.log(integral)


def log_iv_reference(v: float, x: float, dps: int = 30) -> float:
    """log I_v(x) from Poisson's integral, in mpmath: slow, independent, for testing.

    I_v(x) = (x/2)^v / (√π Γ(v + ½)) ∫_{−1}^{1} (1 − t²)^{v − ½} e^{−xt} dt has a positive
    integrand, so its logarithm is computed without cancellation for any size of v and x > 0.
    """
    import mpmath

    with mpmath.workdps(dps):
        v, x = mpmath.mpf(v), mpmath.mpf(x)
        a = v - mpmath.mpf(1) / 2

        def g(t):
            if a != 0 and abs(t) >= 1:  # a quadrature node rounded onto the endpoint
                return -mpmath.inf  # its weight is negligible; the singularity is integrable
            return (a * mpmath.log1p(-t * t) if a != 0 else 0) - x * t

        one = mpmath.mpf(1)
        if a > 0:  # interior maximum of g
            t_star = (a - mpmath.sqrt(a * a + x * x)) / x
            curvature = -2 * a * (1 + t_star**2) / (1 - t_star**2) ** 2
            log_int = _peak_quad(g, -one, one, t_star, curvature)
        else:  # integrable endpoint singularity: the mass sits within ~1/x of t = −1
            points = [-one] + [-one + k / x for k in (1, 30, 1000) if k / x < 1] + [one]
            log_int = x + mpmath.log(mpmath.quad(lambda t: mpmath.exp(g(t) - x), points))
        value = v * mpmath.log(x / 2) - mpmath.log(mpmath.sqrt(mpmath.pi)) - mpmath.loggamma(a + 1)
        return float(value + log_int)


def log_kv_reference(v: float, x: float, dps: int = 30) -> float:
    """log K_v(x) from K_v(x) = ∫_0^∞ exp(−x cosh t) cosh(vt) dt, in mpmath (slow, for tests)."""
    import mpmath

    with mpmath.workdps(dps):
        v, x = mpmath.mpf(v), mpmath.mpf(x)

        def g(t):
            return -x * mpmath.cosh(t) + mpmath.log(mpmath.cosh(v * t))

        t_star = mpmath.asinh(v / x)
        top = g(t_star)
        # beyond U the integrand is below exp(top − 3·dps − 50): x cosh U ≥ v U + (gap − top)
        gap = 3 * dps + 50
        upper = t_star + 1
        for _ in range(20):
            upper = max(upper, mpmath.acosh(max((v * upper + gap - top) / x, mpmath.mpf(1))))
        curvature = -x * mpmath.cosh(t_star) - (v * v if v * t_star < 1 else 0)
        return float(_peak_quad(g, mpmath.mpf(0), upper, t_star, curvature))


def reference(kind: str, v: float, x: float, dps: int = 30) -> float:
    """log I_v(x) (kind "i") or log K_v(x) (kind "k") to ``dps`` digits, with mpmath.

    The error of a computed log f is best read as |Δ log f| / max(1, |log f|): relative where
    |log f| > 1, and where f is near 1 the absolute error of log f, which is the relative error
    of f itself.

    mpmath's ``besseli``/``besselk`` where their hypergeometric evaluation succeeds quickly;
    where it gives up (large order and argument), the integral representations of
    :func:`log_iv_reference` and :func:`log_kv_reference`.
    """
    import mpmath

    if kind not in ("i", "k"):
        raise ValueError(f"kind must be 'i' or 'k', got {kind!r}")
    with mpmath.workdps(dps + 20):  # extra digits: log of a value near 1 loses its leading ones
        try:
            f = mpmath.besseli if kind == "i" else mpmath.besselk
            value = f(mpmath.mpf(v), mpmath.mpf(x), maxterms=2000, maxprec=4 * 3.33 * dps + 500)
            if value > 0 and mpmath.isfinite(value):
                return float(mpmath.log(value))
        except (ValueError, ZeroDivisionError, mpmath.libmp.NoConvergence):
            pass
    return (log_iv_reference if kind == "i" else log_kv_reference)(v, x, dps)
