"""The book's notebooks: find the paired chapters, check their pairing, execute them.

A *chapter* is a MyST-markdown notebook ``chapters/<part>/<name>.md`` whose front matter pairs it
with ``<name>.ipynb`` through jupytext (``formats: ipynb,md:myst``). The ``.md`` is the source that
authors edit; the ``.ipynb`` holds the executed outputs that nbval verifies and the book renders.
A chapter may declare its claims in ``lib/rederived/book/ledger/<name>.claims.toml``
(see :mod:`rederived.book.claims`), packaged with ``rederived`` so that the notebook runs alone.

Run ``python -m rederived.book --help`` for the command line (``execute``, ``check``, ``ledger``,
``pin``, ``pdf``).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path

from rederived import __version__
from rederived.book.claims import Claim, Ledger, audit, packaged_claims, stored_results

__all__ = [
    "RELEASE",
    "REPOSITORY",
    "SETUP_CELL",
    "Chapter",
    "LedgerRow",
    "book_order",
    "book_root",
    "chapter_title",
    "execute",
    "find_chapters",
    "ledger_rows",
    "notebooks_zip",
    "pair_differences",
    "pin",
]


#: The book's public repository (``repository.url`` in ``_config.yml``; a test keeps them equal).
REPOSITORY = "https://github.com/rederived/rederived"

#: The release of ``rederived`` these pages are built with: the version of the package in this
#: checkout. The setup cell of every chapter installs exactly this release (the git tag
#: ``v<version>``), so a notebook downloaded from the book runs the code its outputs came from.
RELEASE = __version__

#: The first code cell of every chapter, tagged ``remove-cell`` (not shown in the book). Where
#: ``rederived`` is missing (a notebook opened alone in Colab or Binder) it installs the release
#: the page was built with, whose data include the chapter's claims and data sets; where another
#: version is installed it warns that the outputs may differ. ``python -m rederived.book pin``
#: writes it into every chapter after the version changes.
SETUP_CELL = f"""\
# Running this notebook on its own (Colab): install the release of the book's package that
# this page was built with if the package is missing, and warn if another one is installed.
import importlib.util
import subprocess
import sys
import warnings

_release = "{RELEASE}"
if importlib.util.find_spec("rederived") is None:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet",
         f"rederived[notebook] @ git+{REPOSITORY}@v{{_release}}"],
        check=True,
    )
import rederived

if rederived.__version__ != _release:
    warnings.warn(
        f"this page was built with rederived {{_release}} and {{rederived.__version__}} is "
        "installed: outputs may differ", stacklevel=1,
    )
"""


@dataclass(frozen=True)
class Chapter:
    """A paired chapter of the book, located by its ``.md`` source."""

    md: Path
    root: Path

    @property
    def ipynb(self) -> Path:
        """The paired notebook with the executed outputs."""
        return self.md.with_suffix(".ipynb")

    @property
    def claims_file(self) -> Path | None:
        """The chapter's claims declaration, ``rederived/book/ledger/<name>.claims.toml``,
        packaged with ``rederived`` so that the notebook also runs outside the book's checkout
        (None when the chapter declares no claims)."""
        return packaged_claims(self.md.stem + ".claims.toml")

    @property
    def docname(self) -> str:
        """The Sphinx document name: the path below the book root, without suffix."""
        return self.md.relative_to(self.root).with_suffix("").as_posix()

    def ledger(self) -> Ledger | None:
        """The chapter's declared claims (None when it declares none)."""
        return None if self.claims_file is None else Ledger.load(self.claims_file)

    def ledger_problems(self) -> list[str]:
        """Disagreements between the declared claims and the stored outputs (see ``audit``)."""
        ledger = self.ledger()
        if not self.ipynb.is_file():
            return [f"{self.ipynb} does not exist: run `make execute`"]
        records = stored_results(self.ipynb)
        if ledger is None:
            if records:
                return [f"{self.docname} checks claims but has no {self.md.stem}.claims.toml"]
            return []
        return audit(ledger, records)


