"""Unit tests of rederived.experimental.series: central binomial series, CVZ acceleration,
relations."""

from __future__ import annotations

import mpmath
import pytest

from rederived.experimental import series


def test_known_values():
    with mpmath.workdps(60):
        inverse1 = series.central_binomial_series(1, alternating=False, inverse=True, dps=50)
        assert abs(inverse1 - mpmath.pi * mpmath.sqrt(3) / 9) < 1e-48
        zeta2 = 3 * series.central_binomial_series(2, alternating=False, inverse=True, dps=50)
        assert abs(zeta2 - mpmath.zeta(2)) < 1e-48
        binomial1 = series.central_binomial_series(1, alternating=True, inverse=False, dps=50)
        assert abs(binomial1 - 2 * mpmath.log((1 + mpmath.sqrt(2)) / 2)) < 1e-48


def test_alternating_sum_of_moments():
    with mpmath.workdps(50):
        log2 = series.alternating_sum(lambda j: mpmath.mpf(1) / (j + 1), 40)  # 1 − 1/2 + …
        assert abs(log2 - mpmath.log(2)) < 1e-38


def test_relation_found_and_spurious_one_rejected():
    relation = series.find_relation(
        lambda: mpmath.zeta(2), {"π²": lambda: mpmath.pi**2}, dps=30, confirm_dps=60
    )
    assert relation == {"value": 6, "π²": -1} or relation == {"value": -6, "π²": 1}
    # e is not a small rational multiple of π
    assert series.find_relation(lambda: mpmath.e, {"π": lambda: mpmath.pi}, 30, 60, 1000) is None


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: series.central_binomial_series(0, False, False), ValueError, "diverges"),
        (lambda: series.central_binomial_series(2, False, False), ValueError, "not accelerated"),
        (lambda: series.central_binomial_series(-1, True, False), ValueError, "diverges"),
        (lambda: series.central_binomial_series(1.5, True, True), TypeError, "k must be an int"),
        (lambda: series.find_relation(lambda: 1, {}, 30, 60), ValueError, "basis"),
        (
            lambda: series.find_relation(lambda: 1, {"a": lambda: 2}, 60, 30),
            ValueError,
            "confirm_dps",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_alternating_sum_error_falls_with_the_terms():
    with mpmath.workdps(80):
        errors = [
            abs(
                series.alternating_sum(lambda j: mpmath.mpf(1) / (j + 1), 60, terms=n)
                - mpmath.log(2)
            )
            for n in (10, 20, 40)
        ]
    assert errors[0] > errors[1] > errors[2] and errors[2] < mpmath.mpf(10) ** -28


def test_find_relation_refuses_a_fit_that_does_not_improve_with_precision():
    # at 20 digits PSLQ fits √3 with π, e, γ, G and ln 2 (coefficients up to 520); the fit's
    # residual at 45 digits is about 1e-16, which a fixed 30-digit slack accepted
    basis = {
        "π": lambda: mpmath.pi,
        "e": lambda: mpmath.e,
        "γ": lambda: mpmath.euler,
        "G": lambda: mpmath.catalan,
        "ln 2": lambda: mpmath.log(2),
    }
    with mpmath.workdps(20):
        values = [mpmath.sqrt(3), *(f() for f in basis.values())]
        assert mpmath.pslq(values, maxcoeff=10**6, maxsteps=10**6) is not None
    assert series.find_relation(lambda: mpmath.sqrt(3), basis, dps=20, confirm_dps=45) is None
    # a true relation still confirms: ln 4 = 2 ln 2
    found = series.find_relation(
        lambda: mpmath.log(4), {"ln 2": lambda: mpmath.log(2)}, dps=20, confirm_dps=60
    )
    assert found == {"value": 1, "ln 2": -2} or found == {"value": -1, "ln 2": 2}
    with pytest.raises(ValueError, match="at least 20"):
        series.find_relation(
            lambda: mpmath.log(4), {"ln 2": lambda: mpmath.log(2)}, dps=40, confirm_dps=50
        )
    with pytest.raises(TypeError, match="callables"):
        series.find_relation(lambda: 1, {"ln 2": mpmath.log(2)})


def test_find_relation_refuses_a_dependent_basis():
    # Im Li₃(i) = π³/32: PSLQ returns that relation, with 0 on the value, and a "none found"
    # from such a basis would have proved nothing
    basis = {
        "ζ(3)": lambda: mpmath.zeta(3),
        "π³": lambda: mpmath.pi**3,
        "Im Li₃(i)": lambda: mpmath.im(mpmath.polylog(3, 1j)),
    }
    with pytest.raises(ValueError, match=r"linearly dependent.*π³"):
        series.find_relation(lambda: mpmath.log(3), basis, dps=40, confirm_dps=80)
