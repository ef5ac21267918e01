"""Sphinx extension of the book: one rendering per chapter, the ledger, offline MathJax.

Enabled in ``_config.yml`` (``sphinx.extra_extensions``). It

- excludes the ``.md`` half of every jupytext pair from the build, so that each chapter is
  rendered once, from its ``.ipynb`` with the stored outputs that nbval has verified;
- serves MathJax from the book itself (the files of the ``sphinx-mathjax-offline`` package), so
  pages typeset math with no network;
- provides the directives ``claims-ledger`` (every declared claim with its stored measurement and
  verdict) and ``execution-status`` (per-chapter run time and versions); both warn, which fails
  the ``-W`` build, when a chapter's stored record disagrees with its declaration;
- adds the chapter's ``.md`` source to the page's download menu next to the ``.ipynb``;
- provides ``{chapter-map}`` (the introduction's map of chapters and findings) and
  ``{cite-this-book}`` (BibTeX for the book and each chapter, at this release) and
  ``{ledger-glance}`` (every verdict of the book in one view), writes the
  ledger as ``ledger.csv`` and ``ledger.json`` beside the pages, gives every figure's image its
  caption as alt text, and registers the author–year bibliography style ``rederived``;
- leaves the ``glue()`` calls out of the code cells a reader sees (they hand numbers to the
  prose, and the downloadable ``.md`` and ``.ipynb`` keep them);
- writes the zip of every executed notebook that the introduction offers for download;
- indexes every public ``rederived`` function, class and module a chapter's code calls, under
  its name with the chapter as subentry, at the first cell that uses it (the book's index).
"""

from __future__ import annotations

import ast
import csv
import importlib.util
import json
import re
import shutil
from functools import lru_cache
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from rederived.book.chapters import (
    RELEASE,
    REPOSITORY,
    Chapter,
    LedgerRow,
    book_order,
    chapter_title,
    find_chapters,
    ledger_rows,
    notebooks_zip,
)
from rederived.book.claims import MIME_TYPE, NOT_AT_SCALE
from rederived.book.typeset import breakable

logger = logging.getLogger(__name__)

BUDGET_SECONDS = 40.0
_MARK = {"reproduced": "✔", "partly": "◐", "not-reproduced": "✘"}
_STATIC = Path(__file__).parent / "static"


@lru_cache(maxsize=4)
def _chapters(srcdir: str) -> dict[str, Chapter]:
    return {c.docname: c for c in find_chapters(srcdir)}


