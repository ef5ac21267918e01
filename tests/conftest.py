"""Test-session setup shared by every test module."""

import os

# One BLAS thread per test process, as the chapters use: under `-n 2` the test workers share the
# two cores with the notebooks' kernels, and idle BLAS threads spinning for work starve them.
# Set before NumPy is first imported by a test module.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
