"""Unit tests of rederived.symmetry.cg at high degree (the other cg tests are in test_gaunt.py)."""

from __future__ import annotations

import pytest
from sympy.physics.quantum.cg import CG

from rederived.symmetry import cg


def test_high_degrees_neither_overflow_nor_allocate_without_bound():
    # from l = 44 Racah's root overflowed a double (an unclear OverflowError); L = 30 tried to
    # allocate 6.6 GiB for the dense product tensor
    C = cg.clebsch_gordan_complex(45, 44, 50)
    assert abs(C[3 + 45, -1 + 44, 2 + 50] - float(CG(45, 3, 44, -1, 50, 2).doit())) < 1e-14
    with pytest.raises(ValueError, match="at most 16"):
        cg.product_tensor(30)
