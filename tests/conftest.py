"""Test-session setup shared by every test module."""

import os
import time
from pathlib import Path

import pytest

# One BLAS thread per test process, as the chapters use: under `-n 2` the test workers share the
# two cores with the notebooks' kernels, and idle BLAS threads spinning for work starve them.
# Set before NumPy is first imported by a test module.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")  # sphericart's OpenMP threads (benchmark rows)

# Contract tests (tests/<part>/test_<module>_contract.py) draw inputs with Hypothesis. `make test`
# runs a small derandomized profile (the same examples every run, a few seconds per module);
# `make contracts` a large random one. Choose with HYPOTHESIS_PROFILE.
from hypothesis import HealthCheck, settings

settings.register_profile(
    "small",
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "large",
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "small"))


# `make test` builds the HTML book in the background while the test session runs (the build is
# one process; waiting for it before starting the tests left a core idle for a minute or more),
# and says where the build writes its exit status in REDERIVED_BOOK_STATUS. Tests that read the
# built book take the `built_book` fixture, which waits for it, and carry the `needs_book`
# marker; their modules are run after the other unit tests and before the notebooks, by which
# time the build is usually done.
ROOT = Path(__file__).resolve().parents[1]
BOOK_TIMEOUT_S = 1800


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The built HTML folder, once the background build (if any) has finished successfully."""
    status = os.environ.get("REDERIVED_BOOK_STATUS")
    if status:
        path = Path(status) if Path(status).is_absolute() else ROOT / status
        start = time.monotonic()
        while not (path.is_file() and path.read_text().strip()):
            if time.monotonic() - start > BOOK_TIMEOUT_S:
                pytest.fail(f"the book build did not finish within {BOOK_TIMEOUT_S} s")
            time.sleep(1.0)
        code = path.read_text().strip()
        if code != "0":
            log = path.with_name("book.log")
            tail = log.read_text(errors="replace")[-3000:] if log.is_file() else "(no log)"
            pytest.fail(f"the book build failed (exit status {code}):\n{tail}")
    return ROOT / "_build" / "html"


def pytest_collection_modifyitems(config, items):
    """Run the modules that read the built book after the other tests under tests/ and before
    the notebooks (each module stays whole, so that --dist loadscope keeps it on one worker)."""
    needs = {item.module.__name__ for item in items if item.get_closest_marker("needs_book")}

    def rank(item):
        if not Path(item.path).is_relative_to(ROOT / "tests"):
            return 2
        return 1 if getattr(item.module, "__name__", None) in needs else 0

    items.sort(key=rank)  # stable: the order within each group is kept