def _escape(text: str) -> str:
    """Backslash-escape ASCII punctuation, so free text stays literal inside generated MyST."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def _notebook_metadata(chapter: Chapter) -> dict:
    if not chapter.ipynb.is_file():
        return {}
    return json.loads(chapter.ipynb.read_text(encoding="utf-8")).get("metadata", {})


class _GeneratedTable(SphinxDirective):
    """Base: render generated MyST text in place of the directive."""

    has_content = False

    #: classes of the generated container, and of its tables in order (the last one repeats)
    classes: tuple[str, ...] = ()
    table_classes: tuple[str, ...] = ()

    def render(self, lines: list[str]) -> list[nodes.Node]:
        container = nodes.container(classes=["rederived-generated", *self.classes])
        self.state.nested_parse(StringList(lines), self.content_offset, container)
        for i, table in enumerate(container.findall(nodes.table)):
            if self.table_classes:
                table["classes"].append(self.table_classes[min(i, len(self.table_classes) - 1)])
        return [container]

    def chapters(self) -> list[Chapter]:
        chapters = list(_chapters(str(self.env.srcdir)).values())
        for chapter in chapters:
            for path in (chapter.md, chapter.ipynb, chapter.claims_file):
                if path is not None:
                    self.env.note_dependency(str(path))
        return chapters

    def link(self, chapter: Chapter, anchor: str = "") -> str:
        uri = self.env.app.builder.get_relative_uri(self.env.docname, chapter.docname)
        return f"{uri}#{anchor}" if anchor else uri


_KINDS = ("reproduced", "partly", "not-reproduced", "not-at-scale")
_KIND_MARK = {**_MARK, "not-at-scale": "◌"}
_KIND_LABEL = {
    "reproduced": "reproduced",
    "partly": "partly",
    "not-reproduced": "not reproduced",
    "not-at-scale": NOT_AT_SCALE,
}
EXPORTS = ("ledger.csv", "ledger.json")


def _text(text: str) -> str:
    """A claim's text field as MyST: literal text, with its ``$...$`` spans kept as math
    (bars written ``\\vert``, so that they do not split a table cell). A long path or name
    (``result/thm3.2_fixed/SNR2.0.json``) gets places to break (:func:`breakable`), so that a
    table column need not be as wide as the longest one."""
    parts = re.split(r"(?<!\\)\$", text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append("$" + part.replace("\\|", "\\Vert ").replace("|", "\\vert ") + "$")
        else:
            out.append(
                breakable(
                    part.replace("\\$", "$"),
                    escape=lambda piece: _escape(piece).replace("|", "\\|"),
                )
            )
    return "".join(out)


def _anchor(chapter: Chapter) -> str:
    return "ledger-" + chapter.md.stem


def _heading(row: LedgerRow) -> str:
    title = chapter_title(row.chapter)  # the text of a {doc} link: literal, no escapes
    return f"{row.number}. {title}" if row.number is not None else title


def _tally(rows: list[LedgerRow]) -> dict[str, int]:
    tally = dict.fromkeys([*_KINDS, "not checked"], 0)
    for row in rows:
        tally[row.kind] += 1
    return tally


def headline(rows: list[LedgerRow]) -> list[str]:
    """The ledger's headline counts as MyST lines: the papers' claims, then the front matter's,
    then the evidence behind the verdicts."""
    papers = [r for r in rows if r.group == "papers"]
    front = [r for r in rows if r.group == "front"]
    n_chapters = len({r.chapter.docname for r in papers})
    return [
        f"**{_plural(len(papers), 'claim')} from the papers** of "
        f"{_plural(n_chapters, 'chapter')}: {_counts(_tally(papers))}",
        "",
        f"**{_plural(len(front), 'teaching example')} in the front matter**, counted apart: "
        f"{_counts(_tally(front))}",
        "",
        f"**Evidence**, over all {_plural(len(rows), 'claim')}: {evidence_counts(rows)}",
    ]


def evidence_counts(rows: list[LedgerRow]) -> str:
    """The evidence tally in words: controls whose verdict differs, claims without a control
    (with a stated reason, or none yet), spread, fragile verdicts, thresholds set after a probe."""
    controlled = sum(r.control_differs for r in rows)
    reasoned = sum(bool(r.claim.no_control) for r in rows)
    missing = sum(not r.claim.control and not r.claim.no_control for r in rows)
    spread = sum(bool(r.claim.spread) for r in rows)
    fragile = sum(r.fragile for r in rows)
    probed = sum(bool(r.claim.set_after_probe) for r in rows)
    parts = [
        f"{controlled} with a control that the rule judges otherwise",
        f"{reasoned} where no control can exist (the reason is given)",
    ]
    if missing:
        parts.append(f"{missing} without a control yet")
    parts += [
        f"{spread} measured over independent draws or fit windows",
        f"{fragile} fragile (under 80 % agreement, or within 2 standard errors or 5 % of a "
        "threshold)",
        f"{probed} with a threshold set after a probe",
    ]
    return "; ".join(parts) + "."


class ClaimsLedger(_GeneratedTable):
    """``{claims-ledger}``: the headline counts, a summary per chapter in reading order, then
    every claim, one table per chapter, with downloads of the same records as CSV and JSON."""

    classes = ("rederived-ledger",)
    table_classes = ("rederived-table-summary", "rederived-table-claims")

    def run(self) -> list[nodes.Node]:
        self.chapters()  # dependencies and ledger problems
        for chapter in self.chapters():
            for problem in chapter.ledger_problems():
                logger.warning(
                    f"ledger: {chapter.docname}: {problem}", location=self.get_location()
                )
        rows = ledger_rows(self.env.srcdir)
        by_chapter: dict[str, list[LedgerRow]] = {}
        for row in rows:
            by_chapter.setdefault(row.chapter.docname, []).append(row)
        up = "../" * self.env.docname.count("/")
        lines = [
            *headline(rows),
            "",
            "Download the ledger: "
            + ", ".join(f'<a href="{up}{name}" download>{name}</a>' for name in EXPORTS)
            + " (the same records as these tables).",
            "",
            "| Chapter | Paper(s) | "
            + " | ".join(
                f'{_KIND_MARK[k]} <span class="rederived-long">{_KIND_LABEL[k]}</span>'
                for k in _KINDS
            )
            + " |",
            "|---|---|" + "---:|" * len(_KINDS),
        ]
        for group in by_chapter.values():
            tally = _tally(group)
            papers = ",".join(dict.fromkeys(r.claim.paper for r in group))
            anchor = _anchor(group[0].chapter)
            counts = " | ".join(
                f"{{ref}}`{tally[k]} <{anchor}>`" if tally[k] else "0" for k in _KINDS
            )
            lines.append(
                f"| {{doc}}`{_heading(group[0])} </{group[0].chapter.docname}>` "
                f"| {{cite:t}}`{papers}` | {counts} |"
            )
        for group in by_chapter.values():
            chapter = group[0].chapter
            lines += [
                "",
                f"({_anchor(chapter)})=",
                f"**{{doc}}`{_heading(group[0])} </{chapter.docname}>`**",
                "",
                "| Verdict | Claim | Measured | Paper's value | Source |",
                "|---|---|---|---|---|",
            ]
            for row in group:
                lines.append(self.row(row))
        return self.render(lines)

    def row(self, row: LedgerRow) -> str:
        claim, record = row.claim, row.record
        if record is None:  # reported by ledger_problems
            measured, verdict = "—", "not checked"
        else:
            link = self.link(row.chapter, f"claim-{claim.id}")
            measured = f'<a href="{link}">{_escape(record["measured"])}</a> {_text(claim.unit)}'
            here = record["verdict"].replace("-", " ")
            kind = row.kind
            verdict = (
                f'<span class="rederived-verdict rederived-{kind}">'
                f"{_KIND_MARK[kind]} {_escape(_KIND_LABEL[kind])}</span>"
            )
            if kind == "not-at-scale":
                verdict += f" (here: {here})"
            if row.fragile:
                verdict += ' <span class="rederived-fragile-mark">fragile</span>'
            if record.get("agree"):
                what = "sd" if claim.spread == "windows" else "SE"
                measured += (
                    f" ± {_escape(record.get('se', ''))} ({what}; {_escape(claim.spread or '')}: "
                    f"{_escape(record['agree'])} agree)"
                )
            if record.get("margin"):
                measured += f'<br><span class="rederived-margin">{_escape(record["margin"])}</span>'
        measured += f'<br><span class="rederived-rule">{_escape(claim.rule)}</span>'
        if claim.set_after_probe:
            measured += (
                '<br><span class="rederived-probe">threshold set after a probe: '
                f"{_text(claim.set_after_probe)}</span>"
            )
        if claim.control:
            got = ""
            if record is not None and record.get("control"):
                got = (
                    f": {_escape(record['control'])} → "
                    f"{_escape(record.get('control_verdict', '').replace('-', ' '))}"
                )
            measured += (
                f'<br><span class="rederived-control">control, {_text(claim.control)}{got}</span>'
            )
        elif claim.no_control:
            measured += (
                f'<br><span class="rederived-control">no control: {_text(claim.no_control)}</span>'
            )
        return (
            f"| {verdict} | `{claim.id}`: {_text(claim.statement)} | {measured} "
            f"| {_text(claim.paper_value)} "
            f"| {{cite:t}}`{claim.paper}`, {_text(claim.locator)} |"
        )


class ChapterMap(_GeneratedTable):
    """``{chapter-map}``: part, chapter, paper(s), the chapter's finding and its verdict counts,
    generated from the claim declarations and the stored checks; headline counts on top."""

    classes = ("rederived-chapter-map",)
    table_classes = ("rederived-table-map",)

    def run(self) -> list[nodes.Node]:
        self.chapters()
        rows = ledger_rows(self.env.srcdir)
        by_chapter: dict[str, list[LedgerRow]] = {}
        for row in rows:
            if row.number is not None:
                by_chapter.setdefault(row.chapter.docname, []).append(row)
        lines = [
            *headline(rows),
            "",
            "| Part | Chapter | Paper(s) | What it found | Verdicts |",
            "|---|---|---|---|---|",
        ]
        for group in by_chapter.values():
            chapter = group[0].chapter
            ledger = chapter.ledger()
            tally = _tally(group)
            verdicts = ", ".join(f"{tally[k]} {_KIND_MARK[k]}" for k in _KINDS if tally[k])
            papers = ",".join(dict.fromkeys(r.claim.paper for r in group))
            part = _escape(group[0].part.split("—")[0].strip())
            lines.append(
                f"| {part} | {{doc}}`{_heading(group[0])} </{chapter.docname}>` "
                f"| {{cite:t}}`{papers}` | {_text(ledger.finding) if ledger else ''} "
                f"| {verdicts} |"
            )
        return self.render(lines)


class LedgerGlance(_GeneratedTable):
    """``{ledger-glance}``: the ledger at a glance. One row per numbered chapter, grouped by
    part, one mark per claim in its verdict's colour and symbol (a dashed outline where the
    verdict is fragile), each linking to the claim in its chapter; HTML and CSS, so it reflows
    on a phone and follows the dark theme."""

    def run(self) -> list[nodes.Node]:
        self.chapters()
        import html as _html

        rows = [r for r in ledger_rows(self.env.srcdir) if r.number is not None]
        by_chapter: dict[str, list[LedgerRow]] = {}
        for row in rows:
            by_chapter.setdefault(row.chapter.docname, []).append(row)
        tally = _tally(rows)
        summary = ", ".join(f"{tally[k]} {_KIND_LABEL[k]}" for k in _KINDS)
        fragile = sum(r.fragile for r in rows)
        label = (
            f"The ledger at a glance: {len(rows)} claims in {len(by_chapter)} chapters, "
            f"{summary}; {fragile} fragile."
        )
        out = [
            f'<div class="rederived-glance" role="figure" aria-label="{_html.escape(label)}">',
            '<p class="rederived-glance-legend">'
            + " ".join(
                f'<span class="rederived-glance-key"><span class="rederived-glance-mark '
                f'rederived-{k}">{_KIND_MARK[k]}</span> {_html.escape(_KIND_LABEL[k])} '
                f"({tally[k]})</span>"
                for k in _KINDS
            )
            + ' <span class="rederived-glance-key"><span class="rederived-glance-mark '
            f'rederived-glance-fragile">&nbsp;</span> fragile ({fragile})</span></p>',
        ]
        part = None
        for group in by_chapter.values():
            if group[0].part != part:
                part = group[0].part
                out.append(f'<p class="rederived-glance-part">{_html.escape(part)}</p>')
            chapter = group[0].chapter
            marks = []
            for row in group:
                kind = row.kind if row.kind in _KINDS else "not-checked"
                title = f"{row.claim.id}: {_KIND_LABEL.get(kind, 'not checked')}"
                if row.fragile:
                    title += ", fragile"
                classes = f"rederived-glance-mark rederived-{kind}" + (
                    " rederived-glance-fragile" if row.fragile else ""
                )
                marks.append(
                    f'<a class="{classes}" href="{self.link(chapter, f"claim-{row.claim.id}")}" '
                    f'title="{_html.escape(title)}" aria-label="{_html.escape(title)}">'
                    f"{_KIND_MARK.get(kind, '?')}</a>"
                )
            out.append(
                '<div class="rederived-glance-row">'
                f'<a class="rederived-glance-chapter" href="{self.link(chapter)}">'
                f"{_html.escape(_heading(group[0]))}</a>"
                f'<span class="rederived-glance-marks">{"".join(marks)}</span></div>'
            )
        out.append(f'<p class="rederived-glance-caption">{_html.escape(label)}</p></div>')
        return [nodes.raw("", "\n".join(out), format="html")]


def _bibtex(kind: str, key: str, fields: dict[str, str]) -> list[str]:
    width = max(map(len, fields))
    body = [f"  {name.ljust(width)} = {{{value}}}," for name, value in fields.items()]
    return [f"@{kind}{{{key},", *body, "}"]


class CiteThisBook(_GeneratedTable):
    """``{cite-this-book}``: BibTeX for the book and for each numbered chapter, generated from
    ``_config.yml`` (title, author, year), the release of ``rederived`` and ``REPOSITORY``.
    Titles are brace-protected (bibliography styles keep their capitals), keys carry the
    release, and a chapter's URL is its notebook at the release's tag."""

    def run(self) -> list[nodes.Node]:
        self.chapters()
        config = self.env.config
        title, author, year = config.html_title, config.author, str(config.copyright)
        book = {
            "title": f"{{{title}}}",
            "author": f"{{{author}}}",
            "publisher": f"{{{author}}}",
            "year": year,
            "version": RELEASE,
            "url": f"{REPOSITORY}/tree/v{RELEASE}",
            "note": f"Release {RELEASE}",
        }
        lines = [
            f"The book, release {RELEASE}:",
            "",
            "```bibtex",
            *_bibtex("book", f"rederived-{RELEASE}", book),
            "```",
            "",
            "A chapter (each numbered chapter has its entry below; the key is the release and "
            "the chapter's file name, the URL its notebook at the release):",
            "",
            "```bibtex",
        ]
        chapters = _chapters(str(self.env.srcdir))
        for docname, number, _part in book_order(self.env.srcdir):
            if number is None or docname not in chapters:
                continue
            entry = {
                "title": f"{{{chapter_title(chapters[docname])}}}",
                "booktitle": f"{{{title}}}",
                "chapter": str(number),
                "author": f"{{{author}}}",
                "publisher": f"{{{author}}}",
                "year": year,
                "version": RELEASE,
                "url": f"{REPOSITORY}/blob/v{RELEASE}/{docname}.ipynb",
            }
            key = f"rederived-{RELEASE}-{Path(docname).name}"
            lines += [*_bibtex("incollection", key, entry), ""]
        lines[-1] = "```"
        return self.render(lines)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _counts(tally: dict[str, int]) -> str:
    return (
        ", ".join(f"{tally[k]} {_KIND_LABEL[k]}" for k in _KINDS)
        + (f", {tally['not checked']} not checked" if tally["not checked"] else "")
        + "."
    )


def _write_exports(app: Sphinx, exception) -> None:
    """Write the ledger's CSV and JSON next to the pages, from the records the tables show."""
    if exception is not None or app.builder.format != "html":
        return
    records = [row.as_dict() for row in ledger_rows(app.srcdir)]
    out = Path(app.outdir)
    with open(out / "ledger.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]) if records else [])
        writer.writeheader()
        writer.writerows(records)
    (out / "ledger.json").write_text(
        json.dumps({"claims": records}, ensure_ascii=False, indent=1), encoding="utf-8"
    )


class ExecutionStatus(_GeneratedTable):
    """``{execution-status}``: when and how fast each chapter last ran, and its verdicts."""

    table_classes = ("rederived-table-status",)

    def run(self) -> list[nodes.Node]:
        chapters = {c.docname: c for c in self.chapters()}
        kinds: dict[str, list[str]] = {}  # the ledger's verdicts, not-at-scale included
        for row in ledger_rows(self.env.srcdir):
            kinds.setdefault(row.chapter.docname, []).append(row.kind)
        rows, total = [], 0.0
        for docname, number, _part in book_order(self.env.srcdir):
            chapter = chapters.get(docname)
            if chapter is None:
                continue
            meta = _notebook_metadata(chapter).get("rederived")
            if not meta:
                logger.warning(
                    f"status: {chapter.docname} has no execution record: run `make execute`",
                    location=self.get_location(),
                )
                continue
            seconds = float(meta["execution_seconds"])
            total += seconds
            verdicts = kinds.get(docname, [])
            counts = " ".join(
                f"{verdicts.count(v)} {_KIND_MARK[v]}" for v in _KINDS if v in verdicts
            )
            flag = " (over budget)" if seconds > BUDGET_SECONDS else ""
            title = chapter_title(chapter)
            title = f"{number}. {title}" if number is not None else title
            rows.append(
                f"| {{doc}}`{title} </{chapter.docname}>` | {meta['executed']} "
                f"| {seconds:.1f}{flag} | {counts or '—'} "
                f"| Python {meta['python']}, NumPy {meta['numpy']} |"
            )
        lines = [
            f"**{_plural(len(rows), 'executed notebook')}, {total:.1f} s in all** "
            f"(budget: {BUDGET_SECONDS:.0f} s a chapter).",
            "",
            "| Chapter | Executed | Run time (s) | Verdicts | Ran with |",
            "|---|---|---|---|---|",
            *rows,
        ]
        return self.render(lines)


class ClaimRecordRenderer:
    """myst-nb plugin: a claim's machine-readable record is data for the ledger, not content.

    The same output carries ``text/html`` for the page; the record itself renders as nothing.
    Registered under the ``myst_nb.mime_renderers`` entry point in ``pyproject.toml``.
    """

    mime_priority_overrides = ()

    @staticmethod
    def handle_mime(renderer, data, inline: bool) -> list[nodes.Element] | None:
        return [] if data.mime_type == MIME_TYPE else None


def _configure(app: Sphinx, config) -> None:
    chapters = _chapters(str(app.srcdir))
    # Render every chapter once: from its .ipynb (stored, nbval-verified outputs), not its .md.
    config.exclude_patterns.extend(
        c.md.relative_to(app.srcdir).as_posix() for c in chapters.values()
    )
    # MathJax from the book's own _static folder, so pages typeset without network.
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        logger.warning("sphinx-mathjax-offline is not installed: MathJax will load from its CDN")
    else:
        config.html_static_path.append(str(Path(spec.origin).parent / "static"))
        config.mathjax_path = "mathjax/tex-mml-chtml.js"
    config.html_static_path.append(str(_STATIC))
    # The zip of every notebook, which the introduction offers with {download}.
    notebooks_zip(app.srcdir)


def _add_markdown_download(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    chapter = _chapters(str(app.srcdir)).get(pagename)
    if chapter is None:
        return
    for button in context.get("header_buttons", []):
        if button.get("label") != "download-buttons":
            continue
        target = Path(app.outdir) / "_sources" / f"{pagename}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(chapter.md, target)
        button["buttons"].insert(
            1,
            {
                "type": "link",
                "url": f"{context['pathto']('_sources', 1)}/{pagename}.md",
                "text": ".md",
                "tooltip": "Download the MyST markdown source",
                "icon": "fab fa-markdown",
                "label": "download-markdown-button",
            },
        )


def _author_year(entry) -> str:
    """An entry's author–year label, as the text cites it: 'Hardy and Wright 2008',
    'Luo et al. 2024', or the entry's ``key`` field when it has no author."""
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [" ".join(n.render_as("text") for n in p.rich_last_names) for p in persons]
    if not names:
        who = entry.fields.get("key", entry.key)
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who} {entry.fields.get('year', '')}".strip()


def _register_bibliography_style() -> None:
    """``bibtex_default_style: rederived``: entries labelled and sorted author–year, like the
    citations in the text, instead of numbered."""
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.unsrt import Style as UnsortedStyle
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            seen: dict[str, int] = {}
            for entry in sorted_entries:
                label = _author_year(entry)
                seen[label] = seen.get(label, 0) + 1
                yield label if seen[label] == 1 else f"{label}{'abcdefgh'[seen[label] - 1]}"

    class AuthorYearStyle(UnsortedStyle):
        default_label_style = "rederived-author-year"
        default_sorting_style = "author_year_title"

    register_plugin("pybtex.style.labels", "rederived-author-year", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "rederived", AuthorYearStyle)


def _figure_alt_text(app: Sphinx, doctree, docname: str) -> None:
    """A figure's image gets its caption as alt text, not the file path Sphinx would use."""
    for figure in doctree.findall(nodes.figure):
        caption = next(iter(figure.findall(nodes.caption)), None)
        if caption is None:
            continue
        # the caption's words, with its TeX made readable aloud: \alpha_P -> alpha_P
        text = re.sub(r"\\([A-Za-z]+)", r"\1", " ".join(caption.astext().split()))
        text = re.sub(r"[{}$]|\\[,;! ]", "", text)
        for image in figure.findall(nodes.image):
            alt = image.get("alt", "")
            if not alt or alt == image.get("uri") or "_images/" in alt or alt.endswith(".png"):
                image["alt"] = text


#: packages of the book's own machinery, left out of the index of kernels
_MACHINERY = ("rederived.book", "rederived.sweep", "rederived.benchmarks")


def _rederived_object(path: str):
    """The object a dotted ``rederived`` path names, or None (private, missing or not code)."""
    if not path.startswith("rederived.") or any(p.startswith("_") for p in path.split(".")):
        return None
    if any(path == m or path.startswith(m + ".") for m in _MACHINERY):
        return None  # the book's own machinery (ledger, plots, sweeps, timings), not kernels
    module, _, attr = path.rpartition(".")
    try:  # a name that is not a module; a module that fails otherwise stops the build
        if importlib.util.find_spec(path) is not None:
            return importlib.import_module(path)
    except (ImportError, ValueError):
        pass
    try:
        obj = getattr(importlib.import_module(module), attr, None)
    except ImportError:
        return None
    return obj if callable(obj) else None


def kernel_names(sources: list[str]) -> list[tuple[int, str]]:
    """(cell index, dotted name) of every public ``rederived`` module, function or class that the
    code cells call or import, in order of first use. ``from rederived.x import y`` and
    ``import rederived.x as z`` bind names; ``z.f(...)`` and ``y(...)`` use them."""
    aliases: dict[str, str] = {}
    seen: dict[str, int] = {}
    for i, source in enumerate(sources):
        try:
            tree = ast.parse(source)
        except SyntaxError:  # cell magics and the like
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rederived"):
                for alias in node.names:
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("rederived.") and alias.asname:
                        aliases[alias.asname] = alias.name
        for node in ast.walk(tree):
            path = None
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                base = aliases.get(node.value.id)
                path = f"{base}.{node.attr}" if base else None
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                path = aliases.get(node.id)
            if path and path not in seen and _rederived_object(path) is not None:
                seen[path] = i
    return sorted(((i, path) for path, i in seen.items()), key=lambda item: item[0])


class IndexKernels(SphinxTransform):
    """Index entries for the ``rederived`` code a chapter uses, at the first cell using each.
    A transform ahead of Sphinx's own collection of index entries (priority 850), which the
    ``doctree-read`` event comes after."""

    default_priority = 840

    def apply(self, **kwargs) -> None:
        _index_kernels(self.app, self.document)


def _index_kernels(app: Sphinx, doctree) -> None:
    docname = app.env.docname
    if not docname.startswith("chapters/"):
        return
    cells = [
        cell
        for cell in doctree.findall(nodes.container)
        if "cell" in cell.get("classes", [])
        and any(
            "cell_input" in c.get("classes", [])
            for c in cell.children
            if isinstance(c, nodes.Element)
        )
    ]
    cells = [cell for cell in cells if next(iter(cell.findall(nodes.literal_block)), None)]
    sources = [next(iter(cell.findall(nodes.literal_block))).astext() for cell in cells]
    title = next(iter(doctree.findall(nodes.title)), None)
    chapter = title.astext() if title is not None else docname
    for i, path in kernel_names(sources):
        obj = _rederived_object(path)
        module = path.rpartition(".")[0]
        if hasattr(obj, "__path__") or type(obj).__name__ == "module":
            text = f"{path} (module); {chapter}"
        else:
            text = f"{path.rpartition('.')[2]} ({module}); {chapter}"
        target_id = f"index-{app.env.new_serialno('index')}"
        target = nodes.target("", "", ids=[target_id])
        index = addnodes.index(entries=[("single", text, target_id, "", None)])
        cells[i].parent.insert(cells[i].parent.index(cells[i]), [index, target])


def _glue_call(statement: ast.stmt) -> ast.Call | None:
    """The call of a ``glue(...)`` statement (None for any other statement)."""
    if (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Name)
        and statement.value.func.id == "glue"
    ):
        return statement.value
    return None


