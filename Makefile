# Seoul RTIS — the few commands everyone uses. See README "Quick start".
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-dev lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make demo: install, migrate var/rtis.sqlite3, load the Seoul seed, create demo users, serve :8000
demo: install
	$(BIN)/rtis demo

## make test: ruff, mypy, then pytest on SQLite and (when a server answers) PostgreSQL
test: install-dev
	$(BIN)/python scripts/run_tests.py

lint: install-dev
	$(BIN)/ruff check src tests benchmarks scripts

typecheck: install-dev
	$(BIN)/mypy

bench: install-dev
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
