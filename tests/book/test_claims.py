"""Unit tests of the claims ledger: conditions, verdicts, declarations, checks and audits."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rederived.book.claims import (
    MIME_TYPE,
    ClaimError,
    Condition,
    ControlError,
    Ledger,
    VerdictMismatch,
    audit,
    evidence_problems,
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
        "fragile": "false",
        "margin": "50 % from a threshold",
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


# ----------------------------------------------------------------------------- evidence

EVIDENCE = """
[[claim]]
id = "rate"
paper = "key-2024"
statement = "The rate is one half."
paper_value = "0.5"
locator = "Section 3"
measure = "fitted exponent"
unit = "(exponent)"
reproduced = "~ 0.5 +- 0.05"
expect = "reproduced"
control = "the same fit on shuffled data"
spread = "draws"

[[claim]]
id = "speed"
paper = "key-2024"
statement = "Ten times faster."
paper_value = "10x"
locator = "Table 2"
measure = "time ratio"
unit = "x"
reproduced = "> 5"
expect = "not-reproduced"
control = "the paper's own ratio through the same measure"
set_after_probe = "the ratio was seen before the bound was written"

[[claim]]
id = "identity"
paper = "key-2024"
statement = "An identity holds."
paper_value = "exact"
locator = "Eq. (4)"
measure = "residual"
unit = "(absolute)"
reproduced = "< 1e-12"
expect = "reproduced"
no_control = "the identity has no wrong version that the same residual could measure"

