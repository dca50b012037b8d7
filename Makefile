# sdaasp — two commands for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
SDAASP := $(VENV)/bin/sdaasp
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist): one a core, at most four.
TEST_WORKERS ?= auto

.PHONY: demo test install install-test lint clean

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "sdaasp demande Python 3.11 ou plus récent (trouvé : $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.python-ok pyproject.toml
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## make demo: install, create or update the database (never deletes data), build and load the
## Nord (59) from real data, serve the platform
demo: install
	$(SDAASP) migrate
	$(SDAASP) territory build 59
	$(SDAASP) demo load
	$(SDAASP) scheme load-nord --exemples
	$(SDAASP) diagnose 59
	$(SDAASP) zones 59
	$(SDAASP) serve --host $(HOST) --port $(PORT)

## make test: install the test dependencies and run the whole suite (browser tests included)
test: install-test
	$(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 4

lint: install-test
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	$(PY) -m django makemigrations --check --dry-run --settings=sdaasp.web.settings.dev

clean:
	rm -rf $(VENV) var .pytest_cache
