"""Test-session setup shared by every test module."""

import os

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
