"""Kernels of Part X, sampling and Monte Carlo: one module per method family.

- :mod:`rederived.sampling.shadows`: classical shadows of n-qubit states from random Pauli
  measurements (snapshots, Pauli-string and purity estimators, median of means, fidelities with
  Pauli and global Haar measurements, the paper's sample bound, test states).
- :mod:`rederived.sampling.qmcdomain`: randomly shifted lattice rules by fast CBC, and the
  Poisson and heat equations on random star-shaped domains pulled back to the disk.
- :mod:`rederived.sampling.sicgp`: sparse inverse Cholesky approximations of latent Gaussian
  processes (maximin ordering, KL-optimal factors, the SIC variational posterior, inducing points
  and mean field for comparison, the best Gaussian posterior as the reference).
- :mod:`rederived.sampling.wmmd`: optimally weighted estimators of the maximum mean discrepancy
  (Gaussian Gram matrices and kernel means in blocks, closed-form kernel embeddings of uniform and
  normal inputs, Bayesian-quadrature weights, the exact MMD between normal laws, the g-and-k
  quantile function).

Chapters live in ``chapters/sampling/``, tests in ``tests/sampling/``. Nothing is imported here:
import the module you need (``from rederived.sampling import shadows``).
"""
