"""Consistency of the book itself: pairs in sync, ledger complete, every chapter reachable."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from rederived.book.chapters import find_chapters, is_paired, pair_differences
from rederived.book.claims import Ledger, evidence_problems

ROOT = Path(__file__).resolve().parents[2]
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
def test_every_claim_names_a_control_or_why_none_can_exist(chapter):
    ledger = chapter.ledger()
    if ledger is None:
        pytest.skip("no claims")
    problems = evidence_problems(ledger)
    assert problems == []


def test_a_planted_claim_without_a_control_fails_the_evidence_check():
    chapter = next(c for c in CHAPTERS if c.ledger())
    text = chapter.claims_file.read_text(encoding="utf-8")
    planted = text + (
        '\n[[claim]]\nid = "planted"\npaper = "x"\nstatement = "s"\npaper_value = "1"\n'
        'locator = "abstract"\nmeasure = "m"\nunit = "u"\nreproduced = "< 1"\n'
        'expect = "reproduced"\n'
    )
    problems = evidence_problems(Ledger.from_toml(planted, "planted.claims.toml"))
    assert problems == [
        "claim 'planted' names no control (nor, as no_control, a reason why none can exist)"
    ]


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
    declared = {p.resolve() for p in (ROOT / "lib" / "rederived" / "book" / "ledger").iterdir()}
    assert not list((ROOT / "chapters").rglob("*.claims.toml")), "declarations live in the package"
    owned = {c.claims_file.resolve() for c in CHAPTERS if c.claims_file}
    assert declared == owned, f"claims files with no paired chapter: {declared - owned}"


def test_front_matter_pages_are_not_notebooks():
    for page in ("intro", "ledger", "status", "bibliography"):
        assert not is_paired(ROOT / "chapters" / f"{page}.md")


def test_reading_order_and_ledger_rows():
    from rederived.book.chapters import book_order, ledger_rows

    order = book_order(ROOT)
    numbered = [(doc, n) for doc, n, _ in order if n is not None]
    assert [n for _, n in numbered] == list(range(1, len(numbered) + 1))
    assert {doc for doc, _ in numbered} <= {c.docname for c in CHAPTERS}
    rows = ledger_rows(ROOT)
    assert len(rows) == sum(len(c.ledger().claims) for c in CHAPTERS if c.ledger())
    first_paper = next(r for r in rows if r.group == "papers")
    assert first_paper.number == 1, "the papers' claims start with chapter 1"
    record = rows[0].as_dict()
    assert {"claim", "measured", "unit", "locator", "verdict", "rule"} <= set(record)
    assert all(r.record is not None for r in rows), "every declared claim has a stored check"


def test_bibliography_labels_are_author_year():
    from pybtex.database import parse_file

    from rederived.book.sphinxext import _author_year

    bib = parse_file(str(ROOT / "chapters" / "references.bib"))
    labels = {key: _author_year(entry) for key, entry in bib.entries.items()}
    assert labels["hardy-wright-2008"] == "Hardy and Wright 2008"
    assert labels["hoffmann-2022"] == "Hoffmann et al. 2022"
    assert labels["apery-1979"] == "Apéry 1979"
    assert labels["dlmf"] == "DLMF 2024"
    for key, entry in bib.entries.items():
        authors = entry.fields.get("author", "") + str(entry.persons.get("author", ""))
        assert "others" not in authors, f"{key}: list every author"
        assert "$" not in entry.fields.get("title", ""), f"{key}: raw TeX math in the title"


def test_every_reproduced_paper_has_a_link():
    from pybtex.database import parse_file

    bib = parse_file(str(ROOT / "chapters" / "references.bib"))
    cited = {
        c.paper
        for ch in CHAPTERS
        if ch.ledger() and "/front/" not in ch.docname
        for c in ch.ledger().claims.values()
    }
    for key in cited:
        fields = bib.entries[key].fields
        assert {"doi", "url", "eprint"} & set(fields), f"{key}: no DOI, arXiv id or URL"


# TeX outside $...$: braces after _ or ^, a ^ before a sign or parenthesis, a command, or a
# one-letter symbol (or a closing bracket) with a subscript, like θ_IIA or ⟨x²⟩_B; code-like
# identifiers (round_to, max_its) are not one letter before their underscore
_TEX_OUTSIDE_MATH = re.compile(
    r"[_^]\{|\^[(−-]|\\[a-zA-Z]+|(?<![\w.])[A-Za-zα-ωΑ-Ω]_[\w(]|[)⟩‖]_[\w(]"
)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_claim_text_has_no_tex_outside_math(chapter):
    """TeX belongs between $ signs, where the book typesets it; outside them a reader sees
    `A_{μ_m}` or `L^(1/2)` as raw text (in the boxes, the ledger and its exports)."""
    ledger = chapter.ledger()
    if ledger is None:
        pytest.skip("no claims")
    fields = [("finding", ledger.finding or "")]
    for claim in ledger.claims.values():
        for key in (
            "statement",
            "paper_value",
            "measure",
            "unit",
            "control",
            "no_control",
            "set_after_probe",
            "not_at_paper_scale",
        ):
            fields.append((f"{claim.id}.{key}", getattr(claim, key) or ""))
    leaks = []
    for where, text in fields:
        outside = " ".join(re.split(r"(?<!\\)\$", text)[::2])
        found = _TEX_OUTSIDE_MATH.findall(outside)
        if found:
            leaks.append(f"{where}: {found}")
    assert not leaks, leaks


def test_glue_calls_are_left_out_of_the_code_shown():
    from rederived.book.sphinxext import without_glue

    source = "\n".join(
        [
            "from myst_nb import glue",
            "",
            "x = 1",
            'glue("x", round(x, 2), display=False)',
            "for k in range(2):",
            '    glue(f"k{k}", k,',
            "         display=False)",
            "for k in range(2):",
            "    y = k",
            '    glue(f"y{k}", max(y, 3 * k))',
            "if x:",
            '    glue("z", 1)',
            "else:",
            "    print(2)",
            'a = 2; glue("a", a)',
            'glue("b",',
            "     a); w = 3",
            "",
            "",
            "print(x)",
        ]
    )
    shown = without_glue(source)
    assert shown.splitlines() == [
        "x = 1",  # a glue of an existing variable goes, with the import of glue
        "for k in range(2):",
        "    y = k",
        '    quoted[f"y{k}"] = max(y, 3 * k)',  # a computed value stays visible
        "if x:",  # a block is never emptied: the code shown still parses
        '    glue("z", 1)',
        "else:",
        "    print(2)",
        'a = 2; glue("a", a)',  # a line with another statement is kept whole
        'glue("b",',  # and so is a call whose last line holds one
        "     a); w = 3",
        "",
        "",  # blank lines the removal did not double stay
        "print(x)",
    ]
    compile(shown, "<shown>", "exec")
    assert without_glue('glue("only", 1)') == ""
    assert without_glue("%timeit f()\nglue('a', 1)") == "%timeit f()\nglue('a', 1)"  # magics
    # an aliased import is not machinery this transform knows: left as it is
    aliased = 'from myst_nb import glue as g\ng("a", 1)'
    assert without_glue(aliased) == aliased


def test_a_quoted_value_too_long_for_the_column_goes_below_it():
    from rederived.book.sphinxext import CODE_WIDTH, without_glue

    long_name = "n" * 50
    source = "\n".join(
        [
            "for k in range(2):",
            "    glue(",
            '        "a-long-key-for-a-long-value",',
            f"        round(float(100 * {long_name} / 3), 1),",
            "        display=False,",
            "    )",
            "    glue(",
            '        "written-over-lines",',
            "        round(",
            f"            float({long_name}) / 7,",
            "            2,",
            "        ),",
            "        display=False,",
            "    )",
            'glue("short", 2 * k + 1, display=False)',
        ]
    )
    shown = without_glue(source)
    assert shown.splitlines() == [
        "for k in range(2):",
        '    quoted["a-long-key-for-a-long-value"] = (',
        f"        round(float(100 * {long_name} / 3), 1)",
        "    )",
        '    quoted["written-over-lines"] = (',  # the value keeps the layout it was written in
        "        round(",
        f"            float({long_name}) / 7,",
        "            2,",
        "        )",
        "    )",
        'quoted["short"] = 2 * k + 1',  # one line where it fits
    ]
    assert max(len(line) for line in shown.splitlines()) <= CODE_WIDTH
    compile(shown, "<shown>", "exec")
    # the value's text is never rejoined: a comment in it and a string's spaces survive, and a
    # string over several lines keeps its lines where they were
    commented = without_glue('glue("k", a + b  # note\n     + c, display=False)')
    assert commented == 'quoted["k"] = (\n    a + b  # note\n    + c\n)'
    assert without_glue('glue("k", "  ±  ".join(v), display=False)') == (
        'quoted["k"] = "  ±  ".join(v)'
    )
    assert '\n   {y}"""' in without_glue('glue("k", f"""{x}\n   {y}""", display=False)')
    # an assignment expression keeps its parentheses; a value begun on the glue line keeps
    # its nesting, moved right as a whole
    assert without_glue('glue("k", (n := 3), display=False)') == 'quoted["k"] = (n := 3)'
    nested = without_glue('glue("k", round(\n    x * 100,\n    2,\n), display=False)')
    assert nested == 'quoted["k"] = (\n    round(\n        x * 100,\n        2,\n    )\n)'


