"""Unit tests of rederived.approximation.programs: straight-line programs, constant fitting."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from rederived.approximation.approx import remez
from rederived.approximation.programs import Program, fit_constants, fma


def exp2(x):
    return mpmath.power(2, x)


EXP_I = (-0.34657359027997264, 0.34657359027997264)  # ±ln(2)/2


def test_program_from_horner_matches_approximant_and_counts():
    R = remez(mpmath.exp, EXP_I, None, rational=(2, 2))
    P = Program.from_approximant(R)
    assert P.operations == R.operations == 9
    assert P.counts == {"mul": 4, "add": 4, "div": 1}
    x = np.linspace(*EXP_I, 9)
    np.testing.assert_allclose(P(x), R(x), rtol=1e-15)
    assert P(x.astype(np.float32)).dtype == np.float32
    assert P.max_error(mpmath.exp, EXP_I, n=101) == pytest.approx(R.max_error(n=101), rel=1e-9)


def test_trace_records_literals_and_prunes_dead_code():
    def build(x, c):
        unused = x * 7.0  # dead: the result does not read it
        del unused
        return 1 + x / (c[0] + x * (c[1] * x - 0.5))

    P = Program.trace(build, [1.0, 1 / 12])
    assert P.operations == len(P.instructions) == 6
    assert len(P.constants) == 4  # c0, c1 and the literals 0.5 and 1
    # it is the [2/2] Pade approximant of exp: (12 + 6x + x^2) / (12 - 6x + x^2)
    for x in (-0.3, 0.1, 0.25):
        pade22 = (12 + 6 * x + x * x) / (12 - 6 * x + x * x)
        assert float(P.exact(x)) == pytest.approx(pade22, rel=1e-14)


def test_program_evaluators_agree_and_fma_counts_once():
    P = Program.trace(lambda x, c: fma(x, x, c[0]) / (x - 2.0), [3.0])
    assert P.operations == 3 and P.counts == {"fma": 1, "sub": 1, "div": 1}
    x = np.array([0.5, -1.25, 7.0])
    np.testing.assert_allclose(P(x), (x * x + 3) / (x - 2), rtol=1e-15)
    assert float(P.exact(0.5)) == pytest.approx((0.25 + 3) / (0.5 - 2), rel=1e-15)
    y32 = P(x.astype(np.float32))
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, (x * x + 3) / (x - 2), rtol=1e-6)


def test_sympy_evaluation_of_a_program():
    import sympy as sp

    t = sp.Symbol("t")
    P = Program.trace(lambda x, c: fma(x + c[0], x - c[0], 0.5), [2.0])
    assert sp.expand(P.sympy(t) - (t**2 - sp.Rational(7, 2))) == 0


def test_fit_constants_recovers_minimax_rational():
    # the 6-operation continued-fraction form spans the same [2/2] family as the 9-operation
    # Horner rational, so fitting its constants must reach the same minimax error
    shape = Program.trace(lambda x, c: 1 + x / (c[0] + x * (c[1] * x - 0.5)), [1.0, 0.1])
    fitted = fit_constants(shape, mpmath.exp, EXP_I)
    best = remez(mpmath.exp, EXP_I, None, rational=(2, 2)).levelled_error
    assert fitted.max_error(mpmath.exp, EXP_I) == pytest.approx(best, rel=0.02)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: Program((1.0,), ()), ValueError, "instructions"),
        (lambda: Program((1.0,), (("pow", 0, 1),)), ValueError, "op in"),
        (lambda: Program((1.0,), (("add", 0, 2),)), ValueError, "register 2"),
        (lambda: Program((1.0,), (("add", 0, 1.0),)), TypeError, "ints"),
        (lambda: Program((float("nan"),), (("add", 0, 1),)), ValueError, "finite"),
        (lambda: Program((1.0,), (("fma", 0, 1),)), ValueError, "3 operands"),
        (lambda: Program((1.0,), (("add", 0, 1),))("a"), TypeError, "real array"),
        (lambda: Program((1.0,), (("add", 0, 1),)).with_constants([1, 2]), ValueError, "length"),
        (lambda: Program.trace(lambda x, c: 2.0), TypeError, "build"),
        (lambda: fit_constants("x", mpmath.exp, EXP_I), TypeError, "program"),
    ],
)
def test_program_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_fit_constants_keeps_fixed_constants():
    shape = Program.trace(lambda x, c: c[0] + x * (c[1] + x * c[2]), [1.0, 0.9, 0.4])
    fitted = fit_constants(shape, mpmath.exp, EXP_I, fixed=(0,))
    assert fitted.constants[0] == 1.0 and fitted.constants[1] != 0.9
    assert fitted.max_error(mpmath.exp, EXP_I) < 3e-3
    with pytest.raises(ValueError, match="fixed"):
        fit_constants(shape, mpmath.exp, EXP_I, fixed=(3,))


def test_least_squares_never_accepts_non_finite_constants(monkeypatch):
    # a long evolution met a Levenberg–Marquardt step to infinity whose residual was finite;
    # the constants came back infinite and the Program constructor refused them
    from rederived.approximation import programs

    shape = Program.trace(lambda x, c: c[0] + x * c[1], [1.0, 1.0])
    x = np.linspace(-0.3, 0.3, 9)
    fx = np.exp(x)
    real_solve = np.linalg.solve
    calls = {"n": 0}

    def exploding_solve(a, b):
        calls["n"] += 1
        return np.full_like(b, np.inf) if calls["n"] == 1 else real_solve(a, b)

    monkeypatch.setattr(programs.np.linalg, "solve", exploding_solve)
    c, r = programs._least_squares(
        shape, x, fx, np.abs(fx), np.full(9, 1 / 9), np.array([1.0, 1.0]), 20
    )
    assert np.all(np.isfinite(c)) and np.max(np.abs(r)) < 0.1
