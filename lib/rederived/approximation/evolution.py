"""Evolutionary search of straight-line programs (AutoNumerics-Zero, Real et al., 2023).

:func:`evolve` is seeded regularized evolution from random programs of
:mod:`rederived.approximation.programs`, each child's constants fitted by least squares;
:func:`evolve_runs` runs independent seeds on several processes with the same result as in turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from rederived import sweep
from rederived.approximation.programs import (
    _ARITY,
    Program,
    _fit,
    _training_points,
)
from rederived.symmetry.so3 import _check_degree

__all__ = ["Evolution", "evolve", "evolve_runs"]


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


def _bounded(value: object, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {value}")
    return int(value)


def _seed(seed: object) -> int:
    """A seed: an int ≥ 0 (None would draw fresh entropy and break reproducibility)."""
    if isinstance(seed, bool) or not isinstance(seed, Integral):
        raise TypeError(f"seed must be an int (for a reproducible run), got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return int(seed)


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
    max_operations = _bounded(max_operations, "max_operations", 1, 256)
    generations = _bounded(generations, "generations", 0, 10**6)
    population = _bounded(population, "population", 1, 10**4)
    tournament = _check_degree(tournament, "tournament")
    if not 1 <= tournament <= population:
        raise ValueError("need population >= 1 and 1 <= tournament <= population")
    if isinstance(ops, str) or not hasattr(ops, "__iter__"):
        raise TypeError(f"ops must be a sequence of operation names, got {ops!r}")
    ops = tuple(ops)
    if not ops or any(not isinstance(op, str) or op not in _ARITY for op in ops):
        raise ValueError(f"ops must be a non-empty subset of {sorted(_ARITY)}, got {ops!r}")
    max_constants = _bounded(max_constants, "max_constants", 0, 256)
    restarts = _bounded(restarts, "restarts", 0, 10**3)
    points = _bounded(points, "points", 2, 10**5)
    if generations * population > 10**8:
        raise ValueError(
            f"generations × population = {generations * population:,} fits, more than 10^8"
        )
    x, fx, scale = _training_points(f, interval, points, relative)
    rng = np.random.default_rng(_seed(seed))
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
    if isinstance(seeds, str | bytes) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a sequence of ints, got {seeds!r}")
    seeds = list(seeds)
    for i, value in enumerate(seeds):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
            raise ValueError(f"seeds[{i}] must be an int >= 0, got {value!r}")
    seeds = [int(v) for v in seeds]
    if not seeds:
        raise ValueError("seeds must not be empty")
    if "seed" in options:
        raise TypeError("give the seeds as seeds=..., not seed=")

    def run(seed):
        return evolve(f, interval, max_operations, seed=seed, **options)

    return sweep.map(run, seeds, workers=workers)


# --------------------------------------------------------------------------- the search sweep

#: AutoNumerics-Zero's target in this book: exp on [−ln 2/2, ln 2/2], the reduced argument
EXP_INTERVAL = (-0.34657359027997264, 0.34657359027997264)


def program_record(program: Program) -> dict:
    """A program as JSON-able data (``Program(**record)`` rebuilds it exactly)."""
    return {
        "constants": [float(c) for c in program.constants],
        "instructions": [list(ins) for ins in program.instructions],
    }


#: the second target, beyond exp: log2 on the mantissa range [1, 2], absolute error (log2
#: vanishes at 1, where a relative error is undefined)
LOG2_INTERVAL = (1.0, 2.0)


def _log2(x):
    import mpmath

    return mpmath.log(x, 2)


def search_run(item: dict) -> dict:
    """One seeded evolution of a search sweep: the best program found at every operation
    count (as :func:`program_record` data, with its training error) and the number of programs
    fitted. The item's ``target`` is ``"exp"`` (relative error on :data:`EXP_INTERVAL`, the
    default) or ``"log2"`` (absolute error on :data:`LOG2_INTERVAL`)."""
    import mpmath

    target = item.get("target", "exp")
    if target not in ("exp", "log2"):
        raise ValueError(f"target must be 'exp' or 'log2', got {target!r}")
    f, interval, relative = (
        (mpmath.exp, EXP_INTERVAL, True) if target == "exp" else (_log2, LOG2_INTERVAL, False)
    )
    run = evolve(
        f,
        interval,
        int(item["budget"]),
        relative=relative,
        generations=int(item["generations"]),
        population=int(item["population"]),
        tournament=int(item["tournament"]),
        seed=int(item["seed"]),
    )
    return {
        "evaluated": int(run.evaluated),
        "front": {
            str(ops): {**program_record(program), "error": float(error)}
            for ops, (program, error) in run.front.items()
        },
        # the best error after these generations: a run stopped earlier with the same seed
        # repeats them, which is how a test checks a long run without redoing it
        "checkpoints": {
            str(g): float(run.history[g - 1]) for g in _CHECKPOINTS if g <= len(run.history)
        },
    }


_CHECKPOINTS = (100, 300, 600, 1200, 5000, 20000)


def _search_prefix(item: dict) -> dict:
    return {**item, "generations": min(int(item["generations"]), 300)}


def _same_prefix(fresh: dict, stored: dict) -> bool:
    return all(stored["checkpoints"].get(g) == e for g, e in fresh["checkpoints"].items())


def _search_items(params) -> list[dict]:
    keys = ("budget", "generations", "population", "tournament")
    return [
        {
            "seed": int(s.generate_state(1)[0]),
            **{k: params[k] for k in keys},
            **({"target": params["target"]} if "target" in params else {}),
        }
        for s in np.random.SeedSequence(int(params["seed"])).spawn(int(params["runs"]))
    ]


def _make_search_sweep(name: str, description: str, **params):
    """A search sweep at the book's two scales: five runs of 1200 generations, and eight of
    20 000 (about 27 times the work; the paper's ran on many workers for hours)."""
    from rederived.sweep import Sweep

    common = {"budget": 11, "population": 50, "tournament": 5, **params}
    return Sweep(
        name=name,
        chapter="approximation/autonumerics-zero",
        description=description,
        scales={
            "book": {**common, "runs": 5, "generations": 1200},
            "paper": {**common, "runs": 8, "generations": 20000},
        },
        items=_search_items,
        run_item=search_run,
        # the search is chaotic: every later generation follows each rounding of the fits,
        # so OpenBLAS's kernel family is pinned (its AVX-512 kernels round differently)
        env={"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_NUM_THREADS": "1"},
        spot_item=_search_prefix,
        spot_compare=_same_prefix,
    )


SEARCH_SWEEP = _make_search_sweep(
    "autonumerics-search",
    "one seeded regularized evolution for exp with a budget of 11 operations.",
    seed=2023,
)
LOG2_SWEEP = _make_search_sweep(
    "autonumerics-log2",
    "one seeded regularized evolution for log2 on [1, 2] (absolute error) with a "
    "budget of 11 operations.",
    target="log2",
    seed=2024,
)
