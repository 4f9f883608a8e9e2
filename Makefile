# Criba's everyday commands. `make run` starts a complete demo on a fresh machine;
# `make test` runs the whole suite.

SHELL := /bin/bash
.DEFAULT_GOAL := run

# pyenv's python3 honours .python-version.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
PORT ?= 8000
ARGS ?=

PO_FILES := $(shell find locale -name '*.po' 2>/dev/null)
BROKER_DIRS := var/celery/queue var/celery/processed var/celery/control

.PHONY: run test lint format lock messages bench clean venv

# --- environment -------------------------------------------------------------------

$(VENV)/pyvenv.cfg:
	@$(PYTHON) -c 'import sys; want = open(".python-version").read().split(".")[:2]; \
	    have = [str(part) for part in sys.version_info[:2]]; \
	    sys.exit(None if have == want else "$(PYTHON) is Python " + ".".join(have) \
	    + "; .python-version asks for " + ".".join(want) + " (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)

# Reinstalled only when the lock changes.
$(STAMP): requirements.lock | $(VENV)/pyvenv.cfg
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

venv: $(STAMP)

$(BROKER_DIRS):
	mkdir -p $@

# --- running -----------------------------------------------------------------------

# The embedded mode: SQLite and the file broker under var/, unless DATABASE_URL and
# REDIS_URL say otherwise. Every process the Procfile starts inherits these.
run: export DJANGO_DEBUG ?= true
run: export PORT := $(PORT)
run: export CRIBA_BASE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP) messages | $(BROKER_DIRS)
	$(MANAGE) migrate --noinput
	$(MANAGE) load_instruments
	$(MANAGE) seed_demo
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(BIN)/python -m config.supervisor --procfile Procfile --var-dir var \
	    > var/supervisord.conf
	@echo "Criba: http://127.0.0.1:$(PORT)/  (Ctrl-C stops web, workers and beat;"
	@echo "       a process that dies is restarted: $(BIN)/supervisorctl -c var/supervisord.conf status)"
	$(BIN)/supervisord -c var/supervisord.conf

# compilemessages reads only LOCALE_PATHS; debug mode spares it a secret key.
messages: $(STAMP)
ifneq ($(PO_FILES),)
	DJANGO_DEBUG=true $(MANAGE) compilemessages --ignore .venv --ignore var --verbosity 0
endif

# --- quality -----------------------------------------------------------------------

test: $(STAMP) messages
	$(BIN)/python -m pytest $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# uv is the resolver; it is a tool of this target, not a dependency of Criba.
lock: $(STAMP)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock

# Benchmarks print their measurements; they are not part of the test run.
bench: export DJANGO_SECRET_KEY ?= insecure-key-for-local-benchmarks-only-0123456789
bench: export PYTHONPATH := $(CURDIR)
bench: $(STAMP)
	@shopt -s nullglob; scripts=(benchmarks/*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "No benchmarks in benchmarks/"; fi; \
	for script in "$${scripts[@]}"; do \
	    echo "== $$script"; $(BIN)/python "$$script" || exit 1; \
	done

# Removes the embedded database, broker files, static files and caches; keeps the
# virtualenv.
clean:
	rm -rf var .pytest_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
