"""Kernels of Part I, symmetry and harmonic analysis: one module per method family.

- :mod:`rederived.symmetry.so3`: real spherical harmonics, Wigner D-matrices, quadrature on the
  sphere;
- :mod:`rederived.symmetry.cg`: Clebsch–Gordan coefficients and the Clebsch–Gordan tensor product;
- :mod:`rederived.symmetry.gaunt`: Gaunt coefficients and tensor products through Fourier and grid
  products;
- :mod:`rederived.symmetry.cpd`: CP decompositions of the Clebsch–Gordan tensor (tensor
  decomposition networks);
- :mod:`rederived.symmetry.liegroups`: GL⁺(n) and SL(n): decompositions, charts and Haar measure;
- :mod:`rederived.symmetry.characters`: characters of the classical groups, Schur functions,
  expansions.

Chapters live in ``chapters/symmetry/``, tests in ``tests/symmetry/``. Nothing is imported here:
import the module you need (``from rederived.symmetry import so3``).
"""
