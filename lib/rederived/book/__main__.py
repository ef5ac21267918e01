"""``python -m rederived.book``: execute chapters, check pairs and ledgers, print the ledger."""

import sys

from rederived.book.chapters import main

sys.exit(main())
