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
  LOADTEST_BASELINES=1): a GET that returns "ok" and a POST that inserts one row.

One table: req/s (only the expected status counts: 200 for GETs, 302 for the question POST, 201 for the bare
insert), p50 and p95 (median over the runs), errors (any other status or socket error) and the ratio to the
baseline. For the question POST the cases stored are counted against the 302s, so a fast error never passes
as a success: fewer cases than 302s (or more than the posts still in flight when wrk stops) is a MISMATCH. It is not part of CI.
"""

import contextlib
import json
import os
import re
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
REDIS_PORT, WEB_PORT, SMTP_PORT = 6392, 8392, 2592
LUA = ROOT / "scripts" / "loadtest" / "wrk.lua"


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
            "--only", default="", help="Comma-separated row names (get,post,track,bare-get,bare-insert)"
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

    def start(self, name: str, args: list[str]):
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
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

    def cases(self) -> int:
        with psycopg.connect(self.options["database_url"]) as db:
            return db.execute("SELECT count(*) FROM intake_case").fetchone()[0]

    def wrk(self, path: str, mode: str, csrf: str = "") -> dict:
        options = self.options
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
                f"http://127.0.0.1:{WEB_PORT}{path}",
            ],
            env={**os.environ, "LOADTEST_MODE": mode, "LOADTEST_CSRF": csrf},
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
            ("get", "GET  /vraag/ (form)", "/vraag/", "get", "200", "bare-get"),
            ("post", "POST /vraag/ (question)", "/vraag/", "ask", "302", "bare-insert"),
            ("track", "GET  /volgen/<token>/", track, "get", "200", "bare-get"),
        ]
        only = {x for x in self.options["only"].split(",") if x}
        results, table = {}, []
        for name, label, path, mode, expected, baseline in rows:
            if only and name not in only:
                continue
            runs = []
            for _ in range(self.options["runs"]):
                before = self.cases() if mode == "ask" else 0
                run = self.wrk(path, mode, csrf)
                run["cases"] = self.cases() - before if mode == "ask" else None
                runs.append(run)
                self.say(f"  {label}: {json.dumps(run)}\n")
            ok = [r["statuses"].get(expected, 0) for r in runs]
            rps = statistics.median(n / (r["duration_us"] / 1e6) for n, r in zip(ok, runs, strict=True))
            errors = sum(r["requests"] - n + r["socket_errors"] for n, r in zip(ok, runs, strict=True))
            results[name] = rps
            ratio = f"{rps / results[baseline]:.0%}" if results.get(baseline) else ""
            cases = ""
            if mode == "ask":
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
        header = ("row", "req/s", "p50 ms", "p95 ms", "errors", "vs baseline", "cases/302")
        widths = [max(len(str(row[i])) for row in [header, *table]) for i in range(len(header))]
        self.say(
            f"\n{self.options['clients']} clients, {self.options['runs']} runs × {self.options['seconds']} s per row, "
            f"gunicorn {self.options['workers']} workers, one Celery worker (median of the runs):\n"
        )
        for row in [header, *table]:
            self.say(" | ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)) + "\n")
