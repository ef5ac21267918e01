"""Rederived: the kernels of the book, its claims ledger and its build tooling.

Kernels are flat modules, one per method family, each named after its family and tested in
``tests/test_<module>.py`` (``rederived.gaunt``, ``rederived.pcf``, ``rederived.bessel``, ...).
The book's machinery (claims ledger, chapter execution, Sphinx extension, timing and plotting
helpers) lives in the subpackage :mod:`rederived.book`. Import the module you need; nothing heavy
is imported here.
"""

__version__ = "0.1.0"
