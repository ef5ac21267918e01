"""The chapters' code fits the page: no line of a code cell a reader sees is longer than the
column holds at 1400 px without a sideways scroll (the browser check measures the rendered
page; this check names the line in the source, and runs without a browser)."""

from __future__ import annotations

import jupytext
import pytest

from rederived.book.chapters import find_chapters

# 13-px code (rederived.css): 88 characters fit the column, 84 in a folded solution's box
LINE = 88
SOLUTION_LINE = 84

CHAPTERS = find_chapters()


def _shown_code_cells(nb):
    """(index, source, limit) of each code cell a reader can see (folded cells included; the
    hidden setup cells are not shown), with the limit of the box it is shown in."""
    in_solution = False
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            text = cell.source
            if "{solution-start}" in text:
                in_solution = True
            if "{solution-end}" in text:
                in_solution = False
            continue
        if cell.cell_type != "code" or "remove-cell" in cell.metadata.get("tags", []):
            continue
        yield i, cell.source, SOLUTION_LINE if in_solution else LINE


def test_the_check_sees_the_chapters_and_their_solutions():
    assert len(CHAPTERS) >= 30
    limits = {limit for c in CHAPTERS for _, _, limit in _shown_code_cells(jupytext.read(c.md))}
    assert limits == {LINE, SOLUTION_LINE}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.docname)
def test_code_lines_fit_the_column(chapter):
    long = [
        f"cell {i}, {len(line)} > {limit} characters: {line.strip()[:60]!r}"
        for i, source, limit in _shown_code_cells(jupytext.read(chapter.md))
        for line in source.splitlines()
        if len(line) > limit
    ]
    assert not long, "\n".join(long)
