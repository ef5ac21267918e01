"""Expressions over one binary operator, eml(x, y) = exp(x) − ln(y), and the constant 1.

A tree is ``"1"``, a variable name (``"x"``, ``"y"``), or a pair ``(left, right)`` meaning
eml(left, right). Trees are read from and written to two notations: nested calls,
``eml(1,eml(x,1))``, and reverse Polish notation (RPN) with ``E`` for the operator,
``1 x 1 E E``. The size K of a tree is its RPN length (leaves plus operators).

Evaluation is over the complex numbers with the principal branch of ln (mpmath at any
precision, or NumPy complex128); ln 0 = −∞ and exp(−∞) = 0, as the extended reals give.
``enumerate_constants`` lists the distinct values of variable-free trees size by size, with the
conventions of the author's exhaustive search (real arithmetic, non-finite steps skipped,
values distinct by their float64 bits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Integral, Real

import mpmath
import numpy as np

from rederived._checks import count, digits
from rederived._checks import memory as _memory

__all__ = [
    "TEMPLATES",
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
]

Tree = str | tuple


def parse(text: str) -> Tree:
    """Read nested-call notation, e.g. ``eml(1,eml(x,1))`` (spaces ignored)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    s = "".join(text.split())  # every kind of whitespace
    pos = 0

    def node():
        nonlocal pos
        if s.startswith("eml(", pos):
            pos += 4
            left = node()
            if pos >= len(s) or s[pos] != ",":
                raise ValueError(f"expected ',' at position {pos} of {text!r}")
            pos += 1
            right = node()
            if pos >= len(s) or s[pos] != ")":
                raise ValueError(f"expected ')' at position {pos} of {text!r}")
            pos += 1
            return (left, right)
        end = pos
        while end < len(s) and (s[end].isalnum() or s[end] == "_"):
            end += 1
        leaf = s[pos:end]
        if leaf != "1" and not (leaf.isidentifier() and leaf != "eml"):
            raise ValueError(f"expected 1, a variable or eml(…) at position {pos} of {text!r}")
        pos = end
        return leaf

    if s.count("eml(") > 2**MAX_DEPTH or s.count("(") > MAX_DEPTH * 1000:
        raise ValueError(f"text holds too many eml nodes to be a tree of depth ≤ {MAX_DEPTH}")
    depth_needed = max_nesting = 0
    for ch in s:
        depth_needed += ch == "("
        depth_needed -= ch == ")"
        max_nesting = max(max_nesting, depth_needed)
    if max_nesting > MAX_DEPTH:
        raise ValueError(f"text nests eml deeper than {MAX_DEPTH}")
    tree = node()
    if pos != len(s):
        raise ValueError(f"unexpected text after position {pos} of {text!r}")
    return tree


