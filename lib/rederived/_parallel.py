"""Independent jobs on several processes, with results identical to running them in turn.

The jobs the book parallelises (seeded searches, exhaustive scans) are pure functions of their
item, so splitting them over processes changes the wall time and nothing else. Worker processes
are forked, so the function and its closure need not be picklable (mpmath's functions are not);
where forking is unavailable, or one worker is asked for, the items run in turn in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections.abc import Callable, Iterable

from rederived._checks import count

_TASK: Callable | None = None


def _run(item: object) -> object:
    return _TASK(item)


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


def fork_map(fn: Callable, items: Iterable, workers: int | None = None) -> list:
    """``[fn(item) for item in items]``, computed on up to ``workers`` forked processes.

    ``workers=None`` uses every available processor. The results come back in the order of
    ``items``; ``fn`` must not depend on state it changes (each item may run in another process).
    """
    global _TASK
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {fn!r}")
    items = list(items)
    workers = default_workers() if workers is None else count(workers, "workers")
    workers = min(workers, len(items))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods() or _TASK is not None:
        return [fn(item) for item in items]
    _TASK = fn
    try:
        with warnings.catch_warnings():
            # Python >= 3.12 warns that forking a threaded process (a Jupyter kernel) may
            # deadlock; the children here only compute and return, holding no shared lock.
            warnings.simplefilter("ignore", DeprecationWarning)
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                return pool.map(_run, items, chunksize=1)
    finally:
        _TASK = None
