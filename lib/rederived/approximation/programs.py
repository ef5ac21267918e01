"""Straight-line programs and the fitting of their constants (AutoNumerics-Zero, Real et al., 2023).

:class:`Program` is straight-line code of +, −, ×, ÷ and fma with float32, float64, mpmath and
SymPy evaluators and an exact operation count; :func:`fit_constants` fits its constants by least
squares with exact derivatives, then Lawson reweighting towards minimax. The evolutionary search
over programs is in :mod:`rederived.approximation.evolution`; the classical approximants they are
compared with (Taylor, Padé, minimax) are in :mod:`rederived.approximation.approx`.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral

import mpmath
import numpy as np

from rederived._checks import real_array
from rederived.approximation.approx import (
    _DPS,
    Approximant,
    _cheb_points,
    _check_interval,
    _point,
    _value,
)
from rederived.symmetry.so3 import _check_degree

__all__ = ["Program", "fit_constants", "fma"]

_ARITY = {"add": 2, "sub": 2, "mul": 2, "div": 2, "fma": 3}
_UFUNCS = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.true_divide}
_REUSE_FROM = 4096  # array sizes from which dead registers are overwritten in place
_OPERATORS = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
}
_SYMBOL = {"add": "+", "sub": "-", "mul": "*", "div": "/"}


@dataclass(frozen=True)
class Program:
    """Straight-line code of +, −, ×, ÷ and fma on one input and a few constants.

    The registers are numbered: ``0`` is the input x, ``1 .. k`` are the k ``constants``, and
    instruction i writes register ``k + 1 + i``. An instruction is ``(op, a, b)`` for
    ``op`` in ``add sub mul div`` (r = r_a op r_b) or ``("fma", a, b, c)`` (r = r_a·r_b + r_c).
    The result is the last register. This is the search space of AutoNumerics-Zero
    (Real et al., 2023): no loops, no branches, no library calls.

    Attributes
    ----------
    constants : tuple of float
    instructions : tuple of tuple
    """

    constants: tuple[float, ...]
    instructions: tuple[tuple, ...]

    def __post_init__(self) -> None:
        if isinstance(self.constants, str | bytes) or not hasattr(self.constants, "__iter__"):
            raise TypeError(f"constants must be a sequence of numbers, got {self.constants!r}")
        if any(isinstance(c, str | bytes | bool) for c in self.constants):
            raise TypeError(f"constants must be numbers, got {self.constants!r}")
        try:
            consts = tuple(float(c) for c in self.constants)
        except (TypeError, ValueError):
            raise TypeError(f"constants must be numbers, got {self.constants!r}") from None
        if not all(np.isfinite(consts)):
            raise ValueError(f"constants must be finite, got {consts!r}")
        if not isinstance(self.instructions, tuple | list) or not self.instructions:
            raise ValueError("instructions must be a non-empty sequence of (op, operands...)")
        checked = []
        for i, ins in enumerate(self.instructions):
            if (
                not isinstance(ins, tuple | list)
                or not ins
                or not isinstance(ins[0], str)
                or ins[0] not in _ARITY
            ):
                raise ValueError(
                    f"instructions[{i}] must be (op, operands...) with op in {sorted(_ARITY)}, "
                    f"got {ins!r}"
                )
            operands = ins[1:]
            if len(operands) != _ARITY[ins[0]]:
                raise ValueError(f"instructions[{i}]: {ins[0]} takes {_ARITY[ins[0]]} operands")
            available = 1 + len(consts) + i
            for r in operands:
                if isinstance(r, bool) or not isinstance(r, Integral):
                    raise TypeError(f"instructions[{i}]: operands must be ints, got {r!r}")
                if not 0 <= r < available:
                    raise ValueError(
                        f"instructions[{i}] reads register {r}, but only 0..{available - 1} "
                        "exist before it"
                    )
            checked.append((str(ins[0]), *(int(r) for r in operands)))
        object.__setattr__(self, "constants", consts)
        object.__setattr__(self, "instructions", tuple(checked))

    # -- structure ------------------------------------------------------------------------
    def _live(self) -> list[bool]:
        k = len(self.constants)
        live = [False] * len(self.instructions)
        live[-1] = True
        for i in range(len(self.instructions) - 1, -1, -1):
            if live[i]:
                for r in self.instructions[i][1:]:
                    if r > k:
                        live[r - k - 1] = True
        return live

    @property
    def operations(self) -> int:
        """Number of instructions the result depends on (an fma counts as one)."""
        return sum(self._live())

    @property
    def counts(self) -> dict[str, int]:
        """Operations the result depends on, by kind."""
        out: dict[str, int] = {}
        for ins, live in zip(self.instructions, self._live(), strict=True):
            if live:
                out[ins[0]] = out.get(ins[0], 0) + 1
        return out

    def pruned(self) -> Program:
        """The same function without dead instructions and unused constants."""
        k = len(self.constants)
        live = self._live()
        used = sorted(
            {
                r
                for ins, ok in zip(self.instructions, live, strict=True)
                if ok
                for r in ins[1:]
                if 1 <= r <= k
            }
        )
        new_index = {0: 0} | {r: j + 1 for j, r in enumerate(used)}
        kept = 0
        instructions = []
        for i, (ins, ok) in enumerate(zip(self.instructions, live, strict=True)):
            if ok:
                new_index[k + 1 + i] = len(used) + 1 + kept
                kept += 1
                instructions.append((ins[0], *(new_index[r] for r in ins[1:])))
        return Program(tuple(self.constants[r - 1] for r in used), tuple(instructions))

    def with_constants(self, constants: object) -> Program:
        """The same code with other constants."""
        if constants is None or isinstance(constants, str | bytes):
            raise TypeError(f"constants must be a sequence of numbers, got {constants!r}")
        constants = tuple(np.ravel(real_array(constants, "constants")))
        if len(constants) != len(self.constants):
            raise ValueError(
                f"constants must have length {len(self.constants)}, got {len(constants)}"
            )
        return Program(constants, self.instructions)

    # -- evaluation -----------------------------------------------------------------------
    def _run_plain(self, x, consts, fma):
        """Every register kept: for scalars, mpmath and SymPy values and small arrays, where
        the bookkeeping of :meth:`_run` costs more than the allocations it saves."""
        regs = [x, *consts]
        for op, *r in self.instructions:
            a, b = regs[r[0]], regs[r[1]]
            regs.append(fma(a, b, regs[r[2]]) if op == "fma" else _OPERATORS[op](a, b))
        return regs[-1]

    def _last_reads(self) -> list[int]:
        """For every register, the index of the last instruction that reads it (−1: none)."""
        last = [-1] * (1 + len(self.constants) + len(self.instructions))
        for i, (_, *r) in enumerate(self.instructions):
            for reg in r:
                last[reg] = i
        return last

    def _run(self, x, consts, fma):
        if not (isinstance(x, np.ndarray) and x.size >= _REUSE_FROM):
            return self._run_plain(x, consts, fma)
        regs = [x, *consts]
        first_temp = len(regs)  # registers from here on are results of instructions
        last = self._last_reads()
        for i, (op, *r) in enumerate(self.instructions):
            a, b = regs[r[0]], regs[r[1]]
            if op == "fma":
                regs.append(fma(a, b, regs[r[2]]))
            elif not (isinstance(a, np.ndarray) or isinstance(b, np.ndarray)):
                regs.append(_OPERATORS[op](a, b))  # scalars, mpmath or SymPy: Python's operators
            else:
                # an array result that no later instruction reads is overwritten in place, so
                # that a long program reuses a few arrays instead of allocating one per
                # instruction (NumPy does the same for the temporaries of one expression)
                ufunc = _UFUNCS[op]
                target = None
                for reg, value in ((r[0], a), (r[1], b)):
                    if (
                        reg >= first_temp
                        and last[reg] == i
                        and r.count(reg) == 1
                        and isinstance(value, np.ndarray)
                        and value.shape == np.broadcast_shapes(np.shape(a), np.shape(b))
                        and value.dtype == np.result_type(a, b)
                    ):
                        target = value
                        break
                regs.append(ufunc(a, b) if target is None else ufunc(a, b, out=target))
            for reg in r:  # drop what no later instruction reads
                if reg >= first_temp and last[reg] == i and reg != len(regs) - 1:
                    if regs[reg] is not regs[-1]:
                        regs[reg] = None
        return regs[-1]

    def __call__(self, x: object) -> np.ndarray:
        """Evaluate on an array, in float32 if ``x`` is float32 and in float64 otherwise.

        Every operation rounds to the working precision, as compiled code would. NumPy has no
        fused multiply-add: in float32 an fma is computed as a float64 product (exact for
        float32 operands) plus a float64 sum, rounded once more to float32; in float64 it is a
        product and a sum, each rounded.
        """
        x = np.asarray(x)
        if x.dtype.kind not in "iuf":
            raise TypeError(f"x must be a real array, got dtype {x.dtype}")
        dtype = np.float32 if x.dtype == np.float32 else np.float64
        consts = [dtype(c) for c in self.constants]
        if dtype == np.float32:

            def fma(a, b, c):
                return (np.float64(a) * b + c).astype(np.float32)
        else:

            def fma(a, b, c):
                return a * b + c

        with np.errstate(all="ignore"):
            out = self._run(x.astype(dtype, copy=False), consts, fma)
        if isinstance(out, np.ndarray) and out.shape == x.shape and out.dtype == dtype:
            return out
        return np.broadcast_to(out, x.shape).astype(dtype)  # a result that ignores x

    def exact(self, x: object) -> mpmath.mpf:
        """The program at one point in mpmath arithmetic (no floating-point rounding); a
        division by zero is a ValueError."""
        x = x if isinstance(x, mpmath.mpf) else mpmath.mpf(_point(x, "x"))
        try:
            return self._run(x, [mpmath.mpf(c) for c in self.constants], lambda a, b, c: a * b + c)
        except ZeroDivisionError:
            raise ValueError(f"the program divides by zero at x = {x}") from None

    def sympy(self, x: object = None) -> object:
        """The program as a SymPy expression in ``x`` (default the symbol x).

        Constants enter as exact rationals (the binary value of each float), so simplifying
        the expression is exact: ``sympy.cancel`` gives the rational function it computes.
        """
        import sympy as sp

        x = sp.Symbol("x") if x is None else x
        consts = [sp.Rational(c) for c in self.constants]
        return self._run(x, consts, lambda a, b, c: a * b + c)

    def error(self, f: Callable, x: object, relative: bool = True) -> mpmath.mpf:
        """Signed error (program − f) at ``x``, divided by f when ``relative``."""
        with mpmath.workdps(_DPS):  # the error cancels most digits: compute with 40
            x = x if isinstance(x, mpmath.mpf) else mpmath.mpf(_point(x, "x"))
            fx = _value(f, x)
            if relative and fx == 0:
                raise ValueError(f"f vanishes at x = {x}: the relative error is undefined there")
            e = self.exact(x) - fx
            return +(e / fx if relative else e)

    def max_error(
        self, f: Callable, interval: tuple[float, float], relative: bool = True, n: int = 2001
    ) -> float:
        """Largest |error| against ``f`` on ``n`` Chebyshev-clustered points, in mpmath."""
        if isinstance(n, bool) or not isinstance(n, Integral) or not 2 <= n <= 10**5:
            raise ValueError(f"n must be an int in [2, 10^5], got {n!r}")
        a, b = _check_interval(interval)
        with mpmath.workdps(_DPS):
            return float(max(abs(self.error(f, x, relative)) for x in _cheb_points(a, b, n)))

    def __str__(self) -> str:
        k = len(self.constants)
        names = ["x", *(f"c{j}" for j in range(k))]
        lines = [f"c{j} = {c!r}" for j, c in enumerate(self.constants)]
        for i, (op, *r) in enumerate(self.instructions):
            name = "y" if i == len(self.instructions) - 1 else f"t{i}"
            if op == "fma":
                expr = f"fma({names[r[0]]}, {names[r[1]]}, {names[r[2]]})"
            else:
                expr = f"{names[r[0]]} {_SYMBOL[op]} {names[r[1]]}"
            names.append(name)
            lines.append(f"{name} = {expr}")
        return "\n".join(lines)

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def trace(cls, build: Callable, constants: object = ()) -> Program:
        """Record the program a Python function computes.

        ``build(x, c)`` receives the input and the list of constants as symbolic registers and
        combines them with ``+ - * /`` (Python numbers become new constants) and :func:`fma`.
        """
        if not callable(build):
            raise TypeError("build must be callable")
        if constants is None or isinstance(constants, str | bytes):
            raise TypeError(f"constants must be a sequence of numbers, got {constants!r}")
        consts = [float(v) for v in np.ravel(real_array(constants, "constants"))]
        if not all(np.isfinite(consts)):
            raise ValueError(f"constants must be finite, got {consts}")
        tape = _Tape(consts)
        c = [_Register(tape, ("c", j)) for j in range(len(consts))]
        result = build(_Register(tape, 0), c)
        if not isinstance(result, _Register):
            raise TypeError("build must return a value computed from x and c")
        return tape.program(result.index)

    @classmethod
    def from_approximant(cls, approx: Approximant, *, monic: bool = False) -> Program:
        """The Horner evaluation of a Taylor, Padé or minimax approximant, as a program.

        With ``monic=True`` a rational is first divided through by its denominator's leading
        coefficient, so the denominator's Horner loop starts with an addition: one operation
        fewer (:attr:`Approximant.operations_monic`). The constant term of the denominator is 1
        otherwise.
        """
        if not isinstance(approx, Approximant):
            raise TypeError(f"approx must be an Approximant, got {type(approx).__name__}")
        if not isinstance(monic, bool):
            raise TypeError(f"monic must be a bool, got {monic!r}")
        num = [float(c) for c in approx.numerator]
        den = [float(c) for c in approx.denominator]
        monic = monic and len(den) > 1 and approx.denominator[-1] != 0
        if monic:
            lead = approx.denominator[-1]
            num = [float(c / lead) for c in approx.numerator]
            den = [float(c / lead) for c in approx.denominator[:-1]]  # the leading 1 is implicit

        def horner(x, c):
            t = x - approx.x0 if approx.x0 != 0 else x

            def poly(coeffs, leading_one=False):
                out = t + coeffs[-1] if leading_one else coeffs[-1]
                for v in reversed(coeffs[:-1]):
                    out = out * t + v
                return out

            p = poly(c[: len(num)])
            if len(approx.denominator) == 1:
                return p
            if monic:
                return p / poly(c[len(num) :], leading_one=True)
            return p / poly([1.0, *c[len(num) :]])

        return cls.trace(horner, [*num, *(den if monic else den[1:])])


def fma(a, b, c):
    """Fused multiply-add a·b + c for :meth:`Program.trace` (one operation). On plain Python
    numbers (ints and floats) it is the fused operation: a·b + c exactly, rounded once
    (fma(0.1, 10.0, -1.0) is 2⁻⁵⁴, not 0); on other numbers (mpmath, SymPy) a·b + c in their
    arithmetic."""
    if isinstance(a, _Register):
        return a._tape.emit("fma", a, b, c)
    for v in (b, c):
        if isinstance(v, _Register):
            return v._tape.emit("fma", a, b, c)
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b, c)):
        if all(math.isfinite(v) for v in (a, b, c)):
            return float(Fraction(a) * Fraction(b) + Fraction(c))  # one rounding
    return a * b + c


class _Tape:
    def __init__(self, constants):
        self.constants = list(constants)
        self.ops: list[tuple] = []  # operands as ("x",) ("c", j) or ("t", i)

    def ref(self, v):
        if isinstance(v, _Register):
            return v.index
        if isinstance(v, int | float | np.floating | np.integer) and not isinstance(v, bool):
            self.constants.append(float(v))
            return ("c", len(self.constants) - 1)
        raise TypeError(f"cannot use {v!r} in a program")

    def emit(self, op, *operands):
        self.ops.append((op, *(self.ref(v) for v in operands)))
        return _Register(self, ("t", len(self.ops) - 1))

    def program(self, result):
        if result == 0 or result[0] != "t":
            raise ValueError("the result must be computed by at least one operation")
        k = len(self.constants)

        def reg(r):
            if r == 0:
                return 0
            return 1 + r[1] if r[0] == "c" else k + 1 + r[1]

        ops = [(op, *(reg(r) for r in rs)) for op, *rs in self.ops[: result[1] + 1]]
        return Program(tuple(self.constants), tuple(ops)).pruned()


def _operator(op, swap=False):
    def method(self, other):
        return self._tape.emit(op, *((other, self) if swap else (self, other)))

    return method


class _Register:
    """A value in a program being traced: 0 (x), ("c", j) or ("t", i)."""

    def __init__(self, tape, index):
        self._tape, self.index = tape, index

    __add__, __radd__ = _operator("add"), _operator("add", swap=True)
    __sub__, __rsub__ = _operator("sub"), _operator("sub", swap=True)
    __mul__, __rmul__ = _operator("mul"), _operator("mul", swap=True)
    __truediv__, __rtruediv__ = _operator("div"), _operator("div", swap=True)


# ---------------------------------------------------------------------------------------------
# Fitting the constants of a program, and the evolutionary search
# ---------------------------------------------------------------------------------------------


def _value_and_jacobian(program: Program, x: np.ndarray, c: np.ndarray):
    """Program value at float64 points x and its derivative in the constants (forward mode).

    Values that do not depend on x stay scalars and derivatives that vanish stay None, so a
    program pays only for the work its x-dependent part needs.
    """
    k = len(c)
    unit = np.eye(k)
    vals = [x, *(np.float64(v) for v in c)]
    grads: list = [None] + [unit[j : j + 1] for j in range(k)]

    def col(s):
        return s[:, None] if np.ndim(s) else s

    def scaled(g, s):
        return None if g is None else g * col(s)

    def plus(*gs):
        gs = [g for g in gs if g is not None]
        return sum(gs[1:], gs[0]) if gs else None

    for op, *r in program.instructions:
        a, b, ga, gb = vals[r[0]], vals[r[1]], grads[r[0]], grads[r[1]]
        if op == "add":
            v, g = a + b, plus(ga, gb)
        elif op == "sub":
            v, g = a - b, plus(ga, None if gb is None else -gb)
        elif op == "mul":
            v, g = a * b, plus(scaled(ga, b), scaled(gb, a))
        elif op == "div":
            v = a / b
            g = plus(ga, None if gb is None else -gb * col(v))
            g = None if g is None else g / col(b)
        else:
            v, g = a * b + vals[r[2]], plus(scaled(ga, b), scaled(gb, a), grads[r[2]])
        vals.append(v)
        grads.append(g)
    g = grads[-1]
    jac = np.zeros((x.size, k)) if g is None else np.broadcast_to(g, (x.size, k))
    return np.broadcast_to(vals[-1], x.shape), jac


def _least_squares(program, x, fx, scale, weights, c, iterations, free=None):
    """Levenberg–Marquardt on Σ w_i r_i², r = (program − f) / scale; returns constants, r.

    Only the constants where ``free`` is true move.
    """
    free = np.ones(len(c), dtype=bool) if free is None else free

    def residual(c):
        v, J = _value_and_jacobian(program, x, c)
        return (v - fx) / scale, J[:, free] / scale[:, None]

    r, J = residual(c)
    if not np.all(np.isfinite(r)):
        return c, r
    cost, lam, sw = np.sum(weights * r * r), 1e-3, np.sqrt(weights)
    for _ in range(iterations):
        A = J * sw[:, None]
        H, g = A.T @ A, A.T @ (sw * r)
        try:
            step = np.linalg.solve(H + lam * np.diag(np.diag(H) + 1e-300), -g)
        except np.linalg.LinAlgError:
            lam *= 10
            continue
        trial = c.copy()
        trial[free] += step
        if not np.all(np.isfinite(trial)):  # a step to infinity: damp harder, never accept it
            lam *= 4
            if lam > 1e12:
                break
            continue
        r2, J2 = residual(trial)
        cost2 = np.sum(weights * r2 * r2) if np.all(np.isfinite(r2)) else np.inf
        if cost2 < cost:
            done = cost - cost2 <= 1e-10 * cost
            c, r, J, cost, lam = trial, r2, J2, cost2, lam / 3
            if done:
                break
        else:
            lam *= 4
            if lam > 1e12:
                break
    return c, r


def _fit(program, x, fx, scale, minimax_steps=0, iterations=40, free=None):
    """Constants by least squares, then Lawson reweighting towards the minimax error.

    Returns (constants, max |r| on x); the error is inf when the program is undefined there.
    """
    c = np.array(program.constants, dtype=float)
    with np.errstate(all="ignore"):
        w = np.full(x.size, 1.0 / x.size)
        c, r = _least_squares(program, x, fx, scale, w, c, iterations, free)
        best = (c, np.max(np.abs(r)) if np.all(np.isfinite(r)) else np.inf)
        for _ in range(minimax_steps):
            if not np.isfinite(best[1]):
                break
            w = w * np.abs(r)
            w /= w.sum()
            c, r = _least_squares(program, x, fx, scale, w, c, iterations, free)
            err = np.max(np.abs(r)) if np.all(np.isfinite(r)) else np.inf
            if err < best[1]:
                best = (c, err)
    return best


def _training_points(f, interval, points, relative):
    a, b = _check_interval(interval)
    if not callable(f):
        raise TypeError("f must be callable")
    with mpmath.workdps(_DPS):
        pts = _cheb_points(a, b, points)
        fx = np.array([float(_value(f, p)) for p in pts])
        x = np.array([float(p) for p in pts])
    if not np.all(np.isfinite(fx)):
        raise ValueError("f must be finite in double precision at the training points")
    scale = np.abs(fx) if relative else np.ones_like(fx)
    if relative and (np.any(scale == 0) or len(set(np.sign(fx))) > 1):
        raise ValueError(
            "relative error needs f != 0 on the interval (f vanishes or changes sign there; "
            "pass relative=False)"
        )
    return x, fx, scale


def fit_constants(
    program: Program,
    f: Callable,
    interval: tuple[float, float],
    *,
    relative: bool = True,
    points: int = 200,
    minimax_steps: int = 30,
    fixed: tuple[int, ...] = (),
) -> Program:
    """The program with constants fitted to ``f`` on the interval (near-minimax error).

    Least squares by Levenberg–Marquardt with exact derivatives (forward mode through the
    program), then Lawson's iteratively reweighted least squares, which moves the weights to
    where the error is largest and approaches the minimax constants. The constants with the
    smallest largest error on the ``points`` Chebyshev-clustered points are returned.
    Constants whose indices are in ``fixed`` keep their values (e.g. an exact leading 1).
    """
    if not isinstance(program, Program):
        raise TypeError(f"program must be a Program, got {type(program).__name__}")
    free = np.ones(len(program.constants), dtype=bool)
    if isinstance(fixed, str | bytes) or not hasattr(fixed, "__iter__"):
        raise TypeError(f"fixed must be a sequence of constant indices, got {fixed!r}")
    if isinstance(points, bool) or not isinstance(points, Integral) or not 2 <= points <= 10**5:
        raise ValueError(f"points must be an int in [2, 10^5], got {points!r}")
    if not isinstance(minimax_steps, Integral) or not 0 <= minimax_steps <= 10**4:
        raise ValueError(f"minimax_steps must be an int in [0, 10^4], got {minimax_steps!r}")
    for j in fixed:
        if isinstance(j, bool) or not isinstance(j, Integral) or not 0 <= j < len(free):
            raise ValueError(f"fixed must hold constant indices 0..{len(free) - 1}, got {j!r}")
        free[j] = False
    x, fx, scale = _training_points(f, interval, _check_degree(points, "points"), relative)
    steps = _check_degree(minimax_steps, "minimax_steps")
    c, _ = _fit(program, x, fx, scale, steps, free=free)
    return program.with_constants(c)
