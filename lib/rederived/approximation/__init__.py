"""Kernels of Part III, approximating functions: one module per method family.

- :mod:`rederived.approximation.approx`: Taylor, Padé and minimax (Remez) approximants;
- :mod:`rederived.approximation.programs`: straight-line programs and the fitting of their
  constants;
- :mod:`rederived.approximation.evolution`: evolutionary search of straight-line programs
  (AutoNumerics-Zero);
- :mod:`rederived.approximation.float32`: float32 evaluation and ULP errors over the whole float32
  range;
- :mod:`rederived.approximation.bessel`: logarithms of the modified Bessel functions I and K;
- :mod:`rederived.approximation.eim`: the empirical interpolation method and its variants;
- :mod:`rederived.approximation.wls`: weighted least squares with determinantal point processes;
- :mod:`rederived.approximation.magnitude`: magnitude of metric spaces.

Chapters live in ``chapters/approximation/``, tests in ``tests/approximation/``. Nothing is imported
here: import the module you need (``from rederived.approximation import approx``).
"""