def _is_glue_import(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.ImportFrom)
        and statement.module == "myst_nb"
        and [(a.name, a.asname) for a in statement.names] == [("glue", None)]
    )


def _simple(value: ast.expr) -> bool:
    """A value that is an existing variable, perhaps rounded or converted (``round(float(x),
    3)``, ``int(n)``, ``x[0]``, ``m.ratio``): the code above it shows how it was computed."""
    while (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in ("round", "float", "int", "str")
        and value.args
        and all(isinstance(a, ast.Constant) for a in value.args[1:])
    ):
        value = value.args[0]
    while isinstance(value, ast.Attribute | ast.Subscript):
        if isinstance(value, ast.Subscript) and not isinstance(
            value.slice, ast.Constant | ast.Name
        ):
            return False
        value = value.value
    return isinstance(value, ast.Name | ast.Constant)


# The longest line of code shown (rederived.css sets code at 13 px, where 88 characters fit
# the column at 1400 px; tests/book/test_code_width.py holds the chapters' sources to it).
CODE_WIDTH = 88


def _quoted(call: ast.Call, indent: int, source: str) -> str:
    """``quoted[key] = value`` for ``glue(key, value, ...)`` at column ``indent``: on one line
    where the value was written on one line and the whole fits CODE_WIDTH, else with the value
    in parentheses on the lines below, laid out as it was written (its text is never rejoined:
    a string's spaces and a comment inside the value stay as they are)."""
    key_arg, value_arg = call.args[:2]
    key = ast.get_source_segment(source, key_arg) or ast.unparse(key_arg)
    written = ast.get_source_segment(source, value_arg) or ast.unparse(value_arg)
    if isinstance(value_arg, ast.NamedExpr):  # the segment leaves out its parentheses
        written = f"({written})"
    pad = " " * indent
    line = f"{pad}quoted[{key}] = {written}"
    if "\n" not in written and "#" not in written and len(line) <= CODE_WIDTH:
        return line
    # the value's own lines, moved with its first line to four columns in, and none left of
    # that (columns in characters: ast gives byte offsets); a string over several lines keeps
    # its lines where they are, or its text would change
    first_line = re.split(r"\r\n|\r|\n", source)[value_arg.lineno - 1]
    column = len(first_line.encode()[: value_arg.col_offset].decode(errors="replace"))
    shift = indent + 4 - column
    first, *rest = written.split("\n")
    lines = [text for text in rest if text.strip()]
    if lines and not any(q in written for q in ('"""', "'''", "\\\n")):
        # none left of the first line's new column: the whole layout moves right if needed
        shift = max(shift, indent + 4 - min(len(t) - len(t.lstrip()) for t in lines))
        rest = [" " * shift + text if shift >= 0 else text[-shift:] for text in rest]
    moved = rest
    return "\n".join([f"{pad}quoted[{key}] = (", pad + "    " + first, *moved, f"{pad})"])


