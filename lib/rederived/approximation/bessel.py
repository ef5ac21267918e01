"""Logarithms of the modified Bessel functions I_v(x) and K_v(x), without overflow or underflow.

Every intermediate quantity is kept on a logarithmic scale, in the spirit of Plesner et al.
(2024), "Accurate Computation of the Logarithm of Modified Bessel Functions on GPUs". The
implementation here is this book's own combination of classical pieces, chosen per element
(``v`` the order, ``x`` the argument, every finite ``x >= 0`` and ``0 <= v <= 1e300``, beyond
which the logarithms themselves approach float64's range):

``log_iv(v, x)``
  1. x/2 ≤ √(v + 1): the power series I_v(x) = (x/2)^v/Γ(v+1) Σ_k τ_k with τ_0 = 1 and
     τ_k = τ_{k−1} (x²/4)/(k (v + k)), a running product of positive terms (no cancellation);
     there τ_k ≤ 1/k!, so at most 20 terms are needed and a block stops as soon as its terms
     are below 2⁻⁵⁶ of the sum;
  2. otherwise, v ≥ 50: Debye's uniform asymptotic expansion (DLMF 10.41.3) with the
     polynomials u_k(t), k ≤ 12, generated exactly from their recurrence (DLMF 10.41.10), and
     η = √(1+z²) − asinh(1/z), which has no cancellation and no overflow for any z = x/v;
  3. otherwise, x ≥ max(25, 2v²): Hankel's large-argument expansion (DLMF 10.40.1), whose
     terms fall below ε before they turn to grow there (about 25 terms at most);
  4. otherwise: log(ive(v, x)) + x with SciPy's exponentially scaled ``ive``, which is neither
     0 nor inf there.

``log_kv(v, x)``
  1. v ≥ 50: Debye's expansion for K (DLMF 10.41.4);
  2. v < 50, x ≥ max(25, 2v²): Hankel's expansion for K (DLMF 10.40.2);
  3. v < 50, x < 10⁻²⁰: the small-argument form
     K_v(x) = ½ Γ(v) (x/2)^−v [1 − (Γ(1−v)/Γ(1+v)) (x/2)^2v] (1 + O(x² log x)),
     with the bracket dropped for v ≥ 1 and K_0(x) = −log(x/2) − γ;
  4. otherwise where SciPy's ``kve`` is finite and positive: log(kve(v, x)) − x;
  5. otherwise (K_v overflows): K_μ, K_{μ+1} at the fractional order μ from ``kve`` and the
     forward recurrence K_{n+1} = K_{n−1} + (2n/x) K_n run on the ratios K_{n+1}/K_n, whose
     logarithms add up; the recurrence is stable in this direction.

Accuracy. The honest yardstick of a computed log f is the conditioning of the problem: rounding
v and x to double precision alone moves log f by up to about ε·√(v² + x²), and storing log f
rounds it by ε·|log f|. :func:`error_units` measures an error in units of
ε·max(1, |log f|, √(v² + x²)).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache, partial
from numbers import Integral, Real

import numpy as np
from scipy import special

from rederived._checks import memory as _memory

__all__ = [
    "DEBYE_TERMS",
    "debye_polynomials",
    "error_units",
    "log_iv",
    "log_iv_reference",
    "log_kv",
    "log_kv_reference",
    "methods",
    "reference",
]

DEBYE_TERMS = 12
_DEBYE_MIN_ORDER = 50.0
_SERIES_TERMS = 40  # an upper bound: τ_k ≤ 1/k! in the series region, so about 20 are used
_HANKEL_TERMS = 40  # an upper bound; for x ≥ max(25, 2v²) about 25 terms reach 2⁻⁵⁶
_SMALL_ARGUMENT = 1e-20
_LOG_2PI, _LOG_PI_2 = np.log(2 * np.pi), np.log(np.pi / 2)


def debye_polynomials(n: int = DEBYE_TERMS) -> tuple[tuple[Fraction, ...], ...]:
    """Coefficients (increasing powers of t) of u_0, ..., u_n in Debye's expansion, for
    0 ≤ n ≤ 60 (the exact rationals grow fast: n = 60 takes seconds).

    u_0 = 1 and u_{k+1}(t) = ½ t²(1 − t²) u_k'(t) + ⅛ ∫_0^t (1 − 5s²) u_k(s) ds (DLMF 10.41.10),
    in exact rational arithmetic.
    """
    if isinstance(n, bool) or not isinstance(n, Integral):
        raise TypeError(f"n must be an int, got {n!r}")
    if not 0 <= n <= 60:
        raise ValueError(f"n must be in [0, 60], got {n}")
    return _debye_polynomials(int(n))


@lru_cache(maxsize=4)
def _debye_polynomials(n: int) -> tuple[tuple[Fraction, ...], ...]:
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
def _debye_even() -> list[np.ndarray]:
    """u_k(t) = t^k P_k(t²): the coefficients of P_k, highest power first (for Horner)."""
    return [np.array([float(c) for c in p[k::2]][::-1]) for k, p in enumerate(debye_polynomials())]


def _horner(coeffs: np.ndarray, s: np.ndarray) -> np.ndarray:
    out = np.full_like(s, coeffs[0])
    for c in coeffs[1:]:
        out *= s
        out += c
    return out


def _debye(v: np.ndarray, x: np.ndarray, kind: str) -> np.ndarray:
    z = x / v
    root = np.hypot(1.0, z)  # √(1 + z²) without overflow of z²
    t = 1.0 / root
    # η = √(1+z²) + log(z/(1+√(1+z²))) = √(1+z²) − asinh(1/z): no cancellation for large z;
    # for tiny z, 1/z may overflow, and asinh(1/z) = log 2 − log z + z²/4 + O(z⁴)
    with np.errstate(over="ignore", divide="ignore"):
        inv = np.arcsinh(1.0 / z)
    tiny = z < 1e-8
    if np.any(tiny):
        log_z = np.log(x[tiny]) - np.log(v[tiny])  # x/v may underflow, its log does not
        inv[tiny] = np.log(2.0) - log_z + z[tiny] ** 2 / 4
    eta = root - inv
    # Σ_k (±1)^k u_k(t)/v^k − 1, with u_k(t) = t^k P_k(t²), as a Horner scheme in w = ±t/v
    s, w = t * t, (1.0 if kind == "i" else -1.0) * t / v
    correction = np.zeros_like(v)
    for coeffs in reversed(_debye_even()[1:]):
        correction = (correction + _horner(coeffs, s)) * w
    log_sum = np.log1p(correction)
    if kind == "i":
        return v * eta - 0.5 * (_LOG_2PI + np.log(v)) - 0.5 * np.log(root) + log_sum
    return -v * eta + 0.5 * (_LOG_PI_2 - np.log(v)) - 0.5 * np.log(root) + log_sum


_TERM_FLOOR = 2.0**-56  # terms below this fraction of a sum of order 1 no longer change it


def _series_log_iv(v: np.ndarray, x: np.ndarray) -> np.ndarray:
    """log I_v(x) for x/2 ≤ √(v+1) by the running product of the power series' terms."""
    quarter_x2 = (x / 2) ** 2  # may underflow to 0: then every term after the first is 0
    term = np.ones_like(v)
    rest = np.zeros_like(v)  # Σ_{k ≥ 1} τ_k, so that log1p keeps the digits of log I ≈ 0
    for k in range(1, _SERIES_TERMS + 1):
        term *= quarter_x2 / (k * (v + k))
        rest += term
        if term.max(initial=0.0) < _TERM_FLOOR:
            break
    with np.errstate(divide="ignore", invalid="ignore"):  # x = 0 handled by the caller
        lead = np.where(v == 0, 0.0, v * (np.log(x) - np.log(2.0)))
    return lead - _log_gamma_1p(v) + np.log1p(rest)