def book_root(start: str | Path | None = None) -> Path:
    """The book's root: the nearest folder at or above ``start`` holding ``_toc.yml``."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_toc.yml").is_file():
            return folder
    raise FileNotFoundError(f"no _toc.yml at or above {here}: not inside the book")


def _front_matter(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return ""
    end = text.find("\n---", 4)
    return text[4:end] if end > 0 else ""


def is_paired(md: Path) -> bool:
    """Whether a markdown file is a jupytext notebook paired with an ``.ipynb``."""
    import yaml

    meta = yaml.safe_load(_front_matter(md) or "{}") or {}
    formats = str((meta.get("jupytext") or {}).get("formats", ""))
    return "ipynb" in formats.split(",") and "kernelspec" in meta


def find_chapters(root: str | Path | None = None) -> list[Chapter]:
    """Every paired chapter under ``<root>/chapters``, sorted by path."""
    root = book_root(root)
    return [
        Chapter(md=md, root=root)
        for md in sorted((root / "chapters").rglob("*.md"))
        if ".ipynb_checkpoints" not in md.parts and is_paired(md)
    ]


def book_order(root: str | Path | None = None) -> list[tuple[str, int | None, str]]:
    """The pages of ``_toc.yml`` in reading order: ``(docname, chapter number, part caption)``.

    Chapters of numbered parts are numbered on from one part to the next, as Jupyter Book
    numbers them; other pages get None.
    """
    import yaml

    root = book_root(root)
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    order: list[tuple[str, int | None, str]] = [(toc["root"], None, "")]
    number = 0
    for part in toc.get("parts", []):
        for entry in part.get("chapters", []):
            if "file" not in entry:
                continue
            numbered = bool(part.get("numbered"))
            number += numbered
            order.append((entry["file"], number if numbered else None, part.get("caption", "")))
    return order


@dataclass(frozen=True)
class LedgerRow:
    """One claim of the book as the ledger shows it and exports it."""

    chapter: Chapter
    number: int | None
    part: str
    claim: Claim
    record: dict | None  # the stored check (None: never checked)

    @property
    def group(self) -> str:
        """``'front'`` for the front matter's teaching examples, ``'papers'`` otherwise."""
        return "front" if self.chapter.docname.startswith("chapters/front/") else "papers"

    @property
    def verdict(self) -> str:
        """The rule's verdict on what was run, or ``'not checked'``."""
        return self.record["verdict"] if self.record else "not checked"

    @property
    def kind(self) -> str:
        """What the ledger counts: a verdict, ``'not-at-scale'`` or ``'not checked'``."""
        if self.record and self.claim.not_at_paper_scale:
            return "not-at-scale"
        return self.verdict

    def as_dict(self) -> dict[str, str]:
        c = self.claim
        return {
            "chapter_number": "" if self.number is None else str(self.number),
            "chapter": self.chapter.docname,
            "chapter_title": chapter_title(self.chapter),
            "group": self.group,
            "claim": c.id,
            "statement": c.statement,
            "paper": c.paper,
            "locator": c.locator,
            "paper_value": c.paper_value,
            "measure": c.measure,
            "measured": self.record["measured"] if self.record else "",
            "unit": c.unit,
            "rule": c.rule,
            # one verdict, as the ledger, the status page and the chapter's marks count it
            # ("not-at-scale" where the paper's scale was not reached); the rule's own verdict
            # on what was run beside it
            "verdict": self.kind,
            "rule_verdict": self.verdict,
            "not_at_paper_scale": c.not_at_paper_scale or "",
            "note": self.stored("note"),
            "control": c.control or "",
            "no_control": c.no_control or "",
            "control_measured": self.stored("control"),
            "control_verdict": self.stored("control_verdict"),
            "spread": c.spread or "",
            "n": self.stored("n"),
            "se": self.stored("se"),
            "agree": self.stored("agree"),
            "margin": self.stored("margin"),
            "fragile": self.stored("fragile"),
            "set_after_probe": c.set_after_probe or "",
        }

    def stored(self, key: str) -> str:
        """A field of the stored check, or ``''``."""
        return self.record.get(key, "") if self.record else ""

    @property
    def fragile(self) -> bool:
        return self.stored("fragile") == "true"

    @property
    def control_differs(self) -> bool:
        """Whether the stored control got a verdict other than the measurement's."""
        return bool(self.stored("control")) and self.stored("control_verdict") != self.verdict


