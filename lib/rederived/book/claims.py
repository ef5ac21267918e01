"""The claims ledger: declare a paper's claims, check them in a notebook, audit the record.

A chapter declares the claims it tests in a TOML file beside it (``<chapter>.claims.toml``)::

    [[claim]]
    id = "pi-dirichlet"                  # lower-case words joined by '-', unique in the chapter
    paper = "hardy-wright-2008"          # key in chapters/references.bib
    statement = "Every convergent p/q of π satisfies |π − p/q| < 1/q²."
    paper_value = "q²|π − p/q| < 1"      # the paper's number or relation, as the paper gives it
    locator = "Theorem 171"              # where in the paper: section, table, figure, equation
    measure = "max of q²|π − p/q| over the first 40 convergents"
    unit = "largest q²·|π − p/q|"        # what the measured number is, shown after it
    reproduced = "< 1"                   # condition on the measured value for 'reproduced'
    partly = "< 2"                       # optional condition for 'partly'
    expect = "reproduced"                # the verdict the chapter expects

The evidence keys say why the verdict could have gone the other way::

    control = "the same bound for 22/7's digits"   # a named alternative the chapter also measures
    spread = "draws"                     # optional: "draws" (>= 5), "windows" (>= 3) or
                                         # "draws and windows" (a draws x windows array)
    set_after_probe = "why"              # optional: the threshold was chosen after looking

For a claim expected ``reproduced`` or ``partly`` the control is something known to be wrong (a
decoy constant, the wrong density, a deliberately broken kernel, a perturbed paper value); for
one expected ``not-reproduced`` it is something known to be right (the paper's own value through
the same measure, the exact answer). A claim for which no control can exist says why instead:
``no_control = "reason"``. The notebook loads the declaration and checks each claim against a
value it computes, with its control measured in the same run::

    ledger = Ledger.load("pi.claims.toml")
    ledger.check("pi-dirichlet", worst, control=worst_of_decoy, fmt=".4f")

A claim with ``spread`` receives every draw (or window) and is judged on their mean; the record
keeps the mean, its standard error (the standard deviation over windows, which are not
independent samples), and how many draws or windows give the same verdict on their own. The
*margin* is the distance from the mean to the nearest threshold of the rules, in standard errors
where there is a spread (or an ``se=`` given with a scalar), relative to the threshold otherwise.
A verdict with under 80 % agreement, or a margin under 2 standard errors (5 % relative), is
**fragile**: shown as such, never changed.

:meth:`Ledger.check` derives the verdict from the conditions (``reproduced`` first, then
``partly``, otherwise ``not-reproduced``), displays a compact result and raises
:class:`VerdictMismatch` when the verdict is not the declared one, and :class:`ControlError` when
the control gets the same verdict as the measurement (a rule that cannot tell them apart), so
that a regression makes the notebook, and hence nbval, fail. Each displayed result carries a
machine-readable copy under the MIME type :data:`MIME_TYPE` (a JSON object serialised as text);
the ledger page and the tests read those from the stored notebook outputs, which nbval has
verified against a fresh execution
(:func:`stored_results`, :func:`audit`).

Text fields may hold inline mathematics between ``$`` signs (``"$\\lambda_i \\propto i^{-2}$"``);
the book typesets it, and the plain-text form keeps the TeX.

Conditions are short strings: ``< x``, ``<= x``, ``> x``, ``>= x``, ``== v`` (a number,
``true``/``false`` or a quoted string), ``in [a, b]`` (inclusive), ``~ v +- t`` (absolute) and
``~ v +- p%`` (relative to ``|v|``). ``≤``, ``≥``, ``≈`` and ``±`` may replace their ASCII forms.
"""

from __future__ import annotations

import html
import json
import math
import numbers
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "MIME_TYPE",
    "NOT_AT_SCALE",
    "VERDICTS",
    "Claim",
    "ClaimError",
    "ClaimResult",
    "Condition",
    "ControlError",
    "Ledger",
    "VerdictMismatch",
    "audit",
    "data_file",
    "evidence_problems",
    "math_html",
    "packaged_claims",
    "stored_results",
    "with_unit",
]

VERDICTS = ("reproduced", "partly", "not-reproduced")
MIME_TYPE = "application/vnd.rederived.claim+json"

_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REQUIRED_KEYS = (
    "id",
    "paper",
    "statement",
    "paper_value",
    "locator",
    "measure",
    "unit",
    "reproduced",
    "expect",
)
_OPTIONAL_KEYS = (
    "partly",
    "not_at_paper_scale",
    "control",
    "no_control",
    "spread",
    "set_after_probe",
)
#: what a claim's measurement may be spread over, and the fewest values each needs
SPREADS = {"draws": (5,), "windows": (3,), "draws and windows": (5, 3)}
#: below these a verdict is fragile: share of draws/windows agreeing, margin in standard errors,
#: relative margin when there is no spread
FRAGILE_AGREEMENT = 0.8
FRAGILE_SE = 2.0
FRAGILE_RELATIVE = 0.05
# shown instead of the rule's verdict when a claim declares that the paper's scale or setting
# (its hardware, its data, its size) could not be tested here; counted apart in the ledger
NOT_AT_SCALE = "not tested at the paper's scale"
_SYMBOLS = {"≤": "<=", "≥": ">=", "≈": "~", "±": "+-"}
_VERDICT_MARK = {"reproduced": "✔", "partly": "◐", "not-reproduced": "✘"}

Scalar = bool | int | float | str


class ClaimError(ValueError):
    """A declaration or a check that the ledger cannot accept."""


class VerdictMismatch(ClaimError):
    """A check whose verdict differs from the declared (expected) verdict."""