def _log_gamma_1p(v: np.ndarray) -> np.ndarray:
    """log Γ(1 + v) for v ≥ 0 with small relative error also for tiny v.

    SciPy's ``gammaln(1 + v)`` rounds 1 + v first, so for v below 1e-6 its relative error grows
    like ε/v (it returned 4 % too much at v = 3e-17); there the Taylor series
    −γv + Σ_{k ≥ 2} (−1)^k ζ(k) v^k / k is summed instead (to ε for v < 0.2, 25 terms)."""
    out = special.gammaln(1 + v)
    small = v < 0.2
    if np.any(small):
        vs = v[small]
        total, power = -np.euler_gamma * vs, vs.copy()
        for k in range(2, 27):  # 0.2^26/26 < 1e-19
            power = power * vs
            total += ((-1) ** k * special.zeta(k) / k) * power
        out[small] = total
    return out


def _hankel_log_sum(v: np.ndarray, x: np.ndarray, sign: float) -> np.ndarray:
    """log Σ_k (sign)^k a_k(v)/x^k of Hankel's expansion, a_k(v) = Π_j (4v² − (2j−1)²)/(k! 8^k)."""
    four_v2 = 4 * v * v
    term = np.ones_like(v)
    total = np.zeros_like(v)
    for k in range(1, _HANKEL_TERMS + 1):
        term *= sign * ((four_v2 - (2 * k - 1) ** 2) / (8 * k)) / x
        total += term
        if np.abs(term).max(initial=0.0) < _TERM_FLOOR:
            break
    return np.log1p(total)


