"""Kernels of Part X, sampling and Monte Carlo: one module per method family.

- :mod:`rederived.sampling.shadows`: classical shadows of n-qubit states from random Pauli
  measurements (snapshots, Pauli-string and purity estimators, median of means, fidelities with
  Pauli and global Haar measurements, the paper's sample bound, test states).
- :mod:`rederived.sampling.wmmd`: optimally weighted estimators of the maximum mean discrepancy
  (Gaussian Gram matrices and kernel means in blocks, closed-form kernel embeddings of uniform and
  normal inputs, Bayesian-quadrature weights, the exact MMD between normal laws, the g-and-k
  quantile function).

Chapters live in ``chapters/sampling/``, tests in ``tests/sampling/``. Nothing is imported here:
import the module you need (``from rederived.sampling import shadows``).
"""
