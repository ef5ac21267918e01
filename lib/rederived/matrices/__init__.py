"""Kernels of Part VIII, matrices: one module per method family.

- :mod:`rederived.matrices.relax`: SOR on shifted Laplacians (Young's theory of the optimal
  relaxation, red–black sweeps batched over many systems and relaxation factors, the textbook
  iteration for reference) and the bandits that tune the relaxation factor from iteration counts
  alone (Tsallis-INF, and its contextual version with one learner per bin of a context).

Chapters live in ``chapters/matrices/``, tests in ``tests/matrices/``. Nothing is imported here:
import the module you need (``from rederived.matrices import relax``).
"""
