"""Straight-line programs and their evolutionary search (AutoNumerics-Zero, Real et al., 2023).

:class:`Program` is straight-line code of +, −, ×, ÷ and fma with float32, float64, mpmath and
SymPy evaluators and an exact operation count; :func:`fit_constants` fits its constants by least
squares with exact derivatives, then Lawson reweighting towards minimax; :func:`evolve` is seeded
regularized evolution from random programs. The classical approximants it is compared with
(Taylor, Padé, minimax) are in :mod:`rederived.approx`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral

import mpmath
import numpy as np

from rederived._parallel import fork_map
from rederived.approx import _DPS, Approximant, _cheb_points, _check_interval
from rederived.so3 import _check_degree

__all__ = ["Evolution", "Program", "evolve", "evolve_runs", "fit_constants", "fma"]

_ARITY = {"add": 2, "sub": 2, "mul": 2, "div": 2, "fma": 3}
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
            if not isinstance(ins, tuple | list) or not ins or ins[0] not in _ARITY:
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
        constants = tuple(np.ravel(np.asarray(constants, dtype=float)))
        if len(constants) != len(self.constants):
            raise ValueError(
                f"constants must have length {len(self.constants)}, got {len(constants)}"
            )
        return Program(constants, self.instructions)

    # -- evaluation -----------------------------------------------------------------------
    def _run(self, x, consts, fma):
        regs = [x, *consts]
        for op, *r in self.instructions:
            a, b = regs[r[0]], regs[r[1]]
            if op == "add":
                regs.append(a + b)
            elif op == "sub":
                regs.append(a - b)
            elif op == "mul":
                regs.append(a * b)
            elif op == "div":
                regs.append(a / b)
            else:
                regs.append(fma(a, b, regs[r[2]]))
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
        """The program at one point in mpmath arithmetic (no floating-point rounding)."""
        return self._run(
            mpmath.mpf(x), [mpmath.mpf(c) for c in self.constants], lambda a, b, c: a * b + c
        )

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
            fx = f(mpmath.mpf(x))
            e = self.exact(x) - fx
            return +(e / fx if relative else e)

    def max_error(
        self, f: Callable, interval: tuple[float, float], relative: bool = True, n: int = 2001
    ) -> float:
        """Largest |error| against ``f`` on ``n`` Chebyshev-clustered points, in mpmath."""
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
        consts = [float(v) for v in np.ravel(np.asarray(constants, dtype=float))]
        tape = _Tape(consts)
        c = [_Register(tape, ("c", j)) for j in range(len(consts))]
        result = build(_Register(tape, 0), c)
        if not isinstance(result, _Register):
            raise TypeError("build must return a value computed from x and c")
        return tape.program(result.index)

    @classmethod
    def from_approximant(cls, approx: Approximant) -> Program:
        """The Horner evaluation of a Taylor, Padé or minimax approximant, as a program."""
        num = [float(c) for c in approx.numerator]
        den = [float(c) for c in approx.denominator]

        def horner(x, c):
            t = x - approx.x0 if approx.x0 != 0 else x

            def poly(coeffs):
                out = coeffs[-1]
                for v in reversed(coeffs[:-1]):
                    out = out * t + v
                return out

            p = poly(c[: len(num)])
            return p if len(den) == 1 else p / poly([1.0, *c[len(num) :]])

        return cls.trace(horner, [*num, *den[1:]])


def fma(a, b, c):
    """Fused multiply-add a·b + c for :meth:`Program.trace` (one operation)."""
    if isinstance(a, _Register):
        return a._tape.emit("fma", a, b, c)
    for v in (b, c):
        if isinstance(v, _Register):
            return v._tape.emit("fma", a, b, c)
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
    with mpmath.workdps(_DPS):
        pts = _cheb_points(a, b, points)
        fx = np.array([float(f(p)) for p in pts])
        x = np.array([float(p) for p in pts])
    scale = np.abs(fx) if relative else np.ones_like(fx)
    if relative and np.any(scale == 0):
        raise ValueError("relative error needs f != 0 on the interval")
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
    for j in fixed:
        if isinstance(j, bool) or not isinstance(j, Integral) or not 0 <= j < len(free):
            raise ValueError(f"fixed must hold constant indices 0..{len(free) - 1}, got {j!r}")
        free[j] = False
    x, fx, scale = _training_points(f, interval, _check_degree(points, "points"), relative)
    steps = _check_degree(minimax_steps, "minimax_steps")
    c, _ = _fit(program, x, fx, scale, steps, free=free)
    return program.with_constants(c)


@dataclass(frozen=True)
class Evolution:
    """Outcome of :func:`evolve`.

    Attributes
    ----------
    best : Program
        The most accurate program found (constants fitted), pruned.
    error : float
        Its largest error on the training points.
    front : dict[int, tuple[Program, float]]
        For each operation count, the most accurate program seen with that many operations.
    history : tuple of float
        Best training error after each generation (one child per generation).
    evaluated : int
        Number of programs whose constants were fitted.
    """

    best: Program
    error: float
    front: dict
    history: tuple[float, ...]
    evaluated: int


class _Genome:
    """Mutable form of a program: operands are 0 (x), ("c", j) or ("t", i)."""

    def __init__(self, constants, ops):
        self.constants, self.ops = list(constants), [list(o) for o in ops]

    @classmethod
    def of(cls, program: Program) -> _Genome:
        k = len(program.constants)

        def sym(r):
            return 0 if r == 0 else (("c", r - 1) if r <= k else ("t", r - k - 1))

        return cls(program.constants, [(op, *map(sym, r)) for op, *r in program.instructions])

    def program(self) -> Program:
        k = len(self.constants)

        def reg(r):
            return 0 if r == 0 else (1 + r[1] if r[0] == "c" else k + 1 + r[1])

        return Program(
            tuple(self.constants), tuple((op, *map(reg, r)) for op, *r in self.ops)
        ).pruned()

    def operand(self, rng, position, max_constants):
        """A random operand for an instruction at ``position``: x, a constant or a result."""
        choices = [0, *(("t", i) for i in range(position))]
        choices += [("c", j) for j in range(len(self.constants))]
        if len(self.constants) < max_constants and rng.random() < 0.25:
            self.constants.append(float(rng.normal()))
            return ("c", len(self.constants) - 1)
        return choices[rng.integers(len(choices))]

    def random_op(self, rng, position, ops, max_constants):
        op = ops[rng.integers(len(ops))]
        return [op, *(self.operand(rng, position, max_constants) for _ in range(_ARITY[op]))]

    def _make_room(self, p):
        """Renumber references so that a new instruction can be inserted at position p."""
        for o in self.ops[p:]:
            o[1:] = [("t", r[1] + 1) if r != 0 and r[0] == "t" and r[1] >= p else r for r in o[1:]]

    # probabilities of: change op, rewire operand, insert, delete, wrap, perturb constants
    _KINDS = (0.15, 0.2, 0.2, 0.15, 0.2, 0.1)

    def mutate(self, rng, ops, max_constants):
        kind = rng.choice(6, p=self._KINDS)
        n = len(self.ops)
        if kind == 0:  # change an operation, keeping operands where the arity allows
            i = rng.integers(n)
            new = self.random_op(rng, i, ops, max_constants)
            old = self.ops[i][1:]
            self.ops[i] = [new[0], *(old + new[1:])[: _ARITY[new[0]]]]
        elif kind == 1:  # rewire one operand
            i = rng.integers(n)
            self.ops[i][1 + rng.integers(len(self.ops[i]) - 1)] = self.operand(
                rng, i, max_constants
            )
        elif kind == 2:  # insert a random instruction and make a later one use it
            p = rng.integers(n)
            self._make_room(p)
            self.ops.insert(p, self.random_op(rng, p, ops, max_constants))
            j = p + 1 + rng.integers(n - p)
            self.ops[j][1 + rng.integers(len(self.ops[j]) - 1)] = ("t", p)
        elif kind == 3 and n > 1:  # delete an instruction; its readers read its first operand
            p = rng.integers(n)
            first = self.ops[p][1]
            del self.ops[p]
            for o in self.ops[p:]:
                o[1:] = [
                    first
                    if r == ("t", p)
                    else (("t", r[1] - 1) if r != 0 and r[0] == "t" and r[1] > p else r)
                    for r in o[1:]
                ]
        elif kind == 4:  # wrap a value v read by instruction j (or the result) as v op w
            j = rng.integers(n + 1)
            slot = None if j == n else 1 + rng.integers(len(self.ops[j]) - 1)
            value = ("t", n - 1) if j == n else self.ops[j][slot]
            self._make_room(j)
            if rng.random() < 0.6 and len(self.constants) < max_constants:
                # a fresh constant makes the wrap nearly neutral once the constants are refitted
                self.constants.append(float(rng.normal()))
                other = ("c", len(self.constants) - 1)
            else:
                other = self.operand(rng, j, max_constants)
            op = ops[rng.integers(len(ops))]
            operands = [value, other] if rng.random() < 0.5 else [other, value]
            if op == "fma":
                operands.append(self.operand(rng, j, max_constants))
            self.ops.insert(j, [op, *operands])
            if slot is not None:
                self.ops[j + 1][slot] = ("t", j)
        else:  # perturb the constants (they are refitted, so this moves the starting point)
            self.constants = [
                c * (1 + 0.5 * rng.normal()) + 0.1 * rng.normal() for c in self.constants
            ]


def evolve(
    f: Callable,
    interval: tuple[float, float],
    max_operations: int,
    *,
    generations: int = 2000,
    population: int = 64,
    tournament: int = 8,
    ops: tuple[str, ...] = ("add", "sub", "mul", "div"),
    max_constants: int = 8,
    relative: bool = True,
    points: int = 64,
    restarts: int = 1,
    seed: int = 0,
) -> Evolution:
    """Regularized evolution of straight-line programs approximating ``f`` on the interval.

    AutoNumerics-Zero's search (Real et al., 2023), from scratch: the population starts as
    random programs; each generation the best of ``tournament`` random members is copied, one
    mutation changes its structure (operation, operand, insertion, deletion, or wrapping a value
    v into v ∘ w, which is nearly neutral when w is a fresh constant) or its constants,
    the child's constants are fitted by least squares (Levenberg–Marquardt with exact
    derivatives) and it replaces the *oldest* member. Fitness is the largest error (relative by
    default) on ``points`` Chebyshev-clustered points; programs with more than
    ``max_operations`` operations are not admitted. Seeded: the same arguments give the same
    result.

    Parameters
    ----------
    f : callable
        The target, on mpmath numbers.
    interval : (float, float)
    max_operations : int
        Budget of operations (each instruction, fma included, counts one).
    ops : tuple of str
        Allowed operations, from ``add sub mul div fma``.

    Returns
    -------
    Evolution
    """
    max_operations = _check_degree(max_operations, "max_operations")
    if max_operations < 1:
        raise ValueError("max_operations must be >= 1")
    generations = _check_degree(generations, "generations")
    population = _check_degree(population, "population")
    tournament = _check_degree(tournament, "tournament")
    if population < 1 or not 1 <= tournament <= population:
        raise ValueError("need population >= 1 and 1 <= tournament <= population")
    ops = tuple(ops)
    if not ops or any(op not in _ARITY for op in ops):
        raise ValueError(f"ops must be a non-empty subset of {sorted(_ARITY)}, got {ops!r}")
    max_constants = _check_degree(max_constants, "max_constants")
    restarts = _check_degree(restarts, "restarts")
    x, fx, scale = _training_points(f, interval, _check_degree(points, "points"), relative)
    rng = np.random.default_rng(seed)
    front: dict[int, tuple[Program, float]] = {}
    evaluated = 0

    def score(genome):
        nonlocal evaluated
        program = genome.program()
        c, err = _fit(program, x, fx, scale)
        for _ in range(restarts):  # the inherited constants may sit in a poor basin
            c2, err2 = _fit(program.with_constants(rng.normal(size=len(c))), x, fx, scale)
            if err2 < err:
                c, err = c2, err2
        evaluated += 1
        program = program.with_constants(c)
        ops_used = program.operations
        if err < front.get(ops_used, (None, np.inf))[1]:
            front[ops_used] = (program, float(err))
        return program, float(err)

    def admissible(genome):
        return 0 < genome.program().operations <= max_operations

    members = []
    while len(members) < population:
        g = _Genome([], [])
        for i in range(rng.integers(1, max_operations + 1)):
            g.ops.append(g.random_op(rng, i, ops, max_constants))
        if admissible(g):
            members.append(score(g))
    history = []
    best = min(members, key=lambda m: m[1])
    for _ in range(generations):
        picks = rng.choice(len(members), size=tournament, replace=False)
        parent = min((members[i] for i in picks), key=lambda m: m[1])[0]
        for _attempt in range(20):
            child = _Genome.of(parent)
            child.mutate(rng, ops, max_constants)
            if admissible(child):
                break
        else:
            child = _Genome.of(parent)
        scored = score(child)
        members.pop(0)
        members.append(scored)
        if scored[1] < best[1]:
            best = scored
        history.append(best[1])
    return Evolution(best[0], best[1], dict(sorted(front.items())), tuple(history), evaluated)


def evolve_runs(
    f: Callable,
    interval: tuple[float, float],
    max_operations: int,
    seeds: object,
    *,
    workers: int | None = None,
    **options: object,
) -> list[Evolution]:
    """Independent runs of :func:`evolve`, one per seed, spread over ``workers`` processes.

    Each run depends on its seed only, so the result equals
    ``[evolve(f, interval, max_operations, seed=s, **options) for s in seeds]`` whatever the
    number of workers (``None``: every available processor).
    """
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must not be empty")
    if "seed" in options:
        raise TypeError("give the seeds as seeds=..., not seed=")

    def run(seed):
        return evolve(f, interval, max_operations, seed=seed, **options)

    return fork_map(run, seeds, workers)
