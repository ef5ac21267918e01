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

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from rederived.experimental.eml import (
    TEMPLATES,
    Levels,
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
    (lambda: LEVELS.tree(2, 0), ValueError, "k"),
    (lambda: LEVELS.tree(3, 99), ValueError, "index"),
    (lambda: LEVELS.tree(3, -1), ValueError, "index"),
    (lambda: LEVELS.tree(3, 0.5), TypeError, "index"),
    (lambda: LEVELS.hits(float("inf")), TypeError, "target"),
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
