# Seoul RTIS — the few commands everyone uses. See README "Quick start".
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-dev lint typecheck pytest bench soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml setup.py src/rtis/ntis/_ntisfast.c | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml setup.py src/rtis/ntis/_ntisfast.c | $(BIN)/python
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

## make soak: the long reliability probes (concurrency soak on SQLite and, when a server
## answers, PostgreSQL; the full hostile-file corpus and kill -9 runs). Minutes, not seconds.
soak: install-dev
	$(BIN)/python scripts/soak.py --database sqlite --clients 8 --seconds 60
	@if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then \
	  $(BIN)/python scripts/soak.py --clients 8 --seconds 60 \
	    --database "$${RTIS_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"; \
	else echo "=== SKIPPED: PostgreSQL soak (nothing answers on 127.0.0.1:5432)"; fi
	RTIS_SOAK=1 RTIS_DATABASE_URL=sqlite:///$(CURDIR)/var/soak-tests.sqlite3 $(BIN)/pytest -m soak tests/reliability
	@if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then \
	  RTIS_SOAK=1 RTIS_DATABASE_URL="$${RTIS_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}" \
	    $(BIN)/pytest -m soak tests/reliability; fi

bench: install-dev
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
