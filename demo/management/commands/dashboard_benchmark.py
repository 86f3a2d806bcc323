"""Time the staff pages on a big city's data: p50, p95 and the number of queries per page.

    python manage.py dashboard_benchmark --database-url postgres://postgres@127.0.0.1:5432/voordeur_scale

Fills the database with `seed_scale` first when it holds fewer than `--cases` cases (so `make benchmark` loads
the million once and reuses it). Each URL is requested `--runs` times through Django's test client, logged in
as team economie's coordinator (the department inbox as a department member), after one warm-up request. The
count tiles are timed on their own as well. Figures depend on the machine: compare runs on the same one.
"""

import gc
import math
import os
import re
import statistics
import subprocess
import sys
import time
from html import unescape

import environ
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from demo.management.commands.seed_scale import ensure_database
from intake.models import Case, Channel
from routing.models import Handoff
from teams.models import Membership, Team, Topic
from teams.selectors import staff_users


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class Command(BaseCommand):
    requires_system_checks = []  # also without Redis: the rate limiter's cache check does not apply here
    help = "Meet de pagina's voor medewerkers (p50, p95, queries) op een database met veel vragen."

    def add_arguments(self, parser):
        parser.add_argument("--database-url", default="", help="the benchmark's own PostgreSQL database")
        parser.add_argument("--runs", type=int, default=10, help="requests per page (after one warm-up)")
        parser.add_argument("--cases", type=int, default=1_000_000, help="seed first when there are fewer")
        parser.add_argument("--only", default="", help="only pages whose name contains this text")

    def handle(self, *args, database_url, runs, cases, only, **options):
        if database_url and os.environ.get("DATABASE_URL") != database_url:
            return self._in_own_database(database_url)
        if self._cases() < cases * 0.99:
            call_command("seed_scale", cases=cases)
        with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, DEBUG=False):
            rows = [row for row in self._measure(runs, only) if row]
        self._report(rows, runs)

    def _in_own_database(self, url: str) -> None:
        config = environ.Env.db_url_config(url)
        if "postgresql" not in config["ENGINE"]:
            raise CommandError("Geef met --database-url een PostgreSQL-database op (postgres://…).")
        ensure_database(config)
        argv = [sys.executable, sys.argv[0], "dashboard_benchmark", *sys.argv[2:]]
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": ""}
        if subprocess.run(argv, env=env, check=False).returncode:
            raise CommandError("De benchmark is mislukt (zie hierboven).")

    @staticmethod
    def _cases() -> int:
        """The number of cases, 0 for a database that was never migrated."""
        from django.db import DatabaseError

        try:
            with transaction.atomic():
                return Case.objects.count()
        except DatabaseError:
            return 0

    # ------------------------------------------------------------------------------------------------------

    def _users(self):
        User = get_user_model()
        owner_team = Team.objects.get(kind=Team.Kind.OWNER)
        coordinator = (
            User.objects.filter(memberships__team=owner_team)
            .order_by("-memberships__role", "pk")  # "member" < "coordinator" alphabetically reversed
            .first()
        )
        busiest = (
            Handoff.objects.filter(status__in=Handoff.OPEN_STATUSES)
            .values("team_id")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        member = None
        if busiest:
            membership = Membership.objects.filter(team_id=busiest["team_id"]).select_related("user").first()
            member = membership.user if membership else None
        return coordinator, member, busiest["team_id"] if busiest else None

    @staticmethod
    def _fewest(counts: dict, *, none: bool) -> object:
        """The key with the fewest cases: with `none`, one without any (else the rarest); without, the rarest
        that has some."""
        candidates = {k: n for k, n in counts.items() if (n == 0) == none} or counts
        return min(candidates, key=lambda k: (candidates[k], str(k)))

    def _rare_values(self) -> dict:
        """Filter values with few or no cases, read from the data (the lists must be fast for those too)."""
        teams = dict.fromkeys(Team.objects.filter(is_active=True).values_list("pk", flat=True), 0)
        for row in (
            Case.objects.filter(proposed_team__in=teams).values("proposed_team").annotate(n=Count("pk"))
        ):
            teams[row["proposed_team"]] += row["n"]
        for row in (
            Handoff.objects.filter(team__in=teams).values("team").annotate(n=Count("case", distinct=True))
        ):
            teams[row["team"]] += row["n"]
        topics = dict.fromkeys(Topic.objects.filter(is_active=True).values_list("pk", flat=True), 0)
        for row in Case.objects.filter(topic__in=topics).values("topic").annotate(n=Count("pk")):
            topics[row["topic"]] = row["n"]
        channels = {value: Case.objects.filter(channel=value).count() for value in Channel.values}
        owners = [u.pk for u in staff_users() if not Case.objects.filter(owner=u).exists()]
        latest = Case.objects.exclude(subject="").order_by("-pk").first()
        words = sorted((latest.subject if latest else "vergunning").split(), key=len)
        return {
            "team_none": self._fewest(teams, none=True),
            "team_few": self._fewest(teams, none=False),
            "topic_none": self._fewest(topics, none=True),
            "topic_few": self._fewest(topics, none=False),
            "channel_few": self._fewest(channels, none=False),
            "owner_none": owners[0] if owners else "",
            "word": words[-1] if words else "vergunning",
        }

    def _measure(self, runs: int, only: str):
        coordinator, member, team_id = self._users()
        rare = self._rare_values()
        staff = Client()
        staff.force_login(coordinator)
        latest = Case.objects.filter(company__isnull=False).select_related("company").order_by("-pk").first()
        waiting = Case.objects.filter(status="waiting_department").order_by("-pk").first() or latest
        first_page = staff.get("/zaken/").content.decode()
        # As a gunicorn worker does after start-up (config/wsgi.py): what is loaded now stays out of the full
        # garbage collections that run during the measured requests.
        gc.collect()
        gc.freeze()
        pages = [
            ("/zaken/", "/zaken/"),
            ("status wacht op afdeling", "/zaken/?status=waiting_department"),
            ("status nieuw+in behandeling", "/zaken/?status=new&status=in_progress"),
            ("team", f"/zaken/?team={team_id}"),
            ("onderwerp", f"/zaken/?topic={latest.topic_id or ''}"),
            ("accountmanager", f"/zaken/?owner={latest.owner_id or ''}"),
            ("kanaal balie", "/zaken/?channel=counter"),
            ("over de termijn", "/zaken/?overdue=true"),
            ("wacht op triage", "/zaken/?triage=true"),
            ("vraagt aandacht", "/zaken/?aandacht=1"),
            ("zoek 'terras'", "/zaken/?q=terras"),
            ("zoek bedrijfsnaam", f"/zaken/?q={latest.company.name.replace(' ', '+')}"),
            ("zoek kenmerk", f"/zaken/?q={latest.reference}"),
            ("status+team+termijn", f"/zaken/?status=waiting_department&team={team_id}&sort=deadline"),
            # Rare and empty values: an index in the page's order must not be walked to its end for them.
            ("team zonder zaken", f"/zaken/?team={rare['team_none']}"),
            ("team weinig zaken", f"/zaken/?team={rare['team_few']}"),
            ("team zonder zaken + termijn", f"/zaken/?status=new&team={rare['team_none']}&sort=deadline"),
            ("onderwerp zonder zaken", f"/zaken/?topic={rare['topic_none']}"),
            ("onderwerp zeldzaam", f"/zaken/?topic={rare['topic_few']}&sort=status"),
            ("eigenaar zonder zaken", f"/zaken/?owner={rare['owner_none']}&sort=reference"),
            ("kanaal zeldzaam", f"/zaken/?channel={rare['channel_few']}"),
            ("kanaal zeldzaam + termijn", f"/zaken/?channel={rare['channel_few']}&sort=deadline"),
            ("kanaal zeldzaam laatste", f"/zaken/?channel={rare['channel_few']}&sort=status&laatste=1"),
            ("zoek zonder treffers", "/zaken/?q=xqzwvjk"),
            ("zoek zonder treffers + termijn", "/zaken/?q=xqzwvjk&sort=-deadline"),
            ("zoek veel treffers", f"/zaken/?q={rare['word']}&sort=reference"),
            ("triage + termijn", "/zaken/?triage=true&sort=deadline"),
            ("triage + status", "/zaken/?triage=true&sort=-status"),
            ("aandacht + status", "/zaken/?aandacht=1&sort=status"),
            ("sort termijn", "/zaken/?sort=deadline"),
            ("sort -termijn", "/zaken/?sort=-deadline"),
            ("sort status", "/zaken/?sort=status"),
            ("sort kenmerk", "/zaken/?sort=reference"),
            ("sort ontvangen", "/zaken/?sort=created"),
            ("volgende pagina", self._link(first_page, ("Volgende", "Next")) or "/zaken/?page=2"),
            ("laatste pagina", self._link(first_page, ("Laatste", "Last")) or self._last_page_url()),
            ("vraag (zaakpagina)", f"/zaken/{waiting.pk}/"),
            ("termijnenoverzicht", "/bewaking/termijnen/"),
            ("terugbelverzoeken", "/bewaking/terugbellen/"),
            ("bedrijven", "/bedrijven/"),
            ("kennisbank", "/kennisbank/"),
        ]
        for name, url in pages:
            if only and only not in name:
                continue
            yield self._time(name, url, staff, runs)
        if member and (not only or only in "inbox afdeling"):
            department = Client()
            department.force_login(member)
            yield self._time("inbox afdeling", "/uitzettingen/", department, runs)
        if not only or only in "tellers":
            yield self._time_counts(coordinator, runs)

    @staticmethod
    def _link(html: str, labels: tuple[str, ...]) -> str | None:
        for label in labels:
            match = re.search(r'href="(\?[^"]*)"[^>]*>\s*' + label, html)
            if match:
                return "/zaken/" + unescape(match.group(1))
        return None

    @staticmethod
    def _last_page_url() -> str:
        return f"/zaken/?page={math.ceil(Case.objects.count() / 25)}"

    def _time(self, name: str, url: str, client: Client, runs: int):
        client.get(url)  # warm-up
        seconds = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                seconds.append(time.perf_counter() - started)
        return name, url, seconds, len(queries), response.status_code

    def _time_counts(self, user, runs: int):
        try:
            from casework.views import dashboard_counts
        except ImportError:  # before issue 13: the view's own call

            def dashboard_counts(user):
                from django.db.models import Q

                from intake.selectors import case_counts
                from routing.selectors import case_attention

                return case_counts(user, extra={"attention": Q(case_attention())})

        from teams.access import roles_for

        roles_for(user)
        dashboard_counts(user)
        seconds = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                dashboard_counts(user)
                seconds.append(time.perf_counter() - started)
        return "tellers (alleen de telling)", "", seconds, len(queries), 200

    def _report(self, rows, runs: int) -> None:
        header = f"{'pagina':30} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  {'status':>6}"
        self.stdout.write("")
        self.stdout.write(
            f"Dashboard: {connection.vendor} {connection.settings_dict['NAME']}, "
            f"{Case.objects.count():,} vragen, {runs} metingen per pagina"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name, _url, seconds, queries, status in rows:
            self.stdout.write(
                f"{name:30} {statistics.median(seconds) * 1000:>8.0f} {_percentile(seconds, 0.95) * 1000:>8.0f} "
                f"{queries:>8}  {status:>6}"
            )
