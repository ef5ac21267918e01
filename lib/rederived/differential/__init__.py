"""Kernels of Part VII, differential equations: one module per method family.

- :mod:`rederived.differential.wkb`: the WKB series of ε²φ'' + a(x)φ = 0 to any order, its
  truncations as solutions of the initial value problem, and a high-precision Taylor reference.

Chapters live in ``chapters/differential/``, tests in ``tests/differential/``. Nothing is imported
here: import the module you need (``from rederived.differential import wkb``).
"""
