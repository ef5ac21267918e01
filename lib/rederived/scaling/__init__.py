"""Kernels of Part IV, scaling laws: one module per method family.

- :mod:`rederived.scaling.powerlaw`: power laws with an offset fitted to learning curves;
- :mod:`rederived.scaling.chinchilla`: the Chinchilla loss surface and compute-optimal allocation;
- :mod:`rederived.scaling.random_features`: random-feature regression and its kernel limit;
- :mod:`rederived.scaling.plrf`: the power-law random-features model and its exact expected loss
  under SGD.

Chapters live in ``chapters/scaling/``, tests in ``tests/scaling/``. Nothing is imported here:
import the module you need (``from rederived.scaling import powerlaw``).
"""
