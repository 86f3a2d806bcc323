"""Reads of the KCC: the weekly report of calls by outcome."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from followup.figures import callback_counts
from followup.models import CallbackRequest
from intake.models import Channel
from knowledge.models import KnowledgeGap

from .models import KccCall

# ----------------------------------------------------------------------------------------------------------
# The KCC report (reads)


@dataclass
class WeekRow:
    week: date
    calls: int = 0
    counter: int = 0  # of which counter visits (the rest are phone calls)
    answered: int = 0
    transferred: int = 0
    callbacks: int = 0
    regie: int = 0
    could_not_answer: int = 0
    transfers_per_team: dict[str, int] | None = None
    gaps: int = 0
    callbacks_due: int = 0
    callbacks_on_time: int = 0

    @property
    def first_contact_rate(self) -> float | None:
        return self.answered / self.calls if self.calls else None

    @property
    def callbacks_on_time_rate(self) -> float | None:
        return self.callbacks_on_time / self.callbacks_due if self.callbacks_due else None

    def bar_segments(self, scale: int) -> list[tuple[str, int, float, float]]:
        """(outcome, count, x, width), x and width in % of the busiest week, for the report's SVG bar chart."""
        outcomes = (
            ("answered", self.answered),
            ("transferred", self.transferred),
            ("callbacks", self.callbacks),
            ("regie", self.regie),
        )
        segments, x = [], 0.0
        for name, count in outcomes:
            width = 100 * count / scale if scale else 0.0
            segments.append((name, count, x, width))
            x += width
        return segments


def call_counts() -> dict:
    """The one definition of the KCC's outcome counts; first-contact resolution is `answered` / `calls`."""
    return {
        "calls": Count("pk"),
        "answered": Count("pk", filter=Q(outcome=KccCall.Outcome.ANSWERED)),
        "transferred": Count("pk", filter=Q(outcome=KccCall.Outcome.TRANSFERRED)),
        "callbacks": Count("pk", filter=Q(outcome=KccCall.Outcome.CALLBACK)),
        "regie": Count("pk", filter=Q(outcome=KccCall.Outcome.REGIE)),
        "could_not_answer": Count("pk", filter=Q(could_not_answer=True)),
    }


def daily_call_counts(start: datetime, end: datetime) -> list[dict]:
    """Calls in [start, end) per team and topic with `call_counts()`: the KCC's daily source for the figures
    (registered in kcc.apps, read by reports.aggregate)."""
    return list(
        KccCall.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("team_id", "topic_id")
        .annotate(**call_counts())
        .order_by()
    )


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def kcc_weekly_calls(*, weeks: int = 8, today: date | None = None) -> list[WeekRow]:
    """Calls, outcomes and transfers per team per ISO week: two grouped queries, whatever the volume."""
    today = today or timezone.localdate()
    first = week_start(today) - timedelta(weeks=weeks - 1)
    rows = {first + timedelta(weeks=i): WeekRow(week=first + timedelta(weeks=i)) for i in range(weeks)}
    calls = KccCall.objects.filter(created_at__date__gte=first).annotate(week=TruncWeek("created_at"))
    counter = Count("pk", filter=Q(channel=Channel.COUNTER))
    for row in calls.values("week").annotate(**call_counts(), counter=counter):
        target = rows.get(_as_date(row["week"]))
        if target:
            for key in (
                "calls",
                "counter",
                "answered",
                "transferred",
                "callbacks",
                "regie",
                "could_not_answer",
            ):
                setattr(target, key, row[key])
    for row in (
        calls.filter(outcome=KccCall.Outcome.TRANSFERRED)
        .values("week", "team__name")
        .annotate(count=Count("pk"))
        .order_by("team__name")
    ):
        target = rows.get(_as_date(row["week"]))
        if target:
            target.transfers_per_team = (target.transfers_per_team or {}) | {
                row["team__name"] or "-": row["count"]
            }
    return [rows[w] for w in sorted(rows, reverse=True)]


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def callbacks_on_time_per_week(first_day) -> dict:
    """Callbacks due per week and how many were done before their deadline: one grouped query."""
    now = timezone.now()
    rows = (
        CallbackRequest.objects.filter(due_at__date__gte=first_day, due_at__lte=now)
        .annotate(week=TruncWeek("due_at"))
        .values("week")
        .annotate(**callback_counts())
    )
    return {_as_date(row["week"]): row for row in rows}


def gaps_per_week(first_day) -> dict:
    rows = (
        KnowledgeGap.objects.filter(created_at__date__gte=first_day)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(count=Count("pk"))
    )
    return {_as_date(row["week"]): row["count"] for row in rows}


def kcc_report_weeks(*, weeks: int = 8) -> list[WeekRow]:
    """The weekly rows of the KCC report with callbacks on time and knowledge gaps filled in."""
    rows = kcc_weekly_calls(weeks=weeks)
    first = rows[-1].week
    callbacks = callbacks_on_time_per_week(first)
    gaps = gaps_per_week(first)
    for row in rows:
        row.gaps = gaps.get(row.week, 0)
        stats = callbacks.get(row.week)
        if stats:
            row.callbacks_due, row.callbacks_on_time = stats["due"], stats["on_time"]
    return rows
