# 西昌学院研究生联合培养基地管理系统 — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite on every core, a whole test file per worker (module fixtures seed the demo once).
PYTEST_PARALLEL ?= -n auto --dist loadfile

.PHONY: run test lint format check migrate seed install install-test system-deps clean

run: install system-deps migrate seed
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install-test
	$(BIN)/pytest $(PYTEST_PARALLEL)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	$(PY) manage.py check

migrate: install
	$(PY) manage.py migrate --noinput

seed: install
	$(PY) manage.py seed_demo

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test
	@scripts/system-deps.sh browser

system-deps:
	@scripts/system-deps.sh pdf

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache artifacts *.egg-info