def chapter_title(chapter: Chapter) -> str:
    """The chapter's title: its first level-1 heading."""
    for line in chapter.md.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return chapter.md.stem


def ledger_rows(root: str | Path | None = None) -> list[LedgerRow]:
    """Every declared claim of the book with its stored check, chapters in reading order."""
    chapters = {c.docname: c for c in find_chapters(root)}
    rows = []
    for docname, number, part in book_order(root):
        chapter = chapters.get(docname)
        ledger = chapter.ledger() if chapter else None
        if ledger is None:
            continue
        stored = (
            {r["id"]: r for r in stored_results(chapter.ipynb)} if chapter.ipynb.is_file() else {}
        )
        rows += [
            LedgerRow(chapter, number, part, claim, stored.get(cid))
            for cid, claim in ledger.claims.items()
        ]
    return rows


# Cell metadata written by execution or by JupyterLab, not by the author of the .md.
_VOLATILE_METADATA = {
    "execution",
    "collapsed",
    "scrolled",
    "ExecuteTime",
    "jp-MarkdownHeadingCollapsed",
}


def _cells(nb) -> list[tuple[str, str, dict]]:
    return [
        (
            c.cell_type,
            c.source.strip(),
            {k: v for k, v in c.metadata.items() if k not in _VOLATILE_METADATA},
        )
        for c in nb.cells
    ]


def pair_differences(chapter: Chapter) -> list[str]:
    """How the ``.ipynb`` differs from its ``.md`` in cell types, sources and the cell metadata
    an author writes (tags, figure captions); empty when they are in sync."""
    import jupytext
    import nbformat

    if not chapter.ipynb.is_file():
        return [f"{chapter.ipynb.name} is missing: run `make execute`"]
    md_cells = _cells(jupytext.read(chapter.md))
    nb_cells = _cells(nbformat.read(chapter.ipynb, as_version=4))
    problems = []
    if len(md_cells) != len(nb_cells):
        problems.append(f"{len(md_cells)} cells in the .md but {len(nb_cells)} in the .ipynb")
    for i, (a, b) in enumerate(zip(md_cells, nb_cells, strict=False)):
        if a != b:
            first = (a[1] or "<empty>").splitlines()[0][:60]
            what = "metadata" if a[:2] == b[:2] else "source"
            problems.append(f"cell {i} differs in {what} ({a[0]} cell starting {first!r})")
            break
    return problems


