"""The fault drill (`make faults`): Voordeur in production shape on this machine, broken on purpose while
entrepreneurs post questions, with one table of what happened.

It starts everything it uses itself, in a temporary directory, and stops it again at the end (also on Ctrl-C):
a private PostgreSQL cluster (initdb; the machine's shared PostgreSQL is never touched), a private Redis on its own
port, gunicorn with 2 workers, one Celery worker, and a fake SMTP server in this process. Then, per fault, it
sends a bounded number of real multipart POSTs to the public form (GET for the CSRF token and the submission
key first), heals the fault, runs the outbox re-queue once (what beat does every 2 minutes) and waits a bounded
time for the receipts. Columns:

- submissions: distinct questions posted (a double post is one submission posted several times);
- confirmed: submissions the entrepreneur saw confirmed (302 to the confirmation page);
- cases: cases stored for them; receipts: distinct receipts the SMTP server got;
- duplicates: extra cases or extra receipts for one submission;
- lost: confirmed without a case, or a case whose receipt never arrived. A 503 ("NIET verstuurd") is not lost:
  the entrepreneur was told to try again.

It is not part of CI (it takes a few minutes and needs initdb and redis-server).
"""

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

ROOT = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent
PG_PORT, REDIS_PORT, WEB_PORT, SMTP_PORT = 5439, 6390, 8390, 2590


# ----------------------------------------------------------------------------------------------------------
# A fake SMTP server: up, down (refuses connections) or slow (every reply late).


class FakeSmtp:
    def __init__(self, port: int):
        self.port = port
        self.messages: list[tuple[list[str], str]] = []
        self.delay = 0.0
        self.server = None
        self.lock = threading.Lock()

    def start(self):
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str):
                time.sleep(outer.delay)
                self.wfile.write((line + "\r\n").encode())

            def handle(self):
                self.reply("220 drill ESMTP")
                recipients, data = [], None
                while line := self.rfile.readline():
                    command = line.decode("utf-8", "replace").strip()
                    upper = command.upper()
                    if data is not None:
                        if command == ".":
                            with outer.lock:
                                outer.messages.append((recipients, "\n".join(data)))
                            recipients, data = [], None
                            self.reply("250 OK queued")
                        else:
                            data.append(command)
                    elif upper.startswith(("EHLO", "HELO")):
                        self.reply("250 drill")
                    elif upper.startswith("RCPT"):
                        recipients.append(re.search(r"<([^>]*)>", command).group(1).lower())
                        self.reply("250 OK")
                    elif upper.startswith("DATA"):
                        data = []
                        self.reply("354 go on")
                    elif upper.startswith("QUIT"):
                        self.reply("221 bye")
                        return
                    else:  # MAIL, RSET, NOOP
                        self.reply("250 OK")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def receipts_to(self, address: str) -> int:
        with self.lock:
            return sum(1 for to, body in self.messages if address in to and "ontvangen" in body.lower())


# ----------------------------------------------------------------------------------------------------------


