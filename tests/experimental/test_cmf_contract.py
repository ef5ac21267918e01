"""Contract of rederived.experimental.cmf, on its whole domain (Hypothesis).

Domain: fields are 2×2 SymPy matrices with finite polynomial entries in this module's x and y
(integer coefficients for trajectories); start a pair of integers (NumPy integers taken as
Python ints), direction a non-negative nonzero pair, steps ≥ 1 with at most 10⁶ step matrices in
all; dps an int. Results: exact products that do not depend on the path (for conservative
fields) and whose determinant is the product of the steps'; a zero m11 is a
ZeroDenominatorError (a ValueError); or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from rederived._checks import ZeroDenominatorError
from rederived.experimental.cmf import (
    FIELDS,
    is_conservative,
    trajectory_limit,
    trajectory_matrix,
    x,
)
from rederived.experimental.pcf import _mul

COVERS = ("is_conservative", "trajectory_limit", "trajectory_matrix")

fields = st.sampled_from(sorted(FIELDS))


@given(fields)
def test_known_fields_are_conservative_and_perturbed_ones_are_not(name):
    MX, MY = FIELDS[name]
    assert is_conservative(MX, MY)
    assert not is_conservative(MX + sp.Matrix([[0, 0], [0, 1]]), MY)


@given(fields, st.integers(1, 4), st.integers(1, 4), st.integers(0, 3), st.integers(0, 3))
def test_products_do_not_depend_on_the_path(name, x0, y0, dx, dy):
    MX, MY = FIELDS[name]
    steps = max(dx + dy, 1)
    diagonal = trajectory_matrix(MX, MY, (x0, y0), (1, 1), steps)
    # the same end point by all x steps first, then all y steps
    along_x = trajectory_matrix(MX, MY, (x0, y0), (1, 0), steps)
    then_y = trajectory_matrix(MX, MY, (x0 + steps, y0), (0, 1), steps)
    assert _mul(along_x, then_y) == diagonal
    # NumPy integers as the start are taken exactly
    assert trajectory_matrix(MX, MY, (np.int64(x0), np.int64(y0)), (1, 1), steps) == diagonal


@given(st.integers(20, 60))
def test_zeta3_diagonal_converges_to_its_constant(steps):
    # Apéry's fraction is 6/ζ(3); the diagonal of the ζ(3) field gives 1/ζ(3) − 1, with about
    # 3 digits per step (to 30 digits from 20 steps on)
    MX, MY = FIELDS["zeta3"]
    with mpmath.workdps(60):
        value = trajectory_limit(MX, MY, (1, 1), (1, 1), steps, dps=60)
        assert abs(value - (1 / mpmath.zeta(3) - 1)) < mpmath.mpf(10) ** -30


E = FIELDS["e"]
BAD = [
    (lambda: is_conservative(sp.eye(3), sp.eye(2)), TypeError, "MX"),
    (lambda: is_conservative([[1, 0], [0, 1]], sp.eye(2)), TypeError, "MX"),
    (lambda: is_conservative(sp.Matrix([[sp.nan, 0], [0, 1]]), sp.eye(2)), ValueError, "MX"),
    (lambda: is_conservative(sp.eye(2), sp.Matrix([[sp.oo, 0], [0, 1]])), ValueError, "MY"),
    (
        lambda: is_conservative(sp.Matrix([[sp.Symbol("z"), 0], [0, 1]]), sp.eye(2)),
        ValueError,
        "only on",
    ),
    (
        lambda: is_conservative(sp.Matrix([[sp.Symbol("x", positive=True), 0], [0, 1]]), sp.eye(2)),
        ValueError,
        "same name",
    ),
    (lambda: trajectory_matrix(*E, None, (1, 1), 3), TypeError, "start"),
    (lambda: trajectory_matrix(*E, (1, 1), 5, 3), TypeError, "direction"),
    (lambda: trajectory_matrix(*E, (1.5, 1), (1, 1), 3), TypeError, "start"),
    (lambda: trajectory_matrix(*E, (1, 1), (-1, 1), 3), ValueError, "direction"),
    (lambda: trajectory_matrix(*E, (1, 1), (0, 0), 3), ValueError, "direction"),
    (lambda: trajectory_matrix(*E, (1, 1), (1, 1), 0), ValueError, "steps"),
    (lambda: trajectory_matrix(*E, (1, 1), (1, 1), 10**9), ValueError, "step matrices"),
    (lambda: trajectory_matrix(*E, (1, 1), (10**9, 0), 1), ValueError, "step matrices"),
    (
        lambda: trajectory_matrix(sp.Matrix([[1 / x, 1], [0, 1]]), sp.eye(2), (1, 1), (1, 1), 3),
        ValueError,
        "polynomial",
    ),
    (
        lambda: trajectory_matrix(sp.Matrix([[x / 2, 1], [0, 1]]), sp.eye(2), (1, 1), (1, 1), 3),
        ValueError,
        "integer",
    ),
    (
        lambda: trajectory_limit(sp.Matrix([[1, 0], [0, 0]]), sp.eye(2), (1, 1), (1, 0), 2),
        ZeroDenominatorError,
        "m11",
    ),
    (lambda: trajectory_limit(*E, (1, 1), (1, 1), 3, dps=0), ValueError, "dps"),
    (lambda: trajectory_limit(*E, (1, 1), (1, 1), 3, dps=10**9), ValueError, "dps"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
