"""Sphinx extension of the book: one rendering per chapter, the ledger, offline MathJax.

Enabled in ``_config.yml`` (``sphinx.extra_extensions``). It

- excludes the ``.md`` half of every jupytext pair from the build, so that each chapter is
  rendered once, from its ``.ipynb`` with the stored outputs that nbval has verified;
- serves MathJax from the book itself (the files of the ``sphinx-mathjax-offline`` package), so
  pages typeset math with no network;
- provides the directives ``claims-ledger`` (every declared claim with its stored measurement and
  verdict) and ``execution-status`` (per-chapter run time and versions); both warn, which fails
  the ``-W`` build, when a chapter's stored record disagrees with its declaration;
- adds the chapter's ``.md`` source to the page's download menu next to the ``.ipynb``.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from functools import lru_cache
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from rederived.book.chapters import Chapter, find_chapters
from rederived.book.claims import MIME_TYPE, NOT_AT_SCALE, stored_results

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


def _title(chapter: Chapter) -> str:
    for line in chapter.md.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return chapter.md.stem


def _notebook_metadata(chapter: Chapter) -> dict:
    if not chapter.ipynb.is_file():
        return {}
    return json.loads(chapter.ipynb.read_text(encoding="utf-8")).get("metadata", {})


class _GeneratedTable(SphinxDirective):
    """Base: render generated MyST text in place of the directive."""

    has_content = False

    def render(self, lines: list[str]) -> list[nodes.Node]:
        container = nodes.container(classes=["rederived-generated"])
        self.state.nested_parse(StringList(lines), self.content_offset, container)
        return container.children

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


class ClaimsLedger(_GeneratedTable):
    """``{claims-ledger}``: every declared claim of every chapter, a table per chapter."""

    def run(self) -> list[nodes.Node]:
        tables = []
        # the papers' claims and the front matter's teaching examples are counted apart, and so
        # are claims whose paper's scale or setting could not be tested here
        tally = {group: dict.fromkeys([*_MARK, "at-scale"], 0) for group in ("papers", "front")}
        n_claims = {"papers": 0, "front": 0}
        n_chapters = 0
        for chapter in self.chapters():
            for problem in chapter.ledger_problems():
                logger.warning(
                    f"ledger: {chapter.docname}: {problem}", location=self.get_location()
                )
            ledger = chapter.ledger()
            if ledger is None:
                continue
            n_chapters += 1
            group = "front" if chapter.docname.startswith("chapters/front/") else "papers"
            stored = {r["id"]: r for r in stored_results(chapter.ipynb)}
            tables += [
                "",
                f"**{{doc}}`{_escape(_title(chapter))} </{chapter.docname}>`**",
                "",
                "| Claim | Source | Source's value | Measured | Verdict |",
                "|---|---|---|---|---|",
            ]
            for cid, claim in ledger.claims.items():
                n_claims[group] += 1
                record = stored.get(cid)
                if record is None:  # already reported by ledger_problems
                    measured, verdict = "—", "not checked"
                else:
                    link = self.link(chapter, f"claim-{cid}")
                    measured = f'<a href="{link}">{_escape(record["measured"])}</a>'
                    here = record["verdict"].replace("-", " ")
                    if claim.not_at_paper_scale:
                        verdict = (
                            '<span class="rederived-verdict rederived-not-at-scale">'
                            f"◌ {_escape(NOT_AT_SCALE)}</span> (here: {here})"
                        )
                        tally[group]["at-scale"] += 1
                    else:
                        verdict = (
                            f'<span class="rederived-verdict rederived-{record["verdict"]}">'
                            f"{_MARK[record['verdict']]} {here}</span>"
                        )
                        tally[group][record["verdict"]] += 1
                rule = f"reproduced if {claim.reproduced}" + (
                    f"; partly if {claim.partly}" if claim.partly is not None else ""
                )
                measured += f'<br><span class="rederived-rule">{_escape(rule)}</span>'
                tables.append(
                    f"| `{cid}`: {_escape(claim.statement)} | {{cite:t}}`{claim.paper}` "
                    f"| {_escape(claim.paper_value)} | {measured} | {verdict} |"
                )
        lines = [
            f"**{_plural(n_claims['papers'], 'claim')} from the papers** "
            f"({_plural(n_chapters, 'chapter')} in all): "
            f"{_counts(tally['papers'], n_claims['papers'])}",
            "",
            f"**{_plural(n_claims['front'], 'teaching example')} in the front matter**, counted "
            f"apart: {_counts(tally['front'], n_claims['front'])}",
            *tables,
        ]
        return self.render(lines)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _counts(tally: dict[str, int], total: int) -> str:
    unchecked = total - sum(tally.values())
    return (
        f"{tally['reproduced']} reproduced, {tally['partly']} partly, "
        f"{tally['not-reproduced']} not reproduced, "
        f"{tally['at-scale']} {NOT_AT_SCALE}"
        + (f", {unchecked} not checked" if unchecked else "")
        + "."
    )


class ExecutionStatus(_GeneratedTable):
    """``{execution-status}``: when and how fast each chapter last ran, and its verdicts."""

    def run(self) -> list[nodes.Node]:
        rows, total = [], 0.0
        for chapter in self.chapters():
            meta = _notebook_metadata(chapter).get("rederived")
            if not meta:
                logger.warning(
                    f"status: {chapter.docname} has no execution record: run `make execute`",
                    location=self.get_location(),
                )
                continue
            seconds = float(meta["execution_seconds"])
            total += seconds
            verdicts = [r["verdict"] for r in stored_results(chapter.ipynb)]
            counts = " ".join(f"{verdicts.count(v)} {_MARK[v]}" for v in _MARK if v in verdicts)
            flag = " (over budget)" if seconds > BUDGET_SECONDS else ""
            rows.append(
                f"| {{doc}}`{_escape(_title(chapter))} </{chapter.docname}>` | {meta['executed']} "
                f"| {seconds:.1f}{flag} | {counts or '—'} "
                f"| Python {meta['python']}, NumPy {meta['numpy']} |"
            )
        lines = [
            f"**{len(rows)} executed notebook(s), {total:.1f} s in all** "
            f"(budget: {BUDGET_SECONDS:.0f} s a chapter).",
            "",
            "| Chapter | Executed | Run time (s) | Claims | Ran with |",
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


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _add_markdown_download, priority=510)
    app.add_directive("claims-ledger", ClaimsLedger)
    app.add_directive("execution-status", ExecutionStatus)
    app.add_css_file("rederived.css")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
