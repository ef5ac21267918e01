"""The GPU measurement script (rederived.book.gpu), run here on the CPU with NumPy as its array
module: the same code a GPU run executes with CuPy."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rederived.algorithms import pararnn
from rederived.book import gpu


def _problem(T=300, seed=3):
    cell = pararnn.DiagonalGRU.authors_init(16, 8, seed=seed)
    x = np.random.default_rng(seed).normal(size=(T, 8))
    return cell, x, np.zeros(16)


def test_the_portable_newton_is_the_packages_bit_for_bit():
    cell, x, h0 = _problem()
    for k in (0, 1, 3, 6):
        H = gpu.newton_xp(np, cell.a, cell.B, cell.b, x, h0, k)
        np.testing.assert_array_equal(H, pararnn.newton(cell, x, h0, k)[0])


def test_the_portable_loop_is_the_packages_bit_for_bit():
    cell, x, h0 = _problem(T=120)
    np.testing.assert_array_equal(
        gpu.sequential_xp(np, cell.a, cell.B, cell.b, x, h0), pararnn.sequential(cell, x, h0)
    )


def test_a_run_measures_writes_loads_and_spot_checks(tmp_path):
    params = {
        "lengths": [40, 300],
        "hidden": 16,
        "inputs": 8,
        "iterations": 3,
        "seed": 7,
        "loop_limit": 100,
    }
    records = gpu.measure_pararnn(np, repeat=1, **params)
    assert [r["T"] for r in records] == [40, 300]
    short, long_ = records
    assert set(gpu.FIELDS) <= set(short)
    assert short["speedup_vs_gpu_loop"] > 0 and long_["sequential_cpu_s"] is None
    cell, x, h0 = gpu._inputs(40, 16, 8, 7)
    expected = np.max(np.abs(pararnn.newton(cell, x, h0, 3)[0] - pararnn.sequential(cell, x, h0)))
    assert short["max_abs_difference"] == pytest.approx(float(expected), abs=0)
    gpu.write_run(tmp_path, np, params, records, "test")
    loaded, manifest = gpu.load_run(tmp_path)
    assert loaded == json.loads(json.dumps(records)) and manifest["xp"] == "numpy"
    # below the prefix limit (4096): every sampled row of both lengths
    assert gpu.spot_check(loaded, manifest) == len(short["sample_rows"]) + len(long_["sample_rows"])
    assert short["sample_rows"][:4] == [0, 1, 2, 3]
    # Newton's final residual, recomputed: 0 for the loop's own states
    a, B, b = cell.a, cell.B, cell.b
    H3 = pararnn.newton(cell, x, h0, 3)[0]
    assert short["residual"] == gpu.residual_xp(np, a, B, b, x, h0, H3) > 0
    assert gpu.residual_xp(np, a, B, b, x, h0, pararnn.sequential(cell, x, h0)) == 0.0
    # a changed state of either length fails the spot check, a changed file the checksum
    for record in loaded:
        record["sample_states"][1][0] += 1e-6
        with pytest.raises(AssertionError, match="differ"):
            gpu.spot_check(loaded, manifest)
        record["sample_states"][1][0] -= 1e-6
    with pytest.raises(ValueError, match="cupy"):
        gpu.load_run(tmp_path, xp="cupy")
    (tmp_path / "results.json").write_text((tmp_path / "results.json").read_text() + " ")
    with pytest.raises(ValueError, match="sha256"):
        gpu.load_run(tmp_path)


def test_the_command_line_runs_on_the_cpu(tmp_path):
    assert (
        gpu.main(
            [
                "pararnn",
                "--xp",
                "numpy",
                "--lengths",
                "30",
                "--hidden",
                "8",
                "--inputs",
                "4",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    records, manifest = gpu.load_run(tmp_path)
    assert records[0]["T"] == 30 and "--xp numpy" in manifest["command"]


def test_array_modules():
    assert gpu.array_module("numpy") is np
    with pytest.raises(ValueError, match="xp"):
        gpu.array_module("torch")


def test_a_stored_gpu_run_matches_its_manifest_and_the_cpu():

    folder = gpu.DATA / "gpu-pararnn"
    if not (folder / "manifest.json").is_file():
        pytest.skip("no GPU run of ParaRNN is stored yet (it needs a machine with a GPU)")
    records, manifest = gpu.load_run(folder, xp="cupy")
    assert gpu.spot_check(records, manifest) > 0


def test_a_run_reads_as_a_table_and_an_absent_run_says_so(tmp_path):
    params = {
        "lengths": [20, 50],
        "hidden": 8,
        "inputs": 4,
        "iterations": 3,
        "seed": 1,
        "loop_limit": 30,
    }
    records = gpu.measure_pararnn(np, repeat=1, **params)
    gpu.write_run(tmp_path, np, params, records, "test")
    loaded, manifest = gpu.load_run(tmp_path)
    table = gpu.summary(loaded, manifest).splitlines()
    assert "numpy" in table[0] and len(table) == 2 + len(records)
    assert table[-1].split()[0] == "50" and "—" in table[-1]  # beyond the loop limit: no loops
    assert gpu.stored_summary(tmp_path / "absent").startswith("No GPU run")
    with pytest.raises(ValueError, match="cupy"):  # a CPU run is not a GPU measurement
        gpu.stored_summary(tmp_path)


def test_the_spot_check_recomputes_a_prefix_of_long_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(gpu, "PREFIX_LIMIT", 100)
    params = {
        "lengths": [300],
        "hidden": 8,
        "inputs": 4,
        "iterations": 2,
        "seed": 5,
        "loop_limit": 0,
    }
    records = gpu.measure_pararnn(np, repeat=1, **params)
    rows = records[0]["sample_rows"]
    inside = [r for r in rows if r < 100]
    assert len(inside) > 4 and max(inside) > 50  # rows spread over the prefix, not only the head
    gpu.write_run(tmp_path, np, params, records, "test")
    loaded, manifest = gpu.load_run(tmp_path)
    assert gpu.spot_check(loaded, manifest) == len(inside)
    k = rows.index(max(inside))
    loaded[0]["sample_states"][k][0] += 1e-6  # a row inside the prefix: caught
    with pytest.raises(AssertionError, match="differ"):
        gpu.spot_check(loaded, manifest)
    with pytest.raises(ValueError, match="empty"):
        gpu.spot_check([], manifest)
