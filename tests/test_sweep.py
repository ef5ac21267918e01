"""Unit tests of rederived.sweep: the same results on every executor, stored runs verified."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from rederived import sweep

ROOT = Path(__file__).resolve().parents[1]
STORED = sorted((ROOT / "lib" / "rederived" / "book" / "data").glob("*/*.manifest.json"))


def seeded_items(n):
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(5).spawn(n)]


def test_results_are_identical_serially_on_local_processes_and_on_a_dask_cluster():
    distributed = pytest.importorskip("distributed")
    offset = 0.5  # a closure over plain data: cloudpickle sends it by value

    def work(seed):
        rng = np.random.default_rng(seed)
        return float(rng.normal(size=1000).sum() + offset)

    items = seeded_items(8)
    serial = sweep.map(work, items, workers=1)
    assert serial == [work(s) for s in items]
    assert sweep.map(work, items, workers=2) == serial
    with ProcessPoolExecutor(2) as pool:
        assert sweep.map(abs, [-1.5, 2.0, -3.0], executor=pool) == [1.5, 2.0, 3.0]
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert sweep.map(work, items, executor=client.get_executor()) == serial


def test_map_refuses_what_is_not_an_executor_and_keeps_quiet_by_default(monkeypatch):
    with pytest.raises(TypeError, match="executor"):
        sweep.map(abs, [1], executor="tcp://localhost:8786")
    with pytest.raises(TypeError, match="fn"):
        sweep.map(3, [1])
    monkeypatch.delenv("REDERIVED_PROGRESS", raising=False)
    monkeypatch.setenv("CI", "true")
    assert not sweep._show_progress(None)
    monkeypatch.delenv("CI")
    monkeypatch.setenv("REDERIVED_PROGRESS", "1")
    assert sweep._show_progress(None)
    monkeypatch.setenv("REDERIVED_PROGRESS", "0")
    assert not sweep._show_progress(None) and sweep._show_progress(True)


def test_worker_count_follows_the_environment(monkeypatch):
    monkeypatch.setenv("REDERIVED_WORKERS", "1")
    assert sweep.default_workers() == 1
    monkeypatch.setenv("REDERIVED_WORKERS", "zero")
    with pytest.raises(ValueError, match="REDERIVED_WORKERS"):
        sweep.default_workers()
    monkeypatch.delenv("REDERIVED_WORKERS")
    assert sweep.default_workers() >= 1


def _toy_items(params):
    return [{"seed": s} for s in seeded_items(params["n"])]


def _toy_run(item):
    return {"value": float(np.random.default_rng(item["seed"]).normal())}


TOY = sweep.Sweep(
    name="toy",
    chapter="front/how-claims-are-checked",
    description="one normal draw.",
    scales={"book": {"n": 4, "seed": 5}},
    items=_toy_items,
    run_item=_toy_run,
)


def test_a_run_writes_results_and_a_manifest_that_load_verifies(tmp_path, monkeypatch):
    monkeypatch.setitem(sweep.REGISTRY, "toy", "tests_sweep_toy:TOY")
    monkeypatch.setattr(sweep, "get", lambda name: TOY if name == "toy" else None)
    path = sweep.run("toy", "book", out=tmp_path, workers=1)
    manifest = json.loads((tmp_path / "book.manifest.json").read_text())
    assert manifest["items"] == 4 and manifest["params"] == {"n": 4, "seed": 5}
    assert {"command", "versions", "machine", "wall_seconds", "sha256"} <= manifest.keys()
    stored = sweep.load("toy", "book", folder=tmp_path)
    assert stored.results == [_toy_run(i) for i in stored.items]
    assert stored.spot_check(k=2, seed=1) == sorted(stored.spot_check(k=2, seed=1))
    # a changed result no longer matches the manifest's checksum
    results = json.loads(path.read_text())
    results[0]["value"] += 1.0
    path.write_text(json.dumps(results, indent=0, sort_keys=True) + "\n")
    with pytest.raises(ValueError, match="sha256"):
        sweep.load("toy", "book", folder=tmp_path)
    # and a recomputation that disagrees with the stored result is caught
    tampered = sweep.StoredRun(TOY, "book", stored.items, results, manifest)
    with pytest.raises(AssertionError, match="item 0"):
        for seed in range(20):  # some seed picks item 0
            sweep.spot_check(tampered, k=2, seed=seed)
    with pytest.raises(ValueError, match="no scale"):
        TOY.params("paper")
    # items too costly for a test are left to the checksum: only eligible ones are recomputed
    odd_only = sweep.StoredRun(
        dataclasses.replace(TOY, spot_eligible=lambda item: item["seed"] % 2 == 1),
        "book",
        stored.items,
        stored.results,
        manifest,
    )
    picked = {i for seed in range(20) for i in odd_only.spot_check(k=2, seed=seed)}
    assert picked == {i for i, item in enumerate(stored.items) if item["seed"] % 2 == 1}
    nothing = sweep.StoredRun(
        dataclasses.replace(TOY, spot_eligible=lambda item: False),
        "book",
        stored.items,
        stored.results,
        manifest,
    )
    with pytest.raises(ValueError, match="no stored item is eligible"):
        nothing.spot_check()


def _commit_seed() -> int:
    """The spot check's sample changes with every commit, so that over time every stored item
    is recomputed somewhere."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        return int(head[:8], 16)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return 0


@pytest.mark.parametrize("manifest", STORED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_stored_runs_match_their_manifest_and_recompute(manifest):
    scale = manifest.name.removesuffix(".manifest.json")
    stored = sweep.load(manifest.parent.name, scale)
    assert stored.manifest["sweep"] == manifest.parent.name
    checked = stored.spot_check(k=1, seed=_commit_seed())
    assert len(checked) == 1


def test_every_registered_sweep_names_its_chapter_and_scales():
    for name in sweep.REGISTRY:
        s = sweep.get(name)
        assert s.name == name and (ROOT / "chapters" / f"{s.chapter}.md").is_file()
        assert "book" in s.scales and all("seed" in p for p in s.scales.values())
