# ArtChart: the two commands a newcomer needs are `make demo` and `make test`.
# Everything else here is what those two are made of.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LINT_INSTALLED := $(VENV)/.lint-installed
NPM_INSTALLED := node_modules/.package-lock.json
PG_URL ?= postgres://artchart@127.0.0.1:5432/artchart
PYTEST_WORKERS ?= 2
IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)

.PHONY: help demo serve test test-slow test-pg bench lint format clean distclean install system-packages npm-packages

help:
	@echo "make demo       set up, load the demo practice and serve it on http://127.0.0.1:8000"
	@echo "make test       the test suite (not the slow tests), SQLite, $(PYTEST_WORKERS) workers"
	@echo "make test-slow  scale, load and crash tests"
	@echo "make test-pg    the test suite on PostgreSQL ($(PG_URL))"
	@echo "make lint       ruff (lint and format), the import-layer contracts and mypy; CI runs it first"
	@echo "make format     apply ruff's safe fixes and formatting"
	@echo "make bench      what the audit chain costs, on a throw-away database"
	@echo "make clean      remove build and test debris (keeps var/: your database and keys)"
	@echo "make distclean  clean, and remove .venv and node_modules too"

# --- set-up -----------------------------------------------------------------------------

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "ArtChart needs Python 3.11 or newer as '$(PYTHON)' (try: make PYTHON=python3.12 ...)."; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  if [ "$(IS_ROOT)" = yes ]; then \
	    echo "Installing python3-venv (Debian/Ubuntu) ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; \
	  else \
	    echo "Python's venv module is missing. Install it first, e.g. 'sudo apt-get install python3-venv', then run make again."; \
	    exit 1; \
	  fi; }
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml is newer than the last install.
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(INSTALLED)

# The linters are pinned in the 'lint' extra; installed only for make lint and make format.
$(LINT_INSTALLED): pyproject.toml $(INSTALLED)
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	@touch $@

# Headless Chromium and a font for the browser tests, and Pango for the reports' PDFs (WeasyPrint), from Debian.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0 ' || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	dpkg -s fonts-dejavu-core >/dev/null 2>&1 || [ -d /usr/share/fonts/truetype/dejavu ] || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  if [ "$(IS_ROOT)" = yes ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing$$missing ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "The browser tests and the reports need$$missing. Install with: sudo apt-get install$$missing"; \
	    exit 1; \
	  fi; \
	fi

# axe-core for the accessibility checks, exactly as package-lock.json pins it.
$(NPM_INSTALLED): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "The accessibility tests need Node.js and npm (Node 18 or newer): sudo apt-get install nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

npm-packages: $(NPM_INSTALLED)

# --- the demo -----------------------------------------------------------------------------

demo: $(INSTALLED)
	$(BIN)/artchart migrate --no-input
	$(BIN)/artchart demo
	@echo ""
	@echo "Sign in at http://127.0.0.1:8000 as any of these users, password artchart-demo:"
	@echo "  admin, programadmin, therapist, therapist2, supervisor, intern, teamviewer"
	@echo ""
	$(BIN)/artchart serve --bind 127.0.0.1:8000

serve: $(INSTALLED)
	$(BIN)/artchart migrate --no-input
	$(BIN)/artchart serve --bind 127.0.0.1:8000

# --- tests ----------------------------------------------------------------------------------

test: $(INSTALLED) system-packages $(NPM_INSTALLED)
	$(BIN)/pytest -m "not slow" -n $(PYTEST_WORKERS)

test-slow: $(INSTALLED)
	$(BIN)/pytest -m slow

# The role needs CREATEDB: pytest-django creates and drops test_artchart_* itself.
test-pg:
	DATABASE_URL=$(PG_URL) $(MAKE) test

bench: $(INSTALLED)
	$(BIN)/artchart bench

# --- lint -----------------------------------------------------------------------------------

lint: $(LINT_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(LINT_INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# --- tidying ----------------------------------------------------------------------------------

clean:
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf
	rm -rf build dist *.egg-info .pytest_cache test-results playwright-report var/static

distclean: clean
	rm -rf $(VENV) node_modules
