"""Contract of rederived.experimental.series, on its whole domain (Hypothesis).

Domain: dps are ints (≥ 10 for the sums, ≥ 15 for PSLQ, the confirmation ≥ 20 digits above);
k is an int (the series must converge: the non-inverse alternating series needs k ≥ 0, the
non-alternating one is not accelerated); the constants of find_relation are callables
returning finite real numbers at the current precision. Results: sums correct to the digits
asked (against closed forms), relations that hold for true identities and None for false
ones, or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.experimental.series import alternating_sum, central_binomial_series, find_relation

COVERS = ("alternating_sum", "central_binomial_series", "find_relation")

CLOSED_FORMS = {  # Σ (−1)^(n−1)/(n² C(2n,n)) = 2 arcsinh(1/2)² and its relatives
    (2, True, True): lambda: 2 * mpmath.asinh(mpmath.mpf(1) / 2) ** 2,
    (2, False, True): lambda: mpmath.pi**2 / 18,
    (3, True, True): lambda: 2 * mpmath.zeta(3) / 5,
    (1, False, True): lambda: mpmath.pi / mpmath.sqrt(27),
}


@given(st.sampled_from(sorted(CLOSED_FORMS)), st.integers(10, 120))
def test_series_match_their_closed_forms(key, dps):
    value = central_binomial_series(*key, dps=dps)  # at the caller's default 15 digits
    with mpmath.workdps(dps + 20):
        exact = CLOSED_FORMS[key]()
        assert abs(value - exact) <= mpmath.mpf(10) ** (2 - dps) * abs(exact)


@given(st.integers(10, 100))
def test_alternating_sum_of_moments(dps):
    # Σ (−1)^j / (j + 1) = ln 2: the moments of the uniform measure
    value = alternating_sum(lambda j: mpmath.mpf(1) / (j + 1), dps)
    with mpmath.workdps(dps + 20):
        assert abs(value - mpmath.log(2)) <= mpmath.mpf(10) ** (2 - dps)


@settings(max_examples=max(4, settings.default.max_examples // 6))
@given(st.integers(20, 40))
def test_relations_found_are_true_and_false_ones_refused(dps):
    true = find_relation(
        lambda: 2 * mpmath.zeta(3) / 5 + mpmath.pi**2 / 7,
        {"zeta3": lambda: mpmath.zeta(3), "pi2": lambda: mpmath.pi**2},
        dps=dps,
        confirm_dps=dps + 40,
    )
    assert true is not None
    sign = 1 if true["value"] < 0 else -1  # 35 v = 14 ζ(3) + 5 π², up to the overall sign
    assert {k: sign * c for k, c in true.items()} == {"value": -35, "zeta3": 14, "pi2": 5}
    # a value one part in 10^(dps//2) away from the same combination has no small relation
    false = find_relation(
        lambda: (
            2 * mpmath.zeta(3) / 5 + mpmath.pi**2 / 7 + mpmath.mpf(10) ** (-(dps // 2)) * mpmath.e
        ),
        {"zeta3": lambda: mpmath.zeta(3), "pi2": lambda: mpmath.pi**2},
        dps=dps,
        confirm_dps=dps + 40,
    )
    assert false is None


BAD = [
    (lambda: alternating_sum(lambda j: 1, 5), ValueError, "dps"),
    (lambda: alternating_sum(lambda j: 1, 20, terms=0), ValueError, "terms"),
    (lambda: central_binomial_series(2.0, True, True), TypeError, "k"),
    (lambda: central_binomial_series(True, True, True), TypeError, "k"),
    (lambda: central_binomial_series(0, False, False), ValueError, "diverges"),
    (lambda: central_binomial_series(2, False, False), ValueError, "not accelerated"),
    (lambda: central_binomial_series(-1, True, False), ValueError, "diverges"),
    (lambda: central_binomial_series(2, True, True, dps=3), ValueError, "dps"),
    (lambda: find_relation(lambda: 1, {"a": lambda: 2}, dps=10), ValueError, "dps"),
    (
        lambda: find_relation(lambda: 1, {"a": lambda: 2}, dps=30, confirm_dps=40),
        ValueError,
        "confirm_dps",
    ),
    (lambda: find_relation(lambda: 1, {}), ValueError, "basis"),
    (lambda: find_relation(1, {"a": lambda: 2}), TypeError, "callables"),
    (lambda: find_relation(lambda: mpmath.inf, {"a": lambda: 2}), ValueError, "finite"),
    (lambda: find_relation(lambda: 1j, {"a": lambda: 2}), ValueError, "real"),
    (lambda: find_relation(lambda: 1, {"a": lambda: 2}, maxcoeff=1), ValueError, "maxcoeff"),
    (lambda: find_relation(lambda: 0, {"a": lambda: 2}), ValueError, "value is zero"),
    (lambda: find_relation(lambda: 2, {"value": lambda: 1}), ValueError, "basis names"),
    (lambda: find_relation(lambda: None, {"a": lambda: 1}), TypeError, "value must evaluate"),
    (
        lambda: find_relation(lambda: 1, {"a": lambda: 1}, confirm_dps=10**6),
        ValueError,
        "confirm_dps",
    ),
    (lambda: alternating_sum(None, 20), TypeError, "term"),
    (lambda: alternating_sum(lambda j: mpmath.nan, 20), ValueError, "term"),
    (lambda: alternating_sum(lambda j: 1, 10**9), ValueError, "dps"),
    (lambda: central_binomial_series(2, "no", True), TypeError, "alternating"),
    (lambda: central_binomial_series(10**6, True, True), ValueError, "k"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
