# The two commands of the README: `make run` and `make test`. Both set everything up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/realcities
export REDIS_URL ?= redis://127.0.0.1:6379/0
# The test suite keeps to its own Redis databases, so a running app and its worker are not disturbed.
TEST_REDIS_URL ?= redis://127.0.0.1:6379/13
TEST_BROKER_URL ?= redis://127.0.0.1:6379/14
TEST_RESULT_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=
# `make run PORT=8080` serves on another port; the links in emails follow it unless DJANGO_SITE_URL
# is set (the address people reach the app at, used in every email the worker sends).
PORT ?= 8000
# The suite runs in this many processes (pytest-xdist), each with its own test database, cache keys
# and Celery queue (see realcities/settings.py). TEST_WORKERS=0 runs it in one process.
# `--dist loadfile`: each test module runs whole in one process, so a module's fixtures (a private
# PostgreSQL cluster, a big generated file) are made once and the page walks never run two at a
# time. (xdist_group marks would be finer, but pytest-xdist 3.8 ignores them under pytest 9.2.)
TEST_WORKERS ?= 2

.PHONY: help setup run test lint worker beat check-deploy

help:
	@echo "make run   - set up, seed the demo and start the app, its three workers and beat on http://127.0.0.1:$(PORT) (PORT=8080 to change)"
	@echo "make test  - set up and run the whole test suite, browser tests included"

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || "$$(scripts/find_python.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

setup: $(VENV)/.installed
	@scripts/ensure_services.sh
	@scripts/ensure_gettext.sh
	@$(PY) scripts/create_db.py
	$(MANAGE) migrate --noinput
	$(MANAGE) compilemessages --ignore=.venv -v 0

run: setup
	$(MANAGE) seed_demo
	@mkdir -p run
	@echo "Starting Celery workers for the imports, analysis and quick queues, and beat (logs in run/)…"
	@trap 'kill 0' EXIT INT TERM; \
	  export DJANGO_SITE_URL="$${DJANGO_SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	  $(VENV)/bin/celery -A realcities worker -Q imports -n imports@%h --loglevel=INFO --concurrency=1 > run/worker-imports.log 2>&1 & \
	  $(VENV)/bin/celery -A realcities worker -Q analysis -n analysis@%h --loglevel=INFO --concurrency=1 > run/worker-analysis.log 2>&1 & \
	  $(VENV)/bin/celery -A realcities worker -Q quick -n quick@%h --loglevel=INFO --concurrency=2 > run/worker-quick.log 2>&1 & \
	  $(VENV)/bin/celery -A realcities beat --loglevel=INFO --schedule=run/celerybeat-schedule > run/beat.log 2>&1 & \
	  echo ""; \
	  echo "  REAL Cities is running at http://127.0.0.1:$(PORT)/ (links in emails: $$DJANGO_SITE_URL)"; \
	  echo "  Emails are sent by the worker of the quick queue: read them in run/worker-quick.log."; \
	  echo "  Sign in as lead@riverton.example with the password 'demo' (other accounts are listed above)."; \
	  echo ""; \
	  $(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed
	@scripts/ensure_services.sh
	@scripts/ensure_chromium.sh
	@scripts/ensure_gettext.sh
	@$(PY) scripts/create_db.py
	$(MANAGE) compilemessages --ignore=.venv -v 0
	REDIS_URL=$(TEST_REDIS_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) CELERY_RESULT_BACKEND=$(TEST_RESULT_URL) \
	  DJANGO_ALLOW_ASYNC_UNSAFE=true $(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	REDIS_URL=$(TEST_REDIS_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) CELERY_RESULT_BACKEND=$(TEST_RESULT_URL) \
	  DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest --create-db \
	  $$(test "$(TEST_WORKERS)" != 0 && $(PY) -c "import xdist" 2>/dev/null && echo "-n $(TEST_WORKERS) --dist loadfile") \
	  $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
