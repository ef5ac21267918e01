"""Unit tests of rederived.pcf, rederived.cmf and rederived.esma."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from rederived import cmf, esma, pcf

APERY_A, APERY_B = [5, 27, 51, 34], [0, 0, 0, 0, 0, 0, -1]


def test_convergents_small_case_by_hand():
    # 1 + 1/(2 + 4/(3 + 9/4)) with a(n) = n + 1, b(n) = n²
    assert pcf.convergents([1, 1], [0, 0, 1], 1) == (3, 2)
    p, q = pcf.convergents([1, 1], [0, 0, 1], 3)
    assert Fraction(p, q) == 1 + Fraction(1, 2 + Fraction(4, 3 + Fraction(9, 4)))


def test_product_tree_equals_the_recurrence():
    seq = pcf.convergents_sequential(APERY_A, APERY_B, 300)
    for depth in (1, 2, 3, 17, 64, 300):
        assert pcf.convergents(APERY_A, APERY_B, depth) == seq[depth]


def test_apery_limit_rate_and_identification():
    with mpmath.workdps(120):
        value = pcf.limit(APERY_A, APERY_B, 60, dps=120)
        assert abs(value - 6 / mpmath.zeta(3)) < mpmath.mpf(10) ** -110
        relation = pcf.identify(1 / value, {"1": 1, "zeta3": mpmath.zeta(3)}, dps=100)
    assert relation is not None and relation.coefficients in ((-6, 0, 1), (6, 0, -1))
    rate = pcf.convergence_rate(APERY_A, APERY_B, 80)
    assert rate == pytest.approx(8 * math.log10(1 + math.sqrt(2)), abs=0.01)
    assert 0.05 < pcf.delta(APERY_A, APERY_B, 400) < 0.15


def test_dynamics_agrees_with_the_separate_functions():
    d = pcf.dynamics(APERY_A, APERY_B, 60, dps=40)
    assert d.rate == pytest.approx(pcf.convergence_rate(APERY_A, APERY_B, 60), rel=1e-12)
    assert d.delta == pytest.approx(pcf.delta(APERY_A, APERY_B, 60), rel=1e-12)


def test_identify_refuses_to_overfit_random_numbers():
    with mpmath.workdps(30):
        x = mpmath.mpf("0.3819660112501051517954131656343618822796908201942371378645513772947395")
        assert pcf.identify(mpmath.sqrt(3) + mpmath.pi**2, {"1": 1, "e": mpmath.e}, dps=30) is None
        found = pcf.identify_mobius(x, mpmath.sqrt(5), "√5", dps=30)  # (3 − √5)/2
        assert found is not None and found.digits >= 20


def test_identify_mobius_recovers_a_known_fraction():
    # 4/π = 1 + 1/(3 + 4/(5 + 9/(7 + ...))) converges slowly; use its exact value instead
    with mpmath.workdps(40):
        found = pcf.identify_mobius(4 / mpmath.pi, mpmath.pi, "π", dps=40)
    assert found is not None and found.coefficients[1] != 0


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: pcf.convergents([1, 1.0], [1], 3), TypeError, "is a float"),
        (lambda: pcf.convergents("12", [1], 3), TypeError, "list of integer"),
        (lambda: pcf.convergents([], [1], 3), ValueError, "at least one"),
        (lambda: pcf.convergents([1], [1], 0), ValueError, "depth must be at least 1"),
        (lambda: pcf.convergents([0], [1], 1), ZeroDivisionError, "q_1"),
        (lambda: pcf.convergence_rate([1], [1], 1), ValueError, "at least 2"),
        (lambda: pcf.identify(1, {}), TypeError, "non-empty dict"),
        (lambda: pcf.identify(1, {"z": 0}), ValueError, "nonzero"),
    ],
)
def test_pcf_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_known_fields_are_conservative_and_a_broken_one_is_not():
    for MX, MY in cmf.FIELDS.values():
        assert cmf.is_conservative(MX, MY)
    MX, MY = cmf.FIELDS["pi"]
    assert not cmf.is_conservative(MX + sp.Matrix([[0, 0], [0, 1]]), MY)


def test_trajectory_paths_commute_and_zeta3_diagonal_gives_apery():
    MX, MY = cmf.FIELDS["zeta3"]
    xy = cmf.trajectory_matrix(MX, MY, (1, 1), (1, 1), 5)
    assert xy == cmf.trajectory_matrix(MX, MY, (1, 1), (1, 1), 5)
    # one diagonal step = M_X then M_Y = M_Y then M_X (conservation)
    step_xy = (MX * MY.subs(cmf.x, cmf.x + 1)).subs({cmf.x: 1, cmf.y: 1})
    step_yx = (MY * MX.subs(cmf.y, cmf.y + 1)).subs({cmf.x: 1, cmf.y: 1})
    assert step_xy == step_yx
    with mpmath.workdps(60):
        value = cmf.trajectory_limit(MX, MY, (1, 1), (1, 1), 40, dps=60)
        assert abs(value - (1 / mpmath.zeta(3) - 1)) < mpmath.mpf(10) ** -50


def test_cmf_bad_input():
    MX, MY = cmf.FIELDS["e"]
    with pytest.raises(ValueError, match="direction"):
        cmf.trajectory_matrix(MX, MY, (1, 1), (0, 0), 3)
    with pytest.raises(TypeError, match="2×2 SymPy"):
        cmf.is_conservative([[1, 0], [0, 1]], MY)
    with pytest.raises(ValueError, match="only on x and y"):
        cmf.is_conservative(MX + sp.eye(2) * sp.Symbol("z"), MY)


def test_signed_expansions_reproduce_the_number():
    with mpmath.workdps(200):
        for rule in esma.RULES:
            terms, signs = esma.signed_continued_fraction(mpmath.e, 40, rule)
            p, q = esma.signed_convergent(terms, signs)
            # the "ceil" expansion of e converges slowly (runs of 2s): 40 terms give ~18 digits
            assert abs(mpmath.mpf(p) / q - mpmath.e) < mpmath.mpf(10) ** -15, rule
    assert esma.signed_continued_fraction(Fraction(7, 3), 10, "floor") == ([2, 3], [1])
    assert esma.signed_continued_fraction(Fraction(7, 3), 10, "ceil") == ([3, 2, 2], [-1, -1])


def test_berlekamp_massey_finds_shortest_recurrences():
    fib = [1, 1]
    for _ in range(20):
        fib.append(fib[-1] + fib[-2])
    assert esma.berlekamp_massey(fib) == [1, 1]
    squares = [n * n for n in range(20)]
    assert esma.berlekamp_massey(squares) == [3, -3, 1]
    assert esma.berlekamp_massey([0] * 10) == []


def test_pattern_of_e_is_found_and_closed_form():
    with mpmath.workdps(300):
        terms, _ = esma.signed_continued_fraction(mpmath.e, 60, "floor")
    pattern = esma.find_pattern(terms, start=1)
    assert pattern is not None and pattern.period == 3
    assert [pattern.term(n) for n in range(1, 10)] == terms[1:10]
    assert esma.find_pattern([2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4, 5], start=0) is None


def test_esma_bad_input():
    with pytest.raises(ValueError, match="rule"):
        esma.signed_continued_fraction(Fraction(1, 3), 3, "round")
    with pytest.raises(ValueError, match="at least 6"):
        esma.find_pattern([1, 2, 3])
    with pytest.raises(ValueError, match="n − 1 signs"):
        esma.signed_convergent([1, 2], [])
