"""Time fetching and storing inbound mail from a real IMAP server.

    python manage.py mail_benchmark [--count 1000] [--database-url postgres://…/voordeur_mail_benchmark]

Starts Dovecot in a temporary folder (mail/dovecot.py), delivers `--count` messages with IMAP APPEND (80% new
questions, 10% of them with a PDF, 10% replies to earlier cases, 10% out-of-office replies), then runs the fetch
once and prints a table: the time to fetch and store them all, messages per second, and the database queries
one message costs. It runs in a database of its own: a new SQLite file in the temporary folder, or the
PostgreSQL database given with --database-url (emptied by migrate on a new database only: give it its own).
Sending the receipts is not measured: the outbox rows are queued and the workers send them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

CHILD = "VOORDEUR_MAIL_BENCHMARK_CHILD"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
SUBJECTS = [
    "Vergunning voor een terras",
    "Subsidie voor zonnepanelen",
    "Parkeervergunning voor een bedrijfsbus",
    "Marktkraam op zaterdag",
    "Reclamebord aan de gevel",
]


def _message(n: int, *, reference: str = "", automatic: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = f"Ondernemer {n} <ondernemer{n}@bedrijf{n % 97}.test>"
    message["To"] = "ondernemersloket@gemeente.example"
    message["Message-ID"] = make_msgid(idstring=f"bench{n}", domain="bedrijf.test")
    message["Authentication-Results"] = "mx.gemeente.example; spf=pass; dkim=pass; dmarc=pass"
    if automatic:
        message["Subject"] = "Afwezig: uw bericht"
        message["Auto-Submitted"] = "auto-replied"
        message.set_content("Ik ben afwezig tot maandag.")
    elif reference:
        message["Subject"] = f"Re: [{reference}] Wij hebben uw vraag ontvangen"
        message.set_content(
            f"Hierbij de aanvulling op mijn vraag {n}.\n\nMet vriendelijke groet,\nOndernemer\n\n"
            "Op 1 dec. 2026 om 10:00 schreef Gemeente <loket@gemeente.example>:\n> Wij hebben uw vraag ontvangen."
        )
    else:
        message["Subject"] = f"{SUBJECTS[n % len(SUBJECTS)]} ({n})"
        message.set_content(
            f"Goedemorgen,\n\nIk heb een vraag over {SUBJECTS[n % len(SUBJECTS)].lower()} voor mijn bedrijf "
            f"aan de Dorpsstraat {n}. Wat moet ik regelen en hoe lang duurt het?\n\nMet vriendelijke groet,\nOndernemer {n}"
        )
        if n % 10 == 0:
            message.add_attachment(PDF, maintype="application", subtype="pdf", filename=f"tekening-{n}.pdf")
    return bytes(message)


def _create_postgres_database(url: str) -> None:
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        raise CommandError("Geef met --database-url een PostgreSQL-database op (postgres://…).")
    with psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


class CountQueries:
    """Counts every query (CaptureQueriesContext keeps only the last 9,000)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._wrapper.__exit__(*exc)

    def __len__(self) -> int:
        return self.count


