"""A citation does not repeat names the sentence has just given: after "Chan, Jin, Vassilevska
Williams and Xu" the reader sees the year alone (``{cite:yearpar}``, "[2023]"), not
"[Chan et al., 2023]" (``{cite:p}``). Read off the built pages, as a reader meets them."""

from __future__ import annotations

import html
import re

import pytest

pytestmark = pytest.mark.needs_book

CITATION = re.compile(r'<span class="bibtex-citation"[^>]*>(.*?)</span>', re.S)
# one author–year label of a parenthetical citation: "Chan et al., 2023", "Hao, Jiang and Liu,
# 2024" (the first name of a label is the first author's surname)
LABEL = re.compile(r"([^\[\];]+?),\s*\d{4}[a-z]?(?=\s*[;\]])")


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def repeated_names(page_html: str) -> tuple[int, list[str]]:
    """(parenthetical labels seen, those whose first author's surname appears in the 100
    characters of text just before the citation)."""
    seen, repeats, last = 0, [], 0
    for match in CITATION.finditer(page_html):
        shown = _plain(match.group(1))
        before = _plain(page_html[max(last, match.start() - 800) : match.start()])[-100:]
        last = match.end()
        for label in LABEL.findall(shown):
            seen += 1
            surname = label.split()[0].strip("[")
            if re.search(rf"(?<!\w){re.escape(surname)}(?!\w)", before):
                repeats.append(f"…{before[-60:]} {shown}")
    return seen, repeats


def test_the_check_finds_a_repeated_name():
    cited = '<span class="bibtex-citation">[<a href="#">Chan <em>et al.</em>, 2023</a>]</span>'
    year = '<span class="bibtex-citation">[<a href="#">2023</a>]</span>'
    assert repeated_names(f"<p>Chan, Jin and Xu {cited} improve</p>") == (
        1,
        ["…Chan, Jin and Xu [Chan et al., 2023]"],
    )
    assert repeated_names(f"<p>Chan, Jin and Xu {year} improve</p>") == (0, [])
    assert repeated_names(f"<p>A bound {cited} improves</p>") == (1, [])


def test_parenthetical_citations_do_not_repeat_the_names_before_them(built_book):
    seen, repeats = 0, []
    for page in sorted((built_book / "chapters").rglob("*.html")):
        n, found = repeated_names(page.read_text("utf-8"))
        seen += n
        repeats += [f"{page.relative_to(built_book)}: {r}" for r in found]
    assert seen >= 20, f"only {seen} parenthetical citations found: has the markup changed?"
    assert not repeats, f"{len(repeats)} citations repeat the names before them:\n" + "\n".join(
        repeats
    )