class Drill:
    def __init__(self, out, posts: int, pg_bin: Path):
        self.out = out
        self.posts = posts
        self.pg_bin = pg_bin
        self.tmp = Path(tempfile.mkdtemp(prefix="voordeur-faults-"))
        self.procs: dict[str, subprocess.Popen] = {}
        self.smtp = FakeSmtp(SMTP_PORT)
        self.rows: list[tuple] = []
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "false",
            "SITE_URL": f"http://127.0.0.1:{WEB_PORT}",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/voordeur_faults",
            "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
            "EMAIL_TIMEOUT": "3",
            "RATELIMIT_ENABLE": "false",  # one address posts everything here
            "GUNICORN_BIND": f"127.0.0.1:{WEB_PORT}",
            "GUNICORN_WORKERS": "2",
            "LOG_LEVEL": "ERROR",
            "MEDIA_ROOT": str(self.tmp / "media"),
            "STATIC_ROOT": str(self.tmp / "static"),
        }

    def say(self, text: str):
        self.out.write(text)
        self.out.flush()

    # --- processes ------------------------------------------------------------------------------------------

    def start(self, name: str, args: list[str], **kwargs):
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )

    def stop(self, name: str, sig=signal.SIGTERM, wait: float = 15):
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)

    def manage(self, *args: str, timeout: float = 600):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
        )

    def wait_port(self, port: int, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                return
            time.sleep(0.3)
        raise CommandError(f"Port {port} did not open within {timeout:.0f} s (logs: {self.tmp})")

    def pg(self, action: str):
        data = self.tmp / "pg"
        if action == "init":
            data.mkdir()
            (self.tmp / "pgsock").mkdir()
            shutil.chown(data, "postgres") if self.as_postgres else None
            shutil.chown(self.tmp / "pgsock", "postgres") if self.as_postgres else None
            os.chmod(self.tmp, 0o755)
            subprocess.run(
                [
                    *self.as_postgres,
                    str(self.pg_bin / "initdb"),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
                timeout=120,
            )
            return
        args = [*self.as_postgres, str(self.pg_bin / "pg_ctl"), "-D", str(data), "-w", "-t", "60"]
        if action == "start":
            options = f"-p {PG_PORT} -k {self.tmp / 'pgsock'} -c listen_addresses=127.0.0.1 -c fsync=off"
            subprocess.run(
                [*args, "-o", options, "-l", str(self.tmp / "pgsock" / "postgres.log"), "start"],
                check=True,
                stdout=subprocess.DEVNULL,
                timeout=90,
            )
        else:
            subprocess.run([*args, "-m", "fast", "stop"], check=False, stdout=subprocess.DEVNULL, timeout=90)

    def redis(self, action: str):
        if action == "start":
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
            self.wait_port(REDIS_PORT)
        elif action == "kill":
            self.stop("redis", signal.SIGKILL)
        elif action in ("freeze", "thaw"):
            os.killpg(self.procs["redis"].pid, signal.SIGSTOP if action == "freeze" else signal.SIGCONT)

    def worker(self, action: str):
        if action == "start":
            self.start(
                "worker", [str(VENV_BIN / "celery"), "-A", "config", "worker", "-c", "1", "-l", "WARNING"]
            )
        else:
            self.stop("worker", signal.SIGKILL)

    def up(self):
        self.say(
            f"Set-up in {self.tmp}: PostgreSQL :{PG_PORT}, Redis :{REDIS_PORT}, gunicorn :{WEB_PORT} …\n"
        )
        self.pg("init")
        self.pg("start")
        subprocess.run(
            [
                str(self.pg_bin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(PG_PORT),
                "-U",
                "postgres",
                "voordeur_faults",
            ],
            check=True,
            timeout=60,
        )
        self.redis("start")
        self.smtp.start()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        self.manage("setup_teams", "docs/teams.example.yaml")
        self.manage("import_upl", "-v0")
        self.start("web", [str(VENV_BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"])
        self.worker("start")
        self.wait_port(WEB_PORT)

    def down(self):
        for name in list(self.procs):
            if name == "redis":
                with contextlib.suppress(Exception):
                    self.redis("thaw")
            self.stop(name, wait=10)
        with contextlib.suppress(Exception):
            self.pg("stop")
        self.smtp.stop()

    # --- posting --------------------------------------------------------------------------------------------

    def form(self, session: requests.Session) -> tuple[str, str]:
        page = session.get(f"http://127.0.0.1:{WEB_PORT}/vraag/", timeout=15).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
        return token, key

    def post(self, session: requests.Session, token: str, key: str, marker: str) -> int:
        fields = {
            "csrfmiddlewaretoken": token,
            "submission_key": key,
            "question": f"Mag ik een terras plaatsen? ({marker})",
            "subject": "",
            "topic": "",
            "company_name": "",
            "kvk_number": "",
            "contact_name": "Drill",
            "email": f"{marker}@faults.test",
            "phone": "",
            "preferred_contact": "email",
            "consent": "on",
            "website": "",
        }
        try:
            response = session.post(
                f"http://127.0.0.1:{WEB_PORT}/vraag/",
                files={name: (None, value) for name, value in fields.items()},
                headers={"Referer": f"http://127.0.0.1:{WEB_PORT}/vraag/"},
                allow_redirects=False,
                timeout=30,
            )
        except requests.RequestException:
            return 0
        return response.status_code

    def submit(self, marker: str, times: int = 1) -> list[int]:
        """One submission: a GET, then `times` posts of the same form at once."""
        session = requests.Session()
        try:
            token, key = self.form(session)
        except (requests.RequestException, AttributeError):
            return [0]  # the form did not even show: nothing posted
        if times == 1:
            return [self.post(session, token, key, marker)]
        with ThreadPoolExecutor(times) as pool:
            return list(pool.map(lambda _i: self.post(session, token, key, marker), range(times)))

    # --- counting -------------------------------------------------------------------------------------------

    def cases_for(self, marker: str) -> int:
        with psycopg.connect(f"host=127.0.0.1 port={PG_PORT} user=postgres dbname=voordeur_faults") as conn:
            return conn.execute(
                "SELECT count(*) FROM intake_case WHERE question LIKE %s", [f"%({marker})%"]
            ).fetchone()[0]

    def requeue(self):
        code = "from intake.tasks import requeue_stuck_outbox; requeue_stuck_outbox()"
        with contextlib.suppress(subprocess.SubprocessError):
            subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", code],
                cwd=ROOT,
                env=self.env,
                timeout=120,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def run_fault(self, name: str, break_it, heal_it, *, double: bool = False):
        self.say(f"- {name} … ")
        started = time.monotonic()
        markers, answers = [], []
        break_it()
        try:
            count = 1 if double else self.posts
            for i in range(count):
                marker = f"drill-{re.sub(r'[^a-z0-9]+', '-', name.lower())}-{i}"
                markers.append(marker)
                answers.append(self.submit(marker, times=5 if double else 1))
                if double:  # and once more afterwards, like the back button
                    session_answers = self.submit_again(marker)
                    answers[-1] += session_answers
        finally:
            heal_it()
        self.requeue()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            pending = [
                m for m in markers if self.cases_for(m) and not self.smtp.receipts_to(f"{m}@faults.test")
            ]
            if not pending:
                break
            time.sleep(2)
            if time.monotonic() > deadline - 60:
                self.requeue()
        confirmed = sum(1 for a in answers if 302 in a)
        cases = [self.cases_for(m) for m in markers]
        receipts = [self.smtp.receipts_to(f"{m}@faults.test") for m in markers]
        duplicates = sum(max(0, c - 1) for c in cases) + sum(max(0, r - 1) for r in receipts)
        lost = sum(1 for a, c in zip(answers, cases, strict=True) if 302 in a and c == 0)
        lost += sum(1 for c, r in zip(cases, receipts, strict=True) if c and not r)
        codes = sorted({code for a in answers for code in a})
        self.rows.append(
            (
                name,
                len(markers),
                sum(len(a) for a in answers),
                confirmed,
                sum(min(c, 1) for c in cases),
                sum(min(r, 1) for r in receipts),
                duplicates,
                lost,
                "/".join(map(str, codes)),
            )
        )
        self.say(f"{time.monotonic() - started:.0f} s\n")

    def submit_again(self, marker: str) -> list[int]:
        return self._last_session_post(marker)

    def _last_session_post(self, marker: str) -> list[int]:
        # The same submission key posted once more, later, from the same form: a fresh GET would give a new key,
        # so reuse the key of the first post by reading it back from the database.
        with psycopg.connect(f"host=127.0.0.1 port={PG_PORT} user=postgres dbname=voordeur_faults") as conn:
            row = conn.execute(
                "SELECT submission_key FROM intake_case WHERE question LIKE %s", [f"%({marker})%"]
            ).fetchone()
        if not row:
            return []
        session = requests.Session()
        token, _key = self.form(session)
        return [self.post(session, token, row[0], marker)]

    # --- the faults -----------------------------------------------------------------------------------------

    def drill(self):
        smtp = self.smtp
        nothing = lambda: None  # noqa: E731
        self.run_fault("baseline", nothing, nothing)
        self.run_fault("Redis killed", lambda: self.redis("kill"), lambda: self.redis("start"))

        def freeze():
            self.redis("freeze")

        def thaw():
            self.redis("thaw")

        self.run_fault("Redis frozen", freeze, thaw)

        def restart_worker():
            self.worker("start")

        self.run_fault("worker killed (-9)", lambda: self.worker("kill"), restart_worker)
        self.run_fault("SMTP down", smtp.stop, smtp.start)

        def slow():
            smtp.delay = 4.0  # beyond EMAIL_TIMEOUT=3 on the first replies: the send fails and is retried

        def fast():
            smtp.delay = 0.0

        self.run_fault("SMTP slow", slow, fast)

        def pg_down():
            self.pg("stop")

        def pg_up():
            self.pg("start")
            time.sleep(1)

        self.run_fault("PostgreSQL stopped", pg_down, pg_up)
        self.run_fault("double post (5 parallel + 1)", nothing, nothing, double=True)

    def table(self) -> str:
        header = (
            "fault",
            "submissions",
            "posts",
            "confirmed",
            "cases",
            "receipts",
            "duplicates",
            "lost",
            "answers",
        )
        rows = [header, *[tuple(map(str, row)) for row in self.rows]]
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
        return "\n".join(
            [line(rows[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows[1:])]
        )


class Command(BaseCommand):
    help = (
        "Run Voordeur in production shape locally, break Redis, the worker, SMTP and PostgreSQL, and report."
    )

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=4, help="questions posted per fault (1-20)")
        parser.add_argument("--postgres-bin", default="", help="directory with initdb and pg_ctl")
        parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")

    def handle(self, *args, posts: int, postgres_bin: str, keep: bool, **options):
        pg_bin = (
            Path(postgres_bin)
            if postgres_bin
            else next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
        )
        if not pg_bin or not (pg_bin / "initdb").exists() or not shutil.which("redis-server"):
            raise CommandError("The drill needs initdb (PostgreSQL server) and redis-server.")
        drill = Drill(self.stdout, max(1, min(posts, 20)), pg_bin)
        previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
        try:
            drill.up()
            drill.drill()
        finally:
            drill.down()
            signal.signal(signal.SIGTERM, previous)
            if not keep:
                shutil.rmtree(drill.tmp, ignore_errors=True)
        self.stdout.write("\n" + drill.table() + "\n")
