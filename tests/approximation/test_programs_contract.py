"""Contract of rederived.approximation.programs, on its whole domain (Hypothesis).

Domain: programs of add, sub, mul, div and fma reading only registers defined before them, with
finite numeric constants; inputs real arrays (float32 evaluated in float32); f maps mpmath
reals to finite reals on a finite interval (nonzero there for the relative error); points in
[2, 10⁵]. Results: float evaluation within a few roundings of the exact one, programs traced
from approximants that reproduce them, fitted constants no worse than the starting ones, a
correctly rounded fma on plain numbers; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.approximation.approx import pade, taylor
from rederived.approximation.programs import Program, fit_constants, fma

COVERS = ("Program", "fit_constants", "fma")

finite = st.floats(-1e10, 1e10, allow_nan=False)


@given(finite, finite, finite)
def test_fma_on_plain_numbers_rounds_once(a, b, c):
    assert fma(a, b, c) == float(Fraction(a) * Fraction(b) + Fraction(c))


@given(st.integers(1, 8), st.floats(-0.3, 0.3))
def test_horner_programs_of_approximants(degree, x):
    a = taylor(mpmath.exp, 0.0, degree, (-0.35, 0.35))
    prog = Program.from_approximant(a)
    assert prog.operations == a.operations
    value = prog(np.array([x]))[0]
    assert abs(value - float(a.exact(x))) <= 8 * np.finfo(float).eps * abs(value)
    assert abs(float(prog.exact(x)) - float(a.exact(x))) <= 4 * np.finfo(float).eps * abs(value)
    assert prog.pruned()(np.array([x]))[0] == value
    f32 = prog(np.float32([x]))
    assert f32.dtype == np.float32


@given(st.integers(1, 3), st.integers(0, 3), st.floats(-0.5, 0.5), st.floats(-0.3, 0.3))
def test_monic_horner_programs_save_one_operation_per_denominator(m, n, x0, x):
    a = pade(mpmath.exp, x0, m, n, (x0 - 0.35, x0 + 0.35))
    plain, monic = Program.from_approximant(a), Program.from_approximant(a, monic=True)
    assert monic.operations == a.operations_monic == a.operations - (1 if n > 0 else 0)
    assert plain.operations == a.operations
    point = np.array([x0 + x])
    exact = float(a.exact(x0 + x))
    # the same rational: both evaluations agree with it to a few roundings per operation
    for prog in (plain, monic):
        assert abs(prog(point)[0] - exact) <= 4 * a.operations * np.finfo(float).eps * abs(exact)


def test_monic_must_be_a_bool():
    with pytest.raises(TypeError, match="monic"):
        Program.from_approximant(taylor(mpmath.exp, 0.0, 2, (-0.3, 0.3)), monic=1)


@settings(max_examples=max(4, settings.default.max_examples // 5))
@given(st.integers(1, 4))
def test_fitted_constants_improve_a_perturbed_start(degree):
    interval = (-0.35, 0.35)
    taylor_program = Program.from_approximant(taylor(mpmath.exp, 0.0, degree, interval))
    start = taylor_program.with_constants(np.array(taylor_program.constants) * 1.01)
    fitted = fit_constants(start, mpmath.exp, interval, points=60, minimax_steps=5)
    after = fitted.max_error(mpmath.exp, interval, n=201)
    # a start 1 % off must be improved, to at most the Taylor polynomial's own error
    assert after < start.max_error(mpmath.exp, interval, n=201)
    assert after <= taylor_program.max_error(mpmath.exp, interval, n=201) * (1 + 1e-6)


P = Program((1.0,), (("add", 0, 1),))
BAD = [
    (lambda: Program("12", (("add", 0, 1),)), TypeError, "constants"),
    (lambda: Program((np.nan,), (("add", 0, 1),)), ValueError, "constants"),
    (lambda: Program((), ((["add"], 0, 0),)), ValueError, r"instructions\[0\]"),
    (lambda: Program((), (("pow", 0, 0),)), ValueError, r"instructions\[0\]"),
    (lambda: Program((), (("add", 0, 5),)), ValueError, "register"),
    (lambda: Program((), (("add", 0, 0.5),)), TypeError, "operands"),
    (lambda: Program((), ()), ValueError, "instructions"),
    (lambda: P.with_constants(None), TypeError, "constants"),
    (lambda: P.with_constants(["1"]), TypeError, "constants"),
    (lambda: P.with_constants([1.0, 2.0]), ValueError, "length"),
    (lambda: P(np.array(["a"])), TypeError, "x"),
    (lambda: P.exact("a"), TypeError, "x"),
    (lambda: Program((1.0,), (("div", 1, 0),)).exact(0.0), ValueError, "divides by zero"),
    (lambda: P.error(mpmath.sin, 0.0), ValueError, "vanishes"),
    (lambda: P.error(lambda x: 1j, 0.5), ValueError, "real"),
    (lambda: P.max_error(mpmath.exp, (0, 1), n=1), ValueError, "n"),
    (lambda: Program.trace(lambda x, c: x + c[0], None), TypeError, "constants"),
    (lambda: Program.trace(lambda x, c: 1.0, [1.0]), TypeError, "build"),
    (lambda: Program.from_approximant(None), TypeError, "approx"),
    (lambda: fit_constants(None, mpmath.exp, (0, 1)), TypeError, "program"),
    (lambda: fit_constants(P, lambda x: mpmath.nan, (0, 1)), ValueError, "finite"),
    (lambda: fit_constants(P, mpmath.exp, (0.0, 800.0)), ValueError, "finite in double"),
    (lambda: fit_constants(P, mpmath.exp, (0, 1), points=1), ValueError, "points"),
    (lambda: fit_constants(P, mpmath.exp, (0, 1), points=10**9), ValueError, "points"),
    (
        lambda: fit_constants(P, mpmath.exp, (0, 1), minimax_steps=10**9),
        ValueError,
        "minimax_steps",
    ),
    (lambda: fit_constants(P, mpmath.exp, (0, 1), fixed=5), TypeError, "fixed"),
    (lambda: fit_constants(P, mpmath.exp, (0, 1), fixed=(3,)), ValueError, "fixed"),
    (lambda: fit_constants(P, mpmath.sin, (-1, 1)), ValueError, "f != 0"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()


@st.composite
def random_programs(draw):
    k = draw(st.integers(0, 3))
    constants = tuple(draw(st.floats(-2, 2)) for _ in range(k))
    instructions = []
    for i in range(draw(st.integers(1, 12))):
        registers = st.integers(0, k + i)  # the input, the constants, earlier results
        op = draw(st.sampled_from(["add", "sub", "mul", "div", "fma"]))
        arity = 3 if op == "fma" else 2
        instructions.append((op, *(draw(registers) for _ in range(arity))))
    return Program(constants, tuple(instructions))


@pytest.mark.parametrize("size", [0, 1, 5, 5000])  # below and above the in-place threshold
@given(program=random_programs(), dtype=st.sampled_from([np.float32, np.float64]))
def test_reusing_dead_registers_changes_no_value(size, program, dtype):
    # the evaluator overwrites results no later instruction reads (large arrays); a plain
    # evaluation that keeps every register must give the same numbers (registers read twice,
    # or read again later, and a result that is the input itself included), and the caller's
    # input must not change
    x = np.linspace(-1.5, 1.5, size).astype(dtype)
    before = x.copy()
    with np.errstate(all="ignore"):
        fast = program(x)
        consts = [dtype(c) for c in program.constants]
        regs = [before.copy(), *consts]
        for op, *r in program.instructions:
            a, b = regs[r[0]], regs[r[1]]
            if op == "fma":
                value = (
                    (np.float64(a) * b + regs[r[2]]).astype(dtype)
                    if dtype == np.float32
                    else a * b + regs[r[2]]
                )
            else:
                value = {"add": a + b, "sub": a - b, "mul": a * b, "div": a / b}[op]
            regs.append(value)
        plain = np.broadcast_to(regs[-1], x.shape).astype(dtype)
    assert np.array_equal(x, before, equal_nan=True)
    assert fast.dtype == dtype and fast.shape == x.shape
    assert np.array_equal(fast, plain, equal_nan=True)


@pytest.mark.parametrize("x", [np.float64(0.3), 0.3, np.array(0.3), np.arange(6).reshape(2, 3)])
def test_scalars_0d_integer_and_2d_inputs_evaluate_like_arrays(x):
    program = Program((2.0,), (("mul", 0, 1), ("add", 2, 0), ("mul", 3, 3)))
    expected = (np.asarray(x, dtype=float) * 2.0 + np.asarray(x, dtype=float)) ** 2
    assert np.array_equal(program(x), np.broadcast_to(expected, np.shape(x)))