def test_no_chapter_has_a_variable_named_quoted():
    """The code shown writes a computed glue as ``quoted[key] = value``: in a chapter with a
    ``quoted`` of its own, the code shown would do something else than the code run."""
    import jupytext

    from rederived.book.chapters import find_chapters

    clashes = []
    for chapter in find_chapters():
        for cell in jupytext.read(chapter.md).cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            names = set()
            for n in ast.walk(tree):  # every way a cell can name something
                if isinstance(n, ast.Name):
                    names.add(n.id)
                elif isinstance(n, ast.arg):
                    names.add(n.arg)
                elif isinstance(n, ast.alias):
                    names.add(n.asname or n.name.split(".")[0])
                elif isinstance(n, ast.FunctionDef | ast.ClassDef | ast.ExceptHandler):
                    names.add(n.name)
            if "quoted" in names:
                clashes.append(chapter.docname)
    assert not clashes, f"chapters with their own variable quoted: {sorted(set(clashes))}"


def test_long_names_get_places_to_break_and_short_words_none():
    from rederived.book.typeset import BREAKABLE_LENGTH, breakable

    assert breakable("rederived.symmetry.gaunt.tensor_product(method='grid')") == (
        "rederived.<wbr>symmetry.<wbr>gaunt.<wbr>tensor_<wbr>product(<wbr>method='grid')"
    )
    assert breakable("OrthogonalMatchingPursuit") == "Orthogonal<wbr>Matching<wbr>Pursuit"
    short = "NumPy, SciPy and SymPy: O(n³), i.i.d., 2/N, e.g."
    assert all(len(w) < BREAKABLE_LENGTH for w in short.split())
    assert breakable(short) == short  # ordinary words stay whole
    path = "result/thm3.2_fixed/SNR2.0_nsim500.json"
    assert breakable(path, mark="|") == "result/|thm3.2_|fixed/|SNR2.0_|nsim500.|json"
    # the pieces between marks are escaped, the marks are not
    assert breakable("a<b.c_d.e_f.gggggg", escape=lambda p: p.replace("<", "&lt;")) == (
        "a&lt;b.<wbr>c_<wbr>d.<wbr>e_<wbr>f.<wbr>gggggg"
    )
    with pytest.raises(TypeError, match="text"):
        breakable(3.5)


