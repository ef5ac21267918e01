"""The ledger at a glance (``{ledger-glance}`` on the ledger page) shows every claim of the
papers' chapters once, with the verdict and fragility that the ledger's export records."""

from __future__ import annotations

import csv
import html
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.mark.needs_book
def test_every_claim_has_one_mark_with_its_exported_verdict(built_book):
    page, export = HTML / "chapters" / "ledger.html", HTML / "ledger.csv"
    if not page.is_file() or not export.is_file():
        if IN_CI:
            pytest.fail("the HTML book is missing (CI=true: `make book` runs before the tests)")
        pytest.skip("build the book first (`make book`)")
    text = page.read_text(encoding="utf-8")
    glance = re.search(
        r'<div class="rederived-glance".*?</div>\s*<p class="rederived-glance-'
        r'caption">.*?</p></div>',
        text,
        re.S,
    )
    assert glance, "the ledger page shows the glance"
    marks = re.findall(
        r'<a class="rederived-glance-mark rederived-([\w-]+)( rederived-glance-fragile)?" '
        r'href="([^"]+)"',
        glance.group(0),
    )
    with open(export, newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["chapter_number"]]
    expected = [(r["verdict"], r["fragile"] == "true", r["chapter"], r["claim"]) for r in rows]
    shown = []
    for kind, fragile, href in marks:
        page_name, claim = re.fullmatch(r"(.+)\.html#claim-(.+)", html.unescape(href)).groups()
        shown.append((kind, bool(fragile), f"chapters/{page_name}", claim))
    assert shown == expected
    counts = re.search(r"(\d+) claims in (\d+) chapters", glance.group(0)).groups()
    assert counts == (str(len(rows)), str(len({r["chapter"] for r in rows})))
