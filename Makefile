# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install install-dev lint types test-sqlite test-postgres bench bench-import bench-triage bench-cases bench-referrals clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found; set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

# The spark extra too: the person-linkage test runs the model on Spark's local mode.
install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,spark]'

demo: install
	$(BIN)/coresponder init
	$(BIN)/coresponder demo
	$(BIN)/coresponder serve --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

types: install-dev
	$(BIN)/mypy

test-sqlite: install-dev
	scripts/run-tests sqlite

test-postgres: install-dev
	scripts/run-tests postgres

# Lint, types, then the whole suite on SQLite and again on a throwaway PostgreSQL cluster.
test: lint types
	scripts/run-tests all

bench: install-dev
	$(BIN)/python benchmarks/bench_audit.py

bench-import: install-dev
	$(BIN)/python benchmarks/bench_import.py

bench-triage: install-dev
	$(BIN)/python benchmarks/bench_triage.py

bench-cases: install-dev
	$(BIN)/python benchmarks/bench_cases.py

bench-referrals: install-dev
	$(BIN)/python benchmarks/bench_referrals.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
