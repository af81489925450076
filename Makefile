# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# make serve: gunicorn as in production (static files by whitenoise after collectstatic).
WEB_CONCURRENCY ?= 2
GUNICORN_THREADS ?= 4
GUNICORN_TIMEOUT ?= 30
# The suite runs on every core; pass PYTEST_ARGS= to run it in one process.
PYTEST_ARGS ?= -n auto

.PHONY: run serve test test-fast setup setup-dev migrate demo browser lint check test-postgres clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

setup: $(VENV)/.runtime

setup-dev: $(VENV)/.dev

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo --if-empty

run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: migrate
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/gunicorn goals_project.wsgi:application --bind $(HOST):$(PORT) \
		--workers $(WEB_CONCURRENCY) --threads $(GUNICORN_THREADS) --timeout $(GUNICORN_TIMEOUT) \
		--access-logfile - --error-logfile -

browser:
	@bash scripts/ensure_chromium.sh

# The suite builds its own test database; it never touches the development one.
test: setup-dev browser
	ENV=testing $(PY) -m pytest $(PYTEST_ARGS)

# The inner loop: everything but the slow tier (see SLOW_MODULES in tests/conftest.py).
test-fast: setup-dev
	ENV=testing $(PY) -m pytest $(PYTEST_ARGS) -m "not slow"

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: setup-dev
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	ENV=production SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))') \
		$(PY) manage.py check --deploy --fail-level WARNING

test-postgres: setup-dev browser
	bash scripts/with_postgres.sh $(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
