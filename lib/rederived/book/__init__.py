"""The book's machinery, apart from the mathematics: everything a chapter uses that is not a kernel.

- :mod:`rederived.book.claims`: the claims ledger (declare, check, audit);
- :mod:`rederived.book.chapters`: finding paired chapters, the pair check, execution, and the
  command line ``python -m rederived.book`` (``execute``, ``check``, ``ledger``);
- :mod:`rederived.book.sphinxext`: the Sphinx extension (one rendering per chapter, the ledger
  and status pages, offline MathJax);
- :mod:`rederived.book.benchmark`: best-of-n timings and log–log slopes;
- :mod:`rederived.book.plotting`: the figure style.

Nothing is imported here, so that ``import rederived.book.claims`` stays light.
"""
