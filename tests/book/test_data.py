"""The data sets copied into the book are the ones their SOURCE.md describes."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "lib" / "rederived" / "book" / "data"


@pytest.mark.parametrize("source", sorted(DATA.glob("*/SOURCE.md")), ids=lambda p: p.parent.name)
def test_data_file_matches_its_recorded_checksum(source):
    text = source.read_text()
    digests = re.findall(r"sha256 `([0-9a-f]{64})`", text)
    files = [p for p in source.parent.iterdir() if p.name != "SOURCE.md"]
    assert len(digests) == len(files) == 1
    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == digests[0]


def test_chinchilla_rows_and_columns():
    with open(DATA / "chinchilla" / "svg_extracted_data.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 245
    for row in rows:
        assert float(row["Model Size"]) > 0 and float(row["Training FLOP"]) > 0
        assert 2.0 < float(row["loss"]) < 5.1
