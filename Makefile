# Two commands matter: `make demo` (audit the bundled example) and `make test` (all checks).
# Each creates .venv and installs what it needs; nothing is installed by hand.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
REPORTS ?= build/demo

.PHONY: demo test lint typecheck pytest venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]' 'torch==2.13.0' -r examples/tiny-nas/requirements.txt
	touch $(STAMP)

demo: $(STAMP)
	@mkdir -p $(REPORTS)
	$(VENV)/bin/nas-audit audit examples/tiny-nas --format json --output $(REPORTS)/tiny-nas.json --quiet
	$(VENV)/bin/nas-audit audit examples/tiny-nas --fail-on fail,partial,needs_review

lint: $(STAMP)
	$(VENV)/bin/ruff check auditor checklist tests benchmarks
	$(VENV)/bin/ruff format --check auditor checklist tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	$(PY) -m pytest -q
	cd examples/tiny-nas && ../../$(PY) -m pytest -q -p no:cacheprovider

test: lint typecheck pytest

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
