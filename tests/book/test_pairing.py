"""Unit tests of the pairing check in rederived.book, on a throw-away book."""

from __future__ import annotations

import jupytext
import pytest

from rederived.book.chapters import find_chapters, pair_differences

CHAPTER = """---
jupytext:
  formats: ipynb,md:myst
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A chapter

```{code-cell} ipython3
---
mystnb:
  figure:
    caption: A caption.
---
x = 1
```
"""


@pytest.fixture
def book(tmp_path):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: chapters/intro\n")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "intro.md").write_text("# Intro\n")
    md = tmp_path / "chapters" / "ch.md"
    md.write_text(CHAPTER)
    jupytext.write(jupytext.read(md), md.with_suffix(".ipynb"), fmt="ipynb")
    return tmp_path


def test_only_paired_markdown_is_a_chapter(book):
    assert [c.docname for c in find_chapters(book)] == ["chapters/ch"]


def test_a_fresh_pair_is_in_sync(book):
    assert pair_differences(find_chapters(book)[0]) == []


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ("x = 1", "x = 2", "in source"),
        ("A caption.", "Another caption.", "in metadata"),
        (
            "# A chapter",
            "# A chapter\n\nOne more paragraph.\n\n```{code-cell} ipython3\ny = 2\n```",
            "cells in the .md",
        ),
    ],
)
def test_edits_to_the_md_are_detected(book, old, new, what):
    chapter = find_chapters(book)[0]
    chapter.md.write_text(CHAPTER.replace(old, new))
    problems = pair_differences(chapter)
    assert problems and what in problems[0]


def test_missing_ipynb_is_reported(book):
    chapter = find_chapters(book)[0]
    chapter.ipynb.unlink()
    assert "missing" in pair_differences(chapter)[0]