[[claim]]
id = "windows"
paper = "key-2024"
statement = "The slope is two."
paper_value = "2"
locator = "Fig. 1"
measure = "slope"
unit = "(slope)"
reproduced = "in [1.8, 2.2]"
expect = "reproduced"
control = "a slope-one decoy"
spread = "draws and windows"
"""


def evidence_ledger() -> Ledger:
    return Ledger.from_toml(EVIDENCE, "evidence.claims.toml", recorded=True)


def test_a_declared_control_must_be_measured_and_an_undeclared_one_is_refused():
    ledger = evidence_ledger()
    with pytest.raises(ClaimError, match="pass its measured value as control="):
        ledger.check("speed", 1.2)
    with pytest.raises(ClaimError, match="declares no control"):
        ledger.check("identity", 1e-15, control=1.0)
    with pytest.raises(ClaimError, match="not both"):
        make_ledger(
            DECLARATION.replace(
                'expect = "partly"', 'expect = "partly"\ncontrol = "a"\nno_control = "b"'
            )
        )


def test_a_control_with_the_same_verdict_fails_the_check_after_displaying(capsys):
    ledger = evidence_ledger()
    # expected not reproduced: the paper's own value (12x) passes the rule, so it is a control
    ledger.check("speed", 1.2, control=12.0)
    out = capsys.readouterr().out
    assert "control (the paper's own ratio through the same measure): 12 x → reproduced" in out
    assert "threshold set after a probe: the ratio was seen" in out
    with pytest.raises(ControlError, match="cannot tell them apart"):
        ledger.check("speed", 1.2, control=1.3)  # a "control" the rule judges alike
    assert "speed" in capsys.readouterr().out  # shown before raising
    # a control given as a sequence is judged on its mean
    assert evidence_ledger().evaluate("speed", 1.2, control=[10, 14]).evidence.control_text == "12"


def test_a_spread_over_draws_is_judged_on_its_mean_with_agreement_and_margin():
    ledger = evidence_ledger()
    draws = [0.50, 0.51, 0.49, 0.50, 0.52, 0.48]
    result = ledger.evaluate("rate", draws, control=[0.0, 0.01, -0.02, 0.01, 0.0], fmt=".3f")
    e = result.evidence
    assert result.verdict == "reproduced" and result.measured_text == "0.500"
    assert e.n == 6 and e.agree == 6
    sd = float(np.std(draws, ddof=1))
    assert e.se == pytest.approx(sd / np.sqrt(6))
    assert e.margin == pytest.approx(0.05 / e.se) and e.margin_unit == "SE" and not e.fragile
    assert "mean ± SE of 6 draws, 6/6 agree" in str(result)
    record = result.payload()
    assert record["agree"] == "6/6" and record["n"] == "6" and record["spread"] == "draws"
    assert record["control"] == "0.000" and record["control_verdict"] == "not-reproduced"
    with pytest.raises(ValueError, match="at least 5 draws"):
        ledger.evaluate("rate", draws[:4], control=0.0)
    with pytest.raises(TypeError, match="as a sequence"):
        ledger.evaluate("rate", 0.5, control=0.0)
    with pytest.raises(ValueError, match="NaN"):
        ledger.evaluate("rate", [*draws[:4], float("nan")], control=0.0)


def test_fragile_verdicts_low_agreement_or_small_margin():
    ledger = evidence_ledger()
    # the mean passes but two of six draws fail on their own: 4/6 < 80 % agree
    split = ledger.evaluate("rate", [0.5, 0.5, 0.5, 0.5, 0.6, 0.4], control=0.0)
    assert split.verdict == "reproduced" and split.evidence.agree == 4
    assert split.evidence.fragile and "fragile" in split.label
    # every draw agrees, but the mean is within 2 standard errors of the threshold 0.55
    close = ledger.evaluate("rate", [0.53, 0.549, 0.54, 0.549, 0.549], control=0.0)
    assert close.evidence.agree == 5 and close.evidence.margin < 2 and close.evidence.fragile
    # without a spread the margin is relative to the threshold: 1.04 sits 4 % above 1
    scalar = make_ledger().evaluate("bound", 0.96)
    assert scalar.evidence.margin == pytest.approx(0.04) and scalar.evidence.fragile
    assert not make_ledger().evaluate("bound", 0.5).evidence.fragile
    # an interval's relative margin is measured in its half-width: 1 + 1e-9 sits deep inside
    # 1 ± 1e-6, although only 1e-6 of the threshold's own size away from it
    tight = Ledger.from_toml(
        DECLARATION.replace('reproduced = "< 1"', 'reproduced = "~ 1 +- 1e-6"'), "t.toml"
    )
    deep = tight.evaluate("bound", 1 + 1e-9).evidence
    assert deep.margin == pytest.approx(0.999) and not deep.fragile
    # a count is as far from a threshold as the nearest integer judged otherwise: 1 under
    # "<= 1" is one step from 2, not on the edge
    counts = Ledger.from_toml(DECLARATION.replace('reproduced = "< 1"', 'reproduced = "<= 1"'), "c")
    assert counts.evaluate("bound", 1).evidence.margin == pytest.approx(1.0)
    assert counts.evaluate("bound", 5).evidence.margin == pytest.approx(4.0)
    # a scalar with a standard error is judged in standard errors
    with_se = make_ledger().evaluate("bound", 0.96, se=0.01)
    assert with_se.evidence.margin == pytest.approx(4.0) and not with_se.evidence.fragile
    with pytest.raises(ValueError, match="se must be"):
        make_ledger().evaluate("bound", 0.5, se=-1.0)


def test_draws_by_windows_and_windows_alone():
    ledger = evidence_ledger()
    rng = np.random.default_rng(1)
    grid = 2.0 + 0.01 * rng.standard_normal((5, 3))
    result = ledger.evaluate("windows", grid, control=1.0)
    assert result.evidence.n == 15 and result.evidence.agree == 15
    assert result.evidence.se == pytest.approx(np.std(grid.mean(axis=1), ddof=1) / np.sqrt(5))
    with pytest.raises(ValueError, match="5 draws x 3 windows"):
        ledger.evaluate("windows", grid[:, :2], control=1.0)
    with pytest.raises(ValueError, match="draws x windows array"):
        ledger.evaluate("windows", grid[0], control=1.0)
    windows = Ledger.from_toml(EVIDENCE.replace('"draws and windows"', '"windows"'), "w.toml")
    result = windows.evaluate("windows", [1.9, 2.0, 2.1], control=1.0)
    assert result.evidence.margin_unit == "sd"
    assert result.evidence.se == pytest.approx(0.1)
    with pytest.raises(ValueError, match="at least 3 windows"):
        windows.evaluate("windows", [1.9, 2.0], control=1.0)
    # a statistic of data pooled over draws brings its draws' standard error: the margin counts
    # in the windows' spread and that error together (0.1 and 0.3: sqrt(0.1) = 0.316)
    pooled = windows.evaluate("windows", [1.9, 2.0, 2.1], control=1.0, se=0.3)
    assert pooled.evidence.se == pytest.approx(np.hypot(0.1, 0.3))
    assert pooled.evidence.margin_unit == "SE"
    assert pooled.evidence.margin == pytest.approx(0.2 / np.hypot(0.1, 0.3))
    assert pooled.evidence.fragile  # 0.63 SE from the edge: the draws make it fragile
    assert "the draws' SE and the windows' sd combined, 3/3 agree" in pooled.spread_text()
    with pytest.raises(ClaimError, match="a spread over draws gives its own"):
        ledger.evaluate("windows", grid, control=1.0, se=0.1)
    with pytest.raises(ValueError, match="se must be"):
        windows.evaluate("windows", [1.9, 2.0, 2.1], control=1.0, se=float("nan"))


def test_audit_and_evidence_problems_report_missing_evidence():
    ledger = evidence_ledger()
    assert evidence_problems(ledger) == []
    # a planted claim without a control, nor a reason for none, is reported
    planted = make_ledger()
    assert len(evidence_problems(planted)) == 2
    assert "names no control" in evidence_problems(planted)[0]
    good = ledger.evaluate("speed", 1.2, control=12.0).payload()
    assert audit(ledger, [good]) == [
        f"claim {cid!r} is declared in evidence.claims.toml but never checked"
        for cid in ("rate", "identity", "windows")
    ]
    stale = {k: v for k, v in good.items() if k not in ("control", "control_verdict")}
    assert "declares a control but its stored check has none" in audit(ledger, [stale])[0]
    same = {**good, "control_verdict": "not-reproduced"}
    assert "the rule cannot tell them apart" in audit(ledger, [same])[0]


def test_a_control_must_point_the_right_way():
    """Known wrong for a claim expected reproduced or partly (a worse verdict), known right for
    one expected not reproduced (a better one): a difference in the wrong direction is no
    evidence either."""
    ledger = evidence_ledger()
    # expected not reproduced, measured 1.2 (not reproduced): a 'known right' control must pass
    ledger.check("speed", 1.2, control=12.0)
    partly = Ledger.from_toml(
        DECLARATION.replace(
            'partly = "in [10, 40]"\nexpect = "partly"',
            'partly = "in [10, 40]"\nexpect = "partly"\ncontrol = "a decoy"',
        ),
        "p.toml",
    )
    partly.check("constant", 30.0, control=5.0)  # control not reproduced: worse, accepted
    with pytest.raises(ControlError, match="must be known wrong"):
        partly.check("constant", 30.0, control=20.0)  # control reproduced: better than partly
    with pytest.raises(ValueError, match="control is an empty sequence"):
        partly.evaluate("constant", 30.0, control=[])
    # a draws x windows control is judged on its mean, like a measurement
    assert (
        partly.evaluate("constant", 30.0, control=[[4.0, 6.0], [5.0, 5.0]]).evidence.control_text
        == "5"
    )
    with pytest.raises(ValueError, match="control is an empty sequence"):
        partly.evaluate("constant", 30.0, control=[[], []])
    with pytest.raises(ValueError, match="control is NaN"):
        partly.evaluate("constant", 30.0, control=float("nan"))
    stored = partly.evaluate("constant", 30.0, control=20.0).payload()
    assert "must be known wrong" in audit(partly, [stored])[0]


def test_spread_values_are_validated_in_the_declaration():
    with pytest.raises(ClaimError, match="spread must be one of"):
        Ledger.from_toml(EVIDENCE.replace('spread = "draws"', 'spread = "seeds"'), "x.toml")
