"""Kernels of Part VII, differential equations: one module per method family.

- :mod:`rederived.differential.wkb`: the WKB series of ε²φ'' + a(x)φ = 0 to any order, its
  truncations as solutions of the initial value problem, and a high-precision Taylor reference.
- :mod:`rederived.differential.bdf2dc`: variable-step BDF2 and its deferred corrections
  (BDF2-DC3, BDF2-DC3-DC4), classical variable-step BDF, DOC kernels, interpolation weights.
- :mod:`rederived.differential.bspline_riesz`: the Riesz fractional derivative of B-splines,
  the collocation matrices on [0, 1] and their symbol.
- :mod:`rederived.differential.radial_fem`: high-order Lagrange elements for the radial
  Schrödinger and Dirac equations (direct and squared forms, the r^γ factor), exact hydrogen-like
  levels, and a Numerov shooting baseline.
- :mod:`rederived.differential.kohn_sham`: the LDA/RLDA self-consistent field of spherical atoms
  on those elements.
- :mod:`rederived.differential.apmixture`: a two-species Boltzmann mixture with disparate masses
  in two velocity dimensions: the fast spectral collision operator, truncated cross operators,
  the asymptotic-preserving scheme and its explicit control, a DSMC of the untruncated exchange.

Chapters live in ``chapters/differential/``, tests in ``tests/differential/``. Nothing is imported
here: import the module you need (``from rederived.differential import wkb``).
"""
