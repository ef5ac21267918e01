"""Unit tests of the claims ledger: conditions, verdicts, declarations, checks and audits."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rederived.book.claims import (
    MIME_TYPE,
    ClaimError,
    Condition,
    Ledger,
    VerdictMismatch,
    audit,
    stored_results,
)

DECLARATION = """
[[claim]]
id = "bound"
paper = "key-2024"
statement = "The error is below one."
paper_value = "< 1"
locator = "Theorem 2"
measure = "largest error"
unit = "relative error"
reproduced = "< 1"
expect = "reproduced"

[[claim]]
id = "constant"
paper = "key-2024"
statement = "The constant is 20."
paper_value = "20"
locator = "Table 1"
measure = "fitted constant"
unit = "(dimensionless)"
reproduced = "~ 20 +- 5%"
partly = "in [10, 40]"
expect = "partly"
"""


def make_ledger(text: str = DECLARATION, recorded: bool = True) -> Ledger:
    return Ledger.from_toml(text, "test.claims.toml", recorded=recorded)


# ----------------------------------------------------------------------------- conditions


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        ("< 1", 0.999, 1.0),
        ("<= 1", 1.0, 1.0001),
        ("> 2", 2.5, 2.0),
        (">= 2", 2.0, 1.999),
        ("≤ 3", 3, 3.5),
        ("≥ -1e-3", 0.0, -0.01),
        ("in [0.9, 1.1]", 1.1, 1.2),
        ("~ 1 +- 1e-6", 1 + 5e-7, 1 + 2e-6),
        ("≈ 20 ± 10%", 22.0, 22.5),
        ("~ -4 +- 25%", -3.0, -2.9),
        ("== 0", 0, 1),
        ("== true", True, False),
        ('== "yes"', "yes", "no"),
    ],
)
def test_condition_holds(text, inside, outside):
    condition = Condition.parse(text)
    assert condition.holds(inside)
    assert not condition.holds(outside)


def test_condition_round_trips_through_its_text():
    for text in ["< 1", "≤ 1e-12", "in [0.5, 2]", "≈ 20 ± 10%", "≈ 1 ± 1e-06", "== true"]:
        condition = Condition.parse(text)
        assert Condition.parse(str(condition)) == condition


def test_equality_does_not_confuse_bool_and_int():
    assert not Condition.parse("== 1").holds(True)
    assert not Condition.parse("== true").holds(1)


@pytest.mark.parametrize(
    "text", ["", "about 3", "< x", "in [2, 1]", "~ 1 +- -1", "< true", "== nan", "< inf", "in [1]"]
)
def test_condition_rejects_malformed_text(text):
    with pytest.raises(ClaimError):
        Condition.parse(text)


def test_condition_on_a_string_measurement_needs_equality():
    with pytest.raises(ClaimError, match="numeric"):
        Condition.parse("< 1").holds("small")


# ----------------------------------------------------------------------------- declarations


def test_verdicts_follow_the_rules():
    ledger = make_ledger()
    constant = ledger.claims["constant"]
    assert constant.verdict(20.9) == "reproduced"
    assert constant.verdict(30.0) == "partly"
    assert constant.verdict(41.0) == "not-reproduced"
    assert constant.rule == "reproduced if ≈ 20 ± 5%; partly if in [10, 40]"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('id = "bound"', 'id = "Bound Claim"'), "lower-case"),
        (('expect = "reproduced"', 'expect = "yes"'), "expect must be one of"),
        (('measure = "largest error"\n', ""), "missing key"),
        (('measure = "largest error"', 'measure = ""'), "must not be empty"),
        (('measure = "largest error"', "measure = 3"), "must be a string"),
        (('measure = "largest error"', 'measure = "e"\ncolour = "red"'), "unknown key"),
        (('reproduced = "< 1"', 'reproduced = "tiny"'), "cannot read condition"),
        (('id = "constant"', 'id = "bound"'), "declared twice"),
        (('partly = "in [10, 40]"\n', ""), "needs a 'partly' condition"),
        (("[[claim]]", "[claims]\n[[claim]]"), "unknown top-level key"),
        (("[[claim]]", "[[claim]"), "not valid TOML"),
    ],
)
def test_bad_declarations_are_refused_with_a_reason(change, message):
    old, new = change
    with pytest.raises(ClaimError, match=message):
        make_ledger(DECLARATION.replace(old, new, 1))


def test_an_empty_declaration_is_refused():
    with pytest.raises(ClaimError, match="declares no claims"):
        make_ledger("")


def test_load_reads_a_file_and_records(tmp_path):
    path = tmp_path / "chapter.claims.toml"
    path.write_text(DECLARATION, encoding="utf-8")
    ledger = Ledger.load(path)
    assert ledger.recorded and ledger.source == "chapter.claims.toml"
    assert list(ledger.claims) == ["bound", "constant"]
    with pytest.raises(FileNotFoundError):
        Ledger.load(tmp_path / "missing.claims.toml")


# ----------------------------------------------------------------------------- checks


def test_check_records_and_displays(capsys):
    ledger = make_ledger()
    ledger.check("bound", np.float64(0.25), fmt=".2f")
    assert "✔ [reproduced] bound: measured 0.25" in capsys.readouterr().out
    result = ledger.results["bound"]
    assert result.measured == 0.25 and result.verdict == "reproduced"
    assert ledger.unchecked() == ["constant"]


def test_check_raises_on_an_unexpected_verdict_after_displaying(capsys):
    ledger = make_ledger()
    with pytest.raises(VerdictMismatch, match="declares 'partly'"):
        ledger.check("constant", 20.0)
    assert "[reproduced] constant" in capsys.readouterr().out


def test_check_refuses_undeclared_claims_and_bad_measurements():
    ledger = make_ledger()
    with pytest.raises(ClaimError, match="not declared"):
        ledger.check("bonud", 0.5)
    with pytest.raises(ValueError, match="NaN"):
        ledger.check("bound", float("nan"))
    with pytest.raises(TypeError, match="measured must be"):
        ledger.check("bound", np.array([0.1, 0.2]))
    with pytest.raises(TypeError, match="measured must be"):
        ledger.check("bound", 1 + 2j)
    with pytest.raises(ValueError, match="fmt"):
        ledger.check("bound", 0.5, fmt="q")
    assert ledger.results == {}


def test_summary_raises_while_a_claim_is_unchecked(capsys):
    ledger = make_ledger()
    ledger.check("bound", 0.5)
    with pytest.raises(ClaimError, match="never checked: constant"):
        ledger.summary()
    ledger.check("constant", 30)
    ledger.summary()
    assert "constant" in capsys.readouterr().out


def test_record_is_in_the_mime_bundle_only_when_recorded():
    bundle = make_ledger().evaluate("bound", 0.5)._repr_mimebundle_()
    assert json.loads(bundle[MIME_TYPE]) == {
        "id": "bound",
        "measured": "0.5",
        "verdict": "reproduced",
        "expect": "reproduced",
        "note": "",
    }
    assert 'id="claim-bound"' in bundle["text/html"]
    scratch = make_ledger(recorded=False).evaluate("bound", 0.5)._repr_mimebundle_()
    assert MIME_TYPE not in scratch and "text/html" in scratch


def test_html_escapes_the_declaration_text():
    text = DECLARATION.replace("The error is below one.", "a <b> & c")
    html = make_ledger(text).evaluate("bound", 0.5)._repr_html_()
    assert "a &lt;b&gt; &amp; c" in html


# ----------------------------------------------------------------------------- audit


def notebook_with(*records) -> dict:
    outputs = [{"output_type": "display_data", "data": {MIME_TYPE: r}} for r in records]
    return {"cells": [{"cell_type": "code", "outputs": outputs}, {"cell_type": "markdown"}]}


def record(cid: str, verdict: str) -> dict:
    return {"id": cid, "measured": "1", "verdict": verdict, "expect": verdict, "note": ""}


def test_audit_accepts_a_consistent_record():
    nb = notebook_with(record("bound", "reproduced"), record("constant", "partly"))
    assert audit(make_ledger(), stored_results(nb)) == []


def test_audit_reports_every_kind_of_disagreement():
    nb = notebook_with(
        record("bound", "not-reproduced"),
        record("bound", "reproduced"),
        record("extra", "reproduced"),
    )
    problems = "\n".join(audit(make_ledger(), stored_results(nb)))
    assert (
        "'bound': stored verdict 'not-reproduced' differs from the declared 'reproduced'"
        in problems
    )
    assert "'bound' is checked 2 times" in problems
    assert "'extra' is checked but not declared" in problems
    assert "'constant' is declared in test.claims.toml but never checked" in problems


def test_stored_results_reads_files_and_both_encodings(tmp_path):
    nb = notebook_with(json.dumps(record("bound", "reproduced")), record("constant", "partly"))
    path = tmp_path / "chapter.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert stored_results(path) == [record("bound", "reproduced"), record("constant", "partly")]


def test_every_float_literal_is_read_and_infinite_measurements_are_refused():
    assert Condition.parse("~ 1e+3 +- 5").holds(1004.0)
    assert Condition.parse("~ -2.5E-3 +- 10%").holds(-0.0026)
    assert Condition.parse("in [1e+2, 3E+4]").holds(500)
    ledger = Ledger.from_toml(
        '[[claim]]\nid = "big"\npaper = "p"\nstatement = "s"\npaper_value = "v"\n'
        'locator = "§1"\nmeasure = "m"\nunit = "u"\nreproduced = "> 10"\nexpect = "reproduced"\n'
    )
    for value in (np.inf, -np.inf, float("inf")):
        with pytest.raises(ValueError, match="finite measurement"):
            ledger.evaluate("big", value)


def test_claim_not_tested_at_the_papers_scale_is_labelled_apart():
    from rederived.book.claims import NOT_AT_SCALE, Claim, ClaimResult

    entry = {
        "id": "speed",
        "paper": "p",
        "statement": "35x faster",
        "paper_value": "35x (C++)",
        "locator": "abstract",
        "measure": "speed-up of the NumPy version",
        "unit": "× faster",
        "reproduced": "> 20",
        "expect": "not-reproduced",
        "not_at_paper_scale": "the paper's C++ is not what runs here",
    }
    claim = Claim.from_mapping(entry)
    result = ClaimResult(claim, 1.7, "1.7", claim.verdict(1.7))
    assert result.verdict == "not-reproduced"  # the rule still decides, and expect is checked
    assert result.label == f"{NOT_AT_SCALE} (here: not reproduced)"
    assert "not at the paper's scale: the paper's C++" in str(result)
    assert "rederived-not-at-scale" in result._repr_html_()
    plain = Claim.from_mapping({k: v for k, v in entry.items() if k != "not_at_paper_scale"})
    assert ClaimResult(plain, 1.7, "1.7", "not-reproduced").label == "not reproduced"
    with pytest.raises(ClaimError, match="must not be empty"):
        Claim.from_mapping({**entry, "not_at_paper_scale": " "})


def test_units_locators_and_inline_math_reach_every_rendering():
    from rederived.book.claims import math_html, with_unit

    text = DECLARATION.replace(
        'statement = "The error is below one."',
        'statement = "The error $|e_n| < 2^{-n}$ is small."',
    )
    ledger = make_ledger(text)
    claim = ledger.claims["bound"]
    assert (claim.unit, claim.locator) == ("relative error", "Theorem 2")
    result = ledger.evaluate("bound", 0.5, fmt=".1f")
    html_text = result._repr_html_()
    assert "0.5 relative error" in html_text and "Theorem 2" in html_text
    assert '<span class="math notranslate nohighlight">\\(|e_n| &lt; 2^{-n}\\)</span>' in html_text
    assert "0.5 relative error" in str(result) and "Theorem 2" in str(result)
    assert math_html(r"costs \$5 and $x<1$") == (
        'costs $5 and <span class="math notranslate nohighlight">\\(x&lt;1\\)</span>'
    )
    assert with_unit("3", "") == "3" and with_unit("3", "digits") == "3 digits"


@pytest.mark.parametrize("key", ["unit", "locator"])
def test_unit_and_locator_are_required(key):
    with pytest.raises(ClaimError, match="missing key"):
        make_ledger(
            "\n".join(line for line in DECLARATION.splitlines() if not line.startswith(key))
        )


def test_unmatched_dollar_and_the_chapter_finding():
    with pytest.raises(ClaimError, match="unmatched"):
        make_ledger(DECLARATION.replace('unit = "relative error"', 'unit = "$x"'))
    ledger = make_ledger('finding = """It  holds\n up."""\n' + DECLARATION)
    assert ledger.finding == "It holds up."
    with pytest.raises(ClaimError, match="'finding' must be a string"):
        make_ledger("finding = 3\n" + DECLARATION)


def test_packaged_declarations_and_data(tmp_path, monkeypatch):
    from rederived.book.claims import data_file, packaged_claims

    monkeypatch.chdir(tmp_path)  # nowhere near the book's checkout
    ledger = Ledger.load("chinchilla-refit.claims.toml")
    assert ledger.recorded and "approach3-inconsistent" in ledger.claims
    assert packaged_claims("no-such-chapter.claims.toml") is None
    with pytest.raises(FileNotFoundError, match="packaged"):
        Ledger.load("no-such-chapter.claims.toml")
    assert data_file("chinchilla/svg_extracted_data.csv").stat().st_size > 10_000
    with pytest.raises(FileNotFoundError):
        data_file("chinchilla/missing.csv")
    for bad in ("../ledger/x", "/etc/passwd", ""):
        with pytest.raises(ValueError, match="name must be a relative path"):
            data_file(bad)
