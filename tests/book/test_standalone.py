"""A chapter's notebook runs on its own, as in Colab: copied alone into an empty folder, with
only the installed package to draw on (its claims and data travel with ``rederived``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from rederived.book.chapters import REPOSITORY, SETUP_CELL, find_chapters
from rederived.book.claims import stored_results

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = find_chapters(ROOT)


def test_repository_constant_matches_the_book_configuration():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["repository"]["url"] == REPOSITORY


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.md.stem)
def test_first_cell_installs_the_package_and_is_hidden(chapter):
    cells = json.loads(chapter.ipynb.read_text(encoding="utf-8"))["cells"]
    first = next(c for c in cells if c["cell_type"] == "code")
    assert "".join(first["source"]).strip() == SETUP_CELL.strip()
    assert "remove-cell" in first["metadata"].get("tags", [])
    assert not first.get("outputs"), "the setup cell is a no-op where rederived is installed"


def test_a_chapter_notebook_runs_alone(tmp_path):
    """A chapter that reads both a claims declaration and a data set shipped with the package
    (the EML chapter's stored run of its sweep), copied alone into an empty folder, reaches
    its stored verdicts and writes no file there."""
    import nbformat
    from nbclient import NotebookClient

    chapter = next(c for c in CHAPTERS if c.md.stem == "eml-operator")
    alone = tmp_path / chapter.ipynb.name
    shutil.copyfile(chapter.ipynb, alone)
    nb = nbformat.read(alone, as_version=4)
    NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(tmp_path)}}).execute()
    ran = {r["id"]: r["verdict"] for r in stored_results(json.loads(nbformat.writes(nb)))}
    stored = {r["id"]: r["verdict"] for r in stored_results(chapter.ipynb)}
    assert ran == stored and ran, "the lone notebook reaches the chapter's verdicts"
    assert sorted(p.name for p in tmp_path.iterdir()) == [alone.name], "it wrote no files"


def test_every_library_a_chapter_imports_is_installed_by_its_setup_cell():
    """Opened alone (Colab), a chapter gets rederived[notebook]: whatever its code cells import
    must come with the package's dependencies, that extra, or the standard library."""
    import ast
    import re
    import sys
    import tomllib
    from importlib.metadata import packages_distributions

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["notebook"]
    allowed = {re.split(r"[<>=!\[ ]", d)[0].lower().replace("_", "-") for d in declared}
    allowed |= {"rederived", "ipython"}  # the package itself; IPython runs every notebook
    distributions = packages_distributions()
    missing = set()
    for chapter in CHAPTERS:
        cells = json.loads(chapter.ipynb.read_text(encoding="utf-8"))["cells"]
        for cell in cells[1:]:
            if cell["cell_type"] != "code":
                continue
            tree = ast.parse("".join(cell["source"]))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in sys.stdlib_module_names:
                        continue
                    dists = {d.lower().replace("_", "-") for d in distributions.get(top, [top])}
                    if not dists & allowed:
                        missing.add((chapter.md.stem, top))
    assert not missing, f"imports not installed by rederived[notebook]: {sorted(missing)}"


def test_the_setup_cell_pins_the_release_of_this_checkout():
    import tomllib

    from rederived.book.chapters import RELEASE

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert RELEASE == project["version"]
    assert (ROOT / "runtime.txt").read_text(encoding="utf-8").strip() == "python-3.11"


def _run_setup_cell(monkeypatch, version):
    """Execute the setup cell with ``rederived`` missing (``version`` None: ``find_spec`` finds
    nothing, and the install that ``subprocess.run`` records instead of running "installs" the
    release) or installed at ``version``."""
    import importlib.util
    import subprocess

    import rederived
    from rederived.book.chapters import RELEASE

    real_find_spec = importlib.util.find_spec
    calls = []
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: (
            None if name == "rederived" and version is None else real_find_spec(name, *a)
        ),
    )
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: calls.append((args, kw)))
    monkeypatch.setattr(rederived, "__version__", RELEASE if version is None else version)
    exec(compile(SETUP_CELL, "<setup cell>", "exec"), {})
    return calls


def test_the_setup_cell_installs_the_tagged_release_when_the_package_is_missing(monkeypatch):
    import warnings

    from rederived.book.chapters import RELEASE

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        calls = _run_setup_cell(monkeypatch, None)
    assert len(calls) == 1
    args, options = calls[0]
    assert args[-1] == f"rederived[notebook] @ git+{REPOSITORY}@v{RELEASE}" and options["check"]


def test_the_setup_cell_is_silent_on_the_release_and_warns_on_another(monkeypatch):
    import warnings

    from rederived.book.chapters import RELEASE

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _run_setup_cell(monkeypatch, RELEASE) == []
    with pytest.warns(UserWarning, match=f"built with rederived {RELEASE} and 0.0.1 is installed"):
        assert _run_setup_cell(monkeypatch, "0.0.1") == []


def test_pin_rewrites_an_old_setup_cell_in_both_files_and_nothing_else(tmp_path):
    from rederived.book.chapters import Chapter, pin

    chapter = next(c for c in CHAPTERS if c.md.stem == "eml-operator")
    copy = Chapter(tmp_path / chapter.md.name, tmp_path)
    shutil.copyfile(chapter.md, copy.md)
    shutil.copyfile(chapter.ipynb, copy.ipynb)
    assert not pin(copy), "a chapter already pinned is left alone"
    old = "# Running this notebook on its own (an older version)\nimport sys"
    copy.md.write_text(chapter.md.read_text(encoding="utf-8").replace(SETUP_CELL.rstrip("\n"), old))
    nb = json.loads(chapter.ipynb.read_text(encoding="utf-8"))
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    first["source"] = old
    copy.ipynb.write_text(json.dumps(nb), encoding="utf-8")
    assert pin(copy)
    assert copy.md.read_text(encoding="utf-8") == chapter.md.read_text(encoding="utf-8")
    assert json.loads(copy.ipynb.read_text(encoding="utf-8")) == json.loads(
        chapter.ipynb.read_text(encoding="utf-8")
    )
    # a notebook whose first code cell is not the setup cell is refused, and nothing is written
    first["source"] = "x = 1"
    first["metadata"] = {}
    copy.ipynb.write_text(json.dumps(nb), encoding="utf-8")
    before = copy.md.read_text(encoding="utf-8"), copy.ipynb.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="not the hidden setup cell"):
        pin(copy)
    assert (copy.md.read_text(encoding="utf-8"), copy.ipynb.read_text(encoding="utf-8")) == before
