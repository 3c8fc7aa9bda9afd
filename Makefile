# The two commands that matter: `make run` (everything, embedded) and `make test` (every test).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SOURCES := app tests piccolo_conf.py

.PHONY: install run migrate seed lint format test test-unit test-integration bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) -m app.cli migrate

seed: migrate
	$(PY) -m app.cli seed-demo

run: seed
	@# The web server (with the Amazon simulator) and a worker with the crons, together.
	$(PY) -m app.cli worker & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null; $(PY) -m app.cli stop-redis' EXIT INT TERM; \
	$(PY) -m app.cli serve

lint: install
	$(VENV)/bin/ruff check $(SOURCES)
	$(VENV)/bin/ruff format --check $(SOURCES)
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix $(SOURCES)
	$(VENV)/bin/ruff format $(SOURCES)

test: lint
	$(VENV)/bin/pytest tests/unit tests/integration

bench: install
	$(PY) -m tests.benchmarks.run

clean:
	rm -rf var/*.sqlite3* .pytest_cache .mypy_cache .ruff_cache
