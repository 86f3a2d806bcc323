"""Reads of the figures: every dashboard query reads the daily aggregates (reports.models), never the cases.

Definitions, in words:
- received: questions that came in during the period, per channel;
- answered / referred / cancelled: questions closed in the period with that outcome (and still closed);
- on time: answered or referred on or before the deadline, in working days; the deadline already moved on for
  the days the clock stood still while the case waited on the entrepreneur;
- lead time: working days from coming in to closing; median and p90 by the nearest-rank method;
- open work: the questions open at the end of the period's last computed day, by age in working days;
- reopen rate: reopenings in the period / questions closed in the period;
- KCC: first-contact resolution and callbacks on time exactly as the KCC report counts them (kcc.selectors,
  followup.figures).
"""

from __future__ import annotations

import calendar as calendar_module
import hashlib
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import Channel
from teams.models import Team, Topic
from teams.selectors import display_name

from .models import (
    AGE_FIELDS,
    LEAD_BUCKETS,
    LEAD_FIELDS,
    SCORE_FIELDS,
    ComputedDay,
    DailyFigure,
    HandoffFigure,
    KccFigure,
    MonthlyFigure,
)

PERIOD_KINDS = {
    "week": _("Week"),
    "month": _("Maand"),
    "quarter": _("Kwartaal"),
    "custom": _("Zelf gekozen periode"),
}
AGE_LABELS = [_("0–5 werkdagen"), _("6–10 werkdagen"), _("11–20 werkdagen"), _("meer dan 20 werkdagen")]