def _hankel_region(v: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Where Hankel's expansion reaches ε: x ≥ max(25, 2v²).

    The ratio of consecutive terms is (4v² − (2k−1)²)/(8kx): below 1/(4k) + k/(2x) there, so the
    terms fall below 2⁻⁵⁶ well before they turn to grow (at k ≈ 2x), and the exponentially small
    terms the expansion omits are below e⁻⁵⁰ of the result.
    """
    return x >= np.maximum(25.0, 2 * v * v)


def _hankel(v: np.ndarray, x: np.ndarray, kind: str) -> np.ndarray:
    if kind == "i":
        return x - 0.5 * (_LOG_2PI + np.log(x)) + _hankel_log_sum(v, x, -1.0)
    return -x + 0.5 * (_LOG_PI_2 - np.log(x)) + _hankel_log_sum(v, x, 1.0)


def _log_gamma_ratio(v: np.ndarray) -> np.ndarray:
    """log Γ(1−v) − log Γ(1+v) for 0 ≤ v < 1, with small relative error also for tiny v.

    SciPy's ``gammaln`` near 1 has an absolute error of a few 1e-17, which is a large relative
    error of the difference when v is small; there the odd series
    2γv + 2 Σ_{k odd ≥ 3} ζ(k) v^k / k (from log Γ(1+v) = −γv + Σ_k (−1)^k ζ(k) v^k/k) is used.
    """
    out = special.gammaln(1 - v) - special.gammaln(1 + v)
    small = v < 0.2
    vs = v[small]
    total, power = 2 * np.euler_gamma * vs, vs.copy()
    for k in range(3, 26, 2):  # 0.2^25/25 < 1e-19
        power *= vs * vs
        total += (2 * special.zeta(k) / k) * power
    out[small] = total
    return out


def _small_x_log_kv(v: np.ndarray, x: np.ndarray) -> np.ndarray:
    """log K_v(x) for x < 1e-20 and v < 50, where the relative O(x² log x) terms are below ε."""
    big_l = np.log(2.0) - np.log(x)  # −log(x/2), large and positive
    out = np.empty_like(v)
    zero = v < 1e-100  # K_v is even in v: K_v = K_0 (1 + O(v²))
    out[zero] = np.log(big_l[zero] - np.euler_gamma)
    frac = ~zero & (v < 1)
    if np.any(frac):
        vf, lf = v[frac], big_l[frac]
        delta = _log_gamma_ratio(vf)
        out[frac] = (
            -np.log(2.0)
            + vf * lf
            + _log_gamma_1p(vf)
            + np.log(-np.expm1(delta - 2 * vf * lf) / vf)  # one log: no cancellation as v → 0
        )
    whole = v >= 1  # the second term is (x/2)^{2v} ≤ 1e-40 relative: dropped
    out[whole] = -np.log(2.0) + v[whole] * big_l[whole] + special.gammaln(v[whole])
    return out


def _prepare(v: object, x: object) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    for name, value in (("v", v), ("x", x)):
        arr = np.asarray(value)
        if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
            raise TypeError(f"{name} must be real numbers, got dtype {arr.dtype}")
    try:
        shape = np.broadcast_shapes(np.shape(v), np.shape(x))
    except ValueError:
        raise ValueError(f"v and x do not broadcast: {np.shape(v)} and {np.shape(x)}") from None
    # the broadcast inputs, the result and the methods' temporaries: about 8 arrays of it
    _memory(64.0 * int(np.prod(shape)), f"log I/K on {int(np.prod(shape)):,} points")
    v_arr, x_arr = np.broadcast_arrays(np.asarray(v, dtype=float), np.asarray(x, dtype=float))
    if np.any(np.isnan(v_arr)) or np.any(np.isnan(x_arr)):
        raise ValueError("v and x must not be NaN")
    if np.any(v_arr < 0):
        raise ValueError("v must be >= 0 (orders from 0 up)")
    if np.any(x_arr < 0):
        raise ValueError("x must be >= 0")
    if np.any(np.isinf(v_arr)) or np.any(np.isinf(x_arr)):
        raise ValueError("v and x must be finite")
    if np.any(v_arr > MAX_ORDER):
        raise ValueError(
            f"v must be at most {MAX_ORDER:g}: near v = 2.5e305 log I_v and log K_v themselves "
            "overflow float64"
        )
    return v_arr.ravel(), x_arr.ravel(), v_arr.shape


#: the largest order accepted (the logarithms stay far inside float64's range below it)
MAX_ORDER = 1e300


_BLOCK = 2**14  # NumPy allocates fresh pages for large temporaries; blocks stay in cache


def _blockwise(kernel, v: np.ndarray, x: np.ndarray) -> np.ndarray:
    out = np.empty_like(v)
    for start in range(0, v.size, _BLOCK):
        block = slice(start, start + _BLOCK)
        out[block] = kernel(v[block], x[block])
    return out


def _regions(kind: str, v: np.ndarray, x: np.ndarray) -> dict[str, np.ndarray]:
    """The method each point is computed with: one boolean mask per method, disjoint."""
    zero = x == 0
    low = ~zero & (v < _DEBYE_MIN_ORDER)
    hankel = low & _hankel_region(v, x)
    if kind == "i":
        series = ~zero & (x / 2 <= np.sqrt(v + 1))
        return {
            "zero": zero,
            "series": series,
            "Debye": ~zero & ~series & ~low,
            "Hankel": ~series & hankel,
            "SciPy": ~series & low & ~hankel,
        }
    small = low & (x < _SMALL_ARGUMENT)
    return {
        "zero": zero,
        "Debye": ~zero & ~low,
        "Hankel": hankel,
        "small x": small,
        "SciPy": low & ~hankel & ~small,  # kve, or the recurrence where kve overflows
    }


def methods(kind: str, v: object, x: object) -> np.ndarray:
    """Name of the method :func:`log_iv` (kind "i") or :func:`log_kv` (kind "k") uses per point.

    Returns an array of strings broadcast from v and x: "zero", "series" (I only), "Debye",
    "Hankel", "small x" (K only) or "SciPy" (SciPy's scaled function, or for K where it
    overflows the recurrence started from it).
    """
    if kind not in ("i", "k"):
        raise ValueError(f"kind must be 'i' or 'k', got {kind!r}")
    v, x, shape = _prepare(v, x)
    out = np.empty(v.shape, dtype=object)
    with np.errstate(over="ignore"):  # v² overflows beside the Debye region, harmlessly
        regions = _regions(kind, v, x)
    for name, mask in regions.items():
        out[mask] = name
    return out.reshape(shape)


def log_iv(v: object, x: object) -> np.ndarray:
    """log I_v(x), elementwise, for v ≥ 0 and x ≥ 0 (arrays broadcast).

    Parameters
    ----------
    v : array_like of float
        Order, finite and ≥ 0.
    x : array_like of float
        Argument, finite and ≥ 0; log I_v(0) is 0 for v = 0 and −inf otherwise.

    Returns
    -------
    ndarray of float64
        Finite for every x > 0 (as long as log I_v(x) itself is below 1.8e308 in size, i.e. for
        v up to about 1e305): no overflow or underflow, whatever the sizes of v and x. The error
        is a small multiple of ε·max(1, |log I|, √(v² + x²)) (see :func:`error_units`).
    """
    v, x, shape = _prepare(v, x)
    with np.errstate(over="ignore"):  # v² overflows in the Debye branch, harmlessly
        return _blockwise(partial(_log_block, "i"), v, x).reshape(shape)


def _recurrence_log_kv(v: np.ndarray, x: np.ndarray) -> np.ndarray:
    mu = v - np.floor(v)
    steps = np.floor(v).astype(int)
    log_k = np.log(special.kve(mu, x)) - x
    ratio = special.kve(mu + 1, x) / special.kve(mu, x)  # K_{μ+1}/K_μ, finite for x ≥ 1e-20
    order = mu + 1
    for n in range(1, int(steps.max(initial=0)) + 1):
        active = n <= steps
        log_k = np.where(active, log_k + np.log(ratio), log_k)
        # K_{ν+1}/K_ν = K_{ν−1}/K_ν + 2ν/x with ν = μ + n
        ratio = np.where(active, 1.0 / ratio + 2 * order / x, ratio)
        order = order + 1
    return log_k


def _scaled_log_kv(v: np.ndarray, x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # kve overflows where K_v does: the recurrence takes over
        out = np.log(special.kve(v, x))
    out -= x
    overflow = ~np.isfinite(out)
    if overflow.any():
        out[overflow] = _recurrence_log_kv(v[overflow], x[overflow])
    return out


# The branch each region of `_regions` is evaluated by, per function ("i": log I, "k": log K).
_BRANCHES = {
    "i": {
        "zero": lambda v, x: np.where(v == 0, 0.0, -np.inf),
        "series": _series_log_iv,
        "SciPy": lambda v, x: np.log(special.ive(v, x)) + x,
        "Debye": lambda v, x: _debye(v, x, "i"),
        "Hankel": lambda v, x: _hankel(v, x, "i"),
    },
    "k": {
        "zero": lambda v, x: np.full_like(v, np.inf),
        "small x": _small_x_log_kv,
        "SciPy": _scaled_log_kv,
        "Debye": lambda v, x: _debye(v, x, "k"),
        "Hankel": lambda v, x: _hankel(v, x, "k"),
    },
}


def _log_block(kind: str, v: np.ndarray, x: np.ndarray) -> np.ndarray:
    out = np.empty_like(v)
    for name, mask in _regions(kind, v, x).items():
        if np.any(mask):
            out[mask] = _BRANCHES[kind][name](v[mask], x[mask])
    return out


def log_kv(v: object, x: object) -> np.ndarray:
    """log K_v(x), elementwise, for v ≥ 0 and x ≥ 0 (arrays broadcast).

    Parameters
    ----------
    v : array_like of float
        Order, finite and ≥ 0.
    x : array_like of float
        Argument, finite and ≥ 0 (K_v has a singularity at 0: x = 0 gives +inf).

    Returns
    -------
    ndarray of float64
        Finite for every x > 0 (for v up to about 1e305, beyond which log K itself overflows).
        The error is a small multiple of ε·max(1, |log K|, √(v² + x²)) (see
        :func:`error_units`).
    """
    v, x, shape = _prepare(v, x)
    # K_v is even in v: K_v = K_0 (1 + O(v²)), so orders below 1e-100 are order 0 to rounding;
    # subnormal orders made SciPy's kve and the series return inf or NaN
    v = np.where(v < 1e-100, 0.0, v)
    with np.errstate(over="ignore"):  # v² overflows in the Debye branch, harmlessly
        return _blockwise(partial(_log_block, "k"), v, x).reshape(shape)


def error_units(computed: object, exact: object, v: object, x: object) -> np.ndarray:
    """|computed − exact| in units of ε·max(1, |exact|, √(v² + x²)), elementwise (broadcast);
    0 where they are equal (infinities included), inf where ``computed`` is NaN or the
    difference is infinite. ``exact``, ``v`` and ``x`` must not be NaN.

    The denominator is the error that rounding the inputs v, x and the output log f to double
    precision already causes (the conditioning of log I_v(x) and log K_v(x) in v and x is
    about √(v² + x²)), so a value of order 1–10 is as good as the problem allows.
    """
    arrays = []
    for name, a in (("computed", computed), ("exact", exact), ("v", v), ("x", x)):
        a = np.asarray(a)
        if a.dtype.kind not in "biuf":
            raise TypeError(f"{name} must be real numbers, got dtype {a.dtype}")
        a = a.astype(float)
        if name != "computed" and np.any(np.isnan(a)):
            raise ValueError(f"{name} must not be NaN")
        arrays.append(a)
    computed, exact, v, x = np.broadcast_arrays(*arrays)
    scale = np.maximum.reduce([np.ones_like(exact), np.abs(exact), np.hypot(v, x)])
    with np.errstate(invalid="ignore"):
        units = np.abs(computed - exact) / (np.finfo(float).eps * scale)
    # equal values (infinities included) agree exactly; an infinite difference, or a NaN
    # computed value (a failure of the method measured), is an infinite error
    return np.where(computed == exact, 0.0, np.nan_to_num(units, nan=np.inf))


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


def _reference_arguments(v: object, x: object, dps: object) -> tuple[float, float, int]:
    """An order 0 ≤ v ≤ MAX_ORDER and an argument 0 < x < inf as floats (NumPy scalars
    accepted), and a precision of 15 to 1000 digits."""
    out = []
    for name, value in (("v", v), ("x", x)):
        if isinstance(value, bool) or not isinstance(value, Real | np.floating | np.integer):
            raise TypeError(f"{name} must be a real number, got {value!r}")
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value!r}")
        out.append(value)
    v, x = out
    if not 0 <= v <= MAX_ORDER:
        raise ValueError(f"v must be in [0, {MAX_ORDER:g}], got {v!r}")
    if not x > 0:
        raise ValueError(f"x must be positive (the references integrate over x > 0), got {x!r}")
    if isinstance(dps, bool) or not isinstance(dps, Integral) or not 15 <= dps <= 1000:
        raise ValueError(f"dps must be an int in [15, 1000], got {dps!r}")
    return v, x, int(dps)


def log_iv_reference(v: float, x: float, dps: int = 30) -> float:
    """log I_v(x) from Poisson's integral, in mpmath: slow, independent, for testing.

    I_v(x) = (x/2)^v / (√π Γ(v + ½)) ∫_{−1}^{1} (1 − t²)^{v − ½} e^{−xt} dt has a positive
    integrand, so its logarithm is computed without cancellation for any size of v and x > 0.
    """
    import mpmath

    v, x, dps = _reference_arguments(v, x, dps)
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
            if 1 - t_star**2 == 0:  # the peak is within rounding of the endpoint t = −1
                raise ValueError(
                    f"x = {x} is too large for v = {v} at {dps} digits: the integral's peak "
                    "is within rounding of its endpoint (use reference, or raise dps)"
                )
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

    v, x, dps = _reference_arguments(v, x, dps)
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
    v, x, dps = _reference_arguments(v, x, dps)
    with mpmath.workdps(dps + 20):  # extra digits: log of a value near 1 loses its leading ones
        try:
            f = mpmath.besseli if kind == "i" else mpmath.besselk
            value = f(mpmath.mpf(v), mpmath.mpf(x), maxterms=2000, maxprec=4 * 3.33 * dps + 500)
            if value > 0 and mpmath.isfinite(value):
                return float(mpmath.log(value))
        except (ValueError, ZeroDivisionError, mpmath.libmp.NoConvergence):
            pass
    return (log_iv_reference if kind == "i" else log_kv_reference)(v, x, dps)
