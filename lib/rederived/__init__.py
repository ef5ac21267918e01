"""Rederived: the kernels of the book, its claims ledger and its build tooling.

The kernels are grouped like the book's parts, one subpackage per part and one module per method
family: :mod:`rederived.symmetry`, :mod:`rederived.experimental`,
:mod:`rederived.approximation`, :mod:`rederived.scaling`, :mod:`rederived.stochastic` and
:mod:`rederived.algorithms`. A chapter ``chapters/<part>/<name>.md`` imports
``rederived.<part>.<family>``, tested in ``tests/<part>/test_<family>.py``. The Benchmarks rows
are in :mod:`rederived.benchmarks` (one module per part); the book's machinery (claims ledger,
chapter execution, Sphinx extension, timing and plotting helpers) in :mod:`rederived.book`.
Import the module you need; nothing heavy is imported here.
"""

__version__ = "0.1.0"