def from_rpn(text: str) -> Tree:
    """Read RPN with ``E`` for eml, e.g. ``1 1 E`` = eml(1, 1); each E takes two operands."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    stack: list[Tree] = []
    for token in text.split():
        if token == "E":
            if len(stack) < 2:
                raise ValueError(f"eml needs two operands: {text!r} has too few before an E")
            right = stack.pop()
            stack.append((stack.pop(), right))
        elif token == "1" or (token.isidentifier() and token not in RESERVED):
            stack.append(token)
        else:
            raise ValueError(f"unknown token {token!r} in {text!r}")
    if len(stack) != 1:
        raise ValueError(f"{text!r} leaves {len(stack)} values, not one tree (wrong arity)")
    return _check(stack[0])


#: the deepest tree accepted (the recursive walks stay far inside Python's recursion limit)
MAX_DEPTH = 300

#: names a variable leaf may not have: the operator's own, in both notations
RESERVED = ("eml", "E")


def _check(tree: object, level: int = 0) -> Tree:
    if level > MAX_DEPTH:
        raise ValueError(f"tree is deeper than {MAX_DEPTH} eml nodes")
    if isinstance(tree, str):
        if tree != "1" and (not tree.isidentifier() or tree in RESERVED):
            raise ValueError(f"a leaf must be 1 or a variable name (not eml or E), got {tree!r}")
        return tree
    if isinstance(tree, tuple) and len(tree) == 2:
        return (_check(tree[0], level + 1), _check(tree[1], level + 1))
    raise TypeError(f"a tree is a leaf str or a pair (left, right), got {tree!r}")


def to_string(tree: Tree) -> str:
    tree = _check(tree)
    if isinstance(tree, str):
        return tree
    return f"eml({to_string(tree[0])},{to_string(tree[1])})"


def to_rpn(tree: Tree) -> str:
    tree = _check(tree)
    if isinstance(tree, str):
        return tree
    return f"{to_rpn(tree[0])} {to_rpn(tree[1])} E"


def size(tree: Tree) -> int:
    """K: leaves plus eml nodes (the RPN length)."""
    tree = _check(tree)
    return 1 if isinstance(tree, str) else 1 + size(tree[0]) + size(tree[1])


def depth(tree: Tree) -> int:
    """Nesting depth of eml nodes (a leaf has depth 0)."""
    tree = _check(tree)
    return 0 if isinstance(tree, str) else 1 + max(depth(tree[0]), depth(tree[1]))


def evaluate(tree: Tree, dps: int = 50, **values: object) -> mpmath.mpc:
    """The value of the tree with mpmath at ``dps`` digits, variables given as keywords (any
    complex numbers); principal-branch logarithm, ln 0 = −∞.

    An argument of ln whose imaginary part is below 10^(5 − dps) of its real part is taken as
    real: such values are real in exact arithmetic (exp(e − iπ) = −e^e), and rounding π would
    otherwise put them on either side of the branch cut, choosing ln's sign of iπ at random.

    Infinite values are values (ln 0 = −∞, exp(−∞) = 0, +∞ as a result); an undefined one
    (∞ − ∞) is a ValueError naming the node, as is a tower of exponentials beyond mpmath's
    exponent range. A variable cannot be called ``dps`` (the precision's keyword)."""
    tree = _check(tree)
    dps = digits(dps, "dps", 5)
    with mpmath.workdps(dps):
        env = {}
        for k, v in values.items():
            try:
                env[k] = mpmath.mpmathify(v.item() if isinstance(v, np.generic) else v) * 1
            except (TypeError, ValueError):
                raise TypeError(f"{k} must be a number, got {v!r}") from None
            if mpmath.isnan(env[k]):
                raise ValueError(f"{k} must not be NaN")
            env[k] = mpmath.mpc(env[k])
        tiny = mpmath.mpf(10) ** (5 - dps)

        def ev(t):
            if isinstance(t, str):
                if t == "1":
                    return mpmath.mpc(1)
                if t not in env:
                    raise ValueError(f"no value given for the variable {t!r}")
                return env[t]
            a, b = ev(t[0]), ev(t[1])
            if abs(b.imag) <= tiny * abs(b.real):
                b = mpmath.mpc(b.real, 0)  # exactly real in exact arithmetic (see docstring)
            log_b = mpmath.mpf("-inf") if b == 0 else mpmath.log(b)
            if mpmath.isfinite(a) and a.real > 10**5:  # e^a has more than 43 000 digits
                raise ValueError(
                    f"the tree's value overflows: exp of {mpmath.nstr(a.real, 5)} (a tower of "
                    "exponentials; beyond e^(10^5) it is refused)"
                )
            value = mpmath.exp(a) - log_b
            if mpmath.isnan(value):
                raise ValueError(
                    f"the tree's value is undefined: eml({a}, {b}) = exp({a}) − ln({b}) is "
                    "∞ − ∞ (or an infinity times a phase) in the extended complex numbers"
                )
            return value

        try:
            return +ev(tree)
        except OverflowError:
            raise ValueError(
                "the tree's value overflows mpmath's exponent range (a tower of exponentials)"
            ) from None


@dataclass(frozen=True)
class Levels:
    """Result of :func:`enumerate_constants`: for each size K, the distinct values of the trees
    of size K built from the distinct values of the smaller sizes, and how each was built
    (left size, left index, right index), from which :meth:`tree` rebuilds one tree.

    Each distinct float64 value keeps *one* tree (its representative). Trees whose values agree
    in every bit are merged, so an exact tree for a constant can hide behind a near miss with the
    same float64 value, at its own size or inside a larger tree; :meth:`candidates` and
    :meth:`shortest` undo that merging for one target."""

    values: dict[int, np.ndarray]
    parts: dict[int, np.ndarray]  # rows (left size, left index, right index)
    engine: str = "numpy"
    skip_nonfinite: bool = True
    # exp and ln of each size's values (the enumeration's engine), ln's sort order and ln sorted
    _tables: dict = field(default_factory=dict, repr=False, compare=False)

    def counts(self) -> dict[int, int]:
        return {k: len(v) for k, v in self.values.items() if k > 1}

    def tree(self, k: int, index: int) -> Tree:
        """A tree of size ``k`` whose value is ``values[k][index]``."""
        if isinstance(k, bool) or not isinstance(k, Integral) or k not in self.values:
            raise ValueError(f"k must be one of the sizes {sorted(self.values)}, got {k!r}")
        if isinstance(index, bool) or not isinstance(index, Integral):
            raise TypeError(f"index must be an int, got {index!r}")
        if not 0 <= index < len(self.values[k]):
            raise ValueError(
                f"index must be in [0, {len(self.values[k])}) at size {k}, got {index}"
            )
        return self._tree(int(k), int(index))

    def _tree(self, k: int, index: int) -> Tree:
        if k == 1:
            return "1"
        left_size, left, right = (int(v) for v in self.parts[k][index])
        return (self._tree(left_size, left), self._tree(k - 1 - left_size, right))

    def hits(self, target: float, tol: float = 1e-10) -> list[tuple[int, Tree]]:
        """Every (K, tree) whose float64 value is within ``tol`` of ``target`` (relative for
        |target| ≥ 1, absolute below), by increasing K: candidates, to be confirmed at high
        precision."""
        target, tol = _target(target, tol)
        found = []
        for k in sorted(self.values):
            near = np.abs(self.values[k] - target) <= tol * max(1.0, abs(target))
            found += [(k, self._tree(k, int(i))) for i in np.flatnonzero(near)]
        return found

    def first(self, target: float, tol: float = 1e-10) -> tuple[int, Tree] | None:
        """The smallest K at which ``target`` is a value (to ``tol``, as in :meth:`hits`), with a
        tree."""
        target, tol = _target(target, tol)
        for k in sorted(self.values):
            hit = np.flatnonzero(np.abs(self.values[k] - target) <= tol * max(1.0, abs(target)))
            if hit.size:
                return k, self._tree(k, int(hit[0]))
        return None

    def _table(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if k not in self._tables or len(self._tables[k]) < 4:
            if k in self._tables:
                exp_values, log_values = self._tables[k]
            else:
                exp_values, log_values = _exp_log(self.values[k], self.engine)
            order = np.argsort(log_values, kind="stable")
            self._tables[k] = (exp_values, log_values, order, log_values[order])
        return self._tables[k]

    def _pairs(self, k: int, value: float, tol: float) -> list[tuple[int, int, int]]:
        """Every (left size, left index, right index) whose combination, computed as the
        enumeration computes it, is finite and within ``tol`` of ``value`` (relative above 1,
        absolute below; tol 0: the same float64 bits)."""
        scale = max(1.0, abs(value))
        found = []
        for i in range(1, k - 1, 2):
            j = k - 1 - i
            exp_left = self._table(i)[0]
            _, log_right, order, log_sorted = self._table(j)
            with np.errstate(all="ignore"):
                need = exp_left - value  # ln(right) lies near exp(left) − value
                # rounding of the subtraction and of `need` itself: a few units in the last
                # place of the larger of |exp(left)| and |value|
                width = (np.abs(exp_left) + abs(value)) * 4.5e-16 + tol * scale + 1e-300
                lo = np.searchsorted(log_sorted, need - width, "left")
                hi = np.searchsorted(log_sorted, need + width, "right")
            for left in np.flatnonzero(np.isfinite(exp_left) & (hi > lo)):
                rights = order[lo[left] : hi[left]]
                with np.errstate(all="ignore"):
                    out = exp_left[left] - log_right[rights]
                good = np.isfinite(log_right[rights]) & np.isfinite(out)
                if tol == 0:
                    good &= out == value
                else:
                    good &= np.abs(out - value) <= tol * scale
                found += [(i, int(left), int(r)) for r in rights[good]]
        return found

    def candidates(
        self, target: float, k: int, tol: float = 1e-10, limit: int = 10_000
    ) -> list[Tree]:
        """Every tree of size ``k`` whose float64 value, computed by the enumeration's rules,
        is within ``tol`` of ``target`` (as in :meth:`hits`), including the trees merged
        away behind a representative with the same float64 value at any level.

        Raises
        ------
        ValueError
            If there are more than ``limit`` such trees, if ``k`` is not a size of the
            enumeration above 1, or if the enumeration kept non-finite values (its merging is
            then not the author's, and is not undone here).
        """
        target, tol = _target(target, tol)
        k = self._size(k)
        limit = count(limit, "limit")
        if not self.skip_nonfinite:
            raise ValueError("candidates needs an enumeration with skip_nonfinite=True")
        memo: dict[tuple[int, float], list] = {}
        total = [0]

        def trees(size: int, value: float) -> list:
            if size == 1:
                return ["1"] if value == 1.0 else []
            key = (size, value)
            if key not in memo:
                memo[key] = expand(size, self._pairs(size, value, 0.0))
            return memo[key]

        def expand(size: int, pairs: list) -> list:
            out = []
            for i, left, right in pairs:
                j = size - 1 - i
                lefts = trees(i, float(self.values[i][left]))
                rights = trees(j, float(self.values[j][right]))
                total[0] += len(lefts) * len(rights)
                if total[0] > limit:
                    raise ValueError(
                        f"more than limit = {limit} trees to expand for target {target} at size "
                        f"{k}: raise limit"
                    )
                out += [(a, b) for a in lefts for b in rights]
            return out

        return expand(k, self._pairs(k, target, tol))

    def shortest(
        self, target: object, tol: float = 1e-10, dps: int = 250, limit: int = 10_000
    ) -> Shortest:
        """The smallest size at which an exact tree for ``target`` exists, searching every
        candidate (:meth:`candidates`) size by size and confirming each at ``dps`` digits
        (exact: within 10^(−0.8·dps) of the target; a screen, not a proof: confirm the tree
        found symbolically). ``target`` is an int, a Fraction, a real SymPy number (``sp.E``,
        ``sp.pi/4``) or a float, taken as its exact binary value (so ``math.e`` is *not* e).
        Stops at the first size with an exact tree; a :class:`Shortest` with ``size`` None if
        no size up to the largest has one."""
        dps = digits(dps, "dps", 30)
        symbolic = getattr(target, "is_number", False) and getattr(target, "is_real", False)
        if symbolic or isinstance(target, Fraction):
            try:
                as_float = float(target)
            except OverflowError:
                raise ValueError(
                    f"target must be a finite float64 number, got {target!r}"
                ) from None
            value, tol = _target(as_float, tol)
        else:
            value, tol = _target(target, tol)
        examined, misses = {}, []
        with mpmath.workdps(dps):
            if isinstance(target, Fraction):
                goal = mpmath.mpf(target.numerator) / target.denominator
            elif symbolic:
                goal = mpmath.mpf(target.evalf(dps + 10))
            else:
                goal = (
                    mpmath.mpf(int(target)) if isinstance(target, Integral) else mpmath.mpf(value)
                )
            threshold = mpmath.mpf(10) ** (-int(0.8 * dps))
            for k in sorted(self.values):
                if k == 1:
                    continue
                found = self.candidates(value, k, tol, limit)
                examined[k] = len(found)
                for tree in found:
                    try:
                        distance = abs(evaluate(tree, dps) - goal)
                    except ValueError:  # beyond mpmath's range: not confirmed either way
                        distance = mpmath.inf
                    if distance < threshold:
                        return Shortest(k, tree, examined, misses)
                    misses.append((k, tree, distance))
        return Shortest(None, None, examined, misses)

    def _size(self, k: object) -> int:
        if isinstance(k, bool) or not isinstance(k, Integral):
            raise TypeError(f"k must be an int, got {k!r}")
        if k not in self.values or k == 1:
            raise ValueError(f"k must be one of the sizes {sorted(self.values)[1:]}, got {k!r}")
        return int(k)


@dataclass(frozen=True)
class Shortest:
    """Result of :meth:`Levels.shortest`: the smallest size with an exact tree (None if none up
    to the enumeration's largest), that tree, how many candidate trees were examined at each
    size, and the near misses met on the way (size, tree, distance at the working precision)."""

    size: int | None
    tree: Tree | None
    examined: dict[int, int]
    near_misses: list[tuple[int, Tree, mpmath.mpf]]


def _target(target: object, tol: object) -> tuple[float, float]:
    """A finite real target and a tolerance in [0, 1): relative above |target| = 1, absolute
    below it (so that 0 can be found)."""
    if isinstance(target, bool) or not isinstance(target, Real):
        raise TypeError(f"target must be a finite real number, got {target!r}")
    try:
        finite = math.isfinite(float(target))
    except OverflowError:
        finite = False
    if not finite:
        raise ValueError(f"target must be a finite float64 number, got {target!r}")
    if isinstance(tol, bool) or not isinstance(tol, Real) or not 0 <= tol < 1:
        raise ValueError(f"tol must be a real number in [0, 1), got {tol!r}")
    return float(target), float(tol)


def _exp_log(values: np.ndarray, engine: str) -> tuple[np.ndarray, np.ndarray]:
    if engine == "libc":
        return _libc_exp_log(values)
    with np.errstate(all="ignore"):
        return np.exp(values), np.log(values)


def _libc_exp_log(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """exp and ln of every value with the C library's functions (Python's ``math``): overflow
    gives inf, ln 0 gives −inf, ln of a negative number NaN, as NumPy's would."""
    exp_values, log_values = np.empty_like(values), np.empty_like(values)
    for i, v in enumerate(values.tolist()):
        try:
            exp_values[i] = math.exp(v)
        except OverflowError:
            exp_values[i] = math.inf
        log_values[i] = math.log(v) if v > 0 else (-math.inf if v == 0 else math.nan)
    return exp_values, log_values


def enumerate_constants(
    max_size: int,
    *,
    engine: str = "numpy",
    skip_nonfinite: bool = True,
    max_bytes: float | None = None,
) -> Levels:
    """The distinct real values of variable-free trees of each odd size K ≤ ``max_size``.

    The author's search engine's conventions: real float64 arithmetic; a combination is
    skipped when exp(left) or ln(right) is not finite (so ln 0 and ln of a negative number are
    excluded) or the result is not finite; the operands of size i are the distinct values of
    size i; values are distinct when their float64 bits differ (no tolerance).

    Parameters
    ----------
    max_size : int
        Largest tree size, ≥ 1 (sizes are odd; 31 takes about a second and 1.9 million values).
    engine : {"numpy", "libc"}
        Whose exp and ln: NumPy's vectorised ones, or the C library's (as a C program's search
        would call them; one Python call per distinct value). Values distinct by their last bit
        make the counts depend on it.
    skip_nonfinite : bool
        False keeps infinite and NaN results as values instead of skipping them: *not* the
        author's convention (a decoy that shows the counts depend on it).
    max_bytes : float, optional
        Memory allowed (default: the package's limit, 2 GiB, or ``REDERIVED_MAX_BYTES``); the
        enumeration to 35 needs about 1.9 GB, to 37 about 5.3 GB.
    """
    max_size = count(max_size, "max_size")
    if engine not in ("numpy", "libc"):
        raise ValueError(f"engine must be 'numpy' or 'libc', got {engine!r}")
    if max_size > 41:  # the counts triple every two tokens: 41 would hold ~10⁸ values
        raise ValueError(f"max_size must be at most 41 (memory), got {max_size}")
    if not isinstance(skip_nonfinite, bool | np.bool_):
        raise TypeError(f"skip_nonfinite must be a bool, got {skip_nonfinite!r}")
    # measured peak: 0.62 GB at size 33, growing about 2.8-fold per two tokens
    _memory(0.62e9 * 2.8 ** ((max_size - 33) / 2), f"the enumeration to size {max_size}", max_bytes)
    values: dict[int, np.ndarray] = {1: np.array([1.0])}
    parts: dict[int, np.ndarray] = {1: np.zeros((1, 3), dtype=np.int64)}
    exp_log: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def transcendental(level: int) -> tuple[np.ndarray, np.ndarray]:
        if level not in exp_log:
            exp_log[level] = _exp_log(values[level], engine)
        return exp_log[level]

    keep = np.isfinite if skip_nonfinite else (lambda a: np.ones(a.shape, dtype=bool))
    for k in range(3, max_size + 1, 2):
        found, built = [], []
        for i in range(1, k - 1, 2):
            j = k - 1 - i
            exp_left, log_right = transcendental(i)[0], transcendental(j)[1]
            left, right = np.flatnonzero(keep(exp_left)), np.flatnonzero(keep(log_right))
            with np.errstate(all="ignore"):
                out = exp_left[left][:, None] - log_right[right][None, :]
            li, ri = np.nonzero(keep(out))
            found.append(out[li, ri])
            built.append(np.column_stack([np.full(li.size, i), left[li], right[ri]]))
        candidates = np.concatenate(found)
        unique, first = np.unique(candidates, return_index=True)
        values[k] = unique
        parts[k] = np.concatenate(built)[first]
    # the exp and ln already computed serve Levels.candidates (with skip_nonfinite only: they
    # are the same arrays)
    return Levels(values, parts, engine, skip_nonfinite, dict(exp_log) if skip_nonfinite else {})


def substitute(tree: Tree, **subtrees: Tree) -> Tree:
    """The tree with each named variable leaf replaced by the given subtree."""
    tree = _check(tree)
    subtrees = {name: _check(sub) for name, sub in subtrees.items()}
    return _check(_substitute(tree, subtrees))


def _substitute(tree: Tree, subtrees: dict) -> Tree:
    if isinstance(tree, str):
        return subtrees.get(tree, tree)
    return (_substitute(tree[0], subtrees), _substitute(tree[1], subtrees))


# The building blocks of the paper's Fig. 2 (x, y are the operands), and constants from the
# author's compiler.
TEMPLATES = {
    "exp": "eml(x,1)",
    "log": "eml(1,eml(eml(1,x),1))",
    "neg": "eml(eml(1,eml(1,eml(1,eml(eml(1,1),1)))),eml(x,1))",
    "inv": "eml(eml(eml(1,eml(1,eml(1,eml(eml(1,1),1)))),x),1)",
    "mul": "eml(eml(1,eml(eml(eml(1,eml(eml(1,eml(1,x)),1)),eml(1,eml(eml(1,eml(y,1)),1))),1)),1)",
    "add": "eml(eml(1,eml(eml(1,x),1)),"
    "eml(eml(eml(1,eml(eml(1,eml(1,eml(eml(1,1),1))),1)),eml(y,1)),1))",
    "zero": "eml(1,eml(eml(1,1),1))",
}


#: the largest integer :func:`compile_expression` builds (by repeated addition)
MAX_INTEGER = 64


def compile_expression(expr: object) -> Tree:
    """A pure eml tree for a SymPy expression built from symbols, integers, rationals, +, ×,
    powers with rational exponents, exp, log, sin, cos and I, by composing the templates
    (unoptimised: sizes grow fast). Powers a^b become exp(b ln a); sin and cos go through
    exp(±i x) with i = exp(ln(−1)/2).

    Branches: the log template is the principal ln off the negative real axis; on it (x < 0)
    it gives ln|x| − iπ, the other side of the cut, so that log, roots and real powers of
    negative numbers come out as the complex conjugates of SymPy's principal values. Integers
    are limited to ±``MAX_INTEGER`` and the tree to ``MAX_DEPTH`` levels."""
    import sympy as sp

    blocks = {name: parse(text) for name, text in TEMPLATES.items()}

    def op(name, a, b=None):
        return substitute(blocks[name], x=a) if b is None else substitute(blocks[name], x=a, y=b)

    def integer(n):
        if abs(n) > MAX_INTEGER:
            raise ValueError(
                f"expr holds the integer {n}: beyond ±{MAX_INTEGER} its tree (built by repeated "
                "addition) is too large"
            )
        if n == 0:
            return blocks["zero"]
        if n < 0:
            return op("neg", integer(-n))
        tree = "1"
        for _ in range(n - 1):  # 1 + 1 + … (unoptimised)
            tree = op("add", tree, "1")
        return tree

    def build(e):
        if e.is_Symbol:
            if not e.name.isidentifier() or e.name in RESERVED:
                raise ValueError(
                    f"symbol names must be identifiers other than eml and E, got {e.name!r}"
                )
            return e.name
        if e.is_Integer:
            return integer(int(e))
        if e.is_Rational:
            return op("mul", integer(int(e.p)), op("inv", integer(int(e.q))))
        if e == sp.I:
            # the ln template maps −1 to −iπ (its inner exp(e − iπ) = −e^e lies on the cut,
            # where the principal ln adds +iπ), so exp(ln(−1)/2) is −i: negate it
            half_log = op("mul", op("inv", integer(2)), op("log", integer(-1)))
            return op("neg", op("exp", half_log))
        if e == sp.E:
            return ("1", "1")
        if isinstance(e, sp.Add):
            terms = [build(t) for t in e.args]
        elif isinstance(e, sp.Mul):
            factors = [build(t) for t in e.args]
            tree = factors[0]
            for f in factors[1:]:
                tree = op("mul", tree, f)
            return tree
        elif isinstance(e, sp.Pow):
            base, power = e.args
            if power == -1:
                return op("inv", build(base))
            return op("exp", op("mul", build(power), op("log", build(base))))
        elif isinstance(e, sp.exp):
            return op("exp", build(e.args[0]))
        elif isinstance(e, sp.log):
            return op("log", build(e.args[0]))
        elif isinstance(e, sp.sin):
            x = e.args[0]
            return build((sp.exp(sp.I * x) - sp.exp(-sp.I * x)) / (2 * sp.I))
        elif isinstance(e, sp.cos):
            x = e.args[0]
            return build((sp.exp(sp.I * x) + sp.exp(-sp.I * x)) / 2)
        else:
            raise ValueError(f"cannot compile {e!r} (type {type(e).__name__})")
        tree = terms[0]
        for t in terms[1:]:
            tree = op("add", tree, t)
        return tree

    if not isinstance(expr, sp.Basic):
        raise TypeError(f"expr must be a SymPy expression, got {type(expr).__name__}")
    return _check(build(expr))


# --------------------------------------------------------------------------- the stored sweep

#: the constants whose shortest trees the author reports (Competition.md; −1: the README's
#: sample, not stated to be shortest), searched by :data:`CONSTANTS_SWEEP`
SHORTEST_TARGETS = ("2", "-2", "-1", "1/2")

#: the author's shortest tree for 1/2 (37 tokens; Competition.md)
AUTHOR_HALF = "1 1 1 E 1 E E 1 1 1 1 1 E 1 1 E 1 E E E 1 E E 1 1 E 1 E 1 E E 1 E E E 1 E"


def constants_run(item: dict) -> dict:
    """One enumeration of :data:`CONSTANTS_SWEEP`: the counts of distinct constants per size
    (the C library's exp and ln) and, for each target, the shortest exact tree with the
    candidates examined and the near misses met (log10 of their distance at 250 digits)."""
    levels = enumerate_constants(int(item["max_size"]), engine="libc", max_bytes=8e9)
    shortest = {}
    for name in item["targets"]:
        target = Fraction(name)
        found = levels.shortest(target)
        # the plain search: one tree per float64 value (the representatives), confirmed the
        # same way; merged trees stay hidden
        plain = None
        with mpmath.workdps(250):
            goal = mpmath.mpf(target.numerator) / target.denominator
            for k, tree in levels.hits(float(target)):
                if abs(evaluate(tree, 250) - goal) < mpmath.mpf(10) ** -200:
                    plain = k
                    break
        shortest[name] = {
            "size": found.size,
            "tree": None if found.tree is None else to_rpn(found.tree),
            "plain_size": plain,
            "examined": {str(k): n for k, n in found.examined.items() if n},
            "near_misses": [
                [k, to_rpn(tree), round(float(mpmath.log10(d)), 3) if d > 0 else None]
                for k, tree, d in found.near_misses
            ],
        }
    # the control of the 1/2 claim: does the same expand-and-confirm search reach the author's
    # own tree, and at which size?
    author = None
    with mpmath.workdps(250):
        for k in sorted(levels.values):
            if k > 1 and k >= size(from_rpn(AUTHOR_HALF)):
                found = [to_rpn(t) for t in levels.candidates(0.5, k)]
                if AUTHOR_HALF in found:
                    exact = abs(evaluate(from_rpn(AUTHOR_HALF), 250) - mpmath.mpf(1) / 2)
                    author = k if exact < mpmath.mpf(10) ** -200 else None
                    break
    return {
        "counts": {str(k): n for k, n in levels.counts().items()},
        "shortest": shortest,
        "author_half_found_at": author,
    }


def constants_spot_item(item: dict) -> dict:
    """The same enumeration stopped at size 33 (about 6 s and 0.7 GB): a prefix of the stored
    one that covers every size below the shortest tree for 1/2 (35)."""
    return {**item, "max_size": min(33, int(item["max_size"]))}


def constants_spot_compare(fresh: dict, stored: dict) -> bool:
    """Whether an enumeration stopped early agrees with the stored one on every size it
    reached: the counts, and each target's shortest tree, candidates and near misses."""
    top = max(int(k) for k in fresh["counts"])
    if any(fresh["counts"][k] != stored["counts"][k] for k in fresh["counts"]):
        return False
    for name, got in fresh["shortest"].items():
        want = stored["shortest"][name]
        if want["size"] is not None and want["size"] <= top:
            if (got["size"], got["tree"]) != (want["size"], want["tree"]):
                return False
        elif got["size"] is not None:
            return False
        plain = want["plain_size"] if (want["plain_size"] or top + 1) <= top else None
        if got["plain_size"] != plain:
            return False
        if got["examined"] != {k: n for k, n in want["examined"].items() if int(k) <= top}:
            return False
        if got["near_misses"] != [m for m in want["near_misses"] if m[0] <= top]:
            return False
    author = stored.get("author_half_found_at")
    return fresh.get("author_half_found_at") == (
        author if author is not None and author <= top else None
    )


def _constants_items(params) -> list[dict]:
    return [{"max_size": int(params["max_size"]), "targets": list(SHORTEST_TARGETS)}]


def _make_constants_sweep():
    from rederived.sweep import Sweep

    return Sweep(
        name="eml-constants",
        chapter="experimental/eml-operator",
        description="the exhaustive enumeration of constant trees with the C library's exp and "
        "ln, and the shortest exact tree of each published constant.",
        scales={
            # deterministic: one enumeration, no random choices (seed None)
            "paper": {"max_size": 37, "seed": None},  # the author's 1/2 at 37 tokens; 5.3 GB
            "book": {"max_size": 31, "seed": None},
        },
        items=_constants_items,
        run_item=constants_run,
        spot_item=constants_spot_item,
        spot_compare=constants_spot_compare,
    )


CONSTANTS_SWEEP = _make_constants_sweep()
