"""Classical approximations of a function on an interval: Taylor, Padé and minimax (Remez).

Every approximant keeps exact (mpmath) coefficients, evaluates on NumPy arrays, measures its
own maximum error against an mpmath reference of the function, and counts the operations its
Horner evaluation costs, so that methods can be compared at equal cost.

The programs that AutoNumerics-Zero searches over, and the search itself, are in
:mod:`rederived.approximation.programs`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import numpy as np

from rederived.symmetry.so3 import _check_degree

__all__ = [
    "Approximant",
    "Minimax",
    "pade",
    "remez",
    "taylor",
]

_DPS = 40

#: the highest degree (numerator plus denominator) fitted: beyond it the coefficients are below
#: the 40-digit working precision's resolution on any interval of size one
MAX_DEGREE = 40


def _degrees(m: object, n: object, names: tuple[str, str]) -> tuple[int, int]:
    m, n = _check_degree(m, names[0]), _check_degree(n, names[1])
    if m + n > MAX_DEGREE:
        raise ValueError(f"{names[0]} + {names[1]} must be at most {MAX_DEGREE}, got {m + n}")
    return m, n


def _point(x: object, name: str) -> float:
    """A finite real number as a float (NumPy scalars included)."""
    if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating):
        if not isinstance(x, mpmath.mpf):
            raise TypeError(f"{name} must be a real number, got {x!r}")
    value = float(x)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return value


def _value(f: Callable, x: object) -> mpmath.mpf:
    """f(x) at the working precision, checked real and finite."""
    try:
        fx = mpmath.mpmathify(f(x))
    except (TypeError, ValueError):
        raise TypeError(f"f must return real numbers, got {f(x)!r} at x = {x}") from None
    if not isinstance(fx, mpmath.mpf):
        if isinstance(fx, mpmath.mpc) and fx.imag == 0:
            fx = fx.real
        else:
            raise ValueError(f"f must be real on the interval: f({mpmath.nstr(x, 8)}) = {fx}")
    if not mpmath.isfinite(fx):
        raise ValueError(f"f must be finite on the interval: f({mpmath.nstr(x, 8)}) = {fx}")
    return fx


def _checked_coefficients(coeffs, what: str) -> tuple:
    out = []
    for c in coeffs:
        if isinstance(c, complex | np.complexfloating):
            raise TypeError(f"{what} coefficients must be real, got {c!r}")
        if isinstance(c, mpmath.mpc):
            if c.imag != 0:
                raise ValueError(f"f must be real: its {what} coefficients are complex")
            c = c.real
        if isinstance(c, bool) or not isinstance(c, mpmath.mpf | int | float | np.number):
            raise TypeError(f"{what} coefficients must be real numbers, got {c!r}")
        if not mpmath.isfinite(c) or not np.isfinite(float(c)):
            raise ValueError(f"the {what} coefficients of f are not finite in double precision")
        # an mpf is kept as it is: mpf(c) would round it to the caller's working precision
        out.append(c if isinstance(c, mpmath.mpf) else mpmath.mpf(float(c)))
    return tuple(out)


def _check_interval(interval: object) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in interval)
    except (TypeError, ValueError):
        raise TypeError(f"interval must be a pair of numbers, got {interval!r}") from None
    if not (np.isfinite(a) and np.isfinite(b) and a < b):
        raise ValueError(f"interval must be finite with a < b, got {interval!r}")
    return a, b


def _cheb_points(a, b, n):
    """n points of [a, b] clustered like Chebyshev extrema (both ends included), in mpmath."""
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    return [(a + b) / 2 - (b - a) / 2 * mpmath.cos(mpmath.pi * k / (n - 1)) for k in range(n)]


def _horner(coeffs, t):
    out = coeffs[-1]
    for c in reversed(coeffs[:-1]):
        out = out * t + c
    return out


@dataclass(frozen=True)
class Approximant:
    """p(x − x0) / q(x − x0) with exact coefficients (increasing powers; q[0] = 1).

    Attributes
    ----------
    kind : str
        "taylor", "pade" or "minimax".
    numerator, denominator : tuple of mpmath.mpf
    x0 : float
        Expansion point (the variable is t = x − x0).
    interval : (float, float)
        Where the approximation is meant to hold and its error is measured.
    f : callable
        The function, on mpmath numbers (the reference for errors).
    """

    kind: str
    numerator: tuple
    denominator: tuple
    x0: float
    interval: tuple[float, float]
    f: Callable

    def __post_init__(self):
        if self.kind not in ("taylor", "pade", "minimax"):
            raise ValueError(f"kind must be 'taylor', 'pade' or 'minimax', got {self.kind!r}")
        if not self.numerator or not self.denominator:
            raise ValueError("numerator and denominator must hold at least one coefficient")
        for name in ("numerator", "denominator"):
            object.__setattr__(self, name, _checked_coefficients(getattr(self, name), name))
        if self.denominator[0] != 1:
            raise ValueError(f"denominator[0] must be 1, got {self.denominator[0]}")
        object.__setattr__(self, "x0", _point(self.x0, "x0"))
        object.__setattr__(self, "interval", _check_interval(self.interval))
        if not callable(self.f):
            raise TypeError("f must be callable")

    @property
    def degrees(self) -> tuple[int, int]:
        """(m, n): degrees of numerator and denominator."""
        return len(self.numerator) - 1, len(self.denominator) - 1

    @property
    def operations(self) -> int:
        """+, −, ×, ÷ of a Horner evaluation: m mul + m add (+ n mul + n add + 1 div)."""
        m, n = self.degrees
        return 2 * m + (2 * n + 1 if n > 0 else 0) + (1 if self.x0 != 0 else 0)

    @property
    def operations_monic(self) -> int:
        """+, −, ×, ÷ of the same rational with numerator and denominator divided by the
        denominator's leading coefficient: the monic denominator's Horner loop starts with an
        addition, one multiplication fewer than :attr:`operations` (for n ≥ 1 and a nonzero
        leading coefficient; otherwise the same count)."""
        n = self.degrees[1]
        return self.operations - (1 if n > 0 and self.denominator[-1] != 0 else 0)

    def __call__(self, x: object) -> np.ndarray:
        """Evaluate on an array (float32 input is evaluated in float32, else float64)."""
        x = np.asarray(x)
        if x.dtype.kind not in "biuf":
            raise TypeError(f"x must be real numbers, got dtype {x.dtype}")
        dtype = np.float32 if x.dtype == np.float32 else np.float64
        if np.any(np.isnan(x)):
            raise ValueError("x must not hold NaN")
        with np.errstate(all="ignore"):
            t = x.astype(dtype) - dtype(self.x0)
            p = _horner([dtype(float(c)) for c in self.numerator], t)
            if len(self.denominator) != 1:
                p = p / _horner([dtype(float(c)) for c in self.denominator], t)
        if not np.all(np.isfinite(p)):
            raise ValueError(
                f"the approximant is not finite in {np.dtype(dtype).name} at "
                f"{int(np.sum(~np.isfinite(p)))} point(s) (overflow, or a pole of the denominator)"
            )
        return p

    def exact(self, x: object) -> mpmath.mpf:
        """The approximant at one point, in mpmath (no floating-point rounding)."""
        t = mpmath.mpf(_point(x, "x")) if not isinstance(x, mpmath.mpf) else x
        if not mpmath.isfinite(t):
            raise ValueError(f"x must be finite, got {x}")
        t = t - self.x0
        q = _horner(list(self.denominator), t)
        if q == 0:
            raise ValueError(f"the denominator vanishes at x = {x}: the approximant has a pole")
        return _horner(list(self.numerator), t) / q

    def error(self, x: object, relative: bool = True) -> mpmath.mpf:
        """Signed error (approximant − f), divided by f when ``relative``."""
        with mpmath.workdps(_DPS):  # the error cancels most digits: compute with 40
            x = mpmath.mpf(_point(x, "x")) if not isinstance(x, mpmath.mpf) else x
            fx = _value(self.f, x)
            if relative and fx == 0:
                raise ValueError(f"f vanishes at x = {x}: the relative error is undefined there")
            e = self.exact(x) - fx
            return +(e / fx if relative else e)

    def max_error(self, relative: bool = True, n: int = 2001) -> float:
        """Largest |error| on ``n`` points of the interval (Chebyshev-clustered), in mpmath."""
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 2 <= n <= 10**5:
            raise ValueError(f"n must be an int in [2, 10^5], got {n!r}")
        a, b = self.interval
        with mpmath.workdps(_DPS):
            return float(max(abs(self.error(x, relative)) for x in _cheb_points(a, b, n)))


def taylor(
    f: Callable, x0: float, degree: int, interval: tuple[float, float] | None = None
) -> Approximant:
    """Taylor polynomial of ``f`` (a function on mpmath numbers) about ``x0``."""
    degree, _ = _degrees(degree, 0, ("degree", "n"))
    x0 = _point(x0, "x0")
    if not callable(f):
        raise TypeError("f must be callable")
    interval = _check_interval(interval if interval is not None else (x0 - 0.5, x0 + 0.5))
    with mpmath.workdps(_DPS):
        _value(f, mpmath.mpf(x0))
        coeffs = _checked_coefficients(mpmath.taylor(f, mpmath.mpf(x0), degree), "Taylor")
    return Approximant("taylor", coeffs, (mpmath.mpf(1),), x0, interval, f)


def pade(
    f: Callable, x0: float, m: int, n: int, interval: tuple[float, float] | None = None
) -> Approximant:
    """[m/n] Padé approximant of ``f`` about ``x0`` (matches the Taylor series to order m+n)."""
    m, n = _degrees(m, n, ("m", "n"))
    x0 = _point(x0, "x0")
    if not callable(f):
        raise TypeError("f must be callable")
    interval = _check_interval(interval if interval is not None else (x0 - 0.5, x0 + 0.5))
    with mpmath.workdps(_DPS):
        _value(f, mpmath.mpf(x0))
        series = _checked_coefficients(mpmath.taylor(f, mpmath.mpf(x0), m + n), "Taylor")
        try:
            p, q = mpmath.pade(list(series), m, n)
        except ZeroDivisionError:
            raise ValueError(
                f"the Padé table of f is degenerate at [{m}/{n}] (its Taylor coefficients make "
                "the linear system singular): try other degrees"
            ) from None
    return Approximant("pade", tuple(p), tuple(q), x0, interval, f)


def _extrema(errfun, a, b, count, grid=400):
    """Alternating extrema of errfun on [a, b]: one per sign run, the largest of each.

    The largest |error| of each run is located on a Chebyshev-clustered grid and then refined
    by golden-section search between its grid neighbours, so the extrema are accurate far
    beyond the grid spacing (the levelling test of the exchange depends on it).
    """
    xs = _cheb_points(a, b, grid)
    es = [errfun(x) for x in xs]
    runs = []  # (index of the grid maximum, its error)
    for i, e in enumerate(es):
        if runs and mpmath.sign(e) == mpmath.sign(runs[-1][1]):
            if abs(e) > abs(runs[-1][1]):
                runs[-1] = (i, e)
        else:
            runs.append((i, e))
    while len(runs) > count:  # drop the smaller end so the largest alternation remains
        runs.pop(0 if abs(runs[0][1]) < abs(runs[-1][1]) else -1)
    refined = []
    golden = (mpmath.sqrt(5) - 1) / 2
    for i, e in runs:
        lo, hi = xs[max(i - 1, 0)], xs[min(i + 1, grid - 1)]
        if i in (0, grid - 1):  # an end point is an extremum of the interval
            refined.append((xs[i], e))
            continue
        for _ in range(60):
            m1, m2 = hi - golden * (hi - lo), lo + golden * (hi - lo)
            if abs(errfun(m1)) > abs(errfun(m2)):
                hi = m2
            else:
                lo = m1
        x = (lo + hi) / 2
        ex = errfun(x)
        refined.append((x, ex) if abs(ex) >= abs(e) else (xs[i], e))
    return refined


def _pade_guess(f, a, b, m, n) -> list:
    """Padé coefficients about the midpoint, re-expanded in powers of x, with q[0] = 1."""
    start = pade(f, (a + b) / 2, m, n, (a, b))
    c = mpmath.mpf((a + b) / 2)
    p0 = mpmath.taylor(lambda x: _horner(list(start.numerator), x - c), 0, m)
    q0 = mpmath.taylor(lambda x: _horner(list(start.denominator), x - c), 0, n)
    return [v / q0[0] for v in p0] + [v / q0[0] for v in q0[1:]]


def _rational_reference_solve(ref, fx, w, m, n, guess) -> list:
    """Solve p(x_i) = (f_i + (−1)^i E w_i) q(x_i) at the N reference points for (p, q[1:], E)."""

    def equations(*z):
        pc, qc, e = z[: m + 1], (mpmath.mpf(1), *z[m + 1 : m + n + 1]), z[-1]
        return [
            _horner(list(pc), x) - (fx[i] + (-1) ** i * e * w[i]) * _horner(list(qc), x)
            for i, x in enumerate(ref)
        ]

    sol = mpmath.findroot(equations, guess)
    return [sol[i] for i in range(m + n + 2)]


def remez(
    f: Callable,
    interval: tuple[float, float],
    degree: int,
    rational: tuple[int, int] | None = None,
    *,
    relative: bool = True,
    max_iter: int = 30,
) -> Approximant:
    """Minimax polynomial (or rational, ``rational=(m, n)``) approximation by Remez exchange.

    Relative error by default. Each iteration solves for the coefficients and the levelled
    error E on a reference of N = m + n + 2 points (p − f = (−1)^i E w at each, w = |f| for
    relative error), then moves the reference to the N alternating extrema of the error. It
    stops when the extrema are level to 1e-10.

    Returns a :class:`Minimax` with ``levelled_error``, ``history`` (largest error after each
    exchange), ``spread`` (largest / smallest |error| at the extrema, minus one, after each
    exchange: zero at equioscillation), ``reference`` (the final alternation points) and
    ``converged``.

    Warns (``RuntimeWarning``) when the exchange stops before the extrema are level, and raises
    ``ValueError`` when the degree is so high that the error is at the working precision.
    """
    a, b = _check_interval(interval)
    if not callable(f):
        raise TypeError("f must be callable")
    if rational is None:
        m, n = _degrees(degree, 0, ("degree", "n"))
    else:
        if not isinstance(rational, tuple | list) or len(rational) != 2:
            raise ValueError(f"rational must be a pair (m, n), got {rational!r}")
        m, n = _degrees(rational[0], rational[1], ("m", "n"))
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
        raise ValueError(f"max_iter must be an int >= 1, got {max_iter!r}")
    N = m + n + 2
    with mpmath.workdps(_DPS):
        a_m, b_m = mpmath.mpf(a), mpmath.mpf(b)
        if relative:  # the relative error needs f without zeros or sign changes on [a, b]
            signs = {mpmath.sign(_value(f, x)) for x in _cheb_points(a_m, b_m, 400)}
            if 0 in signs or len(signs) > 1:
                raise ValueError(
                    "f vanishes or changes sign on the interval: the relative error is "
                    "undefined there (pass relative=False for the absolute error)"
                )
        ref = _cheb_points(a_m, b_m, N)
        E = mpmath.mpf(0)
        p = q = None
        history, spread = [], []
        for _ in range(max_iter):
            fx = [_value(f, x) for x in ref]
            w = [abs(v) if relative else mpmath.mpf(1) for v in fx]
            if n == 0:
                A = mpmath.matrix(N, N)
                for i, x in enumerate(ref):
                    for j in range(m + 1):
                        A[i, j] = x**j
                    A[i, m + 1] = (-1) ** i * w[i]
                try:
                    sol = mpmath.lu_solve(A, mpmath.matrix(fx))
                except ZeroDivisionError:
                    raise ValueError(_SINGULAR.format(interval=(a, b))) from None
                p, q, E = [sol[j] for j in range(m + 1)], [mpmath.mpf(1)], sol[m + 1]
            else:
                try:
                    guess = [*_pade_guess(f, a, b, m, n), E] if p is None else [*p, *q[1:], E]
                    sol = _rational_reference_solve(ref, fx, w, m, n, guess)
                except ZeroDivisionError:
                    raise ValueError(_SINGULAR.format(interval=(a, b))) from None
                p, q, E = sol[: m + 1], [mpmath.mpf(1), *sol[m + 1 : m + n + 1]], sol[-1]

            def err(x, p=p, q=q):
                fxv = f(x)
                e = _horner(list(p), x) / _horner(list(q), x) - fxv
                return e / abs(fxv) if relative else e

            try:
                runs = _extrema(err, a_m, b_m, N)
            except ZeroDivisionError:
                runs = None
            smallest = None if runs is None else min(abs(e) for _, e in runs)
            if not smallest or abs(E) < mpmath.mpf(10) ** (8 - _DPS):
                raise ValueError(
                    f"degree {m if n == 0 else (m, n)}: the minimax error (|E| ≈ "
                    f"{mpmath.nstr(abs(E), 3)}) is at the {_DPS}-digit working precision, so its "
                    "extrema cannot be located: f is represented exactly at this degree or a "
                    "lower one, or the degree is too high for the interval; lower the degree"
                )
            largest = max(abs(e) for _, e in runs)
            history.append(float(largest))
            spread.append(float(largest / smallest - 1))
            if len(runs) < N:
                break
            ref = [x for x, _ in runs]
            if spread[-1] < 1e-10:
                break
    converged = bool(spread) and spread[-1] < 1e-10
    if not converged:
        warnings.warn(
            f"remez did not converge in {len(spread)} exchange(s): the extrema differ by "
            f"{spread[-1] if spread else float('nan'):.2e} (relative), so the result is not the "
            "minimax approximation; raise max_iter or lower the degree",
            RuntimeWarning,
            stacklevel=2,
        )
    return Minimax(
        "minimax",
        tuple(p),
        tuple(q),
        0.0,
        (a, b),
        f,
        levelled_error=float(abs(E)),
        history=tuple(history),
        spread=tuple(spread),
        reference=tuple(float(x) for x in ref),
        converged=converged,
    )


_SINGULAR = (
    "the reference system is singular at the working precision: the interval {interval} is too "
    "narrow (or too far from 0) for this degree, or f is degenerate there"
)


@dataclass(frozen=True)
class Minimax(Approximant):
    """An :class:`Approximant` from :func:`remez`: levelled error |E|, the largest error and
    the spread of the extrema after each exchange, and the final reference (the points of
    equioscillation)."""

    levelled_error: float = float("nan")
    history: tuple[float, ...] = ()
    spread: tuple[float, ...] = ()
    reference: tuple[float, ...] = ()
    converged: bool = True
