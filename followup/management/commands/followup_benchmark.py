"""Seed a large backlog and time the follow-up sweep on it.

    python manage.py followup_benchmark --database-url postgres://postgres@127.0.0.1:5432/voordeur_benchmark

Seeds `--count` open items (40% cases, 40% hand-offs, 20% callback requests; `--overdue` of each past its
deadline) with set-based INSERT ... SELECT (generate_series on PostgreSQL), then runs the sweep twice and prints
one table: the first sweep does every action once, the second finds nothing left to do (with the peak RSS
before each sweep, and the CPU seconds of this process and, on a local server, of its database backend: on a
busy machine steadier than the clock). A second table shows
where the first sweep's time goes, per action and phase (build, select the rows to do, claim, timeline entries,
e-mails, case update, commit). The database is emptied first, so give it a database of its own. E-mail delivery
is not part of the measurement: the sweep queues the outbox rows and the workers send them.

`--reuse` skips the seeding when the database holds a seed of the same size from today (PostgreSQL only; the
seed is marked in the database's comment): it removes what earlier sweeps did (action log, outbox, timeline,
expected dates) and vacuums the case table, so the first sweep again finds everything to do. Quick for
comparing two versions back to back; quote figures from a fresh seed, whose pages the first sweep reads for
the first time.
"""

import os
import resource
import subprocess
import sys
import time
from datetime import timedelta

import environ
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from followup.models import CallbackAttempt, CallbackRequest, FollowupAction, SatisfactionRating
from followup.sweep import sweep
from intake.models import Case, Contact, Message
from intake.outbox import OutboxMessage
from intake.workflow import Status
from routing.models import Handoff
from teams.models import Membership, Team

