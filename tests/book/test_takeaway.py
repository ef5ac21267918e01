"""What a reader takes away: the zip of every notebook, offered by the built introduction, and
the BibTeX of the "how to cite" page."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest

from rederived.book.chapters import (
    RELEASE,
    REPOSITORY,
    book_order,
    find_chapters,
    notebooks_zip,
)

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def test_the_zip_holds_every_notebook_in_reading_order_and_is_reproducible(tmp_path):
    first = notebooks_zip(ROOT, tmp_path / "a.zip")
    second = notebooks_zip(ROOT, tmp_path / "b.zip")
    assert first.read_bytes() == second.read_bytes(), "the same notebooks give the same zip"
    chapters = {c.docname: c for c in find_chapters(ROOT)}
    order = [doc for doc, _n, _p in book_order(ROOT) if doc in chapters]
    assert sorted(order) == sorted(chapters), "every paired chapter is in the table of contents"
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        assert names == ["rederived-notebooks/README.txt"] + [
            f"rederived-notebooks/{doc.removeprefix('chapters/')}.ipynb" for doc in order
        ]
        for doc in order:
            stored = archive.read(f"rederived-notebooks/{doc.removeprefix('chapters/')}.ipynb")
            assert stored == chapters[doc].ipynb.read_bytes(), doc
        readme = archive.read("rederived-notebooks/README.txt").decode("utf-8")
    assert f"git+{REPOSITORY}@v{RELEASE}" in readme


@pytest.mark.needs_book
def test_the_built_introduction_offers_the_zip(tmp_path, built_book):
    intro = HTML / "chapters" / "intro.html"
    if not intro.is_file():
        if IN_CI:
            pytest.fail("the HTML book is missing (CI=true: `make book` runs before the tests)")
        pytest.skip("build the book first (`make book`)")
    links = re.findall(r'href="([^"]*rederived-notebooks\.zip)"', intro.read_text("utf-8"))
    assert len(links) == 1, links
    served = (intro.parent / links[0]).resolve()
    assert served.is_file()
    assert served.read_bytes() == notebooks_zip(ROOT, tmp_path / "fresh.zip").read_bytes()


@pytest.mark.needs_book
def test_the_cite_page_gives_bibtex_for_this_release_and_every_numbered_chapter(built_book):
    page = HTML / "chapters" / "cite.html"
    if not page.is_file():
        if IN_CI:
            pytest.fail("the HTML book is missing (CI=true: `make book` runs before the tests)")
        pytest.skip("build the book first (`make book`)")
    import html as _html

    text = _html.unescape(re.sub(r"<[^>]+>", "", page.read_text("utf-8")))
    numbered = [doc for doc, number, _p in book_order(ROOT) if number is not None]
    prefix = re.escape(f"rederived-{RELEASE}-")
    keys = re.findall(r"@incollection\{" + prefix + r"([\w-]+),", text)
    assert keys == [Path(doc).name for doc in numbered]
    assert re.search(r"@book\{rederived-" + re.escape(RELEASE) + ",", text)
    assert len(re.findall(r"version\s*=\s*\{" + re.escape(RELEASE) + r"\}", text)) == len(keys) + 1
    urls = re.findall(r"url\s*=\s*\{([^}]*)\}", text)
    assert urls == [f"{REPOSITORY}/tree/v{RELEASE}"] + [
        f"{REPOSITORY}/blob/v{RELEASE}/{doc}.ipynb" for doc in numbered
    ]
    for doc in numbered:
        assert (ROOT / f"{doc}.ipynb").is_file()
    # titles brace-protected, so that bibliography styles keep their capitals
    assert len(re.findall(r"title\s*=\s*\{\{", text)) == 2 * len(keys) + 1
    assert len(re.findall(r"publisher\s*=", text)) == len(keys) + 1


@pytest.mark.needs_book
def test_the_built_index_lists_the_kernels_with_their_chapters(built_book):
    index = HTML / "genindex.html"
    if not index.is_file():
        pytest.skip("build the book first (`make book`)")
    html = index.read_text(encoding="utf-8")
    entries = re.findall(r'href="(chapters/[^"#]+\.html)#index-\d+"', html)
    assert len(entries) >= 100, f"only {len(entries)} index entries"
    # every chapter that calls a kernel is reachable from the index
    chapters = {e for e in entries}
    assert len(chapters) >= 25, chapters
    assert "beta_hermite_traces (rederived.stochastic.coulomb)" in html
    page = (HTML / "chapters" / "book-index.html").read_text(encoding="utf-8")
    assert 'href="../genindex.html"' in page
