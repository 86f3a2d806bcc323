"""Daily aggregates: recompute whole days from cases, hand-offs, ratings and KCC calls, and catch up.

`compute_day(day)` deletes the day's rows and writes them anew in one transaction, so running it twice gives the
same figures (no double counting). `catch_up()` computes every day after the last computed one up to yesterday,
so a night the beat task missed is filled in the next night. The dashboard reads only these rows.

Definitions (docs in reports/selectors.py repeat them for readers):
- closed on a day: the case's `closed_at` falls on that day (local time) and the case is still closed;
- on time: answered or referred on or before its deadline (the deadline already includes the pauses while the
  case waited on the entrepreneur: intake moves it on when the clock resumes);
- lead time: working days (teams.calendar) from the day it came in to the day it was closed;
- open at the end of a day: came in by then and not closed by then; overdue by `intake.workflow.overdue_q`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from followup.figures import callback_counts, daily_source
from followup.models import CallbackRequest, SatisfactionRating
from intake.models import Case, Message, Resolution
from intake.workflow import CLOSED, Status, overdue_q
from knowledge.models import KnowledgeGap
from routing.models import Handoff
from teams.calendar import WorkingCalendar
from teams.deadlines import get_calendar

from .models import (
    AGE_FIELDS,
    AGE_LIMITS,
    COUNT_FIELDS,
    LEAD_BUCKETS,
    ComputedDay,
    DailyFigure,
    HandoffFigure,
    KccFigure,
    MonthlyFigure,
)

LOW_SCORE = 2
CASE_DIMS = ("topic__team_id", "topic_id", "channel", "owner_id")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def lead_field(days: int) -> str:
    return f"lead_{days}" if 0 <= days < LEAD_BUCKETS else "lead_more"


def age_field(days: int) -> str:
    for name, (low, high) in zip(AGE_FIELDS, AGE_LIMITS, strict=True):
        if days >= low and (high is None or days <= high):
            return name
    return AGE_FIELDS[0]


def _key(row: dict, prefix: str = "") -> tuple:
    return tuple(row[prefix + d] for d in CASE_DIMS)


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def compute_day(day: date, *, calendar: WorkingCalendar | None = None, rollup: bool = True) -> None:
    """Recompute every figure of `day` and replace what was stored for it (and its month's rollup)."""
    calendar = calendar or get_calendar()
    start, end = day_bounds(day)
    figures: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))

    for row in (
        Case.objects.filter(created_at__gte=start, created_at__lt=end)
        .values(*CASE_DIMS)
        .annotate(n=Count("pk"))
        .order_by()
    ):
        figures[_key(row)]["received"] += row["n"]

    closed = Case.objects.filter(closed_at__gte=start, closed_at__lt=end, status__in=CLOSED)
    for row in closed.values(*CASE_DIMS, "status", "resolution", "deadline", "created_at", "closed_at"):
        target = figures[_key(row)]
        target[row["status"]] += 1
        if row["resolution"] == Resolution.ANSWERED_FIRST_CONTACT:
            target["first_contact"] += 1
        if row["status"] in (Status.ANSWERED, Status.REFERRED):
            closed_on = _local_date(row["closed_at"])
            if row["deadline"] is not None:
                target["with_deadline"] += 1
                target["on_time"] += closed_on <= row["deadline"]
            lead = calendar.working_days_between(_local_date(row["created_at"]), closed_on)
            target[lead_field(max(lead, 0))] += 1

    reopens = Message.objects.filter(
        kind=Message.Kind.STATUS, created_at__gte=start, created_at__lt=end, data__from__in=list(CLOSED)
    ).exclude(data__to__in=list(CLOSED))
    for row in reopens.values(*(f"case__{d}" for d in CASE_DIMS)).annotate(n=Count("pk")).order_by():
        figures[_key(row, "case__")]["reopened"] += row["n"]

    ratings = SatisfactionRating.objects.filter(created_at__gte=start, created_at__lt=end)
    for row in ratings.values(*(f"case__{d}" for d in CASE_DIMS), "score", "reopened_at"):
        target = figures[_key(row, "case__")]
        target["ratings"] += 1
        target["score_sum"] += row["score"]
        target[f"score_{row['score']}"] += 1
        if row["score"] <= LOW_SCORE:
            target["low_ratings"] += 1
            target["low_reopened"] += row["reopened_at"] is not None

    # What was open at the end of the day, by age in working days (a snapshot, read for one day only).
    open_then = Case.objects.filter(created_at__lt=end).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=end)
    )
    index = _WorkdayIndex(calendar, day)
    for row in open_then.values(*CASE_DIMS, "created_at").annotate(
        n=Count("pk"),
        overdue=Count("pk", filter=overdue_q(day + timedelta(days=1))),
        waiting=Count("pk", filter=Q(status=Status.WAITING_ENTREPRENEUR)),
    ):
        target = figures[_key(row)]
        target["open_cases"] += row["n"]
        target["open_overdue"] += row["overdue"]
        target["open_waiting"] += row["waiting"]
        target[age_field(index.between(_local_date(row["created_at"]), day))] += row["n"]

    handoffs: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    hdims = ("team_id", *(f"case__{d}" for d in CASE_DIMS[1:]))
    for row in (
        Handoff.objects.filter(created_at__gte=start, created_at__lt=end)
        .values(*hdims)
        .annotate(n=Count("pk"))
        .order_by()
    ):
        handoffs[tuple(row[d] for d in hdims)]["handed_off"] += row["n"]
    for row in Handoff.objects.filter(
        closed_at__gte=start, closed_at__lt=end, status__in=[Handoff.Status.ANSWERED, Handoff.Status.RETURNED]
    ).values(*hdims, "status", "deadline", "closed_at"):
        target = handoffs[tuple(row[d] for d in hdims)]
        if row["status"] == Handoff.Status.RETURNED:
            target["returned"] += 1
        else:
            target["answered"] += 1
            target["on_time"] += _local_date(row["closed_at"]) <= row["deadline"]

    kcc: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    source = daily_source("kcc_calls")
    for row in source(start, end) if source else []:
        target = kcc[(row["team_id"], row["topic_id"])]
        for name, value in row.items():
            if name not in ("team_id", "topic_id"):
                target[name] += value
    for row in (
        CallbackRequest.objects.filter(due_at__gte=start, due_at__lt=end, due_at__lte=timezone.now())
        .values("team_id")
        .annotate(**callback_counts())
        .order_by()
    ):
        target = kcc[(row["team_id"], None)]
        target["callbacks_due"] += row["due"]
        target["callbacks_on_time"] += row["on_time"]
    for row in (
        KnowledgeGap.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("topic_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        kcc[(None, row["topic_id"])]["gaps"] += row["n"]

    with transaction.atomic():
        DailyFigure.objects.filter(day=day).delete()
        HandoffFigure.objects.filter(day=day).delete()
        KccFigure.objects.filter(day=day).delete()
        DailyFigure.objects.bulk_create(
            DailyFigure(
                day=day, team_id=k[0], topic_id=k[1], channel=k[2], account_manager_id=k[3], **dict(values)
            )
            for k, values in figures.items()
        )
        HandoffFigure.objects.bulk_create(
            HandoffFigure(
                day=day, team_id=k[0], topic_id=k[1], channel=k[2], account_manager_id=k[3], **dict(values)
            )
            for k, values in handoffs.items()
        )
        KccFigure.objects.bulk_create(
            KccFigure(day=day, team_id=k[0], topic_id=k[1], **dict(values)) for k, values in kcc.items()
        )
        ComputedDay.objects.update_or_create(day=day, defaults={"computed_at": timezone.now()})
        if rollup:
            rollup_month(day)


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def rollup_month(day: date) -> None:
    """Replace the month's MonthlyFigure rows by the sums of its DailyFigure rows (one grouped query)."""
    first, last = month_bounds(day)
    dims = ("team_id", "topic_id", "channel", "account_manager_id")
    rows = (
        DailyFigure.objects.filter(day__gte=first, day__lte=last)
        .values(*dims)
        .annotate(**{f"sum_{name}": Sum(name) for name in COUNT_FIELDS})
        .order_by()
    )
    with transaction.atomic():
        MonthlyFigure.objects.filter(day=first).delete()
        MonthlyFigure.objects.bulk_create(
            (
                MonthlyFigure(
                    day=first, **{d: row[d] for d in dims}, **{n: row[f"sum_{n}"] for n in COUNT_FIELDS}
                )
                for row in rows
            ),
            batch_size=2000,
        )


class _WorkdayIndex:
    """Working days between two dates in O(1) after one pass over the range: an open case's age."""

    def __init__(self, calendar: WorkingCalendar, last: date) -> None:
        self.calendar, self.last = calendar, last
        self.first = last
        self.count: dict[date, int] = {last: 0}

    def between(self, start: date, end: date) -> int:
        if end != self.last:
            return self.calendar.working_days_between(start, end)
        while start < self.first:  # extend backwards: count[d] = working days in (d, last]
            previous = self.first - timedelta(days=1)
            self.count[previous] = self.count[self.first] + self.calendar.is_working_day(self.first)
            self.first = previous
        return self.count.get(start, 0)


def first_day() -> date | None:
    first = Case.objects.order_by("created_at").values_list("created_at", flat=True).first()
    return _local_date(first) if first else None


def catch_up(*, until: date | None = None, since: date | None = None) -> list[date]:
    """Compute every day after the last computed one (or from `since`) up to `until` (yesterday)."""
    until = until or timezone.localdate() - timedelta(days=1)
    if since is None:
        last = ComputedDay.objects.order_by("-day").values_list("day", flat=True).first()
        since = last + timedelta(days=1) if last else first_day()
    if since is None:
        return []
    calendar = get_calendar()
    days = []
    day = since
    while day <= until:
        compute_day(day, calendar=calendar, rollup=False)
        days.append(day)
        day += timedelta(days=1)
    for month in sorted({d.replace(day=1) for d in days}):
        rollup_month(month)
    return days
