"""Unit tests of rederived.experimental.cmf: conservation, trajectories, the ζ(3) field's
diagonal."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from rederived.experimental import cmf, pcf

APERY_A, APERY_B = [5, 27, 51, 34], [0, 0, 0, 0, 0, 0, -1]


def test_known_fields_are_conservative_and_a_broken_one_is_not():
    for MX, MY in cmf.FIELDS.values():
        assert cmf.is_conservative(MX, MY)
    MX, MY = cmf.FIELDS["pi"]
    assert not cmf.is_conservative(MX + sp.Matrix([[0, 0], [0, 1]]), MY)


def test_trajectory_paths_commute_and_zeta3_diagonal_gives_apery():
    MX, MY = cmf.FIELDS["zeta3"]
    diagonal = cmf.trajectory_matrix(MX, MY, (1, 1), (1, 1), 5)
    # conservation: five X steps along y = 1, then five Y steps along x = 6, reach (6, 6) with
    # the same product as the staircase X, Y, X, Y, ... that the diagonal trajectory takes
    product = sp.eye(2)
    for k in range(5):
        product = product * MX.subs({cmf.x: 1 + k, cmf.y: 1})
    for k in range(5):
        product = product * MY.subs({cmf.x: 6, cmf.y: 1 + k})
    assert tuple(int(v) for v in product) == diagonal
    # one diagonal step = M_X then M_Y = M_Y then M_X (conservation)
    step_xy = (MX * MY.subs(cmf.x, cmf.x + 1)).subs({cmf.x: 1, cmf.y: 1})
    step_yx = (MY * MX.subs(cmf.y, cmf.y + 1)).subs({cmf.x: 1, cmf.y: 1})
    assert step_xy == step_yx
    with mpmath.workdps(60):
        value = cmf.trajectory_limit(MX, MY, (1, 1), (1, 1), 40, dps=60)
        apery = pcf.limit(APERY_A, APERY_B, 60, dps=60)  # Apéry's PCF converges to 6/ζ(3)
        assert abs(value - (apery / 6 - 1)) < mpmath.mpf(10) ** -50


def test_cmf_bad_input():
    MX, MY = cmf.FIELDS["e"]
    with pytest.raises(ValueError, match="direction"):
        cmf.trajectory_matrix(MX, MY, (1, 1), (0, 0), 3)
    with pytest.raises(TypeError, match="2×2 SymPy"):
        cmf.is_conservative([[1, 0], [0, 1]], MY)
    with pytest.raises(ValueError, match="only on this module's symbols x and y"):
        cmf.is_conservative(MX + sp.eye(2) * sp.Symbol("z"), MY)
    with pytest.raises(ValueError, match="dps must be an int >= 1"):
        cmf.trajectory_limit(MX, MY, (1, 1), (1, 1), 5, dps=0)
