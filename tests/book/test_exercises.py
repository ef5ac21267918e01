"""Every chapter ends with exercises whose solutions run, and with a summary in words.

An exercise is a ``{exercise}`` block with a label; its solution is gated between
``{solution-start} <label>`` and ``{solution-end}`` and holds at least one code cell, so that nbval
executes it and compares its output like every other cell (a solution that is not run is not
offered). The summary is the prose under ``## Summary``, before the verdict table: a few
sentences with at least one glued number.

Every chapter has both, and a new chapter is born with them: there is no list of exceptions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(
    p for p in (ROOT / "chapters").glob("*/*.md") if p.parent.name not in ("front", "back")
)


def name(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def exercises(text: str) -> dict[str, int]:
    """label -> number of code cells in its gated solution (-1 if it has no solution)."""
    labels = re.findall(r"```\{exercise\}[^\n]*\n:label: ([\w-]+)", text)
    out = {}
    for label in labels:
        m = re.search(
            r"```\{solution-start\} " + re.escape(label) + r"\n(.*?)```\{solution-end\}",
            text,
            re.S,
        )
        out[label] = -1 if m is None else m.group(1).count("```{code-cell}")
    return out


def summary_prose(text: str) -> str:
    """The words under ## Summary before its first code cell."""
    m = re.search(r"\n## Summary\n(.*?)```\{code-cell\}", text, re.S)
    return "" if m is None else m.group(1).strip()


@pytest.mark.parametrize("path", CHAPTERS, ids=name)
def test_exercises_with_executed_solutions(path):
    found = exercises(path.read_text(encoding="utf-8"))
    assert len(found) >= 2, f"{name(path)}: {len(found)} exercises, at least 2 wanted"
    for label, cells in found.items():
        assert cells >= 1, f"{name(path)}: exercise {label} has no solution code that runs"


@pytest.mark.parametrize("path", CHAPTERS, ids=name)
def test_a_summary_in_words_with_measured_numbers(path):
    prose = summary_prose(path.read_text(encoding="utf-8"))
    assert len(prose.split()) >= 40, f"{name(path)}: the summary has {len(prose.split())} words"
    assert "{glue:text}" in prose, f"{name(path)}: the summary quotes no measured number"


def test_every_part_chapter_is_checked():
    assert len(CHAPTERS) >= 27, "the chapters of Parts I–VI are all found"
