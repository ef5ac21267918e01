"""The book's kernels start light: importing rederived.book keeps jsonschema from building the
optional rfc3987_syntax grammar (about a second per notebook), and glue still works."""

from __future__ import annotations

import subprocess
import sys


def test_glue_works_without_the_iri_grammar():
    code = (
        "import sys, rederived.book.claims\n"
        "from myst_nb import glue\n"
        "glue('x', 1, display=False)\n"
        "import jsonschema\n"
        "assert sys.modules['rfc3987_syntax'] is None\n"
        "assert 'iri' not in jsonschema.FormatChecker().checkers\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
