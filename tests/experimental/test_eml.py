"""Unit tests of rederived.experimental.eml: notation, evaluation, compilation, enumeration."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from rederived.experimental import eml


def test_notations_round_trip():
    text = "eml(1,eml(eml(1,x),1))"
    tree = eml.parse(text)
    assert eml.to_string(tree) == text
    assert eml.from_rpn(eml.to_rpn(tree)) == tree
    assert eml.to_rpn(tree) == "1 1 x E 1 E E"
    assert eml.size(tree) == 7 and eml.depth(tree) == 3


def test_evaluation_of_the_basic_trees():
    x0 = mpmath.mpf("1.3")
    value_exp = eml.evaluate(eml.parse("eml(x,1)"), 40, x=x0)
    value_log = eml.evaluate(eml.parse("eml(1,eml(eml(1,x),1))"), 40, x=x0)
    with mpmath.workdps(45):
        assert abs(value_exp - mpmath.exp(x0)) < 1e-35
        assert abs(value_log - mpmath.log(x0)) < 1e-35
    assert eml.evaluate(eml.parse(eml.TEMPLATES["zero"])) == 0
    # ln 0 = −∞: eml(1, 0) = +∞
    assert (
        eml.evaluate(eml.substitute(eml.parse("eml(1,y)"), y=eml.parse(eml.TEMPLATES["zero"]))).real
        == mpmath.inf
    )


def test_compiled_expressions_are_exact():
    x, y = sp.symbols("x y")
    for expr in (x * y + 1, x - y, sp.sqrt(x), sp.I * x, sp.cos(x)):
        tree = eml.compile_expression(expr)
        x0, y0 = mpmath.mpf(0.8), mpmath.mpf(1.7)  # the same binary numbers everywhere
        value = eml.evaluate(tree, 40, x=x0, y=y0)
        with mpmath.workdps(45):
            reference = sp.lambdify((x, y), expr, "mpmath")(x0, y0)
            assert abs(value - reference) < 1e-35


def test_enumeration_counts_and_a_shortest_tree():
    levels = eml.enumerate_constants(15)
    assert levels.counts() == {3: 1, 5: 2, 7: 5, 9: 11, 11: 29, 13: 78, 15: 215}
    k, tree = levels.first(0.0)
    assert k == 7 and eml.evaluate(tree) == 0
    assert all(k2 >= k for k2, _ in levels.hits(0.0))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: eml.parse("eml(1,2)"), ValueError, "expected 1, a variable"),
        (lambda: eml.parse("eml(1;1)"), ValueError, "expected ','"),
        (lambda: eml.parse("eml(1,1))"), ValueError, "unexpected text"),
        (lambda: eml.from_rpn("1 E"), ValueError, "two operands"),
        (lambda: eml.from_rpn("1 1"), ValueError, "wrong arity"),
        (lambda: eml.from_rpn("1 2 E"), ValueError, "unknown token"),
        (lambda: eml.size(("1",)), TypeError, "pair"),
        (lambda: eml.evaluate(eml.parse("eml(x,1)")), ValueError, "no value given"),
        (lambda: eml.compile_expression(sp.gamma(sp.Symbol("x"))), ValueError, "cannot compile"),
        (lambda: eml.compile_expression("x"), TypeError, "SymPy"),
        (lambda: eml.enumerate_constants(0), ValueError, "max_size"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_shortest_trees_of_two_and_minus_one_are_the_authors():
    # the author's shortest 2 (Competition.md) and his README's sample −1, found again with the
    # merged trees expanded
    levels = eml.enumerate_constants(19, engine="libc")
    assert eml.to_rpn(levels.shortest(2).tree) == "1 1 1 1 1 1 E E E 1 E E 1 1 E E 1 E E"
    assert eml.to_rpn(levels.shortest(-1).tree) == "1 1 1 1 1 E E E 1 E E 1 1 E 1 E E"
    assert levels.shortest(-2).size is None  # 27 tokens: beyond this enumeration
