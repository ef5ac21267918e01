"""Typeset results in a chapter: a formula built from TeX and SymPy expressions, shown as
mathematics (MathJax in the book) instead of a Python string."""

from __future__ import annotations

__all__ = ["formula", "show"]


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
