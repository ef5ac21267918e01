"""Consistency of the book itself: pairs in sync, ledger complete, every chapter reachable."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from rederived.book.chapters import find_chapters, is_paired, pair_differences

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = find_chapters(ROOT)
IDS = [c.docname for c in CHAPTERS]


def test_the_book_has_chapters():
    assert "chapters/front/how-claims-are-checked" in IDS


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_md_and_ipynb_are_in_sync(chapter):
    assert pair_differences(chapter) == [], (
        f"{chapter.md.name} and {chapter.ipynb.name} differ: edit the .md, then `make execute`"
    )


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_stored_claims_match_the_declaration(chapter):
    assert chapter.ledger_problems() == []


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_stored_notebook_is_fully_executed_without_errors(chapter):
    nb = nbformat.read(chapter.ipynb, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "a code cell was never executed"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"stored error output: {errors[0].ename}: {errors[0].evalue}"
    assert "rederived" in nb.metadata, "executed outside `make execute`: no execution record"


def _toc_files(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from [value] if key in ("file", "root") else _toc_files(value)
    elif isinstance(node, list):
        for item in node:
            yield from _toc_files(item)


def test_every_chapter_is_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = set(_toc_files(toc))
    missing = [c.docname for c in CHAPTERS if c.docname not in files]
    assert not missing, f"chapters missing from _toc.yml: {missing}"


def test_claims_cite_keys_of_the_bibliography():
    bib = (ROOT / "chapters" / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"@\w+\{([^,\s]+),", bib))
    for chapter in CHAPTERS:
        ledger = chapter.ledger()
        for claim in ledger.claims.values() if ledger else ():
            assert claim.paper in keys, f"{chapter.docname}: {claim.id} cites unknown {claim.paper}"


def test_every_claims_file_belongs_to_a_chapter():
    declared = {p.resolve() for p in (ROOT / "chapters").rglob("*.claims.toml")}
    owned = {c.claims_file.resolve() for c in CHAPTERS if c.claims_file}
    assert declared == owned, f"claims files with no paired chapter: {declared - owned}"


def test_front_matter_pages_are_not_notebooks():
    for page in ("intro", "ledger", "status", "bibliography"):
        assert not is_paired(ROOT / "chapters" / f"{page}.md")
