"""Typeset results in a chapter: a formula built from TeX and SymPy expressions, shown as
mathematics (MathJax in the book) instead of a Python string; and long names in a table given
places to break."""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["breakable", "formula", "show"]


#: A name shorter than this is never broken (NumPy, SciPy, O(n³) stay whole).
BREAKABLE_LENGTH = 16

_BREAK = re.compile(
    r"(?<=[A-Za-z0-9])[./_](?=[A-Za-z_])"  # after a dot, slash or underscore in a name
    r"|(?<=[A-Za-z]{3})\((?=[A-Za-z])"  # after the parenthesis of a call: f(method=...)
)
_CAMEL = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z]{2})")  # OrthogonalMatching|Pursuit


def breakable(text: str, *, mark: str = "<wbr>", escape: Callable[[str], str] | None = None) -> str:
    """``text`` with ``mark`` (an HTML ``<wbr>``) at the places a long name may break across
    lines: after the dots, slashes and underscores of a path or dotted name, after the
    parenthesis of a call, between the words of a CamelCase name. Only words (runs without
    spaces) of at least BREAKABLE_LENGTH characters get marks, so that a table column need not
    be as wide as its longest name while ordinary words stay whole. ``escape`` is applied to
    the pieces between marks (for text that goes into Markdown or HTML)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    escape = escape or (lambda piece: piece)
    out = []
    for word in re.split(r"(\s+)", text):
        if len(word) < BREAKABLE_LENGTH or word.isspace():
            out.append(escape(word))
            continue
        cuts = sorted(
            {m.end() for m in _BREAK.finditer(word)} | {m.start() for m in _CAMEL.finditer(word)}
        )
        pieces = [word[a:b] for a, b in zip([0, *cuts], [*cuts, len(word)], strict=True)]
        out.append(mark.join(escape(piece) for piece in pieces if piece))
    return "".join(out)


def formula(*parts: object) -> str:
    """The TeX of ``parts`` written one after the other: a ``str`` is TeX as it stands, anything
    else (a SymPy expression, an integer, a fraction) is converted by ``sympy.latex``, with
    ln for the natural logarithm as the book's prose writes it."""
    import sympy as sp

    if not parts:
        raise ValueError("formula needs at least one part")
    return "".join(
        p if isinstance(p, str) else sp.latex(sp.sympify(p), ln_notation=True) for p in parts
    )


def show(*parts: object) -> None:
    """Display :func:`formula` of ``parts`` as a typeset display formula (one per call: keep
    each short enough for a phone's column)."""
    from IPython.display import Math, display

    display(Math(formula(*parts)))
