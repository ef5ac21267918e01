"""The book's machinery, apart from the mathematics: everything a chapter uses that is not a kernel.

- :mod:`rederived.book.claims`: the claims ledger (declare, check, audit);
- :mod:`rederived.book.chapters`: finding paired chapters, the pair check, execution, and the
  command line ``python -m rederived.book`` (``execute``, ``check``, ``ledger``);
- :mod:`rederived.book.sphinxext`: the Sphinx extension (one rendering per chapter, the ledger
  and status pages, offline MathJax);
- :mod:`rederived.book.benchmark`: best-of-n timings and log–log slopes;
- :mod:`rederived.book.plotting`: the figure style.

Nothing is imported here, so that ``import rederived.book.claims`` stays light (one setting that
keeps notebook kernels from a slow optional import is made below).
"""

import sys as _sys

# Chapters call myst_nb's glue, which imports nbformat and so jsonschema; jsonschema then imports
# the optional rfc3987_syntax, whose Lark grammar takes about a second to build, in every
# notebook kernel, only to check IRI strings the book never validates. Marking it absent makes
# jsonschema skip that one format check (it imports it under suppress(ImportError)). Nothing is
# changed if it was imported already.
_sys.modules.setdefault("rfc3987_syntax", None)
del _sys
