"""Contract of rederived.approximation.evolution, on its whole domain (Hypothesis).

Domain: f and interval as for rederived.approximation.programs (f finite and, for the relative
error, of one sign); budgets, generations, population, constants, restarts and points bounded
ints; ops a non-empty subset of add, sub, mul, div, fma; seeds ints ≥ 0 (None refused: a run
must be reproducible). Results: seeded runs that repeat exactly and do not depend on the number
of workers, a best program within the budget whose training error is the reported one, a
non-increasing history; or a ValueError/TypeError naming the argument.
"""

from __future__ import annotations

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.approximation.evolution import Evolution, evolve, evolve_runs

COVERS = ("Evolution", "evolve", "evolve_runs")

I = (0.0, 0.5)
SMALL = {"generations": 20, "population": 8, "tournament": 3, "points": 16}


@settings(max_examples=max(3, settings.default.max_examples // 10))
@given(st.integers(0, 2**31), st.integers(2, 6))
def test_seeded_runs_repeat_and_keep_their_budget(seed, budget):
    run = evolve(mpmath.exp, I, budget, seed=seed, **SMALL)
    assert isinstance(run, Evolution)
    again = evolve(mpmath.exp, I, budget, seed=seed, **SMALL)
    assert run.error == again.error and run.history == again.history
    assert run.best.operations <= budget and all(k <= budget for k in run.front)
    assert all(a >= b for a, b in zip(run.history, run.history[1:], strict=False))
    runs = evolve_runs(mpmath.exp, I, budget, [seed, seed + 1], workers=1, **SMALL)
    assert runs[0].error == run.error


BAD = [
    (lambda: evolve(mpmath.exp, I, 0, **SMALL), ValueError, "max_operations"),
    (lambda: evolve(mpmath.exp, I, 10**9, **SMALL), ValueError, "max_operations"),
    (
        lambda: evolve(mpmath.exp, I, 3, generations=10**9, population=8, tournament=3),
        ValueError,
        "generations",
    ),
    (lambda: evolve(mpmath.exp, I, 3, population=10**9, tournament=3), ValueError, "population"),
    (lambda: evolve(mpmath.exp, I, 3, restarts=10**9, **SMALL), ValueError, "restarts"),
    (lambda: evolve(mpmath.exp, I, 3, ops="add", **SMALL), TypeError, "ops"),
    (lambda: evolve(mpmath.exp, I, 3, ops=("pow",), **SMALL), ValueError, "ops"),
    (lambda: evolve(mpmath.exp, I, 3, ops=None, **SMALL), TypeError, "ops"),
    (lambda: evolve(mpmath.exp, I, 3, seed=None, **SMALL), TypeError, "seed"),
    (lambda: evolve(mpmath.exp, I, 3, seed=-1, **SMALL), ValueError, "seed"),
    (lambda: evolve(mpmath.exp, I, 3, seed=2.5, **SMALL), TypeError, "seed"),
    (
        lambda: evolve(mpmath.exp, I, 3, generations=20, population=8, tournament=3, points=1),
        ValueError,
        "points",
    ),
    (lambda: evolve(lambda x: mpmath.nan, I, 3, **SMALL), ValueError, "finite"),
    (lambda: evolve(mpmath.sin, (-1.0, 1.0), 3, **SMALL), ValueError, "f != 0"),
    (lambda: evolve_runs(mpmath.exp, I, 3, [2.5], **SMALL), ValueError, r"seeds\[0\]"),
    (lambda: evolve_runs(mpmath.exp, I, 3, [-1], **SMALL), ValueError, r"seeds\[0\]"),
    (lambda: evolve_runs(mpmath.exp, I, 3, 5, **SMALL), TypeError, "seeds"),
    (lambda: evolve_runs(mpmath.exp, I, 3, [], **SMALL), ValueError, "seeds"),
    (lambda: evolve_runs(mpmath.exp, I, 3, [1], seed=1, **SMALL), TypeError, "seeds"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()
