# newsroom: `make run` serves the demo newsroom, `make test` runs the suite.
# Needs only Python >= 3.12 and make.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# The address the site names in its structured data, feeds and sitemaps: the
# one it serves on, unless set (in the environment or here) to another.
SITE_URL ?= http://$(HOST):$(PORT)

# The first Python >= 3.12 found (pyenv's shims honour .python-version).
PYTHON ?= $(shell for p in python3 python3.14 python3.13 python3.12; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)

# A secret key made once per checkout and kept in var/ (not in git).
RUN_ENV = SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" SITE_URL="$(SITE_URL)"
TEST_ENV = SECRET_KEY=test-only-not-secret DEBUG=0

.PHONY: help install setup run test lint bench clean

help:
	@echo "make run    set up, load the demo newsroom and serve it on http://$(HOST):$(PORT)"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   ruff check and format check"
	@echo "make bench  the HTTP benchmark: public pages beside a static file (bench/README.md)"
	@echo "make clean  remove the virtual environment and var/"

$(BIN)/.installed: requirements.txt
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is required (python3 --version)."; exit 1; fi
	@echo "Setting up $(VENV) with $$($(PYTHON) --version)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

install: $(BIN)/.installed

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@chmod 600 $@

setup: install var/secret_key
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	$(RUN_ENV) $(BIN)/python manage.py render_pages

# One background worker (email, fetching sources, renditions) and the
# scheduler (publish_scheduled every minute, which also enqueues again the
# emails whose task was lost, and every hour the check of the cited sources
# handed to the worker, as cron runs them in production) beside gunicorn; all
# stop together on Ctrl-C.
run: setup
	@echo
	@echo "Serving the newsroom on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "A background worker and the scheduler run beside it; emails are printed in this log."
	@echo "Stop with Ctrl-C."
	@$(RUN_ENV) $(BIN)/python manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
	minute=0; while true; do $(RUN_ENV) $(BIN)/python manage.py publish_scheduled -v 0 || true; \
		if [ $$((minute % 60)) -eq 0 ]; then $(RUN_ENV) $(BIN)/python manage.py check_sources --enqueue -v 0 || true; fi; \
		minute=$$((minute + 1)); sleep 60; done & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/gunicorn newsroom.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --forwarded-allow-ips 127.0.0.1

# The suite runs on every CPU (pytest-xdist); PYTEST_ARGS adds options, e.g.
# PYTEST_ARGS="-n 0 tests/test_workflow.py" for one file in one process.
test: install
	$(TEST_ENV) $(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# DATABASE_URL, REDIS_URL and NEWSROOM_PAGE_CACHE=0 pick the configuration;
# BENCH_ARGS passes options (--duration, --rounds, --connections, --workers).
bench: install
	$(BIN)/python bench/http_bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
