"""Time every dashboard query at scale: p50 and p95 per query over periods (week to three years) and filters.

With a large database (one seeded by a `seed_scale` command, at least --min-cases cases) it measures that
database, computing any missing aggregates first. Otherwise it measures a throwaway database (a temporary SQLite
file, or a test database on PostgreSQL) filled directly with three years of aggregates: every day x topic (each
with its team) x channel, with an account manager per row, as many questions as 1,000,000 cases would give.
"""

import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import get_commands
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection
from django.utils import timezone

from intake.models import Case, Channel
from reports.aggregate import catch_up, rollup_month
from reports.models import (
    AGE_FIELDS,
    LEAD_FIELDS,
    ComputedDay,
    DailyFigure,
    HandoffFigure,
    KccFigure,
    MonthlyFigure,
)
from reports.selectors import (
    QUERIES,
    Filters,
    Period,
    build_dashboard,
    dashboard_cache_key,
    period_for,
)
from teams.models import Team, Topic


class Command(BaseCommand):
    help = "Meet de snelheid van het cijferdashboard (p50/p95 per query) op 1.000.000 vragen."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1_000_000)
        parser.add_argument("--min-cases", type=int, default=900_000)
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument("--seed", type=int, default=17)

    def handle(self, *args, **options):
        has_seed_scale = "seed_scale" in get_commands()
        try:
            cases = Case.objects.count()
        except DatabaseError:  # a database without tables yet
            cases = 0
        if cases >= options["min_cases"]:
            self.stdout.write(
                f"Meting op de eigen database: {cases:,} vragen (seed_scale: {has_seed_scale})."
            )
            catch_up()
            self._measure(options)
            return
        self.stdout.write(
            f"Geen database met {options['min_cases']:,}+ vragen (nu {cases:,}; seed_scale "
            f"{'aanwezig' if has_seed_scale else 'niet aanwezig'}): meting op een wegwerpdatabase met "
            "rechtstreeks gevulde dagcijfers."
        )
        old_name = connection.settings_dict["NAME"]
        tmp = None
        if (
            connection.vendor == "sqlite"
        ):  # a file, as in use: an in-memory database would flatter the figures
            handle, tmp = tempfile.mkstemp(suffix=".sqlite3")
            os.close(handle)
            connection.settings_dict.setdefault("TEST", {})["NAME"] = tmp
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            self._seed(options)
            self._measure(options)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            if tmp:
                Path(tmp).unlink(missing_ok=True)

    def _seed(self, options):
        rng = random.Random(options["seed"])
        started = time.perf_counter()
        teams = [
            Team.objects.create(slug=f"afdeling-{i}", name=f"Afdeling {i}", kind=Team.Kind.DEPARTMENT)
            for i in range(9)
        ]
        topics = [
            Topic.objects.create(slug=f"onderwerp-{i}", name=f"Onderwerp {i}", team=teams[i % len(teams)])
            for i in range(30)
        ]
        users = [get_user_model().objects.create(username=f"accountmanager{i}") for i in range(5)]
        channels = [value for value, _label in Channel.choices]
        last = timezone.localdate() - timedelta(days=1)
        days = [last - timedelta(days=i) for i in range(3 * 365)]
        per_row = options["cases"] / (len(days) * len(topics) * len(channels))
        batch, total = [], 0
        for day in days:
            for topic in topics:
                for channel in channels:
                    received = max(int(rng.gauss(per_row, per_row / 2)), 0)
                    total += received
                    closed = received
                    answered = int(closed * 0.7)
                    referred = int(closed * 0.2)
                    with_deadline = answered + referred
                    row = DailyFigure(
                        day=day,
                        team_id=topic.team_id,
                        topic=topic,
                        channel=channel,
                        account_manager=rng.choice(users),
                        received=received,
                        answered=answered,
                        referred=referred,
                        cancelled=closed - answered - referred,
                        with_deadline=with_deadline,
                        on_time=int(with_deadline * 0.85),
                        reopened=rng.random() < 0.05,
                        ratings=1,
                        score_sum=4,
                        score_4=1,
                        open_cases=received,
                        open_overdue=received // 5,
                    )
                    for _ in range(with_deadline):
                        name = LEAD_FIELDS[min(int(rng.expovariate(1 / 6)), len(LEAD_FIELDS) - 1)]
                        setattr(row, name, getattr(row, name) + 1)
                    setattr(row, rng.choice(AGE_FIELDS), received)
                    batch.append(row)
                    if len(batch) >= 5000:
                        DailyFigure.objects.bulk_create(batch)
                        batch = []
        DailyFigure.objects.bulk_create(batch)
        HandoffFigure.objects.bulk_create(
            (
                HandoffFigure(
                    day=day,
                    team_id=topic.team_id,
                    topic=topic,
                    channel="web",
                    handed_off=3,
                    answered=3,
                    on_time=2,
                )
                for day in days
                for topic in topics
            ),
            batch_size=5000,
        )
        KccFigure.objects.bulk_create(
            (
                KccFigure(
                    day=day, team_id=topic.team_id, topic=topic, calls=5, answered=4, transferred=1, gaps=1
                )
                for day in days
                for topic in topics
            ),
            batch_size=5000,
        )
        for month in sorted({day.replace(day=1) for day in days}):
            rollup_month(month)
        now = timezone.now()
        ComputedDay.objects.bulk_create(ComputedDay(day=day, computed_at=now) for day in days)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"Gevuld: {DailyFigure.objects.count():,} dagcijferregels ({MonthlyFigure.objects.count():,} maandregels) voor {total:,} vragen over {len(days)} dagen "
            f"({len(teams)} teams, {len(topics)} onderwerpen, {len(channels)} kanalen) in "
            f"{time.perf_counter() - started:.0f} s."
        )

    def _measure(self, options):
        last = ComputedDay.objects.order_by("-day").values_list("day", flat=True).first() or date.today()
        periods = [
            period_for("week", last),
            period_for("month", last),
            period_for("quarter", last),
            Period("custom", last - timedelta(days=364), last),
            Period("custom", last - timedelta(days=3 * 365 - 1), last),
        ]
        figure = DailyFigure.objects.exclude(topic=None).exclude(account_manager=None).first()
        filters = [Filters()]
        if figure:
            filters += [
                Filters(team_id=figure.team_id),
                Filters(topic_id=figure.topic_id),
                Filters(channel=figure.channel),
                Filters(account_manager_id=figure.account_manager_id),
                Filters(team_id=figure.team_id, channel=figure.channel),
            ]
        timings: dict[str, list[float]] = {
            name: [] for name in [*QUERIES, "dashboard (alles)", "dashboard (koud)", "dashboard (warm)"]
        }
        for _ in range(options["repeat"]):
            for period in periods:
                for chosen in filters:
                    for name, query in QUERIES.items():
                        started = time.perf_counter()
                        query(period, chosen)
                        timings[name].append(1000 * (time.perf_counter() - started))
                    started = time.perf_counter()
                    build_dashboard(period, chosen, use_cache=False)
                    timings["dashboard (alles)"].append(1000 * (time.perf_counter() - started))
                    # First request after the nightly computation (this key not cached yet), then a repeat.
                    key = dashboard_cache_key(period, chosen)
                    if key:
                        cache.delete(key)
                    for name in ("dashboard (koud)", "dashboard (warm)"):
                        started = time.perf_counter()
                        build_dashboard(period, chosen)
                        timings[name].append(1000 * (time.perf_counter() - started))
        engine = connection.vendor
        self.stdout.write(
            f"\n{engine}, {len(periods)} perioden (week, maand, kwartaal, jaar, 3 jaar) x {len(filters)} filters "
            f"x {options['repeat']} herhalingen\n"
        )
        self.stdout.write(f"{'query':<22} {'p50 (ms)':>9} {'p95 (ms)':>9} {'max (ms)':>9}")
        for name, values in timings.items():
            values.sort()
            p95 = (
                values[max(int(0.95 * len(values)) - 1, 0)]
                if len(values) < 20
                else statistics.quantiles(values, n=20)[-1]
            )
            self.stdout.write(f"{name:<22} {statistics.median(values):>9.1f} {p95:>9.1f} {values[-1]:>9.1f}")