class Command(BaseCommand):
    help = "Time fetching and storing inbound mail from a real IMAP server (Dovecot in a temporary folder)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument(
            "--database-url", default="", help="default: a new SQLite file in a temporary folder"
        )

    def handle(self, *args, count, database_url, **options):
        if os.environ.get(CHILD):
            return self._run(count)
        from mail import dovecot

        if not dovecot.available():
            raise CommandError(f"{dovecot.DOVECOT} ontbreekt: installeer dovecot-imapd (make browsers).")
        if database_url:
            _create_postgres_database(database_url)
        with tempfile.TemporaryDirectory(prefix="voordeur-mail-benchmark-") as folder:
            url = database_url or f"sqlite:///{folder}/benchmark.sqlite3"
            argv = [sys.executable, sys.argv[0], "mail_benchmark", "--count", str(count)]
            env = {**os.environ, CHILD: "1", "DATABASE_URL": url, "REDIS_URL": "", "DEBUG": "true"}
            env["MEDIA_ROOT"] = f"{folder}/media"
            if subprocess.run(argv, env=env, check=False).returncode:
                raise CommandError("De benchmark is mislukt (zie hierboven).")

    def _run(self, count: int) -> None:
        from intake import outbox
        from intake.models import Case
        from mail import dovecot
        from mail.fetch import fetch_mail
        from mail.models import InboundMail
        from teams.models import Team

        call_command("migrate", verbosity=0, interactive=False)
        Team.objects.get_or_create(
            slug="economie",
            defaults={"name": "Team Economie", "kind": Team.Kind.OWNER, "email": "eco@gemeente.test"},
        )
        outbox._enqueue_delivery = lambda message_id: False  # sending is the workers' job, not measured here
        server = dovecot.start()
        try:
            with override_settings(MAIL_RATE_LIMIT_PER_HOUR=1_000_000, MAIL_BATCH_SIZE=count * 2):
                rows = self._measure(server, count, fetch_mail, Case, InboundMail)
        finally:
            server.stop()
        self._report(rows, count, connection.vendor)

    def _measure(self, server, count, fetch_mail, Case, InboundMail):
        new = int(count * 0.8)
        started = time.perf_counter()
        server.deliver(*[_message(n) for n in range(new)])
        deliver_seconds = time.perf_counter() - started

        started = time.perf_counter()
        with CountQueries() as queries:
            first = fetch_mail(server.url)
        first_seconds, first_queries = time.perf_counter() - started, len(queries)

        references = list(Case.objects.order_by("pk").values_list("reference", flat=True)[: count // 10])
        rest = [_message(new + i, reference=ref) for i, ref in enumerate(references)]
        rest += [_message(new + len(rest) + i, automatic=True) for i in range(count - new - len(rest))]
        server.deliver(*rest)
        started = time.perf_counter()
        with CountQueries() as queries:
            second = fetch_mail(server.url)
        second_seconds, second_queries = time.perf_counter() - started, len(queries)

        per_kind = {}
        for label, raw in (
            ("new question", _message(10_001)),
            ("new question + PDF", _message(10_010)),
            ("reply (subject reference)", _message(10_002, reference=references[0])),
            ("out-of-office", _message(10_003, automatic=True)),
        ):
            server.deliver(raw)
            with CountQueries() as queries:
                fetch_mail(server.url)
            per_kind[label] = len(queries)
        failed = first.failed + second.failed
        total = first.stored + second.stored
        return {
            "deliver_seconds": deliver_seconds,
            "first": (first, first_seconds, first_queries),
            "second": (second, second_seconds, second_queries),
            "per_kind": per_kind,
            "failed": failed,
            "total": total,
            "inbound_rows": InboundMail.objects.count(),
        }

    def _report(self, rows, count, vendor) -> None:
        write = self.stdout.write
        first, first_seconds, first_queries = rows["first"]
        second, second_seconds, second_queries = rows["second"]
        seconds = first_seconds + second_seconds
        write(f"\nInbound mail benchmark: {count} messages, Dovecot IMAP on 127.0.0.1, database {vendor}\n")
        write(f"| {'step':<44} | {'messages':>8} | {'seconds':>8} | {'msg/s':>7} | {'queries/msg':>11} |")
        write(f"|{'-' * 46}|{'-' * 10}|{'-' * 10}|{'-' * 9}|{'-' * 13}|")
        write(
            f"| {'deliver (IMAP APPEND, not part of the fetch)':<44} | {count:>8} | {rows['deliver_seconds']:>8.2f} | "
            f"{count / max(rows['deliver_seconds'], 1e-9):>7.0f} | {'-':>11} |"
        )
        for label, result, secs, queries in (
            ("fetch + store: new questions", first, first_seconds, first_queries),
            ("fetch + store: replies and out-of-office", second, second_seconds, second_queries),
        ):
            write(
                f"| {label:<44} | {result.stored:>8} | {secs:>8.2f} | {result.stored / max(secs, 1e-9):>7.0f} | "
                f"{queries / max(result.stored, 1):>11.1f} |"
            )
        write(
            f"| {'fetch + store: all':<44} | {rows['total']:>8} | {seconds:>8.2f} | {rows['total'] / max(seconds, 1e-9):>7.0f} | "
            f"{(first_queries + second_queries) / max(rows['total'], 1):>11.1f} |"
        )
        write("\nQueries for one message, by kind:")
        for label, queries in rows["per_kind"].items():
            write(f"  {label:<28} {queries}")
        write(f"\nfailed: {rows['failed']}, InboundMail rows: {rows['inbound_rows']}")
