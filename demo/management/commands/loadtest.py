"""The load test (`make loadtest`): Voordeur in production shape on this machine, measured with wrk.

It starts what it uses itself and stops it again at the end (also on Ctrl-C): a throwaway database
`voordeur_load` on the PostgreSQL at LOADTEST_DATABASE_URL (dropped and created anew), a private Redis on its own
port, gunicorn (config/gunicorn.conf.py, 2 workers, persistent database connections: conn_max_age=60), one
Celery worker and a fake SMTP server in this process. Then it runs wrk (Debian's package; `make loadtest`
installs it) with scripts/loadtest/wrk.lua against, per row, `--runs` runs of `--seconds` seconds with
`--clients` connections:

- GET /vraag/ (the public form), POST /vraag/ (real multipart posts with CSRF cookie and field, a fresh
  submission_key and e-mail address each), GET /volgen/<token>/ (the tracking page);
- the bare-Django baselines served by the same gunicorn (config/loadtest_baselines.py, mounted only with
  LOADTEST_BASELINES=1): a GET that returns "ok" and a POST that inserts one row;
- django-helpdesk's public ticket POST (`--helpdesk`, on by default): django-helpdesk
  (scripts/loadtest/helpdesk-requirements.txt) in a virtualenv of its own, created on first use and reused
  (~/.cache/voordeur-loadtest/helpdesk-venv), a minimal project around it (scripts/loadtest/helpdesk_site/) with
  a throwaway database `<database>_helpdesk` and one public queue, served by gunicorn with the same settings
  (2 sync workers, persistent connections, access log) on its own port; posted as a browser posts its form
  /tickets/submit/ (multipart, CSRF cookie and field, a fresh title and e-mail address each). If any of that
  fails, the row is skipped with the reason and the rest of the load test runs.

One table: req/s (only the expected status counts: 200 for GETs, 302 for the question POST and the helpdesk
ticket POST, 201 for the bare insert), p50 and p95 (median over the runs), errors (any other status or socket
error) and the ratio to the baseline. For the question POST the cases stored, and for the helpdesk POST the
tickets stored, are counted against the 302s, so a fast error never passes as a success: fewer rows than 302s
(or more than the posts still in flight when wrk stops) is a MISMATCH. Under the table: Voordeur's question
POST as a multiple of django-helpdesk's ticket POST (issue target: at least 3×). It is not part of CI.
"""

import argparse
import contextlib
import hashlib
import json
import os
import re
import runpy
import secrets
import shutil
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.management.commands.fault_drill import FakeSmtp

ROOT = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent
REDIS_PORT, WEB_PORT, SMTP_PORT, HELPDESK_PORT = 6392, 8392, 2592, 8393
LUA = ROOT / "scripts" / "loadtest" / "wrk.lua"
# The django-helpdesk baseline: its project (helpdesk_site) and pinned requirements, and its virtualenv.
HELPDESK_DIR = ROOT / "scripts" / "loadtest"
HELPDESK_REQUIREMENTS = HELPDESK_DIR / "helpdesk-requirements.txt"
HELPDESK_VENV = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "voordeur-loadtest" / "helpdesk-venv"
)
HELPDESK_TARGET = 3  # the target: Voordeur's public POST at least 3× django-helpdesk's


