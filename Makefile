# EthicsKit: `make run` to try it (the web server and a background worker), `make test` to check it. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Development settings for everything started from here (the server, the tests, the lint's
# makemigrations); DEBUG is off wherever this variable is not set.
export DJANGO_DEBUG ?= 1

.PHONY: install run test e2e lint format bench bench-plans bench-privacy mutation check-python

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "EthicsKit needs Python 3.11 or newer; set PYTHON=python3.11 or similar.")'
	@command -v npm >/dev/null || { echo "EthicsKit needs Node.js and npm (for Bootstrap and Chart.js)."; exit 1; }

$(VENV)/.installed: pyproject.toml
	@$(MAKE) --no-print-directory check-python
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(VENV)/.installed node_modules/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	ETHICSKIT_BASE_URL=$${ETHICSKIT_BASE_URL:-http://$(HOST):$(PORT)} $(PY) manage.py serve $(HOST):$(PORT)

test: install
	@test -x /usr/bin/chromium || echo "NOTE: /usr/bin/chromium is missing, so the browser tests (tests/e2e) are skipped. Install it with: apt-get install chromium"
	$(PY) -m pytest

# The browser journeys only (Playwright driving Debian's Chromium).
e2e: install
	$(PY) -m pytest tests/e2e

# The benchmark: BENCH_ARGS="--rows 10000000" for the large run. See docs/performance.md.
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

# The query plans behind each benchmarked page, on the benchmark database (docs/plans/<rows>.md).
bench-plans: install
	$(PY) bench/plans.py $(BENCH_ARGS)

# How long the privacy guard takes on typical summaries (docs/performance.md, "Privacy guard").
bench-privacy: install
	$(PY) bench/privacy_guard.py

# The mutation score (docs/testing.md): mutmut mutates the scoring engine, the blind-review rule,
# the access helpers, the privacy guard and the rollup writes, runs the tests that cover each
# mutant, and tests/mutation_report.py prints the score per module and fails below target.
# Results are kept in mutants/; `.venv/bin/mutmut browse` shows them. Not part of `make test`.
mutation: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ethicskit_mutation
mutation: install
	$(VENV)/bin/mutmut run $$($(PY) tests/mutation_report.py --names)
	$(PY) tests/mutation_report.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