def test_results_are_typeset_from_tex_and_sympy():
    import sympy as sp

    from rederived.book.typeset import formula

    x = sp.Symbol("x")
    assert formula(r"u_1 = ", sp.sqrt(x) / 2) == r"u_1 = \frac{\sqrt{x}}{2}"
    assert formula(sp.log(2)) == r"\ln{\left(2 \right)}"  # ln, as the prose writes it
    assert formula(r"\kappa_2 = ", sp.Rational(1, 2), r",\quad N = ", 3) == (
        r"\kappa_2 = \frac{1}{2},\quad N = 3"
    )
    with pytest.raises(ValueError, match="at least one"):
        formula()


def test_the_index_lists_the_kernels_each_chapter_calls():
    """The kernel index: names bound by ``from rederived...`` and used through their module,
    private and book-machinery names left out, the first using cell recorded."""
    from rederived.book.sphinxext import kernel_names

    cells = [
        "from rederived.stochastic import coulomb\nfrom rederived.book.claims import Ledger",
        "x = coulomb.beta_hermite_traces\ncoulomb._private\nLedger",
        "coulomb.beta_hermite_traces\nfrom rederived.experimental.pcf import delta\ndelta",
        "not python %%",
    ]
    assert kernel_names(cells) == [
        (1, "rederived.stochastic.coulomb.beta_hermite_traces"),
        (1, "rederived.stochastic.coulomb"),
        (2, "rederived.experimental.pcf.delta"),
    ]