class Command(BaseCommand):
    help = "Load test of the public pages in production shape (gunicorn, PostgreSQL, Redis, Celery) with wrk."

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            default=os.environ.get(
                "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/voordeur_load"
            ),
        )
        parser.add_argument("--clients", type=int, default=32)
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--seconds", type=int, default=10)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--only",
            default="",
            help="Comma-separated row names (get,post,track,bare-get,bare-insert,helpdesk)",
        )
        parser.add_argument(
            "--helpdesk",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="Measure django-helpdesk's public ticket POST as a baseline (its own virtualenv, set up on first use)",
        )

    def handle(self, *args, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed (apt-get install wrk; `make loadtest` does this).")
        self.options = options
        self.tmp = Path(tempfile.mkdtemp(prefix="voordeur-load-"))
        self.procs: dict[str, subprocess.Popen] = {}
        self.smtp = FakeSmtp(SMTP_PORT)
        url = options["database_url"]
        self.admin_url, self.db_name = url.rsplit("/", 1)[0] + "/postgres", url.rsplit("/", 1)[1]
        if not re.fullmatch(r"voordeur_load\w*", self.db_name):
            raise CommandError("The load test drops its database: its name must start with voordeur_load.")
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "false",
            "SITE_URL": f"http://127.0.0.1:{WEB_PORT}",
            "DATABASE_URL": f"{url}?conn_max_age=60",
            "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
            "RATELIMIT_ENABLE": "false",  # one address posts everything here
            "GUNICORN_BIND": f"127.0.0.1:{WEB_PORT}",
            "GUNICORN_WORKERS": str(options["workers"]),
            "LOADTEST_BASELINES": "1",
            "LOG_LEVEL": "ERROR",
            "MEDIA_ROOT": str(self.tmp / "media"),
            "STATIC_ROOT": str(self.tmp / "static"),
        }
        self.env.pop("CONN_MAX_AGE", None)
        only = {x for x in options["only"].split(",") if x}
        self.helpdesk = options["helpdesk"] and (not only or "helpdesk" in only)
        self.helpdesk_info: dict = {}  # queue id and versions once its set-up succeeded
        self.helpdesk_skipped = (
            "--no-helpdesk" if not options["helpdesk"] else "" if self.helpdesk else "not in --only"
        )
        self.helpdesk_db = f"{self.db_name}_helpdesk"
        self.helpdesk_url = f"{url.rsplit('/', 1)[0]}/{self.helpdesk_db}"
        self.helpdesk_env = {
            **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV")},
            "DJANGO_SETTINGS_MODULE": "helpdesk_site.settings",
            "PYTHONPATH": str(HELPDESK_DIR),
            "SECRET_KEY": self.env["SECRET_KEY"],
            "LOADTEST_HELPDESK_DATABASE_URL": self.helpdesk_url,
            "LOADTEST_SMTP_PORT": str(SMTP_PORT),  # its e-mails to the same fake SMTP server as ours
            "MEDIA_ROOT": str(self.tmp / "helpdesk-media"),
            "STATIC_ROOT": str(self.tmp / "helpdesk-static"),
        }
        previous = signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
        try:
            self.up()
            self.measure()
        finally:
            self.down()
            signal.signal(signal.SIGTERM, previous)

    def say(self, text: str):
        self.stdout.write(text)
        self.stdout.flush()

    # --- processes ------------------------------------------------------------------------------------------

    def start(self, name: str, args: list[str], cwd: Path = ROOT, env: dict | None = None):
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(
            args,
            cwd=cwd,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def manage(self, *args: str):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            timeout=600,
            stdout=subprocess.DEVNULL,
        )

    def wait_http(self, url: str, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                if requests.get(url, timeout=2).status_code < 500:
                    return
            time.sleep(0.3)
        raise CommandError(f"{url} did not answer within {timeout:.0f} s (logs: {self.tmp})")

    def up(self):
        self.say(
            f"Set-up in {self.tmp}: database {self.db_name}, Redis :{REDIS_PORT}, gunicorn :{WEB_PORT} …\n"
        )
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.db_name}"')
        self.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
        )
        self.smtp.start()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        self.manage("setup_teams", "docs/teams.example.yaml")
        self.manage("import_upl", "-v0")
        with psycopg.connect(self.options["database_url"], autocommit=True) as db:
            db.execute("CREATE TABLE loadtest_baseline (id bigserial PRIMARY KEY, note text NOT NULL)")
        self.start(
            "web",
            [
                str(VENV_BIN / "gunicorn"),
                "-c",
                "config/gunicorn.conf.py",
                "config.wsgi",
                "--log-level",
                "error",
            ],
        )
        self.start("worker", [str(VENV_BIN / "celery"), "-A", "config", "worker", "-c", "1", "-l", "WARNING"])
        self.wait_http(f"http://127.0.0.1:{WEB_PORT}/vraag/")
        if self.helpdesk:
            try:
                self.up_helpdesk()
            except Exception as error:
                self.helpdesk_info = {}
                self.helpdesk_skipped = f"set-up failed: {error}"
                self.say(f"django-helpdesk baseline skipped ({self.helpdesk_skipped})\n")

    # --- the django-helpdesk baseline -----------------------------------------------------------------------

    def helpdesk_venv(self) -> Path:
        """The virtualenv with scripts/loadtest/helpdesk-requirements.txt: made once, remade when that changes."""
        stamp = HELPDESK_VENV / ".voordeur-loadtest"
        digest = hashlib.sha256(HELPDESK_REQUIREMENTS.read_bytes() + sys.version.encode()).hexdigest()
        python = HELPDESK_VENV / "bin" / "python"
        if python.exists() and stamp.exists() and stamp.read_text() == digest:
            return HELPDESK_VENV
        self.say(f"Installing django-helpdesk into {HELPDESK_VENV} (once) …\n")
        try:
            subprocess.run(
                [sys.executable, "-m", "venv", "--clear", str(HELPDESK_VENV)],
                check=True,
                capture_output=True,
                text=True,
                timeout=300,
            )
            subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", "-r", str(HELPDESK_REQUIREMENTS)],
                check=True,
                capture_output=True,
                text=True,
                timeout=900,
            )
        except subprocess.CalledProcessError as error:
            lines = [x for x in (error.stderr or error.stdout or "").splitlines() if "WARNING" not in x]
            raise CommandError(f"{' '.join(error.cmd[:4])} … failed: {' / '.join(lines[-3:])}") from error
        stamp.write_text(digest)
        return HELPDESK_VENV

    def up_helpdesk(self):
        venv = self.helpdesk_venv()
        self.say(f"django-helpdesk: database {self.helpdesk_db}, gunicorn :{HELPDESK_PORT} …\n")
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.helpdesk_db}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.helpdesk_db}"')
        prepared = subprocess.run(
            [str(venv / "bin" / "python"), "-m", "helpdesk_site.prepare"],
            cwd=HELPDESK_DIR,
            env=self.helpdesk_env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if prepared.returncode:
            raise CommandError(f"helpdesk_site.prepare failed: {prepared.stderr.strip().splitlines()[-1:]}")
        info = json.loads(prepared.stdout.strip().splitlines()[-1])
        # The same gunicorn settings as Voordeur's (config/gunicorn.conf.py) but for its Voordeur-only logger
        # class: sync workers, --workers of them, the access log to the log file in the same format.
        ours = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
        self.start(
            "helpdesk",
            [
                str(venv / "bin" / "gunicorn"),
                "helpdesk_site.wsgi",
                "--bind",
                f"127.0.0.1:{HELPDESK_PORT}",
                "--workers",
                str(self.options["workers"]),
                "--worker-class",
                "sync",
                "--access-logfile",
                ours["accesslog"],
                "--access-logformat",
                ours["access_log_format"],
                "--log-level",
                "error",
            ],
            cwd=HELPDESK_DIR,
            env=self.helpdesk_env,
        )
        self.wait_http(f"http://127.0.0.1:{HELPDESK_PORT}/tickets/submit/")
        info["queue"] = self.helpdesk_ticket_check()
        self.helpdesk_info = info

    def helpdesk_ticket_check(self) -> str:
        """One ticket submitted like a browser does; returns the public queue's id from the form."""
        url = f"http://127.0.0.1:{HELPDESK_PORT}/tickets/submit/"
        session = requests.Session()
        page = session.get(url, timeout=15).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        queue = re.search(r'<select name="queue"[^>]*>.*?<option value="(\d+)"', page, re.DOTALL)
        if not token or not queue:
            raise CommandError(f"no CSRF token or public queue on {url}")
        fields = {
            "csrfmiddlewaretoken": token.group(1),
            "queue": queue.group(1),
            "title": "Can I put a terrace in front of my cafe?",
            "body": "Which permit do I need for a terrace on the market square?",
            "priority": "3",
            "due_date": "",
            "submitter_email": "check@load.test",
        }
        before = self.tickets()
        response = session.post(
            url,
            files={**{k: (None, v) for k, v in fields.items()}, "attachment": ("", b"")},
            allow_redirects=False,
            timeout=30,
        )
        if response.status_code != 302 or "ticket=" not in response.headers.get("Location", ""):
            raise CommandError(f"a test ticket got {response.status_code}, not a 302 to the ticket")
        if self.tickets() != before + 1:
            raise CommandError("a test ticket got its 302 but was not stored")
        return queue.group(1)

    def tickets(self) -> int:
        with psycopg.connect(self.helpdesk_url) as db:
            return db.execute("SELECT count(*) FROM helpdesk_ticket").fetchone()[0]

    def down(self):
        for name in list(self.procs):
            proc = self.procs.pop(name)
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)
        self.smtp.stop()
        with contextlib.suppress(Exception), psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            if self.helpdesk:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.helpdesk_db}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- measuring ------------------------------------------------------------------------------------------

    def tracking_path(self) -> str:
        """One real question posted like a browser does; its tracking link from the confirmation page."""
        base = f"http://127.0.0.1:{WEB_PORT}"
        session = requests.Session()
        page = session.get(f"{base}/vraag/", timeout=15).text
        fields = {
            "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1),
            "submission_key": re.search(r'name="submission_key" value="([^"]+)"', page).group(1),
            "question": "Mag ik een terras plaatsen?",
            "contact_name": "Load Test",
            "email": "tracking@load.test",
            "preferred_contact": "email",
            "consent": "on",
        }
        response = session.post(f"{base}/vraag/", files={k: (None, v) for k, v in fields.items()}, timeout=30)
        match = re.search(r"/volgen/([A-Za-z0-9_-]+)/", response.text)
        if not match:
            raise CommandError("No tracking link on the confirmation page.")
        return f"/volgen/{match.group(1)}/"

    def wait_for_outbox(self, timeout: float = 300) -> None:
        """Let the worker send the receipts the posts queued before the next run: the next run (or row) is
        measured on its own, not while the worker still works off this one's e-mails. The POST's own runs do
        share the machine with the worker's delivery of their receipts, which is part of what a question costs."""
        deadline = time.monotonic() + timeout
        with psycopg.connect(self.options["database_url"], autocommit=True) as db:
            while time.monotonic() < deadline:
                waiting = db.execute(
                    "SELECT count(*) FROM intake_outboxmessage WHERE status IN ('queued', 'sending')"
                ).fetchone()[0]
                if not waiting:
                    return
                self.say(f"    waiting for the worker to send {waiting} receipts …\n")
                time.sleep(2)
        self.say("    the worker did not send every receipt in time; measuring on\n")

    def cases(self) -> int:
        with psycopg.connect(self.options["database_url"]) as db:
            return db.execute("SELECT count(*) FROM intake_case").fetchone()[0]

    def stored(self, mode: str) -> int | None:
        """What a POST row stores, to count against its 302s: cases for ours, tickets for django-helpdesk's."""
        return {"ask": self.cases, "helpdesk": self.tickets}.get(mode, lambda: None)()

    def wrk(self, path: str, mode: str, csrf: str = "") -> dict:
        options = self.options
        port = HELPDESK_PORT if mode == "helpdesk" else WEB_PORT
        result = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{options['clients']}",
                f"-d{options['seconds']}s",
                "--timeout",
                "10s",
                "-s",
                str(LUA),
                f"http://127.0.0.1:{port}{path}",
            ],
            env={
                **os.environ,
                "LOADTEST_MODE": mode,
                "LOADTEST_CSRF": csrf,
                "LOADTEST_QUEUE": str(self.helpdesk_info.get("queue", "")),
            },
            capture_output=True,
            text=True,
            timeout=options["seconds"] + 60,
            check=True,
        )
        line = next(x for x in result.stdout.splitlines() if x.startswith("LOADTEST "))
        return json.loads(line.removeprefix("LOADTEST "))

    def measure(self):
        csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        track = self.tracking_path()
        rows = [
            ("bare-get", "GET  bare Django (baseline)", "/_baseline/get/", "get", "200", None),
            (
                "bare-insert",
                "POST bare one-row insert (baseline)",
                "/_baseline/insert/",
                "insert",
                "201",
                None,
            ),
            (
                "helpdesk",
                "POST django-helpdesk public ticket (baseline)",
                "/tickets/submit/",
                "helpdesk",
                "302",
                None,
            ),
            ("get", "GET  /vraag/ (form)", "/vraag/", "get", "200", "bare-get"),
            ("post", "POST /vraag/ (question)", "/vraag/", "ask", "302", "bare-insert"),
            ("track", "GET  /volgen/<token>/", track, "get", "200", "bare-get"),
        ]
        only = {x for x in self.options["only"].split(",") if x}
        results, table = {}, []
        for name, label, path, mode, expected, baseline in rows:
            if only and name not in only:
                continue
            if mode == "helpdesk" and not self.helpdesk_info:
                self.say(f"  {label}: skipped ({self.helpdesk_skipped or 'not set up'})\n")
                continue
            runs = []
            for _ in range(self.options["runs"]):
                before = self.stored(mode)
                run = self.wrk(path, mode, csrf)
                run["cases"] = None if before is None else self.stored(mode) - before
                runs.append(run)
                self.say(f"  {label}: {json.dumps(run)}\n")
                if mode == "ask":
                    self.wait_for_outbox()
            ok = [r["statuses"].get(expected, 0) for r in runs]
            rps = statistics.median(n / (r["duration_us"] / 1e6) for n, r in zip(ok, runs, strict=True))
            errors = sum(r["requests"] - n + r["socket_errors"] for n, r in zip(ok, runs, strict=True))
            results[name] = rps
            ratio = f"{rps / results[baseline]:.0%}" if results.get(baseline) else ""
            cases = ""
            if mode in ("ask", "helpdesk"):
                stored, confirmed = sum(r["cases"] for r in runs), sum(ok)
                # Posts still in flight when wrk stops are stored but not counted: at most `clients` per run.
                in_flight = self.options["clients"] * len(runs)
                cases = f"{stored}/{confirmed}" + (
                    "" if confirmed <= stored <= confirmed + in_flight else " MISMATCH"
                )
            table.append(
                (
                    label,
                    f"{rps:.1f}",
                    f"{statistics.median(r['p50_us'] for r in runs) / 1000:.0f}",
                    f"{statistics.median(r['p95_us'] for r in runs) / 1000:.0f}",
                    str(errors),
                    ratio,
                    cases,
                )
            )
        header = ("row", "req/s", "p50 ms", "p95 ms", "errors", "vs baseline", "stored/302")
        widths = [max(len(str(row[i])) for row in [header, *table]) for i in range(len(header))]
        self.say(
            f"\n{self.options['clients']} clients, {self.options['runs']} runs × {self.options['seconds']} s per row, "
            f"gunicorn {self.options['workers']} workers, one Celery worker (median of the runs):\n"
        )
        for row in [header, *table]:
            self.say(" | ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)) + "\n")
        if "post" in results or "helpdesk" in results:
            self.say(self.helpdesk_line(results) + "\n")

    def helpdesk_line(self, results: dict) -> str:
        """Under the table: our question POST as a multiple of django-helpdesk's public ticket POST."""
        info = self.helpdesk_info
        if not results.get("helpdesk"):
            why = self.helpdesk_skipped or "its row did not run or had no 302"
            return f"POST /vraag/ vs django-helpdesk: no baseline ({why})."
        versions = f"django-helpdesk {info.get('helpdesk', '?')}, Django {info.get('django', '?')}"
        if not results.get("post"):
            return f"django-helpdesk baseline: {versions}; POST /vraag/ did not run, no ratio."
        ratio = results["post"] / results["helpdesk"]
        verdict = "meets" if ratio >= HELPDESK_TARGET else "misses"
        return (
            f"POST /vraag/ vs django-helpdesk's public ticket POST ({versions}): {ratio:.2f}× "
            f"({verdict} the target of ≥ {HELPDESK_TARGET}×)."
        )
