# sdaasp — two commands for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
SDAASP := $(VENV)/bin/sdaasp
HOST ?= 127.0.0.1
PORT ?= 8000

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

## make demo: install, build and load the Nord (59) from real data, serve the platform
demo: install
	$(SDAASP) territory build 59
	$(SDAASP) scheme load-nord --exemples
	$(SDAASP) serve --host $(HOST) --port $(PORT)

## make test: install the test dependencies and run the whole suite
test: install-test
	$(PY) -m pytest

lint: install-test
	$(VENV)/bin/ruff check src tests bench
	$(PY) -m django makemigrations --check --dry-run --settings=sdaasp.web.settings

clean:
	rm -rf $(VENV) var .pytest_cache
