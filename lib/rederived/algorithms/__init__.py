"""Kernels of Part VI, algorithms and floating point: one module per method family.

- :mod:`rederived.algorithms.hamming`: text-to-pattern Hamming distances;
- :mod:`rederived.algorithms.pararnn`: parallel nonlinear recurrences by Newton's method and scans;
- :mod:`rederived.algorithms.shampoo`: Shampoo's Kronecker-factored preconditioner;
- :mod:`rederived.algorithms.lowprec`: low-precision formats: rounding emulation, L-Mul, Givens
  rotations.

Chapters live in ``chapters/algorithms/``, tests in ``tests/algorithms/``. Nothing is imported here:
import the module you need (``from rederived.algorithms import hamming``).
"""
