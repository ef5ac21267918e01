"""Kernels of Part V, stochastic processes and statistical physics: one module per method family.

- :mod:`rederived.stochastic.persistence`: persistence exponents by the independent interval
  approximation;
- :mod:`rederived.stochastic.diffusion`: state-dependent diffusion: stochastic calculi and
  simulation;
- :mod:`rederived.stochastic.coulomb`: linear statistics of Coulomb gases;
- :mod:`rederived.stochastic.sync`: synchronisation of oscillator rings, from Edwards–Wilkinson to
  KPZ;
- :mod:`rederived.stochastic.fisher`: Fisher information curvature of lattice models.

Chapters live in ``chapters/stochastic/``, tests in ``tests/stochastic/``. Nothing is imported here:
import the module you need (``from rederived.stochastic import persistence``).
"""
