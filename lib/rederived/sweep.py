"""The book's sweeps: independent items on any executor, stored runs with manifests, spot checks.

A *sweep* is a pure function applied to a list of items (a seed, a parameter point), so running
it on one process, on the local cores or on a cluster changes the wall time and nothing else:
:func:`map` returns the results in the order of the items whatever executes them.

- With no executor, items run on a local pool of forked processes sized by
  ``REDERIVED_WORKERS`` (default: every core this process may use), or in turn in this process
  when one worker is asked for. Forked workers inherit the function and its closure, so they
  need not be picklable (mpmath's functions are not).
- With ``executor=`` any :class:`concurrent.futures.Executor` runs them, a Dask cluster's
  included: ``distributed.Client("tcp://host:8786").get_executor()``. Such an executor sends
  the function to other processes, which requires it to be picklable by ``cloudpickle`` (Dask's
  choice): module-level functions and closures over plain data are; open files, locks and
  generators are not.

A :class:`Sweep` names a chapter's sweep with its *scales* (``"book"``: what the chapter runs
within its time budget; ``"paper"``: the paper's size), and ``python -m rederived.sweep run NAME
--scale paper [--scheduler tcp://host:8786] [--out DIR]`` runs it and writes the results with a
manifest (command, parameters, seed, versions, machine, wall time, sha256 of the results). The
runs the book itself carries are stored under ``rederived/book/data/<name>/``; a chapter reads
one with :func:`load`, and the test suite recomputes a sample of its items (:func:`spot_check`),
chosen by the commit, on every run.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import hashlib
import importlib
import json
import math
import multiprocessing
import os
import platform
import shlex
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from rederived._checks import count

__all__ = [
    "REGISTRY",
    "StoredRun",
    "Sweep",
    "default_workers",
    "get",
    "load",
    "main",
    "map",
    "run",
    "spot_check",
]

_DATA = Path(__file__).resolve().parent / "book" / "data"

#: every sweep of the book: name -> "module:attribute" of its :class:`Sweep` (imported on use)
REGISTRY: dict[str, str] = {
    "autonumerics-search": "rederived.approximation.evolution:SEARCH_SWEEP",
    "autonumerics-log2": "rederived.approximation.evolution:LOG2_SWEEP",
    "eml-constants": "rederived.experimental.eml:CONSTANTS_SWEEP",
    "eml-regression": "rederived.experimental.emlfit:RECOVERY_SWEEP",
    "pcf-scan": "rederived.experimental.pcf:SCAN_SWEEP",
    "qmc-domains": "rederived.sampling.qmcdomain:SWEEP",
    "qmc-heat": "rederived.sampling.qmcdomain:HEAT_SWEEP",
    "sic-gp": "rederived.sampling.sicgp:SWEEP",
    "sic-gp-larger": "rederived.sampling.sicgp:LARGER_SWEEP",
    "relax-counts": "rederived.matrices.relax:RELAX_SWEEP",
    "plrf-phases": "rederived.scaling.plrf:PHASE_SWEEP",
    "fisher-transfer": "rederived.stochastic.fisher:TRANSFER_SWEEP",
    "fisher-potts4": "rederived.stochastic.fisher:POTTS4_SWEEP",
    "sync-growth": "rederived.stochastic.sync:GROWTH_SWEEP",
    "sync-map": "rederived.stochastic.sync:MAP_SWEEP",
}


def default_workers() -> int:
    """The processor count this process may use (at least 1), or the environment variable
    ``REDERIVED_WORKERS`` if set (a test runner that already keeps every core busy sets 1)."""
    override = os.environ.get("REDERIVED_WORKERS")
    if override is not None:
        if not override.isdigit() or int(override) < 1:
            raise ValueError(f"REDERIVED_WORKERS must be a positive integer, got {override!r}")
        return int(override)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _show_progress(progress: bool | None) -> bool:
    """Progress bars: on when asked; by default only in a terminal or where
    ``REDERIVED_PROGRESS=1`` (``make lab``), never under CI or ``REDERIVED_PROGRESS=0``, so that
    notebook outputs stay comparable."""
    if progress is not None:
        return bool(progress)
    setting = os.environ.get("REDERIVED_PROGRESS", "")
    if setting == "0" or os.environ.get("CI") == "true":
        return False
    return setting == "1" or sys.stderr.isatty()


def _bar(total: int, enabled: bool, desc: str):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, leave=False)


_TASK: Callable | None = None


def _run_forked(item: object) -> object:
    return _TASK(item)


def map(
    fn: Callable[[Any], Any],
    items: Iterable,
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: bool | None = None,
    desc: str = "sweep",
) -> list:
    """``[fn(item) for item in items]``, computed on an executor, in the order of ``items``.

    Parameters
    ----------
    fn : callable
        A pure function of its item: it must not depend on state it changes, since each item may
        run in another process. Randomness comes from the item (a seed spawned from one
        ``numpy.random.SeedSequence``), never from a shared generator.
    items : iterable
    executor : concurrent.futures.Executor, optional
        Where to run: a ``ProcessPoolExecutor``, a Dask ``Client(...).get_executor()``. Then
        ``fn`` must be picklable by cloudpickle.
    workers : int, optional
        Without an executor, the number of forked local workers (default
        :func:`default_workers`); 1 runs the items in turn here.
    progress : bool, optional
        Show a progress bar (default: see :func:`_show_progress`).
    """
    global _TASK
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {fn!r}")
    items = list(items)
    bar = _bar(len(items), _show_progress(progress) and len(items) > 1, desc)
    try:
        if executor is not None:
            if not isinstance(executor, Executor):
                raise TypeError(
                    f"executor must be a concurrent.futures.Executor, got {type(executor).__name__}"
                )
            futures = [executor.submit(fn, item) for item in items]
            results = []
            for future in futures:  # in item order, whatever order they finish in
                results.append(future.result())
                if bar is not None:
                    bar.update()
            return results
        workers = default_workers() if workers is None else count(workers, "workers")
        workers = min(workers, len(items))
        forking = "fork" in multiprocessing.get_all_start_methods()
        if workers <= 1 or not forking or _TASK is not None:
            results = []
            for item in items:
                results.append(fn(item))
                if bar is not None:
                    bar.update()
            return results
        _TASK = fn
        try:
            with warnings.catch_warnings():
                # Python >= 3.12 warns that forking a threaded process (a Jupyter kernel) may
                # deadlock; the children here only compute and return, holding no shared lock.
                warnings.simplefilter("ignore", DeprecationWarning)
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    results = []
                    for result in pool.imap(_run_forked, items, chunksize=1):
                        results.append(result)
                        if bar is not None:
                            bar.update()
                    return results
        finally:
            _TASK = None
    finally:
        if bar is not None:
            bar.close()


# --------------------------------------------------------------------------- sweeps


@dataclasses.dataclass(frozen=True)
class Sweep:
    """A chapter's sweep: its items at each scale and the function of one item.

    Parameters
    ----------
    name : str
        Registry name, also the folder of its stored runs (``rederived/book/data/<name>/``).
    chapter : str
        The chapter that reads it (docname below ``chapters/``).
    description : str
        One sentence: what one item computes.
    scales : mapping of str to mapping
        Parameters of each scale; ``"book"`` is what the chapter computes itself, ``"paper"``
        the paper's size. Each holds a ``"seed"`` for the :class:`numpy.random.SeedSequence` the
        items' seeds are spawned from (None for a sweep that draws nothing).
    items : callable(params) -> list
        The items of a scale (JSON-able, each carrying its own seed).
    run_item : callable(item) -> dict
        The result of one item, JSON-able; module level, so that it pickles.
    rtol : float
        Relative tolerance of a spot check on floating-point results (0: identical), for sums
        whose last bits depend on the machine's vectorised kernels.
    env : mapping of str to str
        Environment the results depend on, set before NumPy loads: a search whose path follows
        every rounding pins OpenBLAS's kernels (``OPENBLAS_CORETYPE``). :func:`run` refuses to
        run elsewhere, and :func:`spot_check` recomputes in a process with this environment.
    spot_item : callable(item) -> item, optional
        A cheaper item whose result is a prefix of the stored one (a search stopped earlier,
        with the same seed), for items too long to recompute whole in a test; with it,
        ``spot_compare(fresh, stored)`` says whether the prefix agrees.
    spot_eligible : callable(item) -> bool, optional
        The items a spot check may recompute (those a test can afford), where no cheaper
        prefix exists; the others are verified by the manifest's checksum alone, and the
        chapter says so.
    """

    name: str
    chapter: str
    description: str
    scales: Mapping[str, Mapping[str, Any]]
    items: Callable[[Mapping[str, Any]], list]
    run_item: Callable[[Any], dict]
    rtol: float = 0.0
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    spot_item: Callable[[Any], Any] | None = None
    spot_compare: Callable[[Any, Any], bool] | None = None
    spot_eligible: Callable[[Any], bool] | None = None

    def missing_env(self) -> dict[str, str]:
        """The declared environment variables this process does not have as declared."""
        return {k: v for k, v in self.env.items() if os.environ.get(k) != v}

    def params(self, scale: str) -> Mapping[str, Any]:
        if scale not in self.scales:
            raise ValueError(
                f"sweep {self.name!r} has no scale {scale!r} (it has {', '.join(self.scales)})"
            )
        return self.scales[scale]


def get(name: str) -> Sweep:
    """The registered sweep called ``name``."""
    if name not in REGISTRY:
        raise ValueError(f"no sweep {name!r}; the book's sweeps: {', '.join(sorted(REGISTRY))}")
    module, attribute = REGISTRY[name].split(":")
    return getattr(importlib.import_module(module), attribute)


def _versions() -> dict[str, str]:
    import numpy
    import scipy

    import rederived

    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "rederived": rederived.__version__,
    }


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _results_text(results: list) -> str:
    return json.dumps(results, indent=0, sort_keys=True, allow_nan=False) + "\n"


def run(
    name: str,
    scale: str = "book",
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    out: str | Path | None = None,
    progress: bool | None = None,
    command: str = "",
) -> Path:
    """Run a sweep at a scale and write ``<scale>.json`` (the results, in item order) and
    ``<scale>.manifest.json`` into ``out`` (default: the current folder). Returns the results'
    path."""
    sweep = get(name)
    params = sweep.params(scale)
    if sweep.missing_env():
        raise RuntimeError(
            f"sweep {name!r} must run with {sweep.missing_env()} set before NumPy loads (the "
            "command line sets it; from Python, start the process with that environment)"
        )
    items = sweep.items(params)
    started = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    start = time.perf_counter()
    results = map(
        sweep.run_item, items, executor=executor, workers=workers, progress=progress, desc=name
    )
    seconds = time.perf_counter() - start
    folder = Path(out) if out is not None else Path.cwd()
    folder.mkdir(parents=True, exist_ok=True)
    text = _results_text(results)
    path = folder / f"{scale}.json"
    path.write_text(text, encoding="utf-8")
    manifest = {
        "sweep": name,
        "scale": scale,
        "params": dict(params),
        "items": len(items),
        "command": command or f"python -m rederived.sweep run {name} --scale {scale}",
        "executor": "local" if executor is None else type(executor).__name__,
        "machine": f"{platform.machine()}, {platform.system()} {platform.release()}",
        "processors": os.cpu_count(),
        "versions": _versions(),
        "env": dict(sweep.env),
        "started": started,
        "wall_seconds": round(seconds, 1),
        "sha256": _digest(text),
    }
    (folder / f"{scale}.manifest.json").write_text(
        json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return path


@dataclasses.dataclass(frozen=True)
class StoredRun:
    """A stored run of a sweep: its items, results (in item order) and manifest."""

    sweep: Sweep
    scale: str
    items: list
    results: list
    manifest: dict

    def spot_check(self, k: int = 1, seed: int = 0) -> list[int]:
        """Recompute ``k`` items chosen by ``seed`` and return their indices; raise
        AssertionError if one differs from the stored result (see :func:`spot_check`)."""
        return spot_check(self, k, seed)


def load(name: str, scale: str = "paper", folder: str | Path | None = None) -> StoredRun:
    """A stored run of the sweep ``name`` (default: the one packaged with the book).

    Raises
    ------
    FileNotFoundError
        If the run or its manifest is missing.
    ValueError
        If the results' sha256 differs from the manifest's, or the manifest is for other
        parameters than the sweep's scale now declares.
    """
    sweep = get(name)
    params = sweep.params(scale)
    folder = Path(folder) if folder is not None else _DATA / name
    text = (folder / f"{scale}.json").read_text(encoding="utf-8")
    manifest = json.loads((folder / f"{scale}.manifest.json").read_text(encoding="utf-8"))
    if _digest(text) != manifest["sha256"]:
        raise ValueError(f"{folder / f'{scale}.json'} does not match its manifest's sha256")
    if manifest["params"] != json.loads(json.dumps(dict(params))):
        raise ValueError(
            f"the stored run of {name!r} at {scale!r} was made with {manifest['params']}, but "
            f"the sweep now declares {dict(params)}: run it again"
        )
    items = sweep.items(params)
    results = json.loads(text)
    if len(results) != len(items):
        raise ValueError(f"{len(results)} stored results for {len(items)} items")
    return StoredRun(sweep, scale, items, results, manifest)


def _same(a: Any, b: Any, rtol: float) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], rtol) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y, rtol) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float | int) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=rtol, abs_tol=0.0) or a == b
    return a == b


def spot_check(stored: StoredRun, k: int = 1, seed: int = 0) -> list[int]:
    """Recompute ``k`` items of a stored run, chosen at random by ``seed`` (the test suite uses
    the commit), and assert each equals its stored result (floats within the sweep's ``rtol``).
    Returns the indices checked."""
    import numpy as np

    sweep = stored.sweep
    eligible = [
        i
        for i, item in enumerate(stored.items)
        if sweep.spot_eligible is None or sweep.spot_eligible(item)
    ]
    if not eligible:
        raise ValueError(f"{sweep.name}: no stored item is eligible for a spot check")
    k = min(count(k, "k"), len(eligible))
    rng = np.random.default_rng(seed)
    chosen = sorted(int(eligible[i]) for i in rng.choice(len(eligible), k, replace=False))
    for index in chosen:
        item = stored.items[index]
        if sweep.spot_item is not None:  # recompute a prefix of a long item
            fresh = json.loads(_results_text([_recompute(sweep, sweep.spot_item(item))]))[0]
            agrees = sweep.spot_compare(fresh, stored.results[index])
        else:
            fresh = json.loads(_results_text([_recompute(sweep, item)]))[0]
            agrees = _same(fresh, stored.results[index], sweep.rtol)
        if not agrees:
            raise AssertionError(
                f"{stored.sweep.name} ({stored.scale}) item {index} {stored.items[index]}: "
                f"recomputed {fresh}, stored {stored.results[index]}"
            )
    return [int(i) for i in chosen]


def _recompute(sweep: Sweep, item: Any) -> Any:
    """One item's result, computed here, or in a fresh process when the sweep needs an
    environment this one lacks."""
    if not sweep.missing_env():
        return sweep.run_item(item)
    import subprocess

    code = (
        "import json, sys\n"
        "from rederived import sweep\n"
        "item = json.loads(sys.stdin.read())\n"
        f"print(json.dumps(sweep.get({sweep.name!r}).run_item(item)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(item),
        capture_output=True,
        text=True,
        env={**os.environ, **sweep.env},
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"recomputing {sweep.name} item {item} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rederived.sweep", description="Run the book's sweeps at a named scale."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the sweeps and their scales")
    go = sub.add_parser("run", help="run a sweep and write its results with a manifest")
    go.add_argument("name")
    go.add_argument("--scale", default="book")
    go.add_argument("--scheduler", help="a Dask scheduler's address, e.g. tcp://host:8786")
    go.add_argument("--workers", type=int, help="local worker processes (default: all cores)")
    go.add_argument("--out", default=".", help="folder for <scale>.json and its manifest")
    check = sub.add_parser("check", help="recompute a sample of a stored run")
    check.add_argument("name")
    check.add_argument("--scale", default="paper")
    check.add_argument("-k", type=int, default=1)
    check.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "list":
        for name in sorted(REGISTRY):
            sweep = get(name)
            scales = ", ".join(
                f"{s} ({len(sweep.items(p))} items)" for s, p in sweep.scales.items()
            )
            print(f"{name} [{sweep.chapter}]: {sweep.description} Scales: {scales}.")
        return 0
    if args.command == "check":
        indices = spot_check(load(args.name, args.scale), args.k, args.seed)
        print(f"{args.name} ({args.scale}): items {indices} recomputed identically")
        return 0
    needed = get(args.name).missing_env()
    if needed:  # set before NumPy loads: start again with the sweep's environment
        os.execve(
            sys.executable,
            [sys.executable, "-m", "rederived.sweep", *(argv or sys.argv[1:])],
            {**os.environ, **needed},
        )
    executor, client = None, None
    if args.scheduler:
        from distributed import Client

        client = Client(args.scheduler)
        executor = client.get_executor()
    try:
        path = run(
            args.name,
            args.scale,
            executor=executor,
            workers=args.workers,
            out=args.out,
            command=shlex.join(["python", "-m", "rederived.sweep", *(argv or sys.argv[1:])]),
        )
    finally:
        if client is not None:
            client.close()
    print(f"wrote {path} and its manifest")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