def _glue_edits(
    body: list[ast.stmt], shared: set[int], source: str
) -> tuple[dict[int, str | None], bool]:
    """What the reader's copy of ``body`` changes: line → None (left out) or → the text that
    replaces the statement starting there. A glue of an existing variable is left out; a glue
    that computes its value shows the computation, as ``quoted[key] = value``. A loop or ``if``
    whose blocks hold nothing but left-out glue goes with them; a block is never emptied; a
    statement sharing a line with another is kept as it is. Returns the edits and whether every
    statement of ``body`` was left out."""
    edits: dict[int, str | None] = {}
    kept = 0
    for st in body:
        span = set(range(st.lineno, (st.end_lineno or st.lineno) + 1))
        call = _glue_call(st)
        if (call is not None or _is_glue_import(st)) and not span & shared:
            if call is not None and len(call.args) >= 2 and not _simple(call.args[1]):
                edits[st.lineno] = _quoted(call, st.col_offset, source)
                edits.update(dict.fromkeys(sorted(span - {st.lineno})))
                kept += 1
                continue
            edits.update(dict.fromkeys(span))
            continue
        blocks = [
            b
            for b in (getattr(st, "body", None), getattr(st, "orelse", None))
            if isinstance(b, list) and b and isinstance(b[0], ast.stmt)
        ]
        if isinstance(st, ast.For | ast.While | ast.If | ast.With) and blocks:
            results = [_glue_edits(b, shared, source) for b in blocks]
            if all(whole for _, whole in results):
                edits.update(dict.fromkeys(span))
                continue
            for found, whole in results:
                if not whole:
                    edits.update(found)
        elif blocks:  # a function or class: only what is nested, never the block itself
            for b in blocks:
                found, whole = _glue_edits(b, shared, source)
                if not whole:
                    edits.update(found)
        kept += 1
    return edits, kept == 0


