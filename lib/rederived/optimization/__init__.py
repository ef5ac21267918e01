"""Kernels of Part IX, optimization and greedy algorithms: one module per method family.

- :mod:`rederived.optimization.bpe`: byte-pair encoding as a combinatorial optimisation problem
  (the compression utility of a merge sequence, exact optima by memoised search, every greedy
  sequence under ties, the total backward curvature and the greedy guarantee it gives) and two
  trainers for long texts: the textbook one that recounts every pair after each merge, and one
  with a linked list and a priority queue that updates only the counts a merge changes.
- :mod:`rederived.optimization.polyprecond`: preconditioners made of the elementary symmetric
  polynomials of a matrix (from power traces by Newton's identities, no eigenvalues), the
  volume-sampling probabilities that are their spectrum, the condition-number bound, and the
  gradient, fast gradient, adaptive Krylov and conjugate-gradient methods on quadratics.
- :mod:`rederived.optimization.lossomp`: orthogonal matching pursuit driven by a regularised
  loss (weighted ℓ⁰, weighted LASSO, square-root LASSO, LAD-LASSO): the closed-form best
  one-coordinate decrease of each loss, exact local fits on the selected columns, compressed-
  sensing problems with noise and gross outliers, and tensor Legendre designs with their
  intrinsic weights.
- :mod:`rederived.optimization.stepnewton`: Newton's method with stepsizes chosen from the Newton
  decrement (pure, damped, cubic, regularised of order q and the explicit "root" schedule),
  exact line search, backtracking on the regularisation constant, and convex test problems
  where the pure method diverges (√(1 + x²), pseudo-Huber and logistic regression).

Chapters live in ``chapters/optimization/``, tests in ``tests/optimization/``. Nothing is
imported here: import the module you need (``from rederived.optimization import bpe``).
"""
