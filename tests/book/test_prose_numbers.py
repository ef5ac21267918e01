"""Numbers that a chapter computes are glued into its prose, not typed by hand.

A hand-typed copy of a computed number drifts when the computation changes and nothing notices.
This check finds decimal numbers in a chapter's prose (outside code cells, math, inline code and
glue roles) that also appear in the chapter's stored outputs but neither in its code, where a
parameter would be set, nor in its claims file, where a paper's published value is quoted: such
a number was copied from an output and should be a ``{glue:text}`` reference.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rederived.book.claims import packaged_claims

CHAPTERS = sorted(Path(__file__).resolve().parents[2].joinpath("chapters").glob("*/*.md"))

_CELL = re.compile(r"^```\{code-cell\}.*?^```", re.M | re.S)
_FENCE = re.compile(r"^```.*?^```", re.M | re.S)
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
_ROLE = re.compile(r"\{[a-z:]+\}`[^`]*`|`[^`]*`")
_NUMBER = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
# integers of four or more digits written with separators: 570,000, 16 384, 16\,384
_GROUPED = re.compile(r"(?<![\w.])\d{1,3}(?:(?:\\,|,| |\u202f)\d{3})+(?![\w.])")
_SEPARATORS = re.compile(r"\\,|,| |\u202f")


def _prose(text: str) -> str:
    text = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text  # front matter
    for pattern in (_CELL, _FENCE, _MATH, _ROLE):
        text = pattern.sub(" ", text)
    return text


def _outputs_and_code(notebook: Path) -> tuple[str, str]:
    cells = json.loads(notebook.read_text())["cells"]
    outputs, code = [], []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        code.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            outputs.append("".join(out.get("text", "")))
            outputs.append("".join(out.get("data", {}).get("text/plain", "")))
    return "\n".join(outputs), "\n".join(code)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_computed_numbers_are_glued(chapter: Path) -> None:
    outputs, code = _outputs_and_code(chapter.with_suffix(".ipynb"))
    claims = packaged_claims(chapter.stem + ".claims.toml")
    quoted = claims.read_text() if claims else ""
    copied = sorted(
        {
            number
            for number in _NUMBER.findall(_prose(chapter.read_text()))
            if re.search(rf"(?<![\d.]){re.escape(number)}(?![\d])", outputs)
            and number not in code
            and number not in quoted
        }
    )
    bare_outputs = outputs.replace(",", "")
    bare_code, bare_quoted = code.replace("_", ""), _SEPARATORS.sub("", quoted)
    for grouped in _GROUPED.findall(_prose(chapter.read_text())):
        digits = _SEPARATORS.sub("", grouped)
        if (
            re.search(rf"(?<![\d.]){digits}(?![\d])", bare_outputs)
            and digits not in bare_code
            and digits not in bare_quoted
        ):
            copied.append(grouped)
    assert not copied, f"{chapter.name}: numbers copied from outputs, glue them: {copied}"