def without_glue(source: str) -> str:
    """The cell's code as a reader sees it: ``glue()``, which hands numbers to the prose, is
    machinery. A glue of a variable the code above computed is left out (with the import of
    ``glue``, and the blank lines that leaves doubled); a glue that computes its value shows
    the computation as ``quoted[key] = value``, so every number the prose quotes can be traced
    in the code shown. Code that does not parse (IPython magics) is returned unchanged."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    # lines covered by two statements' spans (a; b, or a call whose last line holds another)
    cover: dict[int, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not hasattr(node, "body"):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                cover[line] = cover.get(line, 0) + 1
    shared = {line for line, n in cover.items() if n > 1}
    edits, _ = _glue_edits(tree.body, shared, source)
    if not edits:
        return source
    lines = source.splitlines()
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        if number in edits:
            if edits[number] is not None:
                out.append(edits[number])
            continue
        near_removed = (number - 1 in edits and edits[number - 1] is None) or (
            number + 1 in edits and edits[number + 1] is None
        )
        if not line.strip() and near_removed and (not out or not out[-1].strip()):
            continue  # a blank line the removal doubled (or left at the top)
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


def _hide_glue(app: Sphinx, doctree, docname: str) -> None:
    """Leave the glue() calls out of the code cells shown (see :func:`without_glue`); a cell
    whose code was only glue shows its outputs alone."""
    for block in list(doctree.findall(nodes.literal_block)):
        box = block.parent
        if not (isinstance(box, nodes.container) and "cell_input" in box.get("classes", [])):
            continue
        source = block.astext()
        shown = without_glue(source)
        if shown == source:
            continue
        if not shown.strip():
            box.parent.remove(box)
            continue
        block.children = [nodes.Text(shown)]
        block.rawsource = shown


def setup(app: Sphinx) -> dict:
    _register_bibliography_style()
    app.add_transform(IndexKernels)
    app.connect("doctree-resolved", _figure_alt_text)
    app.connect("doctree-resolved", _hide_glue)
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _add_markdown_download, priority=510)
    app.add_directive("claims-ledger", ClaimsLedger)
    app.add_directive("execution-status", ExecutionStatus)
    app.add_directive("chapter-map", ChapterMap)
    app.add_directive("cite-this-book", CiteThisBook)
    app.add_directive("ledger-glance", LedgerGlance)
    app.connect("build-finished", _write_exports)
    app.add_css_file("rederived.css")
    app.add_js_file("rederived.js")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