SQLITE_MAX = 20_000
STEP = 50_000


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _db_cpu_seconds() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend, if the server runs on this machine (Linux).

    Steadier than the clock on a busy machine: waiting for a CPU that others use does not count.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:  # another machine, or not Linux
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class Command(BaseCommand):
    help = "Seed many open items (10% overdue) and time one full follow-up sweep."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1_000_000, help="open items in total")
        parser.add_argument("--overdue", type=float, default=0.10, help="share past its deadline")
        parser.add_argument("--database-url", default="", help="the benchmark's own database (emptied)")
        parser.add_argument("--yes", action="store_true", help="empty the configured database without asking")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="keep today's seed of the same size (PostgreSQL) and only undo the earlier sweeps",
        )

    def handle(self, *args, count, overdue, database_url, yes, reuse, **options):
        if database_url and os.environ.get("DATABASE_URL") != database_url:
            return self._in_own_database(database_url)
        if connection.vendor == "sqlite" and count > SQLITE_MAX:
            raise CommandError(
                f"De benchmark met {count:,} items draait alleen op PostgreSQL. Geef --database-url "
                f"postgres://… op, of gebruik op SQLite hoogstens --count {SQLITE_MAX}."
            )
        if not database_url and not yes and Case.objects.exists():
            raise CommandError(
                "Deze database bevat al vragen en de benchmark maakt hem leeg. Geef een eigen database op met "
                "--database-url, of bevestig met --yes."
            )
        call_command("migrate", verbosity=0, interactive=False)
        every = max(1, round(1 / overdue)) if overdue > 0 else 0
        marker = f"followup_benchmark count={count} every={every} day={timezone.localdate().isoformat()}"
        counts = self._reuse(marker) if reuse else None
        if counts is None:
            self._mark("")
            counts = self._seed(count, every)
            self._mark(marker)
        rows, actions = [], []
        for label in ("1e sweep", "2e sweep"):
            rss_before = _peak_rss_mb()
            db_cpu = _db_cpu_seconds()
            cpu = time.process_time()
            started = time.perf_counter()
            on_action = (lambda name, done: actions.append((name, done))) if not rows else None
            result = sweep(enqueue=False, on_action=on_action)
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu
            db_cpu = (_db_cpu_seconds() - db_cpu) if db_cpu is not None else None
            rows.append((label, result, seconds, _peak_rss_mb(), rss_before, cpu, db_cpu))
        self._report(counts, rows)
        self._report_actions(actions)

    # ------------------------------------------------------------------------------------------------------

    def _in_own_database(self, url: str) -> None:
        config = environ.Env.db_url_config(url)
        if "postgresql" not in config["ENGINE"]:
            raise CommandError("Geef met --database-url een PostgreSQL-database op (postgres://…).")
        import psycopg

        admin = psycopg.connect(
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        )
        with admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
            ).fetchone()
            if not exists:
                admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
        argv = [sys.executable, sys.argv[0], "followup_benchmark", *sys.argv[2:]]
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": ""}
        completed = subprocess.run(argv, env=env, check=False)
        if completed.returncode:
            raise CommandError("De benchmark is mislukt (zie hierboven).")

    def _mark(self, marker: str) -> None:
        """Note in the database's comment which seed it holds (PostgreSQL), for --reuse."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [marker or None])

    def _reuse(self, marker: str) -> dict | None:
        """Today's seed of the same size, without what earlier sweeps did; None if there is no such seed."""
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
            )
            if cursor.fetchone()[0] != marker:
                return None
            tables = ", ".join(m._meta.db_table for m in (FollowupAction, OutboxMessage, Message))
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            cursor.execute(
                f"UPDATE {Case._meta.db_table} SET expected_date = NULL WHERE expected_date IS NOT NULL"
            )
            cursor.execute(f"VACUUM ANALYZE {Case._meta.db_table}")
        self.stdout.write("Hergebruikt: de gevulde database van vandaag, zonder de eerdere sweeps.")
        return self._counts()

    def _counts(self) -> dict:
        now = timezone.now()
        today = timezone.localdate()
        items = Case.objects.count() + Handoff.objects.count() + CallbackRequest.objects.count()
        overdue = (
            Case.objects.filter(deadline__lt=today).count()
            + Handoff.objects.filter(deadline__lt=today).count()
            + CallbackRequest.objects.filter(due_at__lt=now).count()
        )
        return {"items": items, "overdue": overdue}

    def _empty(self) -> None:
        models_to_empty = [
            FollowupAction,
            OutboxMessage,
            CallbackAttempt,
            CallbackRequest,
            SatisfactionRating,
            Message,
            Handoff,
            Handoff.history.model,
            Case,
            Case.history.model,
            CallbackRequest.history.model,
            Contact,
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                tables = ", ".join(m._meta.db_table for m in models_to_empty)
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            else:
                for model in models_to_empty:
                    cursor.execute(f"DELETE FROM {model._meta.db_table}")

    def _organisation(self) -> tuple[Team, list, list[Team]]:
        User = get_user_model()
        owner_team, _ = Team.objects.get_or_create(
            slug="bench-economie",
            defaults={"name": "Economie", "kind": Team.Kind.OWNER, "email": "eco@b.test"},
        )
        kcc, _ = Team.objects.get_or_create(
            slug="bench-kcc", defaults={"name": "KCC", "kind": Team.Kind.KCC, "email": "kcc@b.test"}
        )
        departments = []
        for i in range(10):
            team, _ = Team.objects.get_or_create(
                slug=f"bench-afdeling-{i}",
                defaults={"name": f"Afdeling {i}", "kind": Team.Kind.DEPARTMENT, "email": f"afd{i}@b.test"},
            )
            departments.append(team)
        owners = []
        for i in range(10):
            user, _ = User.objects.get_or_create(
                username=f"bench-am-{i}", defaults={"email": f"am{i}@b.test"}
            )
            Membership.objects.get_or_create(user=user, team=owner_team)
            owners.append(user)
        for i, team in enumerate([kcc, *departments]):
            user, _ = User.objects.get_or_create(
                username=f"bench-coord-{i}", defaults={"email": f"coord{i}@b.test"}
            )
            Membership.objects.get_or_create(
                user=user, team=team, defaults={"role": Membership.Role.COORDINATOR}
            )
        return owner_team, owners, departments

    def _seed(self, count: int, every: int) -> dict:
        self._empty()
        owner_team, owners, departments = self._organisation()
        n_cases = n_handoffs = int(count * 0.4)
        n_callbacks = count - n_cases - n_handoffs
        now = timezone.now()
        today = timezone.localdate()
        with transaction.atomic():
            Contact.objects.bulk_create(
                Contact(name=f"Ondernemer {i}", email=f"ondernemer{i}@b.test", phone="+31612345678")
                for i in range(1000)
            )
        contact_base = Contact.objects.order_by("pk").values_list("pk", flat=True).first() - 1
        case_base = Case.objects.aggregate(m=models.Max("pk"))["m"] or 0
        overdue_if = f"s.i %% {every} = 0" if every else "1 = 0"
        owner_ids = (
            "CASE s.i %% 10 " + " ".join(f"WHEN {k} THEN {u.pk}" for k, u in enumerate(owners)) + " END"
        )
        team_ids = (
            "CASE s.i %% 10 " + " ".join(f"WHEN {k} THEN {t.pk}" for k, t in enumerate(departments)) + " END"
        )
        bar = tqdm(total=count, unit="item", desc="vullen", file=sys.stdout)
        self._insert(
            Case,
            n_cases,
            bar,
            {
                "reference": "'BEN-' || CAST(s.i AS TEXT)",
                "channel": "'web'",
                "status": f"'{Status.WAITING_DEPARTMENT}'",
                "subject": "'Benchmark'",
                "question": "'Mag ik een terras bij mijn zaak?'",
                "contact_id": f"{contact_base} + 1 + s.i %% 1000",
                "preferred_contact": "'email'",
                "owner_team_id": str(owner_team.pk),
                "owner_id": owner_ids,
                "deadline": f"CASE WHEN {overdue_if} THEN %(late)s ELSE %(case_due)s END",
                "deadline_policy": "'benchmark'",
                "tracking_token_hash": "'bench-' || CAST(s.i AS TEXT)",
                "created_at": "%(now)s",
                "updated_at": "%(now)s",
            },
            {"late": today - timedelta(days=3), "case_due": today + timedelta(days=21), "now": now},
        )
        # Each case has one open hand-off; a different tenth of them is overdue.
        self._insert(
            Handoff,
            n_handoffs,
            bar,
            {
                "case_id": f"{case_base} + s.i",
                "team_id": team_ids,
                "request_text": "'Wilt u deze vraag beantwoorden?'",
                "status": "'open'",
                "deadline": f"CASE WHEN (s.i + 5) %% {every or 1} = 0 AND {every} > 0 THEN %(late)s "
                "ELSE %(handoff_due)s END",
                "deadline_policy": "'benchmark'",
                "created_at": "%(now)s",
            },
            {"late": today - timedelta(days=2), "handoff_due": today + timedelta(days=14), "now": now},
        )
        self._insert(
            CallbackRequest,
            n_callbacks,
            bar,
            {
                "case_id": f"{case_base} + 1 + s.i %% {n_cases}",
                "name": "'Ondernemer'",
                "phone": "'+31612345678'",
                "subject": "'Graag terugbellen'",
                "team_id": team_ids,
                "due_at": f"CASE WHEN {overdue_if} THEN %(late)s ELSE %(callback_due)s END",
                "deadline_policy": "'benchmark'",
                "status": "'open'",
                "created_at": "%(now)s",
            },
            {"late": now - timedelta(hours=2), "callback_due": now + timedelta(days=30), "now": now},
        )
        bar.close()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
        return self._counts()

    def _insert(self, model, total: int, bar, values: dict[str, str], params: dict) -> None:
        """INSERT ... SELECT over a series of numbers, in steps; unmapped columns get their default."""
        columns, expressions = [], []
        for field in model._meta.concrete_fields:
            if field.primary_key or field.generated:  # the database computes generated columns
                continue
            columns.append(field.column)
            if field.column in values or field.name in values:
                expressions.append(values.get(field.column, values.get(field.name)))
                continue
            name = f"d_{field.column}"
            default = field.get_default() if field.has_default() else (None if field.null else "")
            params[name] = field.get_db_prep_save(default, connection)
            expressions.append(f"%({name})s")
        adapted = {
            k: (connection.ops.adapt_datetimefield_value(v) if hasattr(v, "hour") else v)
            if connection.vendor == "sqlite"
            else v
            for k, v in params.items()
        }
        table = model._meta.db_table
        for low in range(1, total + 1, STEP):
            high = min(total, low + STEP - 1)
            if connection.vendor == "postgresql":
                series = f"generate_series({low}, {high}) AS s(i)"
                prefix = ""
            else:
                prefix = (
                    f"WITH RECURSIVE s(i) AS (SELECT {low} UNION ALL SELECT i + 1 FROM s WHERE i < {high}) "
                )
                series = "s"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"{prefix}INSERT INTO {table} ({', '.join(columns)}) "
                    f"SELECT {', '.join(expressions)} FROM {series}",
                    adapted,
                )
            bar.update(high - low + 1)

    def _report(self, counts: dict, rows: list) -> None:
        header = (
            f"{'':10} {'items':>10} {'te laat':>9} {'acties':>9} {'e-mails':>9} {'seconden':>9} {'piek RSS':>10} "
            f"{'ervoor':>8} {'cpu py':>7} {'cpu db':>7}"
        )
        self.stdout.write("")
        self.stdout.write(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for label, result, seconds, peak, before, cpu, db_cpu in rows:
            self.stdout.write(
                f"{label:10} {counts['items']:>10,} {counts['overdue']:>9,} {result.actions:>9,} "
                f"{result.messages_queued:>9,} {seconds:>9.2f} {peak:>7.0f} MB {before:>5.0f} MB {cpu:>7.2f} "
                + (f"{db_cpu:>7.2f}" if db_cpu is not None else f"{'-':>7}")
            )
        first = rows[0][1].as_dict()
        self.stdout.write("")
        self.stdout.write("Acties in de 1e sweep: " + ", ".join(f"{k} {v:,}" for k, v in first.items() if v))

    def _report_actions(self, actions: list) -> None:
        """The first sweep per action: counts, and seconds per phase."""
        phases = ["build", "select", "claim", "timeline", "mails", "case", "after", "commit"]
        phases = [p for p in phases if any(p in done.seconds for _, done in actions)]
        header = f"{'1e sweep per actie':20} {'chunks':>6} {'acties':>8} {'e-mails':>8} " + " ".join(
            f"{p:>8}" for p in [*phases, "totaal"]
        )
        self.stdout.write("")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        totals: dict[str, float] = {}
        for name, done in actions:
            for phase, seconds in done.seconds.items():
                totals[phase] = totals.get(phase, 0.0) + seconds
            self.stdout.write(
                f"{name:20} {done.chunks:>6} {done.actions:>8,} {done.message_count:>8,} "
                + " ".join(f"{done.seconds.get(p, 0.0):>8.2f}" for p in phases)
                + f" {sum(done.seconds.values()):>8.2f}"
            )
        self.stdout.write("-" * len(header))
        self.stdout.write(
            f"{'totaal':20} {sum(d.chunks for _, d in actions):>6} {sum(d.actions for _, d in actions):>8,} "
            f"{sum(d.message_count for _, d in actions):>8,} "
            + " ".join(f"{totals.get(p, 0.0):>8.2f}" for p in phases)
            + f" {sum(totals.values()):>8.2f}"
        )
