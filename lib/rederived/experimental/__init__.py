"""Kernels of Part II, experimental mathematics: one module per method family.

- :mod:`rederived.experimental.contfrac`: simple continued fractions and convergents;
- :mod:`rederived.experimental.pcf`: polynomial continued fractions: convergents, δ, dynamics,
  identification;
- :mod:`rederived.experimental.cmf`: conservative matrix fields;
- :mod:`rederived.experimental.esma`: conjectures from integer sequences (signed continued
  fractions, Berlekamp–Massey);
- :mod:`rederived.experimental.eml`: the operator eml(x, y) = exp(x) − ln(y): trees, evaluation,
  enumeration;
- :mod:`rederived.experimental.emlfit`: symbolic regression with soft EML trees;
- :mod:`rederived.experimental.series`: Apéry-type series and relations found by PSLQ.

Chapters live in ``chapters/experimental/``, tests in ``tests/experimental/``. Nothing is imported
here: import the module you need (``from rederived.experimental import contfrac``).
"""
