"""Load a big city's backlog: a million cases with companies, contacts, hand-offs, messages and callbacks.

    python manage.py seed_scale --cases 1000000 --database-url postgres://postgres@127.0.0.1:5432/voordeur_scale

The target database is emptied first (its schema is dropped and migrated again), so only a database whose name
contains "scale" or "bench" is accepted. The organisation, users and catalogue come from `seed_demo`; the bulk
is set-based SQL (INSERT ... SELECT over generate_series, in steps), so a million cases load in minutes.
PostgreSQL only. `manage.py dashboard_benchmark` times the staff pages on the result.

The data is shaped like five years of questions: cases spread evenly over time, everything older than two
months closed except a few stragglers, a third handed off to a department (some twice), two timeline messages a
case, a callback request for one in fifty, and 70% of the cases tied to one of 100,000 companies.
"""

import os
import subprocess
import sys
from datetime import timedelta

import environ
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from tqdm import tqdm

from followup.models import CallbackRequest
from intake.models import Case, Company, Contact, Message
from intake.workflow import OPEN, Status
from routing.models import Handoff
from teams.models import Membership, Team, Topic

STEP = 100_000
SAFE_NAMES = ("scale", "bench")
YEARS = 5

TRADES = [
    "Bakkerij", "Café", "Restaurant", "Kapsalon", "Bouwbedrijf", "Fietsenwinkel", "Installatiebedrijf",
    "Adviesbureau", "Hotel", "Slagerij", "Bloemenhandel", "Schoonheidssalon", "Autobedrijf", "Drukkerij",
    "Lunchroom", "Boekhandel", "Transportbedrijf", "Schildersbedrijf", "Snackbar", "Kinderopvang",
]  # fmt: skip
NAMES = [
    "De Gouden Leeuw", "Jansen", "De Vries", "Van Dijk", "Bakker", "Visser", "Smit", "Meijer", "De Boer",
    "Mulder", "De Groot", "Bos", "Vos", "Peters", "Hendriks", "Van Leeuwen", "Dekker", "Brouwer", "De Wit",
    "Dijkstra", "Het Anker", "De Molen", "De Zon", "Het Hoekje", "De Linde", "Sterk", "Van den Berg",
    "Koster", "Prins", "Willems",
]  # fmt: skip
FIRST = [
    "Anna", "Bas", "Chantal", "Daan", "Emma", "Fleur", "Gerrit", "Hanna", "Ilse", "Joost", "Karim", "Lieke",
    "Mark", "Nadia", "Otto", "Petra", "Rik", "Samira", "Tim", "Yara",
]  # fmt: skip
CITIES = ["Utrecht", "Zeist", "Houten", "Nieuwegein", "IJsselstein", "Bunnik", "Maarssen", "De Bilt"]
SUBJECTS = [
    ("Terras voor mijn café", "Ik wil deze zomer een terras voor mijn zaak. Welke vergunning heb ik nodig?"),
    ("Verbouwing winkelpand", "Wij willen de gevel van ons winkelpand aanpassen. Moet ik een omgevingsvergunning aanvragen?"),
    ("Aanslag reclamebelasting", "Ik heb een aanslag reclamebelasting gekregen voor een uithangbord. Klopt dat bedrag?"),
    ("Subsidie zonnepanelen", "Is er subsidie voor zonnepanelen op het dak van ons bedrijfspand?"),
    ("Standplaats op de markt", "Ik zoek een vaste standplaats op de weekmarkt voor mijn kraam met kaas."),
    ("Bedrijfsafval ophalen", "Wie haalt het bedrijfsafval op en wat kost een extra container per week?"),
    ("Parkeervergunning bedrijf", "Kan ik een parkeervergunning voor mijn bedrijfsbus aanvragen in het centrum?"),
    ("Personeel via de gemeente", "Wij zoeken personeel. Kan het werkgeversservicepunt ons helpen met kandidaten?"),
    ("Ondersteuning zelfstandige", "Mijn inkomsten als zelfstandige zijn gedaald. Kom ik in aanmerking voor Bbz?"),
    ("Evenement op het plein", "We organiseren een braderie op het plein. Welke vergunningen zijn nodig?"),
    ("Exploitatievergunning horeca", "Ik neem een restaurant over. Moet de exploitatievergunning op mijn naam?"),
    ("Alcoholvergunning", "Mag ik in mijn lunchroom ook bier en wijn schenken, en welke vergunning hoort daarbij?"),
]  # fmt: skip


def _sql_array(values, cast: str = "text") -> str:
    if cast == "text":
        items = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
        return f"ARRAY[{items}]::text[]"
    return f"ARRAY[{', '.join(str(v) for v in values)}]::{cast}[]"


