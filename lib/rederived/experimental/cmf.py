"""Conservative matrix fields (Elimelech et al. 2024): matrices M_X(x, y), M_Y(x, y) with

    M_X(x, y) · M_Y(x+1, y) = M_Y(x, y) · M_X(x, y+1),

so that the product of step matrices along a lattice path depends only on its end points.
Walking in a straight line from a starting point gives a sequence of 2×2 matrices whose products
converge, in ratio, to a constant; different directions and starting points give different
continued fractions for related constants.
"""

from __future__ import annotations

import math
from numbers import Integral

import mpmath
import sympy as sp

from rederived._checks import ZeroDenominatorError, digits
from rederived.experimental.pcf import _mul, _product

__all__ = ["FIELDS", "is_conservative", "trajectory_limit", "trajectory_matrix", "x", "y"]

x, y = sp.symbols("x y")

#: the most step matrices a trajectory multiplies
MAX_MATRICES = 10**5


def _field(mx, my) -> tuple[sp.Matrix, sp.Matrix]:
    return sp.Matrix(mx), sp.Matrix(my)


#: Known fields, each (M_X, M_Y), in the symbols ``x`` and ``y`` of this module.
FIELDS: dict[str, tuple[sp.Matrix, sp.Matrix]] = {
    "e": _field([[1, -y - 1], [-1, x + y + 2]], [[0, -y - 1], [-1, x + y + 1]]),
    "pi": _field([[x, -x], [-y, 2 * x + y + 1]], [[1 + y, -x], [-1 - y, x + 2 * y + 1]]),
    "zeta3": _field(
        [[0, -(x**3)], [(x + 1) ** 3, x**3 + (x + 1) ** 3 + 2 * y * (y - 1) * (2 * x + 1)]],
        [
            [-(x**3) + 2 * x**2 * y - 2 * x * y**2 + y**3, -(x**3)],
            [x**3, x**3 + 2 * x**2 * y + 2 * x * y**2 + y**3],
        ],
    ),
}


def _check_matrix(M: object, name: str) -> sp.Matrix:
    if not isinstance(M, sp.MatrixBase) or M.shape != (2, 2):
        raise TypeError(f"{name} must be a 2×2 SymPy matrix")
    if M.has(sp.nan, sp.oo, -sp.oo, sp.zoo):
        raise ValueError(f"{name} must have finite entries (it holds nan or an infinity)")
    extra = M.free_symbols - {x, y}
    if extra:
        raise ValueError(
            f"{name} may depend only on this module's symbols x and y, not on "
            f"{sorted(map(str, extra))} (a Symbol with the same name but other assumptions is "
            "a different symbol: use rederived.experimental.cmf.x and .y)"
        )
    return M


def is_conservative(MX: object, MY: object) -> bool:
    """Whether M_X(x,y) M_Y(x+1,y) = M_Y(x,y) M_X(x,y+1) identically (exact, symbolic)."""
    MX, MY = _check_matrix(MX, "MX"), _check_matrix(MY, "MY")
    gap = MX * MY.subs(x, x + 1) - MY * MX.subs(y, y + 1)
    return all(sp.expand(entry) == 0 for entry in gap)


def _integer_function(expr: sp.Expr):
    try:
        poly = sp.Poly(sp.expand(expr), x, y)
    except sp.PolynomialError:
        raise ValueError(f"matrix entry {expr} must be a polynomial in x and y") from None
    if not all(c.is_integer for c in poly.coeffs()):
        raise ValueError(f"matrix entry {expr} must have integer coefficients")
    terms = [(int(c), i, j) for (i, j), c in poly.terms()]
    return lambda X, Y: sum(c * X**i * Y**j for c, i, j in terms)


def trajectory_matrix(
    MX: object, MY: object, start: tuple[int, int], direction: tuple[int, int], steps: int
) -> tuple[int, int, int, int]:
    """Exact product of the step matrices along a straight lattice path.

    One step in ``direction`` = (dx, dy) (non-negative integers, not both zero) multiplies
    M_X dx times then M_Y dy times; conservation makes the order within a step irrelevant.

    Returns
    -------
    (m00, m01, m10, m11) : tuple of int
        The product of ``steps`` steps from ``start``.
    """
    MX, MY = _check_matrix(MX, "MX"), _check_matrix(MY, "MY")
    for name, pair in (("start", start), ("direction", direction)):
        if (
            not isinstance(pair, tuple | list)
            or len(pair) != 2
            or not all(isinstance(v, Integral) and not isinstance(v, bool) for v in pair)
        ):
            raise TypeError(f"{name} must be a pair of integers, got {pair!r}")
    # Python ints: NumPy integers would wrap around in the products (int64 overflows at 2^63)
    start, direction = tuple(int(v) for v in start), tuple(int(v) for v in direction)
    dx, dy = direction
    if dx < 0 or dy < 0 or dx + dy == 0:
        raise ValueError(f"direction must be non-negative and nonzero, got {direction}")
    if isinstance(steps, bool) or not isinstance(steps, Integral) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    if steps * (dx + dy) > MAX_MATRICES:
        raise ValueError(
            f"steps × (dx + dy) = {steps * (dx + dy):,} step matrices, more than {MAX_MATRICES:,}"
        )
    fx = [_integer_function(e) for e in MX]
    fy = [_integer_function(e) for e in MY]
    X, Y = start
    mats = []
    for _ in range(steps):
        step = (1, 0, 0, 1)
        for _ in range(dx):
            step = _mul(step, tuple(f(X, Y) for f in fx))
            X += 1
        for _ in range(dy):
            step = _mul(step, tuple(f(X, Y) for f in fy))
            Y += 1
        mats.append(step)
    return _product(mats)


def trajectory_limit(
    MX: object,
    MY: object,
    start: tuple[int, int],
    direction: tuple[int, int],
    steps: int,
    dps: int = 50,
) -> mpmath.mpf:
    """The ratio m01/m11 of the trajectory product: the value its continued fraction converges to.

    Raises
    ------
    ZeroDenominatorError (a ValueError and a ZeroDivisionError)
        If m11 is zero.
    """
    dps = digits(dps, "dps", 1)
    m = trajectory_matrix(MX, MY, start, direction, steps)
    if m[3] == 0:
        raise ZeroDenominatorError("the trajectory product has m11 = 0")
    g = math.gcd(m[1], m[3])
    with mpmath.workdps(dps):
        return mpmath.mpf(m[1] // g) / (m[3] // g)
