# Two commands matter: `make demo` (audit the bundled example) and `make test` (all checks).
# Each creates .venv and installs what it needs; nothing is installed by hand.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
REPORTS ?= build/demo

.PHONY: demo test lint typecheck pytest venv system-deps clean

venv: $(STAMP)

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]' 'torch==2.13.0' -r examples/tiny-nas/requirements.txt
	touch $(STAMP)

# System packages, installed with apt where we are root (otherwise a note, and the tests that
# need them skip with the reason): bubblewrap isolates re-runs (no network, read-only
# filesystem; without it nas-audit falls back to `unshare`), chromium opens the HTML report in
# the browser tests, pdflatex compiles the LaTeX checklist.
SYSTEM_DEPS := bwrap:bubblewrap chromium:chromium pdflatex:texlive-latex-base

system-deps:
	@missing=""; for pair in $(SYSTEM_DEPS); do command -v $${pair%%:*} >/dev/null 2>&1 \
	  || missing="$$missing $${pair#*:}"; done; \
	[ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && { apt-get install -y -qq $$missing >/dev/null 2>&1 \
	       || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $$missing >/dev/null; }; }; } \
	  || echo "note: not installed:$$missing (tests that need them skip and say why)"

# The static audit and a re-run (2 seeds x 2 repeats of the final training) of the example:
# every report format in $(REPORTS), the table on the terminal, then the authors' self-check
# (declared answers against the code, plus a one-seed smoke re-run).
demo: $(STAMP) system-deps
	$(VENV)/bin/nas-audit audit examples/tiny-nas --rerun --jobs 2 \
	  --format json,html,markdown,sarif,latex --output-dir $(REPORTS)
	$(VENV)/bin/nas-audit audit examples/tiny-nas --rerun --jobs 2 --quiet \
	  --fail-on fail,partial,needs_review,contradicted
	$(VENV)/bin/nas-audit check examples/tiny-nas

lint: $(STAMP)
	$(VENV)/bin/ruff check auditor checklist tests benchmarks
	$(VENV)/bin/ruff format --check auditor checklist tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP) system-deps
	$(PY) -m pytest -q
	cd examples/tiny-nas && ../../$(PY) -m pytest -q -p no:cacheprovider

test: lint typecheck pytest

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