def _pick(array: str, length: int, mult: int) -> str:
    """A deterministic, well-spread element of `array` for row s.i (a multiplicative hash, no random())."""
    return f"({array})[1 + ((s.i::bigint * {mult}) %% 1000003) %% {length}]"


def ensure_database(config: dict) -> None:
    """Create the PostgreSQL database of `config` (a DATABASES entry) when it does not exist yet."""
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
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


class Command(BaseCommand):
    requires_system_checks = []  # also without Redis: the rate limiter's cache check does not apply here
    help = (
        "Vul een eigen PostgreSQL-database met een miljoen realistische vragen (voor de dashboardbenchmark)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1_000_000)
        parser.add_argument("--database-url", default="", help="the database to fill (emptied first)")

    def handle(self, *args, cases, database_url, **options):
        if database_url and os.environ.get("DATABASE_URL") != database_url:
            return self._in_own_database(database_url)
        name = connection.settings_dict["NAME"] or ""
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale draait alleen op PostgreSQL: geef --database-url postgres://… op.")
        if not any(word in name for word in SAFE_NAMES):
            raise CommandError(
                f"De database “{name}” wordt leeggemaakt; seed_scale accepteert alleen een database met "
                "“scale” of “bench” in de naam."
            )
        self._empty()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("seed_demo", verbosity=0)
        self._seed(cases)

    def _in_own_database(self, url: str) -> None:
        config = environ.Env.db_url_config(url)
        if "postgresql" not in config["ENGINE"]:
            raise CommandError("Geef met --database-url een PostgreSQL-database op (postgres://…).")
        if not any(word in config["NAME"] for word in SAFE_NAMES):
            raise CommandError("Alleen een database met “scale” of “bench” in de naam wordt leeggemaakt.")
        ensure_database(config)
        argv = [sys.executable, sys.argv[0], "seed_scale", *sys.argv[2:]]
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": ""}
        if subprocess.run(argv, env=env, check=False).returncode:
            raise CommandError("Vullen is mislukt (zie hierboven).")

    def _empty(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")

    # ------------------------------------------------------------------------------------------------------

    def _seed(self, n_cases: int) -> None:
        User = get_user_model()
        owner_team = Team.objects.get(kind=Team.Kind.OWNER)
        departments = list(Team.objects.filter(kind=Team.Kind.DEPARTMENT).order_by("pk"))
        owners = list(
            User.objects.filter(memberships__team=owner_team).order_by("pk").values_list("pk", flat=True)
        )
        for i in range(len(owners), 8):  # a big city's team economie has more account managers
            user, _ = User.objects.get_or_create(
                username=f"am{i}",
                defaults={
                    "first_name": FIRST[i],
                    "last_name": NAMES[i + 1],
                    "email": f"am{i}@gemeente.example",
                },
            )
            Membership.objects.get_or_create(user=user, team=owner_team)
            owners.append(user.pk)
        topics = list(Topic.objects.filter(is_active=True, team__isnull=False).order_by("pk"))
        topic_ids = [t.pk for t in topics]
        topic_teams = [t.team_id for t in topics]
        dept_ids = [t.pk for t in departments]
        n_companies = max(100, n_cases // 10)
        n_contacts = max(200, n_cases * 15 // 100)
        n_handoffs = n_cases * 35 // 100
        n_second = n_handoffs // 10
        n_messages = n_cases * 2
        n_callbacks = n_cases // 50
        total = n_companies + n_contacts + n_cases + n_handoffs + n_second + n_messages + n_callbacks
        now = timezone.now()
        span = timedelta(days=365 * YEARS)
        bar = tqdm(total=total, unit="rij", desc="vullen", file=sys.stdout, unit_scale=True)

        before = {m: self._first_pk(m, pk__gt=0, last=True) or 0 for m in (Company, Contact, Case)}
        trades, names, first, cities = (_sql_array(x) for x in (TRADES, NAMES, FIRST, CITIES))
        self._insert(
            Company,
            n_companies,
            bar,
            {
                "kvk_number": "lpad(CAST(50000000 + s.i AS TEXT), 8, '0')",
                "name": f"{_pick(trades, len(TRADES), 7919)} || ' ' || {_pick(names, len(NAMES), 104729)}"
                " || ' ' || CAST(s.i AS TEXT)",
                "sbi_codes": "'5610'",
                "address": "'Dorpsstraat ' || CAST(1 + s.i %% 300 AS TEXT)",
                "postcode": "CAST(3500 + s.i %% 100 AS TEXT) || 'AB'",
                "city": _pick(cities, len(CITIES), 31),
                "created_at": "%(now)s",
            },
            {"now": now},
        )
        company_base = self._first_pk(Company, pk__gt=before[Company]) - 1
        self._insert(
            Contact,
            n_contacts,
            bar,
            {
                "company_id": f"{company_base} + 1 + s.i %% {n_companies}",
                "name": f"{_pick(first, len(FIRST), 7919)} || ' ' || {_pick(names, len(NAMES), 15485863)}",
                "email": "'contact' || CAST(s.i AS TEXT) || '@ondernemer.example'",
                "phone": "'+316' || lpad(CAST(s.i AS TEXT), 8, '0')",
                "created_at": "%(now)s",
            },
            {"now": now},
        )
        contact_base = self._first_pk(Contact, pk__gt=before[Contact]) - 1
        # Case i was created at start + i/n of five years: the newest cases have the highest numbers.
        created = "%(start)s + (s.i * %(step)s)"
        recent = f"({created}) > %(recent)s"
        subjects = _sql_array([s for s, _q in SUBJECTS])
        questions = _sql_array([q for _s, q in SUBJECTS])
        open_statuses = _sql_array([Status.NEW, Status.IN_PROGRESS, Status.WAITING_DEPARTMENT, Status.WAITING_ENTREPRENEUR, Status.IN_PROGRESS, Status.WAITING_DEPARTMENT])  # fmt: skip
        closed_statuses = _sql_array([Status.ANSWERED] * 8 + [Status.REFERRED, Status.CANCELLED])
        status = (
            f"CASE WHEN {recent} OR s.i %% 200 = 0 THEN {_pick(open_statuses, 6, 613)} "
            f"ELSE {_pick(closed_statuses, 10, 97)} END"
        )
        channels = _sql_array(["web"] * 5 + ["phone"] * 3 + ["email", "counter"])
        subject_pick = f"((s.i::bigint * 2654435761) %% 1000003) %% {len(SUBJECTS)}"
        self._insert(
            Case,
            n_cases,
            bar,
            {
                "reference": f"'OND-' || to_char({created}, 'YYYY') || '-' || lpad(CAST(s.i AS TEXT), 7, '0')",
                "channel": _pick(channels, 10, 389),
                "status": status,
                "subject": f"({subjects})[1 + {subject_pick}]",
                "question": f"({questions})[1 + {subject_pick}] || ' (vraag ' || CAST(s.i AS TEXT) || ')'",
                "company_id": f"CASE WHEN s.i %% 10 < 7 THEN {company_base} + 1 + s.i %% {n_companies} END",
                "contact_id": f"{contact_base} + 1 + s.i %% {n_contacts}",
                "topic_id": f"CASE WHEN s.i %% 25 = 0 THEN NULL ELSE "
                f"({_sql_array(topic_ids, 'int')})[1 + {subject_pick} %% {len(topic_ids)}] END",
                "proposed_team_id": f"({_sql_array(topic_teams, 'int')})[1 + {subject_pick} %% {len(topic_ids)}]",
                "routing_confidence": "0.8",
                "routing_reason": "'benchmark'",
                "needs_triage": f"s.i %% 25 = 0 AND {recent}",
                "owner_team_id": str(owner_team.pk),
                "owner_id": f"CASE WHEN s.i %% 9 = 0 THEN NULL ELSE "
                f"({_sql_array(owners, 'int')})[1 + s.i %% {len(owners)}] END",
                "deadline": f"CAST({created} AS DATE) + 14 + s.i %% 29",
                "deadline_policy": "'benchmark'",
                "tracking_token_hash": "'scale-' || CAST(s.i AS TEXT)",
                "created_at": created,
                "updated_at": created,
                "closed_at": f"CASE WHEN NOT ({recent}) AND s.i %% 200 <> 0 THEN {created} + interval '9 days' END",
                "resolution": f"CASE WHEN NOT ({recent}) AND s.i %% 200 <> 0 THEN 'answered' ELSE '' END",
            },
            {"start": now - span, "step": span / n_cases, "recent": now - timedelta(days=60)},
        )
        case_base = self._first_pk(Case, pk__gt=before[Case]) - 1
        # Hand-offs for 35% of the cases (case k with (k - 1) %% 20 < 7), a second one for every tenth of those.
        # Open while the case waits on a department; otherwise answered (now and then returned).
        for count, every, offset in ((n_handoffs, 1, 0), (n_second, 10, 3)):
            case_id = f"{case_base} + (s.i * {every} - 1) / 7 * 20 + (s.i * {every} - 1) %% 7 + 1"
            self._insert(
                Handoff,
                count,
                bar,
                {
                    "case_id": "c.id",
                    "team_id": f"({_sql_array(dept_ids, 'int')})[1 + (s.i + {offset}) %% {len(dept_ids)}]",
                    "request_text": "'Wilt u deze vraag beantwoorden?'",
                    "status": "CASE WHEN c.status = 'waiting_department' THEN "
                    "(ARRAY['open','claimed','info_requested','claimed'])[1 + s.i %% 4] "
                    "WHEN s.i %% 30 = 0 THEN 'returned' ELSE 'answered' END",
                    "answer": "'Dat kan, met een vergunning.'",
                    "deadline": "CAST(c.created_at AS DATE) + 10",
                    "deadline_policy": "'benchmark'",
                    "created_at": "c.created_at + interval '1 day'",
                    "closed_at": "CASE WHEN c.status <> 'waiting_department' THEN c.created_at + interval '5 days' END",
                    # routing.selectors.asks_attention: an open case's hand-off that asks back or was returned
                    # (never followed up here: both hand-offs of a case start on the same day, before any return).
                    "asks_attention": f"c.status IN ({', '.join(repr(str(s)) for s in sorted(OPEN))}) AND ("
                    "(c.status = 'waiting_department' AND 1 + s.i %% 4 = 3) "
                    "OR (c.status <> 'waiting_department' AND s.i %% 30 = 0))",
                },
                {"now": now},
                join=f"JOIN {Case._meta.db_table} c ON c.id = {case_id}",
            )
        self._insert(
            Message,
            n_messages,
            bar,
            {
                "case_id": "c.id",
                "kind": "CASE WHEN s.i %% 2 = 1 THEN 'question' WHEN c.closed_at IS NOT NULL THEN 'answer' "
                "ELSE 'note' END",
                "is_public": "s.i %% 2 = 1 OR c.closed_at IS NOT NULL",
                "author_name": "''",
                "body": "CASE WHEN s.i %% 2 = 1 THEN c.question ELSE 'Beantwoord: dat kan, met een vergunning.' END",
                "created_at": "c.created_at + (s.i %% 2) * interval '2 days'",
            },
            {"now": now},
            join=f"JOIN {Case._meta.db_table} c ON c.id = {case_base} + (s.i + 1) / 2",
        )
        self._insert(
            CallbackRequest,
            n_callbacks,
            bar,
            {
                "case_id": "c.id",
                "name": "'Ondernemer'",
                "phone": "'+31612345678'",
                "subject": "'Graag terugbellen'",
                "team_id": f"({_sql_array(dept_ids, 'int')})[1 + s.i %% {len(dept_ids)}]",
                "due_at": "c.created_at + interval '2 days'",
                "deadline_policy": "'benchmark'",
                "status": "CASE WHEN c.closed_at IS NULL THEN 'open' ELSE 'done' END",
                "created_at": "c.created_at",
                "closed_at": "CASE WHEN c.closed_at IS NULL THEN NULL ELSE c.created_at + interval '1 day' END",
            },
            {"now": now},
            join=f"JOIN {Case._meta.db_table} c ON c.id = {case_base} + s.i * 50",
        )
        bar.close()
        with connection.cursor() as cursor:
            self.stdout.write("ANALYZE …")
            cursor.execute("VACUUM ANALYZE" if connection.get_autocommit() else "ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"{Case.objects.count():,} vragen, {Company.objects.count():,} bedrijven, "
                f"{Handoff.objects.count():,} uitzettingen, {Message.objects.count():,} tijdlijnregels."
            )
        )

    @staticmethod
    def _first_pk(model, last=False, **lookup) -> int | None:
        ordered = model.objects.filter(**lookup).order_by("-pk" if last else "pk")
        return ordered.values_list("pk", flat=True).first()

    def _insert(self, model, total: int, bar, values: dict[str, str], params: dict, join: str = "") -> None:
        """INSERT ... SELECT over generate_series in steps; columns not in `values` get their default."""
        columns, expressions = [], []
        params = dict(params)
        for field in model._meta.concrete_fields:
            if field.primary_key or getattr(field, "generated", False):
                continue
            columns.append(field.column)
            if field.column in values or field.name in values:
                expressions.append(values.get(field.column, values.get(field.name)))
                continue
            name = f"d_{field.column}"
            default = field.get_default() if field.has_default() else (None if field.null else "")
            params[name] = field.get_db_prep_save(default, connection)
            expressions.append(f"%({name})s")
        table = model._meta.db_table
        for low in range(1, total + 1, STEP):
            high = min(total, low + STEP - 1)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} "
                    f"FROM generate_series({low}, {high}) AS s(i) {join}",
                    params,
                )
            bar.update(high - low + 1)
