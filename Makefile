# The README's two commands are `make run` and `make test`; everything else is a helper.
# Only python3 (3.11) and make are needed: the virtualenv and the locked dependencies are
# made here, and re-made only when the lock file or pyproject.toml change.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.DEFAULT_GOAL := help
.PHONY: help install run test lint typecheck check format lock openapi bench clean

help:
	@echo "make run    - set up .venv, migrate, seed and serve on http://$(HOST):$(PORT)"
	@echo "make test   - set up .venv and run the whole test suite"
	@echo "make check  - ruff (lint + format) and mypy --strict"
	@echo "make lock   - re-resolve requirements*.lock from pyproject.toml"

install: $(STAMP)

$(STAMP): requirements-dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 11) else f"Python 3.11 is needed, $(PYTHON) is {v[0]}.{v[1]}")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --editable .
	$(BIN)/python -m pip check --disable-pip-version-check
	@touch $@

run: install
	$(BIN)/backpain migrate
	$(BIN)/backpain seed
	$(BIN)/backpain dev-client
	exec $(BIN)/backpain serve

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy --strict app

check: lint typecheck

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: install
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes --quiet -o requirements-dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache var
