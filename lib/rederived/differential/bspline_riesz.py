"""B-spline collocation for the Riesz fractional derivative, and the symbol of its matrices.

The operator is the Riesz derivative with the sign of −d²/dx²,

    (−Δ)^{α/2} u = (D_L^α u + D_R^α u) / (2 cos(πα/2)),   Fourier multiplier |ξ|^α,

with D_L^α, D_R^α the left and right Riemann–Liouville derivatives of u extended by zero outside
[0, 1], for MIN_ORDER = 1.01 ≤ α ≤ 2 (α = 2 is −u''; towards α = 1 the formula is 0/0).
Collocation with B-splines of degree p ≥ 2 on N uniform
elements of [0, 1] (open knots, homogeneous Dirichlet conditions, Greville collocation points)
gives matrices h^{−α}(T_n(f_{p,α}) + boundary rows and columns), with the symbol

    f_{p,α}(θ) = Σ_{m ∈ ℤ} |θ + 2πm|^α (sin(θ/2 + πm) / (θ/2 + πm))^{p+1}

(Mazza, Donatelli, Manni and Speleers, arXiv:2106.14834). This module evaluates the operator on
the cardinal B-spline without cancellation far from its support (a convergent series), the symbol
through Hurwitz zeta functions, and assembles the collocation matrix and manufactured right-hand
sides.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
import scipy.interpolate
import scipy.special

__all__ = [
    "MAX_ANGLE",
    "MAX_DEGREE",
    "MAX_ELEMENTS",
    "MAX_PIECE_RATIO",
    "MAX_POLYNOMIAL_DEGREE",
    "MAX_SYMBOL_DEGREE",
    "MIN_ORDER",
    "bspline_riesz",
    "cardinal_riesz",
    "collocation_matrix",
    "greville_points",
    "knot_vector",
    "polynomial_riesz",
    "symbol",
    "toeplitz_coefficients",
]

#: the largest spline degree offered (the truncated-power sums near the support lose about
#: (p + 2)^p in relative accuracy, 3e5 at p = 6, and a further 1/(α − 1) as α nears 1)
MAX_DEGREE = 6

#: the largest degree of :func:`symbol`, which has no cancellation (Hurwitz zeta functions)
MAX_SYMBOL_DEGREE = 60

#: the largest ratio of the knot intervals of one B-spline in :func:`bspline_riesz`
MAX_PIECE_RATIO = 4.0

#: the largest angle :func:`symbol` reduces modulo 2π (beyond, the reduction itself loses digits)
MAX_ANGLE = 1e6

#: the smallest order offered: as α → 1 the formula (D_L + D_R)/(2 cos(πα/2)) is 0/0 and loses
#: a factor 1/(α − 1) of relative accuracy to cancellation
MIN_ORDER = 1.01

#: the most elements of a dense collocation matrix ((N + p − 2)² doubles: 128 MB at 4096, with
#: temporaries a peak near 400 MB)
MAX_ELEMENTS = 4096

#: terms of the far-field series: its ratio is (p + 1)/y ≤ 2/3, so 120 terms reach 1e-21
_FAR_TERMS = 120

#: Gauss–Legendre points per element for a basis function seen from at least one element away
_FAR_POINTS = 16


def _degree(p: object, largest: int | None = None) -> int:
    largest = MAX_DEGREE if largest is None else largest
    if isinstance(p, bool) or not isinstance(p, Integral):
        raise TypeError(f"p must be an int, got {p!r}")
    if not 2 <= p <= largest:
        raise ValueError(
            f"p must lie in [2, {largest}] (p = 1 collocates at knots, where the "
            f"operator is singular), got {p}"
        )
    return int(p)


def _order(alpha: object) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, Real):
        raise TypeError(f"alpha must be a finite real number, got {alpha!r}")
    try:
        finite = math.isfinite(alpha)
    except OverflowError:  # an int too large for a float
        finite = False
    if not finite:
        raise ValueError(f"alpha must be a finite real number in [{MIN_ORDER}, 2], got {alpha!r}")
    if not MIN_ORDER <= alpha <= 2.0:
        raise ValueError(f"alpha must lie in [{MIN_ORDER}, 2], got {alpha!r}")
    return float(alpha)


def _real_array(x: object, name: str) -> np.ndarray:
    raw = np.asarray(x) if not isinstance(x, (str, bytes)) else None
    if raw is None or raw.dtype.kind not in "iuf":
        kind = type(x).__name__ if raw is None else str(raw.dtype)
        raise TypeError(f"{name} must be real numbers, got {kind}")
    out = raw.astype(float)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name} must be finite")
    return out


def _riemann_liouville_far(y: np.ndarray, p: int, alpha: float) -> np.ndarray:
    """D_L^α φ_p(y) for y ≥ 1.5 (p + 1), by the series in (p + 1)/y (no cancellation).

    Σ_j (−1)^j C(p+1, j)(y − j)^s = y^s Σ_{k > p} C(s, k)(−1/y)^k S_k, s = p − α, where
    S_k = Σ_j (−1)^j C(p+1, j) j^k = (−1)^{p+1}(p+1)! S(k, p+1) (Stirling numbers of the second
    kind) vanishes for k ≤ p; the Stirling numbers are carried divided by (p + 1)^k.
    """
    m = p + 1
    s = p - alpha
    u = m / y
    stirling = np.zeros(m + 1)  # S(k, j) / m^k for j = 0..m, at k = 0
    stirling[0] = 1.0
    binom = 1.0  # C(s, k) (−1)^k
    power = np.ones_like(y)  # u^(k − m), k ≥ m
    total = np.zeros_like(y)
    j = np.arange(m + 1)
    for k in range(1, _FAR_TERMS + 1):
        shifted = np.concatenate([[0.0], stirling[:-1]])
        stirling = (j * stirling + shifted) / m
        binom *= -(s - k + 1) / k
        if k > m:
            power = power * u
        if k >= m:
            total += binom * power * stirling[m]
    # y^s u^m = m^m y^(s − m), with s − m = −1 − α: no overflow of y^s times an underflow of u^m
    sign_factorial = (-1) ** m * math.factorial(m) * float(m) ** m
    with np.errstate(under="ignore"):
        return sign_factorial * total * y ** (s - m) / math.gamma(p + 1 - alpha)


def _riemann_liouville_near(y: np.ndarray, p: int, alpha: float, x=None) -> np.ndarray:
    """D_L^α φ_p(y) by the truncated powers, summed in extended precision; with ``x`` given,
    y = p + 1 − x and the distances y − j are formed as (p + 1 − j) − x, without rounding y."""
    yl = y.astype(np.longdouble)
    total = np.zeros_like(yl)
    for j in range(p + 2):
        d = yl - j if x is None else (p + 1 - j) - x.astype(np.longdouble)
        term = np.where(d > 0, np.abs(d) ** np.longdouble(p - alpha), 0)
        total += (-1) ** j * math.comb(p + 1, j) * term
    return (total / np.longdouble(math.gamma(p + 1 - alpha))).astype(float)


def _riemann_liouville_cardinal(y: np.ndarray, p: int, alpha: float, x=None) -> np.ndarray:
    """D_L^α φ_p(y); with ``x`` given, y = p + 1 − x (the mirrored point, see the near sum)."""
    out = np.zeros_like(y)
    # at α = 2 the operator is local: φ_p'' vanishes beyond the support, exactly
    far = y >= (p + 1 if alpha == 2.0 else 1.5 * (p + 1))
    near = (y > 0) & ~far
    if np.any(far) and alpha != 2.0:
        out[far] = _riemann_liouville_far(y[far], p, alpha)
    if np.any(near):
        out[near] = _riemann_liouville_near(y[near], p, alpha, None if x is None else x[near])
    return out


def cardinal_riesz(x: object, p: int, alpha: float) -> np.ndarray:
    """(−Δ)^{α/2} of the cardinal B-spline φ_p (degree p, support [0, p + 1]) at x.

    D_L^α φ_p(x) = Γ(p + 1 − α)⁻¹ Σ_{j=0}^{p+1} (−1)^j C(p+1, j)(x − j)_+^{p−α} and
    D_R^α φ_p(x) = D_L^α φ_p(p + 1 − x); beyond 1.5 (p + 1) from the far end of the support the
    sum is replaced by a convergent series, which keeps the relative accuracy there (the sum
    itself cancels to nothing as |x| grows, the value decaying like |x|^{−1−α}).

    Parameters
    ----------
    x : array_like of float
        Points, finite.
    p : int
        Degree, 2 ≤ p ≤ MAX_DEGREE.
    alpha : float
        Order, MIN_ORDER ≤ α ≤ 2.

    Returns
    -------
    numpy.ndarray of float64, the shape of x
    """
    p, alpha = _degree(p), _order(alpha)
    points = _real_array(x, "x")
    left = _riemann_liouville_cardinal(points, p, alpha)
    if alpha == 2.0:  # local: D_L² = D_R² = d²/dx², and the mirror point p + 1 − x may round
        return -left
    right = _riemann_liouville_cardinal(p + 1 - points, p, alpha, points)
    return (left + right) / (2 * math.cos(math.pi * alpha / 2))


def toeplitz_coefficients(p: int, alpha: float, count: int) -> np.ndarray:
    """a_k = (−Δ)^{α/2} φ_p((p + 1)/2 + k), k = 0..count − 1: f_{p,α}(θ) = a_0 + 2 Σ a_k cos kθ.

    Parameters
    ----------
    p, alpha
        As in :func:`cardinal_riesz`.
    count : int
        How many coefficients, 1 ≤ count ≤ 10⁷.

    Returns
    -------
    numpy.ndarray, shape (count,), float64
    """
    if isinstance(count, bool) or not isinstance(count, Integral):
        raise TypeError(f"count must be an int, got {count!r}")
    if not 1 <= count <= 10**7:
        raise ValueError(f"count must lie in [1, 1e7], got {count!r}")
    return cardinal_riesz((p + 1) / 2 + np.arange(count), p, alpha)


def symbol(theta: object, p: int, alpha: float) -> np.ndarray:
    """The symbol f_{p,α}(θ) of the collocation matrices, through Hurwitz zeta functions.

    With s = p + 1 − α > 1 and a = θ/2π ∈ [0, 1/2], the Poisson sum is
    f = (2 sin(θ/2))^{p+1} (2π)^{−s} [Z(a) + Z(1 − a)], Z(a) = Σ_{m≥0} σ^m (m + a)^{−s} with
    σ = (−1)^{p+1}: ζ(s, a) for odd p, 2^{−s}(ζ(s, a/2) − ζ(s, (a + 1)/2)) for even p.

    Parameters
    ----------
    theta : array_like of float
        Angles, finite, |θ| ≤ MAX_ANGLE (the symbol is even and 2π-periodic).
    p : int
        Degree, 2 ≤ p ≤ MAX_SYMBOL_DEGREE.
    alpha : float
        Order, MIN_ORDER ≤ α ≤ 2.

    Returns
    -------
    numpy.ndarray of float64, the shape of theta, ≥ 0, zero exactly at θ ∈ 2πℤ (to rounding
    of the reduction)
    """
    p, alpha = _degree(p, MAX_SYMBOL_DEGREE), _order(alpha)
    angles = _real_array(theta, "theta")
    if np.any(np.abs(angles) > MAX_ANGLE):
        raise ValueError(f"theta must be at most {MAX_ANGLE:g} in size: reduce it modulo 2π first")
    r = np.remainder(np.abs(angles), 2 * np.pi)  # even: reduce |θ|, exact for small angles
    reduced = np.minimum(r, 2 * np.pi - r)  # in [0, π], exact for small angles
    s = p + 1 - alpha
    a = reduced / (2 * np.pi)

    def series(q):  # Z(q) = Σ_{m ≥ 0} σ^m (m + q)^(−s), q ≥ 1/2
        if p % 2 == 1:
            return scipy.special.zeta(s, q)
        if s == 1.0:  # p = α = 2: the alternating sum is a difference of digammas
            return (scipy.special.digamma((q + 1) / 2) - scipy.special.digamma(q / 2)) / 2
        return 2.0**-s * (scipy.special.zeta(s, q / 2) - scipy.special.zeta(s, (q + 1) / 2))

    sigma = 1.0 if p % 2 == 1 else -1.0
    # the term m = 0 directly, |θ|^α (sin(θ/2)/(θ/2))^(p+1); the others through Z(a + 1) and
    # Z(1 − a), scaled by (2 sin(θ/2))^(p+1) (2π)^(−s), which may underflow harmlessly
    with np.errstate(under="ignore"):
        head = (2 * np.sin(reduced / 2)) ** (p + 1) * (2 * np.pi) ** -s
        first = reduced**alpha * np.sinc(reduced / (2 * np.pi)) ** (p + 1)
        return first + head * (sigma * series(a + 1) + series(1 - a))


#: the largest degree of a polynomial in :func:`polynomial_riesz`
MAX_POLYNOMIAL_DEGREE = 30


def polynomial_riesz(coefficients: object, x: object, alpha: float) -> np.ndarray:
    """(−Δ)^{α/2} u at x ∈ (0, 1), for u a polynomial on [0, 1] extended by zero outside.

    The manufactured right-hand side of a collocation test: with u(x) = Σ_k c_k x^k on [0, 1],
    D_L^α u(x) = Σ_k c_k Γ(k + 1)/Γ(k + 1 − α) x^{k−α}, and D_R^α u(x) = D_L^α ũ(1 − x) with
    ũ(y) = u(1 − y).

    Parameters
    ----------
    coefficients : array_like, shape (d + 1,)
        c_0..c_d in the monomial basis, finite reals, d ≤ MAX_POLYNOMIAL_DEGREE.
    x : array_like of float
        Points strictly inside (0, 1) (at the ends the value is infinite unless u vanishes
        there to order α).
    alpha : float
        Order, MIN_ORDER ≤ α ≤ 2.

    Returns
    -------
    numpy.ndarray of float64, the shape of x
    """
    alpha = _order(alpha)
    c = _real_array(coefficients, "coefficients")
    if c.ndim != 1 or not 1 <= c.size <= MAX_POLYNOMIAL_DEGREE + 1:
        raise ValueError(
            f"coefficients must be a 1-D array of 1 to {MAX_POLYNOMIAL_DEGREE + 1} numbers, "
            f"got shape {c.shape}"
        )
    points = _real_array(x, "x")
    if np.any((points <= 0) | (points >= 1)):
        raise ValueError("x must lie strictly inside (0, 1)")
    mirrored = np.polynomial.Polynomial(c)(np.polynomial.Polynomial([1.0, -1.0])).coef
    mirrored = np.pad(mirrored, (0, c.size - mirrored.size))  # trailing zeros are dropped

    def left(coeffs, y):
        k = np.arange(coeffs.size)
        weight = scipy.special.gamma(k + 1) * scipy.special.rgamma(k + 1 - alpha)
        return np.sum(coeffs * weight * y[..., None] ** (k - alpha), axis=-1)

    return (left(c, points) + left(mirrored, 1 - points)) / (2 * math.cos(math.pi * alpha / 2))


def greville_points(elements: int, p: int) -> np.ndarray:
    """Collocation points: Greville abscissae of the interior B-splines (Dirichlet ends removed).

    Parameters
    ----------
    elements : int
        N, uniform elements of [0, 1], 2 ≤ N ≤ MAX_ELEMENTS.
    p : int
        Degree, 2 ≤ p ≤ MAX_DEGREE.

    Returns
    -------
    numpy.ndarray, shape (N + p − 2,), float64, increasing in (0, 1)
    """
    p = _degree(p)
    _knots(elements, p)  # checks elements
    # in integers, so that a point that is a knot is exactly the float of that knot (both are the
    # correctly rounded value of the same fraction)
    index = np.concatenate(
        [np.zeros(p + 1, dtype=np.int64), np.arange(1, elements), np.full(p + 1, elements)]
    )
    sums = np.array([index[j + 1 : j + p + 1].sum() for j in range(elements + p)])
    return sums[1:-1] / (p * elements)


def knot_vector(elements: int, p: int) -> np.ndarray:
    """The open uniform knot vector of N elements of [0, 1] and degree p.

    Parameters
    ----------
    elements : int
        N, 2 ≤ N ≤ MAX_ELEMENTS.
    p : int
        Degree, 2 ≤ p ≤ MAX_DEGREE.

    Returns
    -------
    numpy.ndarray, shape (N + 2p + 1,): 0 and 1 repeated p + 1 times, k/N in between
    """
    return _knots(elements, _degree(p))


def _knots(elements: object, p: int) -> np.ndarray:
    if isinstance(elements, bool) or not isinstance(elements, Integral):
        raise TypeError(f"elements must be an int, got {elements!r}")
    if not 2 <= elements <= MAX_ELEMENTS:
        raise ValueError(f"elements must lie in [2, {MAX_ELEMENTS}], got {elements}")
    inner = np.arange(1, elements) / elements
    return np.concatenate([np.zeros(p + 1), inner, np.ones(p + 1)])


def _jumps(local_knots: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray]:
    """Breakpoints κ and c[κ, m] = jump of the m-th derivative / m! of one B-spline.

    Each polynomial piece is recovered from its derivatives at the piece's midpoint (SciPy's
    B-spline evaluation works at any degree; its conversion to piecewise polynomials stops at 5).
    """
    spline = scipy.interpolate.BSpline.basis_element(local_knots, extrapolate=False)
    breaks = np.unique(local_knots)
    lo, hi = breaks[:-1], breaks[1:]
    mid = (lo + hi) / 2
    taylor = np.array([spline(mid, nu=m) for m in range(p + 1)])  # (p + 1, pieces) at the mids
    factorial = np.array([math.factorial(k) for k in range(p + 1)], dtype=float)

    def derivatives_at(offset):  # (p + 1, pieces): f^(m)(mid + offset) / m!
        out = np.zeros_like(taylor)
        for m in range(p + 1):
            k = np.arange(m, p + 1)
            out[m] = (
                np.sum(
                    taylor[k] / factorial[k - m][:, None] * offset[None, :] ** (k - m)[:, None],
                    axis=0,
                )
                / factorial[m]
            )
        return out

    from_right = derivatives_at(lo - mid)  # at each piece's left end
    from_left = derivatives_at(hi - mid)  # at each piece's right end
    jumps = np.zeros((breaks.size, p + 1))
    jumps[:-1] += from_right.T
    jumps[1:] -= from_left.T
    # at a knot of multiplicity μ the derivatives of order ≤ p − μ are continuous: their jumps
    # are zero exactly, not the rounding of a difference (which a negative power would blow up)
    multiplicity = np.array([np.count_nonzero(local_knots == b) for b in breaks])
    jumps[np.arange(p + 1)[None, :] <= (p - multiplicity)[:, None]] = 0.0
    return breaks, jumps


def bspline_riesz(knots: object, p: int, alpha: float, x: object) -> np.ndarray:
    """(−Δ)^{α/2} of the B-spline with the given p + 2 knots (extended by zero), at points x.

    The B-spline is written as truncated powers from the jumps of its derivatives at its knots,
    Σ_κ Σ_m c_{κ,m} (x − κ)_+^m, whose Riemann–Liouville derivatives are
    Σ c_{κ,m} m!/Γ(m + 1 − α) (x − κ)_+^{m−α} (and mirrored on the right); at least one knot
    interval away from the support the integral ∫ |x − y|^{−1−α} B(y) dy / Γ(−α) is taken by
    Gauss–Legendre quadrature on each piece instead, which does not cancel.

    Parameters
    ----------
    knots : array_like, shape (p + 2,)
        Non-decreasing finite knots, first < last, each repeated at most p + 1 times, whose
        non-empty intervals differ in length by at most a factor MAX_PIECE_RATIO.
    p, alpha
        As in :func:`cardinal_riesz`.
    x : array_like of float
        Points, finite; where x is a knot at which the B-spline or its first derivative jumps,
        the value is infinite and a ValueError is raised.

    Returns
    -------
    numpy.ndarray of float64, the shape of x
    """
    p, alpha = _degree(p), _order(alpha)
    local = _real_array(knots, "knots")
    if local.shape != (p + 2,):
        raise ValueError(f"knots must have p + 2 = {p + 2} entries, got shape {local.shape}")
    if np.any(np.diff(local) < 0) or local[-1] <= local[0]:
        raise ValueError("knots must be non-decreasing with first < last")
    widths = np.diff(np.unique(local))
    if widths.max() > MAX_PIECE_RATIO * widths.min():
        raise ValueError(
            f"the knot intervals of one B-spline may differ by at most a factor {MAX_PIECE_RATIO} "
            "(the far-field quadrature and the truncated powers are accurate only then)"
        )
    points = _real_array(x, "x")
    flat = points.ravel()
    breaks, jumps = _jumps(local, p)
    singular = breaks[np.any(jumps[:, :2] != 0, axis=1)]
    if np.any(np.isin(flat, singular)):
        raise ValueError(
            "x contains a knot where the B-spline or its derivative jumps (infinite value)"
        )
    with np.errstate(over="ignore", invalid="ignore"):
        values = _spline_riesz(local, p, alpha, flat)
    if not np.all(np.isfinite(values)):
        raise ValueError(
            "x lies so close to a knot where the B-spline or its derivative jumps that the value "
            "overflows"
        )
    return values.reshape(points.shape)


def _spline_riesz(local_knots: np.ndarray, p: int, alpha: float, x: np.ndarray) -> np.ndarray:
    """(−Δ)^{α/2} of one B-spline with the given p + 2 knots, at points x (checked)."""
    breaks, jumps = _jumps(local_knots, p)
    a, b = local_knots[0], local_knots[-1]
    spacing = np.max(np.diff(breaks))  # quadrature only a whole widest piece away
    m = np.arange(p + 1)
    weight = scipy.special.gamma(m + 1) * scipy.special.rgamma(m + 1 - alpha)  # m!/Γ(m+1−α)

    def near(dist, coeff):  # Σ_κ Σ_m coeff (dist)^(m − α) m!/Γ(m+1−α) over dist > 0
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            powers = np.where(dist[..., None] > 0, dist[..., None] ** (m - alpha), 0.0)
        used = coeff != 0
        return np.sum(np.where(used, coeff * weight * powers, 0.0), axis=(-2, -1))

    # Gauss–Legendre on the pieces, for points at least one element away from the support
    nodes, w = np.polynomial.legendre.leggauss(_FAR_POINTS)
    lo, hi = breaks[:-1], breaks[1:]
    ys = ((hi - lo)[:, None] * (nodes + 1) / 2 + lo[:, None]).ravel()
    ws = ((hi - lo)[:, None] * w / 2).ravel()
    values = np.nan_to_num(
        scipy.interpolate.BSpline.basis_element(local_knots, extrapolate=False)(ys)
    )
    reciprocal = scipy.special.rgamma(-alpha)  # 1/Γ(−α): zero at α = 2, where far values vanish

    left = np.zeros_like(x)
    right = np.zeros_like(x)
    far_right = x >= b + spacing
    far_left = x <= a - spacing
    if np.any(far_right):
        d = x[far_right][:, None] - ys[None, :]
        left[far_right] = (ws * values * d ** (-1 - alpha)).sum(axis=1) * reciprocal
    if np.any(far_left):
        d = ys[None, :] - x[far_left][:, None]
        right[far_left] = (ws * values * d ** (-1 - alpha)).sum(axis=1) * reciprocal
    mid_l = ~far_right
    mid_r = ~far_left
    if np.any(mid_l):  # D_L: knots to the left of x
        dist = x[mid_l][:, None] - breaks[None, :]
        left[mid_l] = near(dist, jumps[None, :, :])
    if np.any(mid_r):  # D_R: (κ − x)_+^m with coefficients (−1)^(m+1) c
        dist = breaks[None, :] - x[mid_r][:, None]
        right[mid_r] = near(dist, (-1.0) ** (m + 1) * jumps[None, :, :])
    return (left + right) / (2 * math.cos(math.pi * alpha / 2))


def collocation_matrix(elements: int, p: int, alpha: float) -> np.ndarray:
    """The B-spline collocation matrix of (−Δ)^{α/2} on [0, 1] with zero Dirichlet data.

    Row i is the collocation point x_i (:func:`greville_points`), column j the j-th interior
    B-spline of degree p on N uniform elements with open knots: A[i, j] = (−Δ)^{α/2} B_j(x_i).
    Columns and rows of the B-splines whose knots are all distinct (all but p − 1 at each end)
    form h^{−α} T(a) with a from :func:`toeplitz_coefficients`, h = 1/N; the boundary ones are
    computed from the B-splines' derivative jumps (truncated powers) near their support and by
    Gauss–Legendre quadrature of ∫ |x − y|^{−1−α} B_j(y) dy / Γ(−α) one element away or more.

    Parameters
    ----------
    elements : int
        N, 2 ≤ N ≤ MAX_ELEMENTS.
    p : int
        Degree, 2 ≤ p ≤ MAX_DEGREE.
    alpha : float
        Order, MIN_ORDER ≤ α ≤ 2.

    Returns
    -------
    numpy.ndarray, shape (N + p − 2, N + p − 2), float64
    """
    p, alpha = _degree(p), _order(alpha)
    knots = _knots(elements, p)
    h = 1.0 / elements
    n_basis = elements + p
    n = n_basis - 2
    points = greville_points(elements, p)
    basis = np.arange(1, n_basis - 1)  # the interior B-splines' indices in the full basis
    cardinal = (basis >= p) & (basis <= elements - 1)
    matrix = np.empty((n, n))
    # cardinal rows and columns: B_j(x_i) = φ_p((p + 1)/2 + j_i − j), a Toeplitz block
    coefficients = toeplitz_coefficients(p, alpha, n) * h**-alpha
    inner = np.flatnonzero(cardinal)
    matrix[np.ix_(inner, inner)] = coefficients[
        np.abs(basis[inner][:, None] - basis[inner][None, :])
    ]
    # boundary rows, cardinal columns: B_j(x) = φ_p(x/h − (j − p))
    edge = np.flatnonzero(~cardinal)
    shifts = basis[inner] - p
    matrix[np.ix_(edge, inner)] = (
        cardinal_riesz(points[edge][:, None] / h - shifts[None, :], p, alpha) * h**-alpha
    )
    for col in np.flatnonzero(~cardinal):
        j = basis[col]
        matrix[:, col] = _spline_riesz(knots[j : j + p + 2], p, alpha, points)
    return matrix
