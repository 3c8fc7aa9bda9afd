# The two commands that matter: `make run` (everything, embedded) and `make test` (every test).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SOURCES := app tests piccolo_conf.py
NPM_STAMP := frontend/node_modules/.installed-$(shell cksum < frontend/package-lock.json | cut -d' ' -f1)

.PHONY: install frontend-install frontend api-client run migrate seed lint format test test-e2e bench mutants image image-test clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

$(NPM_STAMP): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@rm -f frontend/node_modules/.installed-*
	@touch $(NPM_STAMP)

frontend-install: $(NPM_STAMP)

# The page served at / (frontend/dist).
frontend: frontend-install
	cd frontend && npm run build

# The frontend's API client, generated from the server's OpenAPI document (never edited by hand).
api-client: install frontend-install
	$(PY) -m app.cli openapi > frontend/openapi.json
	cd frontend && npm run generate:api

migrate: install
	$(PY) -m app.cli migrate

seed: migrate
	$(PY) -m app.cli seed-demo

run: seed frontend
	@# The web server (with the Amazon simulator) and a worker with the crons, together.
	$(PY) -m app.cli worker & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null; $(PY) -m app.cli stop-redis' EXIT INT TERM; \
	$(PY) -m app.cli serve

lint: install frontend-install
	$(VENV)/bin/ruff check $(SOURCES)
	$(VENV)/bin/ruff format --check $(SOURCES)
	$(VENV)/bin/mypy
	$(PY) -m app.lib.i18n check
	@# The generated client must match the server's schema: `make api-client` after changing the API.
	$(PY) -m app.cli openapi | diff -q - frontend/openapi.json >/dev/null \
		|| { echo "frontend/openapi.json is stale: run make api-client"; exit 1; }
	cd frontend && npx openapi-typescript openapi.json --silent | npx prettier --stdin-filepath src/api/schema.d.ts \
		| diff -q - src/api/schema.d.ts >/dev/null || { echo "src/api/schema.d.ts is stale: run make api-client"; exit 1; }
	cd frontend && npm run lint

format: install
	$(VENV)/bin/ruff check --fix $(SOURCES)
	$(VENV)/bin/ruff format $(SOURCES)

test: lint frontend
	$(VENV)/bin/pytest $(PYTEST_ORDER) tests/unit tests/integration tests/faults
	cd frontend && npm test
	$(VENV)/bin/pytest tests/e2e

# The browser tests alone (Debian's chromium; CHROMIUM_PATH to use another).
test-e2e: install frontend
	$(VENV)/bin/pytest tests/e2e

# The benchmarks, with what their side-by-side comparisons need (python-amazon-sp-api: the bench extra).
$(VENV)/.bench-$(shell cat pyproject.toml | cksum | cut -d' ' -f1): $(STAMP)
	$(PY) -m pip install -q -e '.[dev,bench]'
	@rm -f $(VENV)/.bench-*
	@touch $@

bench: $(VENV)/.bench-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
	$(PY) -m tests.benchmarks.run

# Mutation testing with mutmut 3 (the mutants extra) over the modules that carry the promises, each with its tests
# (tests/mutation/modules.py); the surviving mutants go to mutants-report.md. MUTANTS_ARGS="--module retry" for one.
$(VENV)/.mutants-$(shell cat pyproject.toml | cksum | cut -d' ' -f1): $(STAMP)
	$(PY) -m pip install -q -e '.[dev,mutants]'
	@rm -f $(VENV)/.mutants-*
	@touch $@

mutants: $(VENV)/.mutants-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
	$(PY) -m tests.mutation.run $(MUTANTS_ARGS)

# The container image erp-settings:<version> (and :latest), on a Debian base made here (.ci/image.sh).
image: install frontend
	bash .ci/image.sh build

# The image's entrypoint in a chroot against a real PostgreSQL (DATABASE_URL, else .ci/postgres.sh) and Redis.
image-test: install
	bash .ci/image-smoke.sh

clean:
	rm -rf var/*.sqlite3* .pytest_cache .mypy_cache .ruff_cache