# ------------------------------------------------------------------------------------------------------------
# Periods and filters


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        if self.kind == "month":
            end = self.start - timedelta(days=1)
            return Period("month", end.replace(day=1), end)
        if self.kind == "quarter":
            end = self.start - timedelta(days=1)
            return quarter_of(end)
        return Period(self.kind, self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def q(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}day__gte": self.start, f"{prefix}day__lte": self.end})


def quarter_of(day: date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    last_month = first_month + 2
    end = date(day.year, last_month, calendar_module.monthrange(day.year, last_month)[1])
    return Period("quarter", start, end)


def period_for(kind: str, anchor: date, start: date | None = None, end: date | None = None) -> Period:
    if kind == "week":
        first = anchor - timedelta(days=anchor.weekday())
        return Period("week", first, first + timedelta(days=6))
    if kind == "quarter":
        return quarter_of(anchor)
    if kind == "custom" and start and end:
        return Period("custom", min(start, end), max(start, end))
    first = anchor.replace(day=1)
    return Period("month", first, first.replace(day=calendar_module.monthrange(anchor.year, anchor.month)[1]))


@dataclass(frozen=True)
class Filters:
    team_id: int | None = None
    topic_id: int | None = None
    channel: str = ""
    account_manager_id: int | None = None

    def case_q(self) -> Q:
        q = Q()
        if self.team_id:
            q &= Q(team_id=self.team_id)
        if self.topic_id:
            q &= Q(topic_id=self.topic_id)
        if self.channel:
            q &= Q(channel=self.channel)
        if self.account_manager_id:
            q &= Q(account_manager_id=self.account_manager_id)
        return q

    def kcc_q(self) -> Q:
        """KCC calls have no channel (the phone) and no account manager: only team and topic apply."""
        q = Q()
        if self.team_id:
            q &= Q(team_id=self.team_id)
        if self.topic_id:
            q &= Q(topic_id=self.topic_id)
        return q

    @property
    def kcc_applies(self) -> bool:
        return not (self.channel or self.account_manager_id)


# ------------------------------------------------------------------------------------------------------------
# Arithmetic


def rate(part: int | None, whole: int | None) -> float | None:
    return 100 * part / whole if whole else None


def percentile(histogram: list[int], p: float) -> int | None:
    """Nearest rank: the smallest value with at least p% of the observations at or below it."""
    total = sum(histogram)
    if not total:
        return None
    rank = max(math.ceil(p / 100 * total), 1)
    running = 0
    for value, count in enumerate(histogram):
        running += count
        if running >= rank:
            return value
    return len(histogram) - 1


def _unpack(row: dict) -> dict:
    """`cur_x` becomes `x` (an aggregate may not carry the name of a column)."""
    return {(key[4:] if key.startswith("cur_") else key): value for key, value in row.items()}


def _month_end(first: date) -> date:
    return first.replace(day=calendar_module.monthrange(first.year, first.month)[1])


def _split(period: Period) -> tuple[Q | None, Q | None]:
    """(DailyFigure rows, MonthlyFigure rows) that together cover the period exactly: whole months from the
    monthly rollup, the days at the edges from the daily figures."""
    first = period.start if period.start.day == 1 else _month_end(period.start) + timedelta(days=1)
    months = []
    while _month_end(first) <= period.end:
        months.append(first)
        first = _month_end(first) + timedelta(days=1)
    if not months:
        return Q(day__gte=period.start, day__lte=period.end), None
    edges = Q()
    if period.start < months[0]:
        edges |= Q(day__gte=period.start, day__lt=months[0])
    if _month_end(months[-1]) < period.end:
        edges |= Q(day__gt=_month_end(months[-1]), day__lte=period.end)
    return (edges if edges else None), Q(day__gte=months[0], day__lte=months[-1])


def _case_sums(
    names, filters: Filters, period: Period, *, previous: bool, group: str | None = None
) -> list[dict]:
    """Sums of case figures for the period (and, with `previous`, `prev_<name>` for the period before), per
    `group` value. Each scope is a plain SUM over an index range: the days at the edges from DailyFigure and the
    whole months from MonthlyFigure, so a three-year period reads about 36 x combinations rows, not 1,095 x."""
    scopes = {"cur": _split(period)}
    if previous:
        scopes["prev"] = _split(period.previous())
    merged: dict = {}
    for tag, pair in scopes.items():
        for model, scope in zip((DailyFigure, MonthlyFigure), pair, strict=True):
            if scope is None:
                continue
            aggregates = {f"{tag}_{name}": Sum(name, default=0) for name in names}
            queryset = model.objects.filter(scope, filters.case_q())
            rows = (
                queryset.values(group).annotate(**aggregates).order_by()
                if group
                else [queryset.aggregate(**aggregates)]
            )
            for row in rows:
                key = row.get(group) if group else None
                target = merged.setdefault(key, {group: key} if group else {})
                for name, value in row.items():
                    if name != group:
                        target[name] = target.get(name, 0) + (value or 0)
    out = []
    for row in merged.values() or ([{}] if not group else []):
        for tag in scopes:
            for name in names:
                row.setdefault(f"{tag}_{name}", 0)
        out.append(_unpack(row))
    return out


def _sums(names, period: Period, previous: Period | None = None) -> dict:
    out = {f"cur_{name}": Sum(name, filter=period.q(), default=0) for name in names}
    if previous is not None:
        out |= {f"prev_{name}": Sum(name, filter=previous.q(), default=0) for name in names}
    return out


def _both(period: Period) -> Q:
    previous = period.previous()
    return Q(day__gte=previous.start, day__lte=period.end)


# ------------------------------------------------------------------------------------------------------------
# The dashboard queries (reports_benchmark times each one)

TOTAL_FIELDS = [
    "received",
    "answered",
    "referred",
    "cancelled",
    "first_contact",
    "with_deadline",
    "on_time",
    "reopened",
    "ratings",
    "score_sum",
    "low_ratings",
    "low_reopened",
    *SCORE_FIELDS,
]
KCC_FIELDS = [
    "calls",
    "answered",
    "transferred",
    "callbacks",
    "regie",
    "could_not_answer",
    "callbacks_due",
    "callbacks_on_time",
    "gaps",
]


def totals(period: Period, filters: Filters) -> dict:
    """The period's case totals and the previous period's (prefix `prev_`): one query."""
    return _case_sums(TOTAL_FIELDS, filters, period, previous=True)[0]


def per_channel(period: Period, filters: Filters) -> list[dict]:
    rows = _case_sums(["received"], filters, period, previous=True, group="channel")
    found = {row["channel"]: row for row in rows}
    return [
        {
            "key": value,
            "label": str(label),
            "current": found.get(value, {}).get("received", 0),
            "previous": found.get(value, {}).get("prev_received", 0),
        }
        for value, label in Channel.choices
        if value in found or not filters.channel
    ]


def _grouped(period: Period, filters: Filters, dimension: str) -> list[dict]:
    names = ["received", "answered", "referred", "with_deadline", "on_time", *LEAD_FIELDS]
    rows = _case_sums(names, filters, period, previous=False, group=dimension)
    previous = {
        row[dimension]: row["received"]
        for row in _case_sums(["received"], filters, period.previous(), previous=False, group=dimension)
    }
    out = []
    for row in rows:
        row["prev_received"] = previous.get(row[dimension], 0)
        histogram = [row[name] for name in LEAD_FIELDS]
        out.append(
            {
                "id": row[dimension],
                "received": row["received"],
                "prev_received": row["prev_received"],
                "closed": row["answered"] + row["referred"],
                "with_deadline": row["with_deadline"],
                "on_time": row["on_time"],
                "on_time_rate": rate(row["on_time"], row["with_deadline"]),
                "median": percentile(histogram, 50),
                "p90": percentile(histogram, 90),
            }
        )
    return out


def per_team(period: Period, filters: Filters) -> list[dict]:
    """Per handling team: received, closed, on time and lead time (median, p90)."""
    return _grouped(period, filters, "team_id")


def per_topic(period: Period, filters: Filters) -> list[dict]:
    """Per topic: the same, plus the previous period's count for rising topics."""
    return _grouped(period, filters, "topic_id")


def snapshot_day(period: Period) -> date | None:
    """The last computed day within the period: the open work at the end of it."""
    return ComputedDay.objects.filter(day__gte=period.start, day__lte=period.end).aggregate(last=Max("day"))[
        "last"
    ]


def backlog(period: Period, filters: Filters) -> dict:
    day = snapshot_day(period)
    names = ["open_cases", "open_overdue", "open_waiting", *AGE_FIELDS]
    if day is None:
        return {"day": None} | dict.fromkeys(names, 0)
    sums = DailyFigure.objects.filter(filters.case_q(), day=day).aggregate(
        **{f"cur_{name}": Sum(name, default=0) for name in names}
    )
    return {"day": day} | _unpack(sums)


def handoffs_per_team(period: Period, filters: Filters) -> list[dict]:
    rows = (
        HandoffFigure.objects.filter(period.q(), filters.case_q())
        .values("team_id")
        .annotate(
            **{f"cur_{n}": Sum(n, default=0) for n in ("handed_off", "answered", "on_time", "returned")}
        )
        .order_by()
    )
    return [row | {"on_time_rate": rate(row["on_time"], row["answered"])} for row in map(_unpack, rows)]


def kcc_totals(period: Period, filters: Filters) -> dict:
    if not filters.kcc_applies:
        return {}
    return _unpack(
        KccFigure.objects.filter(_both(period), filters.kcc_q()).aggregate(
            **_sums(KCC_FIELDS, period, period.previous())
        )
    )


def gaps_per_topic(period: Period, filters: Filters) -> list[dict]:
    if not filters.kcc_applies:
        return []
    return list(
        KccFigure.objects.filter(period.q(), filters.kcc_q(), gaps__gt=0)
        .values("topic_id")
        .annotate(total=Sum("gaps"))
        .order_by("-total")[:10]
    )


# ------------------------------------------------------------------------------------------------------------
# The case figures of the whole dashboard in one grouped pass


CASE_GROUP = ("channel", "team_id", "topic_id")


def _case_groups(names, filters: Filters, period: Period) -> dict[tuple, dict]:
    """Sums of `names` over the period per (channel, team, topic): one grouped query over the days at the edges
    and one over the whole months. Every per-channel, per-team and per-topic table (and the totals) is a sum of
    these groups, so the dashboard reads the figures once per period instead of once per table."""
    merged: dict[tuple, dict] = {}
    for model, scope in zip((DailyFigure, MonthlyFigure), _split(period), strict=True):
        if scope is None:
            continue
        rows = (
            model.objects.filter(scope, filters.case_q())
            .values(*CASE_GROUP)
            .annotate(**{f"cur_{name}": Sum(name, default=0) for name in names})
            .order_by()
        )
        for row in rows:
            target = merged.setdefault(tuple(row[d] for d in CASE_GROUP), dict.fromkeys(names, 0))
            for name in names:
                target[name] += row[f"cur_{name}"] or 0
    return merged


def _add_up(groups: dict[tuple, dict], names, dimension: str | None = None) -> dict:
    """The groups summed per `dimension` value (or all together under None)."""
    index = CASE_GROUP.index(dimension) if dimension else None
    out: dict = {}
    for key, values in groups.items():
        target = out.setdefault(key[index] if dimension else None, dict.fromkeys(names, 0))
        for name in names:
            target[name] += values[name]
    return out


def _grouped_rows(current: dict, previous: dict) -> list[dict]:
    out = []
    for value, row in current.items():
        histogram = [row[name] for name in LEAD_FIELDS]
        out.append(
            {
                "id": value,
                "received": row["received"],
                "prev_received": previous.get(value, {}).get("received", 0),
                "closed": row["answered"] + row["referred"],
                "with_deadline": row["with_deadline"],
                "on_time": row["on_time"],
                "on_time_rate": rate(row["on_time"], row["with_deadline"]),
                "median": percentile(histogram, 50),
                "p90": percentile(histogram, 90),
            }
        )
    return out


def case_figures(period: Period, filters: Filters) -> dict:
    """What totals, per_channel, per_team and per_topic return, from one grouped pass over the period and one
    over the previous period (the same sums, added up in Python: integers, so exactly the same figures)."""
    current = _case_groups([*TOTAL_FIELDS, *LEAD_FIELDS], filters, period)
    previous = _case_groups(TOTAL_FIELDS, filters, period.previous())
    total = _add_up(current, TOTAL_FIELDS).get(None, dict.fromkeys(TOTAL_FIELDS, 0))
    prev_total = _add_up(previous, TOTAL_FIELDS).get(None, dict.fromkeys(TOTAL_FIELDS, 0))
    totals_row = {name: total[name] for name in TOTAL_FIELDS} | {
        f"prev_{name}": prev_total[name] for name in TOTAL_FIELDS
    }
    channel_now = _add_up(current, ["received"], "channel")
    channel_before = _add_up(previous, ["received"], "channel")
    channels = [
        {
            "key": value,
            "label": str(label),
            "current": channel_now.get(value, {}).get("received", 0),
            "previous": channel_before.get(value, {}).get("received", 0),
        }
        for value, label in Channel.choices
        if value in channel_now or value in channel_before or not filters.channel
    ]
    grouped = {}
    for dimension in ("team_id", "topic_id"):
        grouped[dimension] = _grouped_rows(
            _add_up(
                current,
                ["received", "answered", "referred", "with_deadline", "on_time", *LEAD_FIELDS],
                dimension,
            ),
            _add_up(previous, ["received"], dimension),
        )
    return {
        "totals": totals_row,
        "per_channel": channels,
        "per_team": grouped["team_id"],
        "per_topic": grouped["topic_id"],
    }


QUERIES = {
    "case_figures": case_figures,
    "totals": totals,
    "per_channel": per_channel,
    "per_team": per_team,
    "per_topic": per_topic,
    "backlog": backlog,
    "handoffs_per_team": handoffs_per_team,
    "kcc_totals": kcc_totals,
    "gaps_per_topic": gaps_per_topic,
}

# ------------------------------------------------------------------------------------------------------------
# The dashboard as one object for the page, the exports and the monthly report


@dataclass
class Table:
    """A table of the dashboard: what the page shows beside a chart and what the exports write."""

    key: str
    caption: str
    columns: list[str]
    rows: list[list]  # cells: str, int, float (a percentage or a number) or date; None shows as "–"
    percent_columns: frozenset[int] = frozenset()
    chart: list[tuple[str, float, float | None]] = field(default_factory=list)  # (label, value, previous)
    chart_unit: str = ""


@dataclass
class Dashboard:
    period: Period
    previous: Period
    filters: Filters
    totals: dict
    kcc: dict
    backlog: dict
    tables: dict[str, Table]

    def delta(self, name: str) -> int:
        return self.totals.get(name, 0) - self.totals.get(f"prev_{name}", 0)


def names_of_teams() -> dict[int | None, str]:
    return {None: str(_("geen team"))} | dict(Team.objects.values_list("pk", "name"))


def names_of_topics() -> dict[int | None, str]:
    return {None: str(_("geen onderwerp"))} | dict(Topic.objects.values_list("pk", "name"))


def account_managers() -> list[tuple[int, str]]:
    ids = DailyFigure.objects.exclude(account_manager=None).values("account_manager_id").distinct()
    users = get_user_model().objects.filter(pk__in=ids).order_by("first_name", "last_name", "username")
    return [(user.pk, display_name(user)) for user in users]


def lead_label(days: int | None):
    if days is None:
        return None
    return f"> {LEAD_BUCKETS - 1}" if days >= LEAD_BUCKETS else days


CACHE_SECONDS = 26 * 60 * 60  # a key lives until the nightly computation has replaced it anyway


def dashboard_cache_key(period: Period, filters: Filters) -> str | None:
    """The cache key of the dashboard's figures: the period, the filters and the state of the computed figures
    (the last computed day, the latest computation and the number of days, and the newest daily row), so the
    nightly computation or any recomputed day makes a new key. None without computed days: nothing to key on."""
    stamp = ComputedDay.objects.aggregate(last=Max("day"), at=Max("computed_at"), days=Count("day"))
    if stamp["last"] is None:
        return None
    newest = DailyFigure.objects.aggregate(newest=Max("pk"))["newest"]
    parts = (
        period.kind,
        period.start,
        period.end,
        filters.team_id,
        filters.topic_id,
        filters.channel,
        filters.account_manager_id,
        stamp["last"],
        stamp["at"].isoformat() if stamp["at"] else None,
        stamp["days"],
        newest,
    )
    return "reports:dashboard:v1:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def dashboard_figures(period: Period, filters: Filters, *, use_cache: bool = True) -> dict:
    """Every figure of the dashboard (no names or labels: those are filled in per request, in its language),
    from the cache when the computed figures have not changed since."""
    key = dashboard_cache_key(period, filters) if use_cache else None
    if key is not None:
        figures = cache.get(key)
        if figures is not None:
            return figures
    figures = case_figures(period, filters) | {
        "kcc": kcc_totals(period, filters),
        "handoffs_per_team": handoffs_per_team(period, filters),
        "backlog": backlog(period, filters),
        "gaps_per_topic": gaps_per_topic(period, filters),
    }
    if key is not None:
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def build_dashboard(period: Period, filters: Filters, *, use_cache: bool = True) -> Dashboard:
    teams, topics = names_of_teams(), names_of_topics()
    figures = dashboard_figures(period, filters, use_cache=use_cache)
    total = figures["totals"]
    kcc = figures["kcc"]
    tables: dict[str, Table] = {}

    labels = {value: str(label) for value, label in Channel.choices}
    channels = [c | {"label": labels[c["key"]]} for c in figures["per_channel"]]
    tables["kanalen"] = Table(
        "kanalen",
        str(_("Binnengekomen vragen per kanaal")),
        [str(_("Kanaal")), str(_("Deze periode")), str(_("Vorige periode"))],
        [[c["label"], c["current"], c["previous"]] for c in channels],
        chart=[(c["label"], c["current"], c["previous"]) for c in channels],
    )
    tables["afhandeling"] = Table(
        "afhandeling",
        str(_("Afgehandelde vragen")),
        [str(_("Afhandeling")), str(_("Deze periode")), str(_("Vorige periode"))],
        [
            [str(_("Beantwoord")), total["answered"], total["prev_answered"]],
            [
                str(_("waarvan direct bij eerste contact")),
                total["first_contact"],
                total["prev_first_contact"],
            ],
            [str(_("Doorverwezen")), total["referred"], total["prev_referred"]],
            [str(_("Vervallen")), total["cancelled"], total["prev_cancelled"]],
            [str(_("Heropend")), total["reopened"], total["prev_reopened"]],
        ],
        chart=[
            (str(_("Beantwoord")), total["answered"], total["prev_answered"]),
            (str(_("Doorverwezen")), total["referred"], total["prev_referred"]),
            (str(_("Vervallen")), total["cancelled"], total["prev_cancelled"]),
        ],
    )
    team_rows = sorted(figures["per_team"], key=lambda r: teams.get(r["id"], ""))
    tables["teams"] = Table(
        "teams",
        str(_("Op tijd en doorlooptijd per team")),
        [
            str(_("Team")),
            str(_("Binnengekomen")),
            str(_("Afgehandeld")),
            str(_("Op tijd (%)")),
            str(_("Mediaan (werkdagen)")),
            str(_("90e percentiel (werkdagen)")),
        ],
        [
            [
                teams.get(r["id"], "?"),
                r["received"],
                r["closed"],
                r["on_time_rate"],
                lead_label(r["median"]),
                lead_label(r["p90"]),
            ]
            for r in team_rows
        ],
        percent_columns=frozenset({3}),
        chart=[
            (teams.get(r["id"], "?"), r["on_time_rate"] or 0, None) for r in team_rows if r["with_deadline"]
        ],
        chart_unit="%",
    )
    topic_rows = figures["per_topic"]
    by_volume = sorted(topic_rows, key=lambda r: (-r["received"], topics.get(r["id"], "")))
    tables["onderwerpen"] = Table(
        "onderwerpen",
        str(_("Meest gestelde onderwerpen")),
        [
            str(_("Onderwerp")),
            str(_("Deze periode")),
            str(_("Vorige periode")),
            str(_("Op tijd (%)")),
            str(_("Mediaan (werkdagen)")),
            str(_("90e percentiel (werkdagen)")),
        ],
        [
            [
                topics.get(r["id"], "?"),
                r["received"],
                r["prev_received"],
                r["on_time_rate"],
                lead_label(r["median"]),
                lead_label(r["p90"]),
            ]
            for r in by_volume[:15]
        ],
        percent_columns=frozenset({3}),
        chart=[(topics.get(r["id"], "?"), r["received"], r["prev_received"]) for r in by_volume[:10]],
    )
    rising = sorted(
        (r for r in topic_rows if r["received"] > r["prev_received"]),
        key=lambda r: (-(r["received"] - r["prev_received"]), topics.get(r["id"], "")),
    )[:10]
    tables["stijgers"] = Table(
        "stijgers",
        str(_("Stijgende onderwerpen")),
        [str(_("Onderwerp")), str(_("Deze periode")), str(_("Vorige periode")), str(_("Toename"))],
        [
            [topics.get(r["id"], "?"), r["received"], r["prev_received"], r["received"] - r["prev_received"]]
            for r in rising
        ],
    )
    handoff_rows = sorted(figures["handoffs_per_team"], key=lambda r: teams.get(r["team_id"], ""))
    tables["uitzettingen"] = Table(
        "uitzettingen",
        str(_("Uitzettingen per afdeling")),
        [
            str(_("Afdeling")),
            str(_("Uitgezet")),
            str(_("Beantwoord")),
            str(_("Op tijd (%)")),
            str(_("Teruggestuurd (verkeerd team)")),
        ],
        [
            [teams.get(r["team_id"], "?"), r["handed_off"], r["answered"], r["on_time_rate"], r["returned"]]
            for r in handoff_rows
        ],
        percent_columns=frozenset({3}),
        chart=[
            (teams.get(r["team_id"], "?"), r["on_time_rate"] or 0, None)
            for r in handoff_rows
            if r["answered"]
        ],
        chart_unit="%",
    )
    stock = figures["backlog"]
    tables["werkvoorraad"] = Table(
        "werkvoorraad",
        str(_("Openstaande vragen naar leeftijd")),
        [str(_("Leeftijd")), str(_("Aantal"))],
        [[str(label), stock[name]] for label, name in zip(AGE_LABELS, AGE_FIELDS, strict=True)],
        chart=[(str(label), stock[name], None) for label, name in zip(AGE_LABELS, AGE_FIELDS, strict=True)],
    )
    scores = [total[name] for name in SCORE_FIELDS]
    tables["tevredenheid"] = Table(
        "tevredenheid",
        str(_("Tevredenheid: verdeling van de cijfers")),
        [str(_("Cijfer")), str(_("Deze periode")), str(_("Vorige periode"))],
        [[str(i + 1), scores[i], total[f"prev_{SCORE_FIELDS[i]}"]] for i in range(5)],
        chart=[(str(i + 1), scores[i], total[f"prev_{SCORE_FIELDS[i]}"]) for i in range(5)],
    )
    if kcc:
        tables["kcc"] = Table(
            "kcc",
            str(_("KCC")),
            [str(_("Cijfer")), str(_("Deze periode")), str(_("Vorige periode"))],
            [
                [str(_("Gesprekken")), kcc["calls"], kcc["prev_calls"]],
                [
                    str(_("Direct beantwoord (%)")),
                    rate(kcc["answered"], kcc["calls"]),
                    rate(kcc["prev_answered"], kcc["prev_calls"]),
                ],
                [str(_("Doorverbonden")), kcc["transferred"], kcc["prev_transferred"]],
                [str(_("Terugbelverzoeken")), kcc["callbacks"], kcc["prev_callbacks"]],
                [
                    str(_("Terugbellen op tijd (%)")),
                    rate(kcc["callbacks_on_time"], kcc["callbacks_due"]),
                    rate(kcc["prev_callbacks_on_time"], kcc["prev_callbacks_due"]),
                ],
                [str(_("Kennishiaten")), kcc["gaps"], kcc["prev_gaps"]],
            ],
            percent_columns=frozenset({1, 2}),
        )
        gaps = figures["gaps_per_topic"]
        tables["kennishiaten"] = Table(
            "kennishiaten",
            str(_("Kennishiaten per onderwerp")),
            [str(_("Onderwerp")), str(_("Aantal"))],
            [[topics.get(r["topic_id"], "?"), r["total"]] for r in gaps],
        )
    return Dashboard(period, period.previous(), filters, total, kcc, stock, tables)


def summary(dashboard: Dashboard) -> dict:
    """The headline figures in words and numbers (the dashboard's top, the results page, the monthly report)."""
    t, k = dashboard.totals, dashboard.kcc
    closed = t["answered"] + t["referred"] + t["cancelled"]
    prev_closed = t["prev_answered"] + t["prev_referred"] + t["prev_cancelled"]
    return {
        "received": t["received"],
        "prev_received": t["prev_received"],
        "closed": closed,
        "prev_closed": prev_closed,
        "on_time_rate": rate(t["on_time"], t["with_deadline"]),
        "prev_on_time_rate": rate(t["prev_on_time"], t["prev_with_deadline"]),
        "reopen_rate": rate(t["reopened"], closed),
        "prev_reopen_rate": rate(t["prev_reopened"], prev_closed),
        "rating_average": t["score_sum"] / t["ratings"] if t["ratings"] else None,
        "prev_rating_average": t["prev_score_sum"] / t["prev_ratings"] if t["prev_ratings"] else None,
        "ratings": t["ratings"],
        "low_rate": rate(t["low_ratings"], t["ratings"]),
        "low_ratings": t["low_ratings"],
        "low_reopened": t["low_reopened"],
        "fcr_rate": rate(k.get("answered"), k.get("calls")) if k else None,
        "callbacks_on_time_rate": rate(k.get("callbacks_on_time"), k.get("callbacks_due")) if k else None,
        "open_cases": dashboard.backlog["open_cases"],
        "open_overdue": dashboard.backlog["open_overdue"],
    }


def default_anchor() -> date:
    """Figures run to yesterday: the default period is the one that holds yesterday."""
    return timezone.localdate() - timedelta(days=1)
