# Every target installs what it needs into .venv on first use (uv, from the lock file).
SHELL := /bin/bash
PYTHON ?= python3
STACK ?= dev
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
SYNCED := $(VENV)/.synced

.PHONY: install plan test lint typecheck unit bench format docs clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(SYNCED): pyproject.toml uv.lock | $(UV)
	# Byte-compiled once here, so that no run pays for compiling the provider SDK.
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --quiet --compile-bytecode --python $(PYTHON)
	touch $@

## install: create .venv from the lock file
install: $(SYNCED)

## plan: offline plan of STACK (default dev) under Pulumi's mock runtime, with policy results
plan: $(SYNCED)
	$(PY) -m infra.plan --stack $(STACK)

## test: format check, lint, type check, then the test suite
test: lint typecheck unit

lint: $(SYNCED)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

typecheck: $(SYNCED)
	$(VENV)/bin/basedpyright

unit: $(SYNCED)
	$(PY) -m pytest

## bench: plan speed against the bare mock runtime (writes build/bench.json)
bench: $(SYNCED)
	$(PY) -m bench

## docs: regenerate the configuration reference and the architecture diagram
docs: $(SYNCED)
	$(PY) -m infra.plan.docs

format: $(SYNCED)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf build .pytest_cache .ruff_cache
