# Two commands for a newcomer: `make demo` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test lint format browsers messages benchmark clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	touch $(STAMP)

# The demo: SQLite, no Redis (Celery runs tasks in-process), demo data, at http://127.0.0.1:8000
demo: install
	$(PY) manage.py compilemessages --ignore=.venv -v0 || true
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# The tests: SQLite by default; set DATABASE_URL and REDIS_URL for PostgreSQL and a real broker (CI does).
test: install
	$(PY) manage.py compilemessages --ignore=.venv -v0 || true
	$(PY) -m pytest $(PYTEST_ARGS)

# The follow-up sweep on 1,000,000 open items (10% overdue) in a PostgreSQL database of its own (emptied first).
BENCHMARK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/voordeur_benchmark
benchmark: install
	$(PY) manage.py followup_benchmark --database-url $(BENCHMARK_DATABASE_URL) $(BENCHMARK_ARGS)

# Style, the layers contract (pyproject.toml [tool.importlinter]) and migrations that match the models.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run -v1

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Debian's Chromium for the browser tests in tests/browser and clamd for the virus-scan tests (both skip without
# it, and fail in CI), and the gettext tools for compilemessages. Uses sudo when you are not root.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browsers:
	command -v chromium >/dev/null && command -v msgfmt >/dev/null && test -x /usr/sbin/clamd || \
	  ($(SUDO) apt-get update && $(SUDO) apt-get install -y chromium gettext clamav-daemon)

# After changing user-facing texts: Dutch is the source language, English is translated in locale/en.
messages: install
	$(PY) manage.py makemessages -l en -l nl --no-obsolete --ignore=.venv --ignore=tests --ignore=staticfiles --ignore=test-artifacts
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles test-artifacts
