"""Rederived: the kernels of the book, its claims ledger and its build tooling.

One module per method family (``rederived.contfrac``, ...), plus ``rederived.claims`` (the claims
ledger used by every chapter) and ``rederived.book`` / ``rederived.sphinxext`` (pairing, execution
and the Sphinx extension that renders the ledger). Import the module you need; nothing heavy is
imported here.
"""

__version__ = "0.1.0"
