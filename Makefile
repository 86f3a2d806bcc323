# Two commands for a newcomer: `make demo` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test lint format browsers messages benchmark faults loadtest clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	touch $(STAMP)

# DEBUG is off unless set (config/settings.py); the demo, the tests (config/settings_test.py), lint's
# makemigrations and the benchmark are development tools and run with it on.
demo test lint benchmark: export DEBUG = true

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
# Then the staff pages (p50, p95, queries) on 1,000,000 cases in a database of their own, seeded once (docs/scaling.md).
SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/voordeur_scale
benchmark: install
	$(PY) manage.py followup_benchmark --database-url $(BENCHMARK_DATABASE_URL) $(BENCHMARK_ARGS)
	$(PY) manage.py dashboard_benchmark --database-url $(SCALE_DATABASE_URL) --cases 1000000 $(DASHBOARD_ARGS)
	DATABASE_URL=$(SCALE_DATABASE_URL) $(PY) manage.py reports_benchmark $(REPORTS_ARGS)

# The fault drill: production shape on this machine (private PostgreSQL cluster, Redis on :6390, gunicorn with 2
# workers, one Celery worker, a fake SMTP server), broken on purpose while questions are posted; prints one table.
faults: install
	DEBUG=true $(PY) manage.py fault_drill $(FAULTS_ARGS)

# The load test of the public pages (issue 13): production shape on this machine (gunicorn with persistent
# connections, a throwaway PostgreSQL database voordeur_load, a private Redis, one Celery worker), measured with
# Debian's wrk against the question form (GET and a real multipart POST), the tracking page and bare-Django
# baselines; prints one table (req/s, p50, p95, errors, ratio to the baseline, cases stored against 302s).
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/voordeur_load
loadtest: install
	command -v wrk >/dev/null || ($(SUDO) apt-get update && $(SUDO) apt-get install -y wrk)
	DEBUG=true $(PY) manage.py loadtest --database-url $(LOADTEST_DATABASE_URL) $(LOADTEST_ARGS)

# Style, the layers contract (pyproject.toml [tool.importlinter]) and migrations that match the models.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run -v1

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Debian's Chromium for the browser tests in tests/browser, clamd for the virus-scan tests and Dovecot for the
# inbound-mail tests in tests/mail (all skip without
# it, and fail in CI), and the gettext tools for compilemessages. Uses sudo when you are not root.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browsers:
	command -v chromium >/dev/null && command -v msgfmt >/dev/null && test -x /usr/sbin/clamd && test -x /usr/sbin/dovecot || \
	  ($(SUDO) apt-get update && $(SUDO) apt-get install -y chromium gettext clamav-daemon dovecot-imapd)

# After changing user-facing texts: Dutch is the source language, English is translated in locale/en.
messages: install
	$(PY) manage.py makemessages -l en -l nl --no-obsolete --ignore=.venv --ignore=tests --ignore=staticfiles --ignore=test-artifacts
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles test-artifacts
