"""Unit tests of rederived.experimental.pcf."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest

from rederived.experimental import pcf

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
        (lambda: pcf.identify_mobius(float("nan"), mpmath.pi), ValueError, "x must be finite"),
        (lambda: pcf.identify_mobius(1.5, mpmath.inf), ValueError, "constant must be finite"),
        (lambda: pcf.identify_mobius(1.5, 0), ValueError, "constant must be nonzero"),
        (lambda: pcf.identify_mobius("abc", 1), TypeError, "x must be a real number"),
    ],
)
def test_pcf_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("scale", ["slice", "paper"])
def test_every_stored_formula_recomputes(scale):
    """The stored scan's claims rest on its identified formulas: every PCF it labels π, ln 2 or e
    is recomputed (the spot check of the sweep covers one chunk at random)."""
    from rederived import sweep

    stored = sweep.load("pcf-scan", scale)
    params = stored.sweep.params(scale)
    status = "".join(r["status"] for r in stored.results)
    rate = [x for r in stored.results for x in r["rate"]]
    delta = [x for r in stored.results for x in r["delta"]]
    where = [i for i, s in enumerate(status) if s in "PLE"]
    assert where  # the claims need some
    family_index = pcf.scan_indices(params)
    shape = {k: params[k] for k in ("bound", "a_degree", "b_degree")}
    fresh = pcf.scan_item({**shape, "indices": [family_index[i] for i in where]})
    assert fresh["status"] == "".join(status[i] for i in where)
    assert fresh["rate"] == [rate[i] for i in where]
    assert fresh["delta"] == [delta[i] for i in where]


def test_product_tree_gives_the_same_integers_without_gmpy2(monkeypatch):
    # GMP integers are optional: with Python's own the convergents are the same numbers
    a, b = [5, 27, 51, 34], [0, 0, 0, 0, 0, 0, -1]
    with_gmp = pcf.convergents(a, b, 300)
    monkeypatch.setattr(pcf, "_big", int)
    without = pcf.convergents(a, b, 300)
    assert with_gmp == without and all(type(v) is int for v in without)
    assert without == pcf.convergents_sequential(a, b, 300)[-1]
