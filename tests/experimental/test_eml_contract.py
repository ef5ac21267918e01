"""Contract of rederived.experimental.eml, on its whole domain (Hypothesis).

Domain: trees are "1", variable names (identifiers other than eml and E), or pairs of trees, at
most MAX_DEPTH deep; texts in the two notations (any whitespace ignored); variable values any
numbers but NaN (±∞ included: the extended reals); dps in [5, 10⁵]; enumeration sizes up to the
memory budget; targets finite reals, tolerances in [0, 1). Results: the two notations and the
tree agree (round trips), evaluation agrees with the enumeration's float64 values, infinite
values are values (ln 0 = −∞), undefined ones (∞ − ∞) are refused; or a ValueError/TypeError
naming the argument.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.experimental.eml import (
    TEMPLATES,
    Levels,
    Shortest,
    compile_expression,
    depth,
    enumerate_constants,
    evaluate,
    from_rpn,
    parse,
    size,
    substitute,
    to_rpn,
    to_string,
)

COVERS = (
    "Levels",
    "Shortest",
    "compile_expression",
    "depth",
    "enumerate_constants",
    "evaluate",
    "from_rpn",
    "parse",
    "size",
    "substitute",
    "to_rpn",
    "to_string",
)

trees = st.recursive(
    st.sampled_from(["1", "x", "y"]), lambda inner: st.tuples(inner, inner), max_leaves=12
)
LEVELS = enumerate_constants(9)
# every variable-free tree to size 13 (1 + 1 + 2 + 5 + 14 + 42 + 132 shapes), with its float64
# value by the enumeration's rules for each engine (non-finite steps drop the tree): the oracle
# that the merging of equal values is undone against
SMALL = {engine: enumerate_constants(13, engine=engine) for engine in ("numpy", "libc")}


def _all_trees(k):
    if k == 1:
        return ["1"]
    return [
        (a, b) for i in range(1, k - 1, 2) for a in _all_trees(i) for b in _all_trees(k - 1 - i)
    ]


def _float_value(tree, engine):
    if tree == "1":
        return 1.0
    a, b = _float_value(tree[0], engine), _float_value(tree[1], engine)
    if a is None or b is None:
        return None
    if engine == "libc":
        try:
            ea = math.exp(a)
        except OverflowError:
            return None
        lb = math.log(b) if b > 0 else None
    else:
        with np.errstate(all="ignore"):
            ea, lb = float(np.exp(a)), float(np.log(b))
    if lb is None or not (math.isfinite(ea) and math.isfinite(lb) and math.isfinite(ea - lb)):
        return None
    return ea - lb


ORACLE = {
    engine: {
        k: [(t, v) for t in _all_trees(k) if (v := _float_value(t, engine)) is not None]
        for k in range(3, 14, 2)
    }
    for engine in SMALL
}


@given(trees)
def test_notations_round_trip(tree):
    assert parse(to_string(tree)) == tree
    assert from_rpn(to_rpn(tree)) == tree
    assert size(tree) == len(to_rpn(tree).split())
    assert depth(tree) < size(tree)
    assert parse("\t" + to_string(tree).replace(",", " ,\n")) == tree


@settings(max_examples=max(5, settings.default.max_examples // 2))
@given(st.sampled_from([3, 5, 7, 9]), st.data())
def test_evaluation_agrees_with_the_enumeration(k, data):
    index = data.draw(st.integers(0, len(LEVELS.values[k]) - 1))
    tree = LEVELS.tree(k, index)
    assert size(tree) == k
    value = evaluate(tree, dps=30)
    assert abs(complex(value).real - LEVELS.values[k][index]) <= 1e-12 * max(
        1, abs(LEVELS.values[k][index])
    )
    assert LEVELS.first(float(LEVELS.values[k][index])) is not None


@given(st.sampled_from(["numpy", "libc"]), st.sampled_from([3, 5, 7, 9, 11, 13]), st.data())
def test_candidates_are_every_tree_near_the_target(engine, k, data):
    """Against the oracle of all trees: candidates lists every tree of size k within tol of the
    target, the ones merged behind an equal float64 value included, and nothing else."""
    pool = ORACLE[engine][k]
    _, near = data.draw(st.sampled_from(pool))
    target = data.draw(st.sampled_from([near, near + 1e-13, near * (1 + 1e-9), near + 0.5]))
    tol = data.draw(st.sampled_from([0.0, 1e-12, 1e-10, 1e-3]))
    if not math.isfinite(target):
        return
    found = SMALL[engine].candidates(target, k, tol)
    scale = max(1.0, abs(target))
    expected = [t for t, v in pool if (v == target if tol == 0 else abs(v - target) <= tol * scale)]
    assert sorted(map(to_rpn, found)) == sorted(map(to_rpn, expected))
    # the kept trees alone (hits) can miss merged ones, never hold more
    kept = [t for size_, t in SMALL[engine].hits(target, tol) if size_ == k] if tol else []
    assert len(kept) <= len(found)


def test_candidates_undo_merging():
    """At size 13 several trees share one float64 value; candidates returns all of them."""
    values = [v for _, v in ORACLE["libc"][13]]
    shared = max(set(values), key=values.count)
    assert values.count(shared) >= 2  # the oracle does hold merged trees
    assert len(SMALL["libc"].candidates(shared, 13, 0.0)) == values.count(shared)


@given(st.sampled_from([0, 1, -1, Fraction(1, 2), 2, math.e, sp.E - 1, sp.exp(sp.E), 0.25]))
def test_shortest_is_the_smallest_exact_candidate(target):
    levels = SMALL["libc"]
    found = levels.shortest(target, dps=60)
    assert isinstance(found, Shortest)
    with mpmath.workdps(80):
        exact = mpmath.mpf(
            sp.nsimplify(target).evalf(80) if not isinstance(target, float) else target
        )
    value = float(target)
    for k in sorted(found.examined):
        assert found.examined[k] == len(levels.candidates(value, k))
    sizes_examined = sorted(found.examined)
    if found.size is None:
        assert sizes_examined == sorted(k for k in levels.values if k > 1)
    else:
        assert sizes_examined[-1] == found.size and size(found.tree) == found.size
        assert abs(evaluate(found.tree, 60) - exact) < mpmath.mpf(10) ** -45
    for k, _tree, distance in found.near_misses:
        assert k <= (found.size or 99) and distance >= mpmath.mpf(10) ** -48


def test_shortest_finds_small_constants_at_their_sizes():
    # e = eml(1, 1); 0 = e − ln e^e = eml(1, eml(eml(1, 1), 1)), the author's zero; 1 is a leaf,
    # and as a tree 1 = e − ln e^(e−1) = eml(1, eml(eml(1, eml(1, 1)), 1)): no size-5 or -7 tree
    # (e − 1 and e^e at 5; 0, e^(e−1), e^(e^e), e − e and e − ln(e^e) at 7) gives it
    levels = SMALL["libc"]
    assert levels.shortest(sp.E).size == 3
    assert levels.shortest(math.e).size is None  # a float is its binary value, not e
    assert levels.shortest(0).tree == parse("eml(1,eml(eml(1,1),1))")
    assert levels.shortest(1).tree == parse("eml(1,eml(eml(1,eml(1,1)),1))")


@given(trees)
def test_substitution_commutes_with_evaluation(tree):
    replaced = substitute(tree, x=("1", "1"), y="1")  # x ↦ e, y ↦ 1
    try:
        direct = evaluate(tree, dps=30, x=mpmath.e, y=1)
    except ValueError:  # undefined (∞ − ∞) or a refused tower: the substituted tree agrees
        with pytest.raises(ValueError, match=r"undefined|overflows"):
            evaluate(replaced, dps=30)
        return
    assert evaluate(replaced, dps=30) == direct or abs(evaluate(replaced, dps=30) - direct) < 1e-20


@given(
    st.sampled_from(["exp", "log", "mul", "add", "neg", "inv"]),
    st.floats(0.3, 3),
    st.floats(0.3, 3),
)
def test_templates_compute_their_operations(name, a, b):
    with mpmath.workdps(40):  # the expected values in mpmath too (a + b in floats rounds)
        value = evaluate(parse(TEMPLATES[name]), dps=40, x=a, y=b)
        x, y = mpmath.mpf(a), mpmath.mpf(b)
        expected = {
            "exp": mpmath.exp(x),
            "log": mpmath.log(x),
            "mul": x * y,
            "add": x + y,
            "neg": -x,
            "inv": 1 / x,
        }[name]
        assert abs(value - expected) < 1e-25 * max(1, abs(expected))


@given(st.integers(-5, 5), st.integers(1, 4))
def test_compiled_rationals_evaluate_to_themselves(p, q):
    tree = compile_expression(sp.Rational(p, q))
    assert abs(complex(evaluate(tree, dps=40)) - p / q) < 1e-25


BAD = [
    (lambda: parse(5), TypeError, "text"),
    (lambda: parse("eml(1,)"), ValueError, "position"),
    (lambda: parse("eml(1,1))"), ValueError, "after position"),
    (lambda: parse("eml"), ValueError, "position"),
    (lambda: parse("eml(" * 400 + "1,1" + ")" * 400), ValueError, "deeper"),
    (lambda: from_rpn("1 E"), ValueError, "operands"),
    (lambda: from_rpn("1 1"), ValueError, "arity"),
    (lambda: from_rpn("1 eml E"), ValueError, "token"),
    (lambda: from_rpn("1 E E"), ValueError, "operands"),
    (lambda: to_string(("eml", "1")), ValueError, "leaf"),
    (lambda: to_rpn(("E", "1")), ValueError, "leaf"),
    (lambda: size(("1", "1", "1")), TypeError, "tree"),
    (lambda: depth(None), TypeError, "tree"),
    (lambda: substitute(("x", "1"), x=None), TypeError, "tree"),
    (lambda: substitute(("x", "1"), x="2"), ValueError, "leaf"),
    (lambda: evaluate(("x", "1")), ValueError, "no value"),
    (lambda: evaluate(("x", "1"), x=None), TypeError, "x"),
    (lambda: evaluate(("x", "1"), x="abc"), TypeError, "x"),
    (lambda: evaluate(("x", "1"), x=mpmath.nan), ValueError, "x"),
    (lambda: evaluate((("1", "y"), (("1", "y"), "1")), y=0), ValueError, "undefined"),
    (lambda: evaluate("1", dps=10**9), ValueError, "dps"),
    (lambda: evaluate("1", dps=2), ValueError, "dps"),
    (lambda: evaluate(((((("1", "1"), "1"), "1"), "1"), "1")), ValueError, "tower"),
    (lambda: enumerate_constants(0), ValueError, "max_size"),
    (lambda: enumerate_constants(43), ValueError, "max_size"),
    (lambda: enumerate_constants(39), ValueError, "GiB"),
    (lambda: enumerate_constants(5, engine="c"), ValueError, "engine"),
    (lambda: enumerate_constants(5, skip_nonfinite="no"), TypeError, "skip_nonfinite"),
    (lambda: enumerate_constants(33, max_bytes=1e6), ValueError, "GiB"),
    (lambda: enumerate_constants(5, max_bytes=-1), ValueError, "max_bytes"),
    (lambda: LEVELS.candidates(1.0, 2), ValueError, "k"),
    (lambda: LEVELS.candidates(1.0, 11), ValueError, "k"),
    (lambda: LEVELS.candidates(1.0, 3.0), TypeError, "k"),
    (lambda: LEVELS.candidates(1.0, 1), ValueError, "k"),
    (lambda: LEVELS.candidates(float("nan"), 3), ValueError, "target"),
    (lambda: LEVELS.candidates(1.0, 5, tol=1.5), ValueError, "tol"),
    (lambda: LEVELS.candidates(1.0, 5, limit=0), ValueError, "limit"),
    (lambda: SMALL["libc"].candidates(0.0, 13, 0.9, limit=3), ValueError, "limit"),
    (
        lambda: enumerate_constants(5, skip_nonfinite=False).candidates(1.0, 5),
        ValueError,
        "skip_nonfinite",
    ),
    (lambda: LEVELS.shortest(0.5, dps=10), ValueError, "dps"),
    (lambda: LEVELS.shortest("1/2"), TypeError, "target"),
    (lambda: LEVELS.shortest(float("inf")), ValueError, "target"),
    (lambda: LEVELS.shortest(Fraction(10**400)), ValueError, "target"),
    (lambda: LEVELS.tree(2, 0), ValueError, "k"),
    (lambda: LEVELS.tree(3, 99), ValueError, "index"),
    (lambda: LEVELS.tree(3, -1), ValueError, "index"),
    (lambda: LEVELS.tree(3, 0.5), TypeError, "index"),
    (lambda: LEVELS.hits(float("inf")), ValueError, "target"),
    (lambda: LEVELS.hits(10**400), ValueError, "target"),
    (lambda: LEVELS.hits("e"), TypeError, "target"),
    (lambda: LEVELS.first(1.0, tol=-1), ValueError, "tol"),
    (lambda: LEVELS.first(1.0, tol=float("nan")), ValueError, "tol"),
    (lambda: compile_expression(1), TypeError, "expr"),
    (lambda: compile_expression(sp.Integer(10**6)), ValueError, "integer"),
    (lambda: compile_expression(sp.Symbol("1") + 1), ValueError, "symbol"),
    (lambda: compile_expression(sp.tan(sp.Symbol("x"))), ValueError, "cannot compile"),
]


@pytest.mark.parametrize(("call", "error", "names"), BAD)
def test_bad_input_is_refused_naming_the_argument(call, error, names):
    with pytest.raises(error, match=names):
        call()


def test_infinite_values_are_values():
    assert evaluate(("1", "y"), y=0) == mpmath.inf  # e − ln 0
    assert isinstance(LEVELS, Levels)