class ControlError(ClaimError):
    """A check whose control gets the same verdict as the measurement: the rule cannot tell
    them apart, so the verdict is no evidence."""


# --------------------------------------------------------------------------- conditions


def _parse_value(text: str, where: str) -> Scalar:
    text = text.strip()
    if text in ("true", "false"):
        return text == "true"
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        raise ClaimError(
            f"{where}: cannot read {text!r} as a number, true/false or a string"
        ) from None
    if not math.isfinite(value):
        raise ClaimError(f"{where}: the value {text!r} must be finite")
    return value


def _format_number(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Condition:
    """A condition on a measured scalar, parsed from the ledger's condition syntax.

    Parameters
    ----------
    op : str
        One of ``'<'``, ``'<='``, ``'>'``, ``'>='``, ``'=='``, ``'in'``, ``'~abs'``, ``'~rel'``.
    operands : tuple
        One value for comparisons, ``(low, high)`` for ``in``, ``(centre, tolerance)`` for
        ``~abs`` and ``(centre, percent)`` for ``~rel``.
    """

    op: str
    operands: tuple[Scalar, ...]

    @classmethod
    def parse(cls, text: str, where: str = "condition") -> Condition:
        """Read a condition such as ``'< 1e-12'``, ``'in [0.9, 1.1]'`` or ``'~ 20 +- 10%'``."""
        if not isinstance(text, str):
            raise ClaimError(f"{where}: expected a condition string, got {type(text).__name__}")
        src = text.strip()
        for symbol, ascii_form in _SYMBOLS.items():
            src = src.replace(symbol, ascii_form)
        if m := re.fullmatch(r"(<=|>=|==|<|>)\s*(.+)", src):
            value = _parse_value(m.group(2), where)
            if m.group(1) != "==" and not _is_number(value):
                raise ClaimError(f"{where}: {m.group(1)!r} needs a number, got {m.group(2)!r}")
            return cls(m.group(1), (value,))
        if m := re.fullmatch(r"in\s*\[\s*([^,\]]+),\s*([^\]]+)\]", src):
            low, high = (_parse_value(g, where) for g in m.groups())
            if not (_is_number(low) and _is_number(high)) or low > high:
                raise ClaimError(f"{where}: 'in [a, b]' needs numbers with a <= b, got {text!r}")
            return cls("in", (low, high))
        if m := re.fullmatch(r"~\s*(.+?)\s*\+-\s*([^%]+?)\s*(%?)", src):
            centre, tol = (_parse_value(g, where) for g in m.groups()[:2])
            if not (_is_number(centre) and _is_number(tol)) or tol < 0:
                raise ClaimError(f"{where}: '~ v +- t' needs numbers with t >= 0, got {text!r}")
            return cls("~rel" if m.group(3) else "~abs", (centre, tol))
        raise ClaimError(
            f"{where}: cannot read condition {text!r}; expected '< x', '<= x', '> x', '>= x', "
            "'== v', 'in [a, b]', '~ v +- t' or '~ v +- p%'"
        )

    def holds(self, measured: Scalar) -> bool:
        """Whether ``measured`` satisfies the condition."""
        if self.op == "==":
            (value,) = self.operands
            if isinstance(value, bool) or isinstance(measured, bool):
                return type(value) is type(measured) and value == measured
            return value == measured
        if not _is_number(measured):
            raise ClaimError(f"condition '{self}' needs a numeric measurement, got {measured!r}")
        if self.op in ("<", "<=", ">", ">="):
            (bound,) = self.operands
            return {
                "<": measured < bound,
                "<=": measured <= bound,
                ">": measured > bound,
                ">=": measured >= bound,
            }[self.op]
        if self.op == "in":
            low, high = self.operands
            return low <= measured <= high
        centre, tol = self.operands
        if self.op == "~rel":
            tol = abs(centre) * tol / 100.0
        return abs(measured - centre) <= tol

    def boundaries(self) -> tuple[tuple[float, float], ...]:
        """Where the condition switches between holding and not, each with the scale its
        relative margin is measured in: ``|x|`` for a one-sided ``< x``, the half-width for
        ``in [a, b]`` and ``~ v +- t``. None for ``==``."""
        if self.op in ("<", "<=", ">", ">="):
            bound = float(self.operands[0])
            return ((bound, abs(bound)),)
        if self.op == "in":
            low, high = (float(v) for v in self.operands)
            return ((low, (high - low) / 2), (high, (high - low) / 2))
        if self.op in ("~abs", "~rel"):
            centre, tol = (float(v) for v in self.operands)
            if self.op == "~rel":
                tol = abs(centre) * tol / 100.0
            return ((centre - tol, tol), (centre + tol, tol))
        return ()

    def __str__(self) -> str:
        if self.op == "in":
            low, high = self.operands
            return f"in [{_format_number(low)}, {_format_number(high)}]"
        if self.op in ("~abs", "~rel"):
            centre, tol = self.operands
            suffix = "%" if self.op == "~rel" else ""
            return f"≈ {_format_number(centre)} ± {_format_number(tol)}{suffix}"
        symbol = {"<=": "≤", ">=": "≥"}.get(self.op, self.op)
        return f"{symbol} {_format_number(self.operands[0])}"


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class Claim:
    """One declared claim of a paper, with the rule that turns a measurement into a verdict."""

    id: str
    paper: str
    statement: str
    paper_value: str
    measure: str
    reproduced: Condition
    partly: Condition | None
    expect: str
    not_at_paper_scale: str | None = None
    locator: str = ""
    unit: str = ""
    control: str | None = None
    no_control: str | None = None
    spread: str | None = None
    set_after_probe: str | None = None

    @classmethod
    def from_mapping(cls, entry: Mapping[str, Any], where: str = "claim") -> Claim:
        """Build a claim from one ``[[claim]]`` table, validating every field."""
        if not isinstance(entry, Mapping):
            raise ClaimError(f"{where}: expected a table, got {type(entry).__name__}")
        missing = [k for k in _REQUIRED_KEYS if k not in entry]
        if missing:
            raise ClaimError(f"{where}: missing key(s) {', '.join(missing)}")
        unknown = sorted(set(entry) - set(_REQUIRED_KEYS) - set(_OPTIONAL_KEYS))
        if unknown:
            raise ClaimError(f"{where}: unknown key(s) {', '.join(unknown)}")
        for key in (*_REQUIRED_KEYS, *_OPTIONAL_KEYS):
            if key in entry and not isinstance(entry[key], str):
                raise ClaimError(f"{where}: key {key!r} must be a string")
            if key in entry and not entry[key].strip():
                raise ClaimError(f"{where}: key {key!r} must not be empty")
        claim_id = entry["id"]
        where = f"{where} {claim_id!r}"
        for key in ("statement", "paper_value", "measure", "unit", "locator", "control"):
            if key in entry and len(_MATH.findall(entry[key])) % 2:
                raise ClaimError(f"{where}: key {key!r} has an unmatched '$' (inline math)")
        if not _ID_PATTERN.match(claim_id):
            raise ClaimError(f"{where}: id must be lower-case words joined by '-'")
        if entry["expect"] not in VERDICTS:
            raise ClaimError(f"{where}: expect must be one of {', '.join(VERDICTS)}")
        partly = entry.get("partly")
        if entry["expect"] == "partly" and partly is None:
            raise ClaimError(f"{where}: expect = 'partly' needs a 'partly' condition")
        if "control" in entry and "no_control" in entry:
            raise ClaimError(f"{where}: give a control or a reason for none (no_control), not both")
        spread = entry.get("spread")
        if spread is not None and spread not in SPREADS:
            raise ClaimError(f"{where}: spread must be one of {', '.join(map(repr, SPREADS))}")

        def text(key: str) -> str | None:
            return (entry.get(key) or "").strip() or None

        return cls(
            id=claim_id,
            paper=entry["paper"],
            statement=entry["statement"].strip(),
            paper_value=entry["paper_value"].strip(),
            measure=entry["measure"].strip(),
            reproduced=Condition.parse(entry["reproduced"], f"{where}, reproduced"),
            partly=None if partly is None else Condition.parse(partly, f"{where}, partly"),
            expect=entry["expect"],
            not_at_paper_scale=(entry.get("not_at_paper_scale") or "").strip() or None,
            locator=entry["locator"].strip(),
            unit=entry["unit"].strip(),
            control=text("control"),
            no_control=text("no_control"),
            spread=spread,
            set_after_probe=text("set_after_probe"),
        )

    def boundaries(self) -> tuple[tuple[float, float], ...]:
        """Every number at which the verdict can change, with its relative scale (see
        :meth:`Condition.boundaries`)."""
        found = list(self.reproduced.boundaries())
        if self.partly is not None:
            found += self.partly.boundaries()
        return tuple(found)

    def verdict(self, measured: Scalar) -> str:
        """The verdict the declared conditions give for ``measured``."""
        if self.reproduced.holds(measured):
            return "reproduced"
        if self.partly is not None and self.partly.holds(measured):
            return "partly"
        return "not-reproduced"

    @property
    def rule(self) -> str:
        """The verdict rule in words, e.g. ``'reproduced if < 1; partly if < 2'``."""
        text = f"reproduced if {self.reproduced}"
        if self.partly is not None:
            text += f"; partly if {self.partly}"
        return text


_MATH = re.compile(r"(?<!\\)\$")


def math_html(text: str) -> str:
    """HTML of a text field: escaped, with its ``$...$`` spans marked up for MathJax as Sphinx
    marks up inline math, so the rendered book typesets them."""
    parts = _MATH.split(text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(
                f'<span class="math notranslate nohighlight">\\({html.escape(part)}\\)</span>'
            )
        else:
            out.append(html.escape(part.replace("\\$", "$")))
    return "".join(out)


def with_unit(measured_text: str, unit: str) -> str:
    """A measured value with what it counts or measures, e.g. ``'308 correct digits'``."""
    return f"{measured_text} {unit}" if unit else measured_text


def _as_scalar(measured: object, name: str = "measured") -> Scalar:
    """Accept Python and NumPy scalars (and 0-d / size-1 arrays); reject everything else."""
    if hasattr(measured, "item") and getattr(measured, "size", 1) == 1:
        measured = measured.item()  # NumPy scalar or size-1 array
    if isinstance(measured, bool | str):
        return measured
    if isinstance(measured, numbers.Integral):
        return int(measured)
    if isinstance(measured, numbers.Real):
        value = float(measured)
        if math.isnan(value):
            raise ValueError(f"{name} is NaN: the computation behind this claim failed")
        if math.isinf(value):  # 'inf > x' would pass a rule that a failed computation should fail
            raise ValueError(f"{name} is {value}: a claim needs a finite measurement")
        return value
    raise TypeError(
        f"{name} must be a real scalar, a bool or a string, got {type(measured).__name__}"
    )


def _as_values(measured: object, spread: str) -> list[list[float]]:
    """A spread measurement as rows of floats: one row per draw (``draws``, and ``draws and
    windows`` with one column per window), or one row of windows (``windows``)."""
    if hasattr(measured, "tolist") and not isinstance(measured, str):
        measured = measured.tolist()
    if not isinstance(measured, list | tuple):
        raise TypeError(
            f"a claim with spread = {spread!r} takes every value as a sequence, got "
            f"{type(measured).__name__}"
        )
    two_d = spread == "draws and windows"
    rows = [list(r) if isinstance(r, list | tuple) else r for r in measured]
    if two_d and not all(isinstance(r, list) for r in rows):
        raise ValueError("spread = 'draws and windows' takes a draws x windows array")
    if not two_d:
        if any(isinstance(r, list) for r in rows):
            raise ValueError(f"spread = {spread!r} takes a 1-d sequence of values")
        rows = [rows] if spread == "windows" else [[r] for r in rows]
    out = []
    for row in rows:
        values = []
        for v in row:
            value = _as_scalar(v)
            if not _is_number(value):
                raise TypeError(f"a spread measurement must hold numbers, got {v!r}")
            values.append(float(value))
        out.append(values)
    if two_d and len({len(r) for r in out}) != 1:
        raise ValueError("spread = 'draws and windows' needs the same windows for every draw")
    need = SPREADS[spread]
    have = (len(out), len(out[0]) if out else 0)
    if spread == "draws" and have[0] < need[0]:
        raise ValueError(f"spread = 'draws' needs at least {need[0]} draws, got {have[0]}")
    if spread == "windows" and have[1] < need[0]:
        raise ValueError(f"spread = 'windows' needs at least {need[0]} windows, got {have[1]}")
    if two_d and (have[0] < need[0] or have[1] < need[1]):
        raise ValueError(
            f"spread = 'draws and windows' needs at least {need[0]} draws x {need[1]} windows, "
            f"got {have[0]} x {have[1]}"
        )
    return out


def _mean(values: list[float]) -> float:
    return math.fsum(values) / len(values)


def _sd(values: list[float]) -> float:
    if len(values) < 2:
        return 0.0
    m = _mean(values)
    return math.sqrt(math.fsum((v - m) ** 2 for v in values) / (len(values) - 1))


@dataclass(frozen=True)
class Evidence:
    """What a check knows beyond the value: the spread, the margin and the control.

    Attributes
    ----------
    n : int
        Number of values the verdict rests on (1 without a spread).
    se : float or None
        Standard error of the mean over draws; the standard deviation over windows
        (``spread = "windows"``), combined with the draws' standard error when one was given;
        the ``se`` given with a scalar; None when unknown.
    agree : int or None
        How many draws/windows give the mean's verdict on their own (None without a spread).
    margin : float or None
        Distance from the value to the nearest threshold, in ``margin_unit``; None when the rule
        has no numeric threshold (``== true``).
    margin_unit : str
        ``'SE'``, ``'sd'`` (windows) or ``'relative'``.
    control_text, control_verdict : str or None
        The control's measured value and the verdict the same rule gives it.
    """

    n: int = 1
    se: float | None = None
    agree: int | None = None
    margin: float | None = None
    margin_unit: str = "relative"
    control_text: str | None = None
    control_verdict: str | None = None

    @property
    def fragile(self) -> bool:
        """Whether the verdict could flip with another draw or window, or a small change."""
        if self.agree is not None and self.agree < FRAGILE_AGREEMENT * self.n:
            return True
        if self.margin is None:
            return False
        if self.margin_unit == "relative":
            return self.margin < FRAGILE_RELATIVE
        return self.margin < FRAGILE_SE

    def margin_text(self) -> str:
        if self.margin is None:
            return ""
        if math.isinf(self.margin):
            return "no finite threshold nearby (the bound is 0)"
        if self.margin_unit == "relative":
            return f"{100 * self.margin:.3g} % from a threshold"
        return f"{self.margin:.3g} {self.margin_unit} from a threshold"


def _margin(
    claim: Claim, value: Scalar, scale: float | None, unit: str
) -> tuple[float | None, str]:
    """Distance from ``value`` to the claim's nearest threshold: in units of ``scale`` (a
    standard error) when it is positive, else relative to each threshold's own scale (the bound
    of a one-sided rule, the half-width of an interval). An integer measurement (a count) is as
    far from a threshold as the nearest integer that the rules judge otherwise."""
    boundaries = claim.boundaries()
    if not boundaries or not _is_number(value):
        return None, "relative"
    if scale is not None and scale > 0:
        return min(abs(value - b) for b, _ in boundaries) / scale, unit
    if isinstance(value, int):
        verdict = claim.verdict(value)
        relative = []
        for b, s in boundaries:
            for c in (math.floor(b) - 1, math.floor(b), math.ceil(b), math.ceil(b) + 1):
                if claim.verdict(c) != verdict:
                    relative.append(abs(c - value) / max(s, 1.0))
        return (min(relative) if relative else None), "relative"
    relative = [
        abs(value - b) / s if s > 0 else (math.inf if value != b else 0.0) for b, s in boundaries
    ]
    return min(relative), "relative"


@dataclass(frozen=True)
class ClaimResult:
    """The outcome of one check: the claim, the measured value, the verdict and its evidence."""

    claim: Claim
    measured: Scalar
    measured_text: str
    verdict: str
    note: str = ""
    recorded: bool = True
    evidence: Evidence = Evidence()

    def payload(self) -> dict[str, str]:
        """The machine-readable record stored in the notebook (strings only, so it is stable)."""
        e = self.evidence
        record = {
            "id": self.claim.id,
            "measured": self.measured_text,
            "verdict": self.verdict,
            "expect": self.claim.expect,
            "note": self.note,
            "fragile": "true" if e.fragile else "false",
            "margin": e.margin_text(),
        }
        if e.control_text is not None:
            record["control"] = e.control_text
            record["control_verdict"] = e.control_verdict or ""
        if self.claim.spread:
            record["spread"] = self.claim.spread
        if e.n > 1 or e.se is not None:
            record["n"] = str(e.n)
            record["se"] = "" if e.se is None else f"{e.se:.3g}"
        if e.agree is not None:
            record["agree"] = f"{e.agree}/{e.n}"
        return record

    @property
    def label(self) -> str:
        """The verdict as a reader sees it: the rule's verdict (marked fragile when it is), or,
        for a claim whose paper's scale could not be tested here, that fact with the rule's
        verdict on what was run."""
        verdict = self.verdict.replace("-", " ")
        if self.evidence.fragile:
            verdict += ", fragile"
        if self.claim.not_at_paper_scale:
            return f"{NOT_AT_SCALE} (here: {verdict})"
        return verdict

    @property
    def mark(self) -> str:
        return "◌" if self.claim.not_at_paper_scale else _VERDICT_MARK[self.verdict]

    def spread_text(self) -> str:
        """E.g. ``'± 0.004 (mean ± SE of 6 draws, 6/6 agree)'``, or ``''`` without a spread."""
        e, spread = self.evidence, self.claim.spread
        if spread is None:
            return f"± {e.se:.2g} (standard error)" if e.se is not None else ""
        if spread == "windows" and e.margin_unit == "SE" and e.se is not None:
            return (
                f"± {e.se:.2g} (mean of {e.n} windows ± the draws' SE and the windows' sd "
                f"combined, {e.agree}/{e.n} agree)"
            )
        what = {"draws": "SE of", "windows": "sd over", "draws and windows": "SE of"}[spread]
        counted = {"draws": "draws", "windows": "windows", "draws and windows": "draws × windows"}
        return (
            f"± {e.se:.2g} (mean ± {what} {e.n} {counted[spread]}, {e.agree}/{e.n} agree)"
            if e.se is not None
            else ""
        )

    def evidence_lines(self) -> list[str]:
        """The evidence in words: control and its verdict, margin, threshold provenance."""
        c, e = self.claim, self.evidence
        lines = []
        if e.control_text is not None:
            lines.append(
                f"control ({c.control}): {with_unit(e.control_text, c.unit)} → "
                f"{(e.control_verdict or '').replace('-', ' ')}"
            )
        elif c.no_control:
            lines.append(f"no control: {c.no_control}")
        if e.margin is not None:
            lines.append(f"margin: {e.margin_text()}" + (" (fragile)" if e.fragile else ""))
        elif e.fragile:
            lines.append("fragile: under 80 % of draws/windows agree")
        if c.set_after_probe:
            lines.append(f"threshold set after a probe: {c.set_after_probe}")
        return lines

    def __str__(self) -> str:
        measured = with_unit(self.measured_text, self.claim.unit)
        if spread := self.spread_text():
            measured += f" {spread}"
        line = (
            f"{self.mark} [{self.label}] {self.claim.id}: "
            f"measured {measured} ({self.claim.rule}); "
            f"paper ({self.claim.locator}): {self.claim.paper_value}"
        )
        for extra in self.evidence_lines():
            line += f"\n  {extra}"
        if self.claim.not_at_paper_scale:
            line += f"\n  not at the paper's scale: {self.claim.not_at_paper_scale}"
        return line + (f"\n  note: {self.note}" if self.note else "")

    def _repr_html_(self) -> str:
        c = self.claim
        esc = html.escape
        extra = "".join(f"<br>{math_html(line)}" for line in self.evidence_lines())
        note = f"<br><em>{esc(self.note)}</em>" if self.note else ""
        if c.not_at_paper_scale:
            note = f"<br><b>not at the paper's scale:</b> {math_html(c.not_at_paper_scale)}" + note
        kind = "not-at-scale" if c.not_at_paper_scale else self.verdict
        fragile = " rederived-fragile" if self.evidence.fragile else ""
        spread = f" {esc(self.spread_text())}" if self.spread_text() else ""
        return (
            f'<div class="rederived-claim rederived-{kind}{fragile}" id="claim-{c.id}">'
            f'<span class="rederived-verdict">{self.mark} {esc(self.label)}</span> '
            f"<code>{esc(c.id)}</code>: {math_html(c.statement)}<br>"
            f"<b>paper ({math_html(c.locator)}):</b> {math_html(c.paper_value)} &nbsp; "
            f"<b>measured:</b> {math_html(with_unit(self.measured_text, c.unit))}{spread}"
            f" <small>({math_html(c.measure)}; {esc(c.rule)})</small>{extra}{note}</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/plain": str(self), "text/html": self._repr_html_()}
        if self.recorded:
            # stored as JSON text, so that nbval's sanitize rules apply to it as to the text
            bundle[MIME_TYPE] = json.dumps(self.payload(), ensure_ascii=False, sort_keys=True)
        return bundle


# --------------------------------------------------------------------------- the ledger


def _display(obj: Any) -> None:
    """Display rich output inside IPython; print the text form elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # plain Python without IPython
        print(obj)
        return
    if get_ipython() is None:
        print(obj)
    else:
        display(obj)


_MISSING: Any = object()
_RANK = {"not-reproduced": 0, "partly": 1, "reproduced": 2}


def _control_problem(expect: str, verdict: str, control: str | None, text: str | None) -> str:
    """Why a control is no evidence ('' when it is): a control known to be wrong must get a
    worse verdict than a claim expected reproduced or partly, and one known to be right a better
    verdict than a claim expected not reproduced."""
    if control is None:
        return ""
    got = f"measures {text} and gets {control!r}"
    if control == verdict:
        return f"{got}, the measurement's verdict: the rule cannot tell them apart"
    if expect == "not-reproduced" and _RANK[control] < _RANK[verdict]:
        return f"{got}; a control for a claim expected not reproduced must be known right"
    if expect != "not-reproduced" and _RANK[control] > _RANK[verdict]:
        return f"{got}; a control for a claim expected {expect} must be known wrong"
    return ""


def _as_number(value: object, name: str = "measured") -> float:
    scalar = _as_scalar(value, name)
    if not _is_number(scalar):
        raise TypeError(f"a control given as a sequence must hold numbers, got {value!r}")
    return float(scalar)


def _format_measured(value: Scalar, fmt: str | None) -> str:
    if fmt is None:
        fmt = ".6g" if isinstance(value, float) else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    try:
        return format(value, fmt)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"fmt {fmt!r} cannot format measured {value!r}: {exc}") from None


class Ledger:
    """The claims of one chapter and the results of checking them in this run.

    Parameters
    ----------
    claims : iterable of Claim
        The declared claims; ids must be unique.
    source : str, optional
        Where the declaration came from, for error messages.
    recorded : bool, optional
        Whether displayed results carry the machine-readable record that the book's ledger
        collects. True for a chapter's declaration file (:meth:`load`); False for a scratch
        ledger written inline, e.g. to illustrate the machinery.
    """

    def __init__(
        self, claims: Iterable[Claim], source: str = "<claims>", *, recorded: bool = False
    ) -> None:
        self.source = source
        self.recorded = recorded
        self.claims: dict[str, Claim] = {}
        self.results: dict[str, ClaimResult] = {}
        #: the chapter's result in one line (top-level ``finding`` of the declaration), for the
        #: book's chapter map; no numbers, which the ledger gives
        self.finding = ""
        for claim in claims:
            if claim.id in self.claims:
                raise ClaimError(f"{source}: claim id {claim.id!r} is declared twice")
            self.claims[claim.id] = claim
        if not self.claims:
            raise ClaimError(f"{source}: declares no claims")

    def __repr__(self) -> str:
        return f"Ledger({self.source!r}, {len(self.claims)} claims, {len(self.results)} checked)"

    @classmethod
    def from_toml(cls, text: str, source: str = "<claims>", *, recorded: bool = False) -> Ledger:
        """Read a declaration from TOML text with one ``[[claim]]`` table per claim."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ClaimError(f"{source}: not valid TOML: {exc}") from None
        unknown = sorted(set(data) - {"claim", "finding"})
        if unknown:
            raise ClaimError(f"{source}: unknown top-level key(s) {', '.join(unknown)}")
        finding = data.get("finding", "")
        if not isinstance(finding, str):
            raise ClaimError(f"{source}: 'finding' must be a string")
        entries = data.get("claim", [])
        if not isinstance(entries, list):
            raise ClaimError(f"{source}: 'claim' must be an array of tables ([[claim]])")
        ledger = cls(
            (Claim.from_mapping(e, f"{source}, claim {i + 1}") for i, e in enumerate(entries)),
            source,
            recorded=recorded,
        )
        ledger.finding = " ".join(finding.split())
        return ledger

    @classmethod
    def load(cls, path: str | Path) -> Ledger:
        """Read a ``*.claims.toml`` declaration: a file path, or the bare name of a chapter's
        declaration packaged with ``rederived`` (``"four-regimes.claims.toml"``), so that a
        chapter's notebook runs on its own, without the book's checkout (Colab, Binder)."""
        path = Path(path)
        if not path.is_file() and path.name == str(path):
            packaged = packaged_claims(path.name)
            if packaged is not None:
                path = packaged
        if not path.is_file():
            raise FileNotFoundError(
                f"claims declaration {path} does not exist (neither as a file nor among the "
                f"declarations packaged in rederived/book/ledger)"
            )
        return cls.from_toml(path.read_text(encoding="utf-8"), path.name, recorded=True)

    def evaluate(
        self,
        claim_id: str,
        measured: object,
        *,
        control: object = _MISSING,
        se: float | None = None,
        fmt: str | None = None,
        note: str = "",
    ) -> ClaimResult:
        """Turn a measurement into a :class:`ClaimResult` without displaying or raising.

        Parameters
        ----------
        claim_id : str
            A declared claim id.
        measured : real scalar, bool or str; or a sequence of reals
            The value this run measured; NumPy scalars are accepted, NaN is an error. A claim
            declaring ``spread`` takes every draw (``"draws"``: a 1-d sequence of at least 5),
            every window (``"windows"``: at least 3) or a draws × windows array, and is judged
            on their mean.
        control : same kinds as ``measured``, required when the claim declares a control
            The control's value, measured in the same run (a sequence, or a draws × windows
            array, is judged on its mean).
        se : float, optional
            The standard error of a scalar measurement (a Monte Carlo estimate's, say), so that
            its margin is counted in standard errors. With ``spread = "windows"``, the standard
            error over draws of a statistic computed from data pooled over the draws (from
            groups of draws or a jackknife); the margin then counts in √(sd² + se²), the
            windows' spread and the draws' together.
        fmt : str, optional
            Format spec for the displayed value (default ``'.6g'`` for floats).
        note : str, optional
            One sentence shown under the result.
        """
        if claim_id not in self.claims:
            raise ClaimError(
                f"{self.source}: claim {claim_id!r} is not declared "
                f"(declared: {', '.join(self.claims)})"
            )
        claim = self.claims[claim_id]
        n, agree, scale, unit = 1, None, None, "SE"
        if claim.spread is not None:
            if se is not None and claim.spread != "windows":
                raise ClaimError(
                    f"claim {claim_id!r}: se= is for a scalar or a spread over windows; a spread "
                    "over draws gives its own"
                )
            rows = _as_values(measured, claim.spread)
            flat = [v for row in rows for v in row]
            value: Scalar = _mean(flat)
            if claim.spread == "windows" and se is not None:
                # a statistic of data pooled over draws: its standard error over the draws (given)
                # and the spread over windows together
                if not _is_number(se) or not math.isfinite(se) or se < 0:
                    raise ValueError(f"se must be a finite number >= 0, got {se!r}")
                scale = math.hypot(_sd(flat), float(se))
            elif claim.spread == "windows":
                scale, unit = _sd(flat), "sd"
            else:  # over draws: the standard error of the draws' means
                scale = _sd([_mean(row) for row in rows]) / math.sqrt(len(rows))
            verdict = claim.verdict(value)
            n, agree = len(flat), sum(claim.verdict(v) == verdict for v in flat)
        else:
            value = _as_scalar(measured)
            if se is not None:
                if not _is_number(se) or not math.isfinite(se) or se < 0:
                    raise ValueError(f"se must be a finite number >= 0, got {se!r}")
                scale = float(se)
            verdict = claim.verdict(value)
        margin, margin_unit = _margin(claim, value, scale, unit)
        text = _format_measured(value, fmt)
        control_text = control_verdict = None
        if control is _MISSING:
            if claim.control:
                raise ClaimError(
                    f"claim {claim_id!r} declares the control {claim.control!r}: pass its "
                    "measured value as control="
                )
        else:
            if not claim.control:
                raise ClaimError(f"claim {claim_id!r} declares no control, but control= was given")
            if hasattr(control, "tolist") and getattr(control, "size", 1) != 1:
                control = control.tolist()
            if isinstance(control, list | tuple):
                # a draws x windows control, like the measurement, is judged on its mean too
                flat = [
                    v for row in control for v in (row if isinstance(row, list | tuple) else [row])
                ]
                if not flat:
                    raise ValueError(f"claim {claim_id!r}: control is an empty sequence")
                control_value: Scalar = _mean([float(_as_number(v, "control")) for v in flat])
            else:
                control_value = _as_scalar(control, "control")
            control_verdict = claim.verdict(control_value)
            control_text = _format_measured(control_value, fmt)
        evidence = Evidence(
            n=n,
            se=scale,
            agree=agree,
            margin=margin,
            margin_unit=margin_unit,
            control_text=control_text,
            control_verdict=control_verdict,
        )
        return ClaimResult(claim, value, text, verdict, note, self.recorded, evidence)

    def check(
        self,
        claim_id: str,
        measured: object,
        *,
        control: object = _MISSING,
        se: float | None = None,
        fmt: str | None = None,
        note: str = "",
    ) -> None:
        """Check a claim: evaluate, record, display, and raise if the evidence fails.

        Same parameters as :meth:`evaluate`. After displaying the result, raises
        :class:`VerdictMismatch` when the verdict differs from the declared ``expect``, and
        :class:`ControlError` when the control gets the same verdict as the measurement.
        """
        result = self.evaluate(claim_id, measured, control=control, se=se, fmt=fmt, note=note)
        self.results[claim_id] = result
        _display(result)
        if result.verdict != result.claim.expect:
            raise VerdictMismatch(
                f"claim {claim_id!r}: measured {result.measured_text} gives verdict "
                f"{result.verdict!r}, but the chapter declares {result.claim.expect!r} "
                f"({result.claim.rule})"
            )
        e = result.evidence
        problem = _control_problem(
            result.claim.expect, result.verdict, e.control_verdict, e.control_text
        )
        if problem:
            raise ControlError(
                f"claim {claim_id!r}: the control ({result.claim.control}) {problem}"
            )

    def declaration(self) -> _DeclarationTable:
        """A displayable table of the declared claims (id, statement, paper's value, rule)."""
        return _DeclarationTable(list(self.claims.values()))

    def unchecked(self) -> list[str]:
        """Ids of declared claims that have not been checked in this run."""
        return [cid for cid in self.claims if cid not in self.results]

    def summary(self) -> None:
        """Display the chapter's summary table; raise if a declared claim was never checked."""
        _display(_SummaryTable([self.results[c] for c in self.claims if c in self.results]))
        missing = self.unchecked()
        if missing:
            raise ClaimError(
                f"{self.source}: claims declared but never checked: {', '.join(missing)}"
            )


@dataclass(frozen=True, repr=False)
class _SummaryTable:
    rows: list[ClaimResult]

    def __repr__(self) -> str:
        return str(self)

    def __str__(self) -> str:
        width = max((len(r.claim.id) for r in self.rows), default=5)
        lines = [f"{'claim':<{width}}  {'paper':<24}  {'measured':<14}  verdict"]
        for r in self.rows:
            lines.append(
                f"{r.claim.id:<{width}}  {r.claim.paper_value[:24]:<24}  "
                f"{r.measured_text:<14}  {r.label}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        body = "".join(
            f'<tr class="rederived-{"not-at-scale" if r.claim.not_at_paper_scale else r.verdict}">'
            f'<td><a href="#claim-{r.claim.id}"><code>'
            f"{esc(r.claim.id)}</code></a></td><td>{math_html(r.claim.statement)}</td>"
            f"<td>{math_html(r.claim.paper_value)}</td>"
            f"<td>{math_html(with_unit(r.measured_text, r.claim.unit))}</td>"
            f"<td>{r.mark} {esc(r.label)}</td></tr>"
            for r in self.rows
        )
        return (
            '<table class="rederived-summary"><thead><tr><th>claim</th><th>statement</th>'
            "<th>paper</th><th>measured</th><th>verdict</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )


@dataclass(frozen=True, repr=False)
class _DeclarationTable:
    claims: list[Claim]

    def __repr__(self) -> str:
        return str(self)

    def __str__(self) -> str:
        return "\n".join(
            f"{i}. [{c.id}] {c.statement} (paper, {c.locator}: {c.paper_value}; "
            f"measured: {c.measure}; "
            f"{c.rule}; expected: {c.expect.replace('-', ' ')}"
            + (f"; control: {c.control}" if c.control else "")
            + (f"; no control: {c.no_control}" if c.no_control else "")
            + (f"; threshold set after a probe: {c.set_after_probe}" if c.set_after_probe else "")
            + (f"; {NOT_AT_SCALE}: {c.not_at_paper_scale}" if c.not_at_paper_scale else "")
            + ")"
            for i, c in enumerate(self.claims, 1)
        )

    def _repr_html_(self) -> str:
        esc = html.escape
        items = "".join(
            f"<li><code>{esc(c.id)}</code> {math_html(c.statement)}<br><b>paper</b> "
            f"({math_html(c.locator)}): {math_html(c.paper_value)} &nbsp; <b>measured:</b> "
            f"{math_html(c.measure)} "
            f"&nbsp; <b>rule:</b> {esc(c.rule)} &nbsp; <b>expected:</b> "
            f"{esc(c.expect.replace('-', ' '))}"
            + (f"<br><b>control:</b> {math_html(c.control)}" if c.control else "")
            + (f"<br><b>no control:</b> {math_html(c.no_control)}" if c.no_control else "")
            + (
                f"<br><b>threshold set after a probe:</b> {math_html(c.set_after_probe)}"
                if c.set_after_probe
                else ""
            )
            + (
                f"<br><b>{esc(NOT_AT_SCALE)}:</b> {math_html(c.not_at_paper_scale)}"
                if c.not_at_paper_scale
                else ""
            )
            + "</li>"
            for c in self.claims
        )
        return f'<ol class="rederived-declaration">{items}</ol>'


# --------------------------------------------------------------------------- packaged files

_PACKAGE_DIR = Path(__file__).resolve().parent


def packaged_claims(name: str) -> Path | None:
    """The packaged declaration ``rederived/book/ledger/<name>``, or None if there is none."""
    path = _PACKAGE_DIR / "ledger" / name
    return path if path.is_file() else None


def data_file(name: str) -> Path:
    """A data set the book ships with ``rederived`` (``rederived/book/data/<name>``), each
    described by the ``SOURCE.md`` in its folder.

    Raises
    ------
    FileNotFoundError
        If no such file is packaged.
    """
    if (
        not isinstance(name, str)
        or not name
        or Path(name).is_absolute()
        or ".." in Path(name).parts
    ):
        raise ValueError(f"name must be a relative path inside rederived/book/data, got {name!r}")
    path = _PACKAGE_DIR / "data" / name
    if not path.is_file():
        raise FileNotFoundError(f"no data file {name!r} in {_PACKAGE_DIR / 'data'}")
    return path


# --------------------------------------------------------------------------- stored record


def stored_results(notebook: str | Path | Mapping[str, Any]) -> list[dict[str, str]]:
    """The claim records in a notebook's stored outputs, in cell order.

    Parameters
    ----------
    notebook : path or mapping
        An ``.ipynb`` path, or the notebook's JSON already loaded.
    """
    if isinstance(notebook, str | Path):
        notebook = json.loads(Path(notebook).read_text(encoding="utf-8"))
    records = []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if MIME_TYPE in data:
                record = data[MIME_TYPE]
                if isinstance(record, str):  # some writers store JSON MIME data as text
                    record = json.loads(record)
                records.append(dict(record))
    return records


def audit(ledger: Ledger, records: Iterable[Mapping[str, str]]) -> list[str]:
    """Every way a notebook's stored record disagrees with its declaration (empty: consistent).

    Reports claims declared but never checked, checks of undeclared claims, claims checked more
    than once, and verdicts that differ from the declared ones.
    """
    problems = []
    seen: dict[str, int] = {}
    for record in records:
        cid = record.get("id", "?")
        seen[cid] = seen.get(cid, 0) + 1
        if cid not in ledger.claims:
            problems.append(f"claim {cid!r} is checked but not declared in {ledger.source}")
            continue
        claim = ledger.claims[cid]
        if record.get("verdict") != claim.expect:
            problems.append(
                f"claim {cid!r}: stored verdict {record.get('verdict')!r} differs from the "
                f"declared {claim.expect!r}"
            )
        if claim.control and "control" not in record:
            problems.append(f"claim {cid!r} declares a control but its stored check has none")
        if "control" in record:
            problem = _control_problem(
                claim.expect,
                str(record.get("verdict")),
                record.get("control_verdict") or None,
                record.get("control"),
            )
            if problem:
                problems.append(f"claim {cid!r}: the stored control {problem}")
        if claim.spread and "agree" not in record:
            problems.append(f"claim {cid!r} declares a spread but its stored check has none")
        elif claim.spread:
            fewest = 1
            for minimum in SPREADS[claim.spread]:
                fewest *= minimum
            if int(record.get("n", "0") or 0) < fewest:
                problems.append(
                    f"claim {cid!r}: its stored spread holds {record.get('n')} values, fewer "
                    f"than {claim.spread!r} needs"
                )
    problems += [f"claim {cid!r} is checked {n} times" for cid, n in seen.items() if n > 1]
    problems += [
        f"claim {cid!r} is declared in {ledger.source} but never checked"
        for cid in ledger.claims
        if cid not in seen
    ]
    return problems


def evidence_problems(ledger: Ledger) -> list[str]:
    """Claims that do not carry the evidence the ledger demands: a control, or a written reason
    why none can exist (``no_control``). Empty when every claim has one."""
    return [
        f"claim {cid!r} names no control (nor, as no_control, a reason why none can exist)"
        for cid, claim in ledger.claims.items()
        if not claim.control and not claim.no_control
    ]
