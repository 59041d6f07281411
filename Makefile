# The two commands of the README: `make run` and `make test`. Both make .venv first.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
DEMO_APPLICATIONS ?= 2000
export FLASK_APP := wsgi.py

.PHONY: run test lint format benchmark benchmark-dashboards benchmark-pages benchmark-load clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "exchange needs Python 3.11 or newer; none was found." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

## Install, bring the SQLite database up to date, seed the demo once, serve on PORT.
run: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask exchange seed-demo --if-empty --applications $(DEMO_APPLICATIONS)
	@printf "\nServing on http://$(HOST):$(PORT) (Ctrl+C stops it)\n\n"
	$(BIN)/flask exchange serve --host $(HOST) --port $(PORT)

## Install the dev extra and run the whole suite.
test: $(VENV)/.installed-dev
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

benchmark: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/seed.py --applications 20000
	$(BIN)/python benchmarks/matching.py

## The dashboards at 1 and 5 seasons of 20,000 applications, on PostgreSQL (see README).
benchmark-dashboards: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/dashboards.py

## The busy pages' requests a second beside a hello-world app, at 1 and 5 seasons (see README).
benchmark-pages: $(VENV)/.installed-dev
	$(BIN)/pip install --quiet -e '.[production]'
	$(BIN)/python benchmarks/pages.py

## 50 people's mixed load on gunicorn (4 workers), PostgreSQL and Redis for 60 s (see README).
benchmark-load: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.load

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
