# Rederived: build, test and edit the book. Every target bootstraps .venv from requirements.txt.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8000
JOBS   ?= 2

# Sphinx warnings are errors; --keep-going shows every warning before failing.
JB_FLAGS := --warningiserror --nitpick --keep-going
# nbval in strict mode (outputs compared), one kernel per notebook, both cores.
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
         --nbval-cell-timeout 300

.PHONY: help venv book test unit nbval browser contracts lint format execute check ledger pin pdf serve lab lock clean

help:
	@echo "make book     build the HTML book into _build/html (warnings are errors)"
	@echo "make test     the whole suite: lint, unit tests, pair/ledger checks, nbval, browser check"
	@echo "make contracts  the kernels' property-based contract tests, large random profile"
	@echo "make execute  re-execute chapters whose .md changed (ALL=1: every chapter; CHAPTERS=...)"
	@echo "make serve    preview the built book on http://127.0.0.1:$(PORT)"
	@echo "make lab      JupyterLab with jupytext: the .md chapters open as notebooks"
	@echo "make pdf      print the built book into _build/pdf/rederived.pdf (headless Chromium)"
	@echo "make pin      write the setup cell installing this release into every chapter"

venv: $(STAMP)

# --no-compile: pip would byte-compile every installed file (32 s of a 71-s install here);
# Python compiles, and caches, only the modules the book imports, on first import.
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-compile -r requirements.txt
	touch $(STAMP)

book: $(STAMP)
	$(VENV)/bin/jupyter-book build . $(JB_FLAGS)

# One pytest run, so the closing line counts every test: unit tests, pair and ledger checks,
# every notebook under nbval, and the browser check of the book. The book builds in the
# background meanwhile (one process: waiting for it first left a core idle); the tests that read
# it wait for its exit status in _build/book.status, and the run fails if the build failed. The
# notebooks already share the cores between pytest workers, so a chapter does not fork more
# processes (REDERIVED_WORKERS=1): oversubscribed cores would distort the timing chapters.
test: $(STAMP) lint
	@mkdir -p _build && rm -f _build/book.status
	@( $(VENV)/bin/jupyter-book build . $(JB_FLAGS) > _build/book.log 2>&1; \
	   echo $$? > _build/book.status ) & \
	build=$$!; trap 'kill $$build 2>/dev/null' INT TERM EXIT; \
	REDERIVED_BOOK_STATUS=_build/book.status REDERIVED_WORKERS=1 REDERIVED_PROGRESS=0 \
	  $(PY) -m pytest tests chapters $(NBVAL) -n $(JOBS) --dist loadscope --durations 10; \
	tests=$$?; wait $$build; \
	book=$$(cat _build/book.status 2>/dev/null || echo "no status"); \
	if [ "$$book" != 0 ]; then tail -n 60 _build/book.log; echo "make test: the book build failed"; exit 1; fi; \
	echo "make test: the book built ($$(grep -o "build succeeded[^[:cntrl:]]*" _build/book.log | tail -n 1), log in _build/book.log)"; \
	exit $$tests

unit: $(STAMP)
	$(PY) -m pytest tests -m "not browser and not needs_book" -n $(JOBS)

nbval: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 REDERIVED_PROGRESS=0 $(PY) -m pytest chapters $(NBVAL) -n $(JOBS) --dist loadscope

# The kernels' contract tests with Hypothesis's large random profile (make test runs them with
# the small derandomized one).
contracts: $(STAMP)
	HYPOTHESIS_PROFILE=large $(PY) -m pytest tests -k contract -n $(JOBS)

browser: $(STAMP) book
	$(PY) -m pytest tests/book/test_browser.py

lint: $(STAMP)
	$(PY) -m ruff check lib tests
	$(PY) -m ruff format --check lib tests

format: $(STAMP)
	$(PY) -m ruff format lib tests
	$(PY) -m ruff check --fix lib tests

execute: $(STAMP)
	$(PY) -m rederived.book execute $(if $(ALL),--all) $(CHAPTERS)

check: $(STAMP)
	$(PY) -m rederived.book check

ledger: $(STAMP)
	$(PY) -m rederived.book ledger

# The whole book as one PDF, printed offline by headless Chromium from the built HTML.
pdf: $(STAMP) book
	$(PY) -m rederived.book pdf

# Pin every chapter's setup cell to the release in pyproject.toml (see README: publishing).
pin: $(STAMP)
	$(PY) -m rederived.book pin

serve: book
	@echo "serving _build/html on http://127.0.0.1:$(PORT) (Ctrl-C stops)"
	$(PY) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

# Open .md files as notebooks by default (jupytext's viewer) in this environment's JupyterLab.
lab: $(STAMP)
	mkdir -p $(VENV)/share/jupyter/lab/settings
	echo '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}}}' \
	  > $(VENV)/share/jupyter/lab/settings/overrides.json
	REDERIVED_PROGRESS=1 $(VENV)/bin/jupyter lab

# Re-resolve requirements.in into exact pins in a scratch environment.
lock:
	rm -rf /tmp/rederived-lock && $(PYTHON) -m venv /tmp/rederived-lock
	/tmp/rederived-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Exact versions of everything the book installs (Python 3.11). Direct dependencies and why:"; \
	  echo "# requirements.in. Regenerate with: make lock"; \
	  /tmp/rederived-lock/bin/pip freeze --exclude-editable; \
	  echo "# the book's own package, editable"; echo "-e ."; } > requirements.txt

clean:
	rm -rf _build .pytest_cache .ruff_cache
