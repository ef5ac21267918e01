"""Unit tests of rederived.approximation.evolution: seeded search, parallel runs, bad input."""

from __future__ import annotations

import itertools

import mpmath
import pytest

from rederived.approximation.evolution import evolve, evolve_runs

EXP_I = (-0.34657359027997264, 0.34657359027997264)  # ±ln(2)/2


def test_evolve_is_seeded_and_finds_a_rational():
    a = evolve(mpmath.exp, EXP_I, 5, generations=300, population=30, tournament=5, seed=3)
    b = evolve(mpmath.exp, EXP_I, 5, generations=300, population=30, tournament=5, seed=3)
    assert str(a.best) == str(b.best) and a.history == b.history
    assert a.best.operations <= 5 and a.evaluated == 330
    assert all(h1 >= h2 for h1, h2 in itertools.pairwise(a.history))  # best never worsens
    # beats the best constant and the best line (~3e-2) by an order of magnitude
    assert a.error < 3e-3
    # fitness is measured on 64 training points; the dense 2001-point maximum can only be
    # larger, and for a fitted rational not by much
    dense = a.best.max_error(mpmath.exp, EXP_I)
    assert a.error <= dense * (1 + 1e-12) and dense < 1.5 * a.error
    assert min(a.front) >= 1 and max(a.front) <= 5


def test_runs_on_two_processes_equal_the_runs_in_turn():
    options = dict(generations=60, population=12, tournament=3)
    forked = evolve_runs(mpmath.exp, EXP_I, 4, [1, 2, 3], workers=2, **options)
    in_turn = [evolve(mpmath.exp, EXP_I, 4, seed=s, **options) for s in (1, 2, 3)]
    assert [(str(r.best), r.history, r.evaluated) for r in forked] == [
        (str(r.best), r.history, r.evaluated) for r in in_turn
    ]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: evolve(mpmath.exp, EXP_I, 0), ValueError, "max_operations"),
        (lambda: evolve_runs(mpmath.exp, EXP_I, 3, []), ValueError, "seeds"),
        (lambda: evolve_runs(mpmath.exp, EXP_I, 3, [1], seed=2), TypeError, "seeds="),
        (lambda: evolve_runs(mpmath.exp, EXP_I, 3, [1], workers=0), ValueError, "workers"),
        (lambda: evolve(mpmath.exp, EXP_I, 3, ops=("add", "sqrt")), ValueError, "ops"),
        (lambda: evolve(mpmath.exp, EXP_I, 3, tournament=100), ValueError, "tournament"),
        (lambda: evolve(mpmath.exp, (1, 0), 3), ValueError, "a < b"),
    ],
)
def test_evolution_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_search_run_targets_exp_by_default_and_log2_on_request():
    from rederived.approximation.evolution import LOG2_INTERVAL, search_run

    item = {"seed": 3, "budget": 5, "generations": 40, "population": 12, "tournament": 3}
    exp_run = search_run(item)
    assert search_run({**item, "target": "exp"}) == exp_run  # the default is exp
    log2_run = search_run({**item, "target": "log2"})
    assert log2_run != exp_run
    # every recorded program's training error is its absolute error against log2 on [1, 2]
    from rederived.approximation.programs import Program

    for record in log2_run["front"].values():
        program = Program(record["constants"], record["instructions"])
        measured = program.max_error(lambda x: mpmath.log(x, 2), LOG2_INTERVAL, relative=False)
        assert measured >= 0.99 * record["error"]  # at least the error on the training points


def test_search_run_rejects_an_unknown_target():
    from rederived.approximation.evolution import search_run

    item = {"seed": 1, "budget": 3, "generations": 5, "population": 4, "tournament": 2}
    with pytest.raises(ValueError, match="target"):
        search_run({**item, "target": "sin"})