def execute(chapter: Chapter, *, timeout: int = 600, kernel_name: str = "python3") -> float:
    """Execute a chapter's ``.md`` from a fresh kernel and write outputs into its ``.ipynb``.

    The notebook runs in the chapter's folder. The run time and the versions it ran with are
    stored in the notebook metadata under ``rederived``, for the execution-status page.

    Returns
    -------
    float
        The wall time of the execution in seconds.
    """
    import jupytext
    import numpy
    from nbclient import NotebookClient

    nb = jupytext.read(chapter.md)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(chapter.md.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    # the kernel inherits these: no progress bars stored, and one BLAS/OpenMP thread, as under
    # the test suite (tests/conftest.py), so that stored outputs carry the same rounding as the
    # re-execution that nbval compares them with
    settings = {"REDERIVED_PROGRESS": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        client.execute()
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value
    seconds = time.perf_counter() - start
    nb.metadata["rederived"] = {
        "executed": _dt.date.today().isoformat(),
        "execution_seconds": round(seconds, 1),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "rederived": __version__,
    }
    jupytext.write(nb, chapter.ipynb, fmt="ipynb")
    return seconds


# --------------------------------------------------------------------------- command line


def _select(chapters: list[Chapter], paths: list[str]) -> list[Chapter]:
    if not paths:
        return chapters
    wanted = {Path(p).resolve().with_suffix("") for p in paths}
    chosen = [c for c in chapters if c.md.resolve().with_suffix("") in wanted]
    unknown = wanted - {c.md.resolve().with_suffix("") for c in chosen}
    if unknown:
        raise SystemExit(f"not paired chapters: {', '.join(sorted(map(str, unknown)))}")
    return chosen


def _cmd_execute(args: argparse.Namespace) -> int:
    chapters = _select(find_chapters(), args.paths)
    todo = [c for c in chapters if args.all or args.paths or pair_differences(c)]
    if not todo:
        print("every chapter's .ipynb is in sync with its .md; nothing to execute (--all forces)")
    for chapter in todo:
        print(f"executing {chapter.docname} ...", flush=True)
        seconds = execute(chapter, timeout=args.timeout)
        problems = chapter.ledger_problems()
        print(f"  {seconds:.1f} s" + "".join(f"\n  ledger: {p}" for p in problems))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    failures = 0
    for chapter in find_chapters():
        for problem in pair_differences(chapter) + chapter.ledger_problems():
            print(f"{chapter.docname}: {problem}")
            failures += 1
    print("pairs and ledger consistent" if not failures else f"{failures} problem(s)")
    return 1 if failures else 0


def _cmd_ledger(args: argparse.Namespace) -> int:
    for chapter in find_chapters():
        ledger = chapter.ledger()
        if ledger is None:
            continue
        stored = (
            {r["id"]: r for r in stored_results(chapter.ipynb)} if chapter.ipynb.is_file() else {}
        )
        for cid in ledger.claims:
            rec = stored.get(cid, {"measured": "-", "verdict": "not checked"})
            print(f"{chapter.docname:40s} {cid:28s} {rec['measured']:>14s}  {rec['verdict']}")
    return 0


#: Where the book build writes the zip of every notebook (under the book root); the
#: introduction links it with ``{download}``.
NOTEBOOKS_ZIP = Path("_build") / "downloads" / "rederived-notebooks.zip"


def notebooks_zip(root: str | Path | None = None, target: str | Path | None = None) -> Path:
    """Write every chapter's executed ``.ipynb``, in reading order, into one zip with a short
    README; return its path (default ``<root>/_build/downloads/rederived-notebooks.zip``).

    The archive is byte-for-byte reproducible (fixed timestamps and order), so rebuilding the
    book without changing a notebook leaves it unchanged.
    """
    import zipfile

    root = book_root(root)
    target = Path(target) if target is not None else root / NOTEBOOKS_ZIP
    chapters = {c.docname: c for c in find_chapters(root)}
    ordered = [chapters[doc] for doc, _number, _part in book_order(root) if doc in chapters]
    readme = (
        f"Rederived: the book's notebooks, executed, with their outputs (release {RELEASE}).\n\n"
        "Each notebook runs on its own: its first, hidden cell installs the release of the\n"
        "package the outputs came from when it is missing,\n\n"
        f'    pip install "rederived[notebook] @ git+{REPOSITORY}@v{RELEASE}"\n\n'
        "and warns when another version is installed. Open them in Jupyter, in reading order:\n\n"
        + "".join(f"    {c.docname.removeprefix('chapters/')}.ipynb\n" for c in ordered)
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = [("README.txt", readme.encode("utf-8"))] + [
            (f"{c.docname.removeprefix('chapters/')}.ipynb", c.ipynb.read_bytes()) for c in ordered
        ]
        for name, data in entries:
            info = zipfile.ZipInfo(f"rederived-notebooks/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    partial.replace(target)
    return target


_SETUP_OPENING = "```{code-cell} ipython3\n:tags: [remove-cell]\n\n"


def _pinned(chapter: Chapter) -> tuple[str, object, bool]:
    """The chapter's .md text and .ipynb notebook with the current setup cell; ValueError if
    either file's first code cell is not the hidden setup cell (nothing is written then)."""
    import jupytext

    text = chapter.md.read_text(encoding="utf-8")
    start = text.find(_SETUP_OPENING)
    if start < 0 or text.find("```{code-cell}") != start:
        raise ValueError(f"{chapter.docname}: the first code cell is not the hidden setup cell")
    body = start + len(_SETUP_OPENING)
    end = text.index("\n```\n", body)
    nb = jupytext.read(chapter.ipynb, fmt="ipynb")
    first = next((c for c in nb.cells if c.cell_type == "code"), None)
    if (
        first is None
        or "remove-cell" not in first.metadata.get("tags", [])
        or not first.source.startswith("# Running this notebook on its own")
    ):
        raise ValueError(f"{chapter.ipynb.name}: the first code cell is not the hidden setup cell")
    stale = first.source != SETUP_CELL.rstrip("\n")
    first.source = SETUP_CELL.rstrip("\n")
    return text[:body] + SETUP_CELL.rstrip("\n") + text[end:], nb, stale


def pin(chapter: Chapter) -> bool:
    """Write the current :data:`SETUP_CELL` into the chapter's first code cell, in the ``.md``
    and in the ``.ipynb`` (whose outputs stay as they are: the cell prints nothing where the
    package is installed). True if either file changed; ValueError, before writing anything,
    if either file's first code cell is not the setup cell."""
    import jupytext

    text, nb, stale = _pinned(chapter)
    changed = text != chapter.md.read_text(encoding="utf-8")
    if changed:
        chapter.md.write_text(text, encoding="utf-8")
    if stale:
        jupytext.write(nb, chapter.ipynb, fmt="ipynb")
    return changed or stale


def _cmd_pin(args: argparse.Namespace) -> int:
    chapters = find_chapters()
    for chapter in chapters:  # check every chapter before rewriting any
        _pinned(chapter)
    changed = [c.docname for c in chapters if pin(c)]
    print(f"setup cells pinned to rederived {RELEASE}: {len(changed)} chapter(s) rewritten")
    return 0


def _cmd_pdf(args: argparse.Namespace) -> int:
    from rederived.book.pdf import build_pdf

    path, summary = build_pdf()
    print(f"{path}: {summary['pdf_pages']} pages from {len(summary['pages'])} HTML pages")
    for problem in summary["problems"]:
        print(f"  problem: {problem}")
    return 1 if summary["problems"] else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rederived.book", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "execute", help="execute chapters whose .ipynb is out of sync (or those named)"
    )
    p.add_argument("paths", nargs="*", help="chapter .md or .ipynb files (default: the stale ones)")
    p.add_argument("--all", action="store_true", help="execute every chapter")
    p.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    p.set_defaults(func=_cmd_execute)
    p = sub.add_parser("check", help="check pairing and ledger consistency of every chapter")
    p.set_defaults(func=_cmd_check)
    p = sub.add_parser("ledger", help="print every claim with its stored measurement and verdict")
    p.set_defaults(func=_cmd_ledger)
    p = sub.add_parser(
        "pin", help="write the setup cell that installs this release into every chapter"
    )
    p.set_defaults(func=_cmd_pin)
    p = sub.add_parser("pdf", help="print the built HTML book into _build/pdf/rederived.pdf")
    p.set_defaults(func=_cmd_pdf)
    args = parser.parse_args(argv)
    return args.func(args)
