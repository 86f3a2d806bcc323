"""Deadline policies: which working-day calendar applies and how long each thing may take.

Low level like the outbox: imports only the calendar and teams, so intake can set a case's deadline when the
question arrives. A deadline is always stored with a short text naming the policy that produced it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone

from .calendar import OfficeHours, WorkingCalendar
from .models import ClosingDay, Team, Topic


@dataclass(frozen=True)
class Deadline:
    due: date
    policy: str


@dataclass(frozen=True)
class DeadlineAt:
    """A deadline in office hours (a callback promise): a moment, not a day."""

    due: datetime
    policy: str


def office_hours() -> OfficeHours:
    start, end = (time.fromisoformat(value) for value in settings.FOLLOWUP_OFFICE_HOURS)
    return OfficeHours(start=start, end=end)


def get_calendar() -> WorkingCalendar:
    """The municipality's calendar. Closing days are few; reading them per call keeps admin edits live."""
    return WorkingCalendar(
        closing_days=ClosingDay.objects.values_list("date", flat=True),
        liberation_day_every_year=settings.LIBERATION_DAY_EVERY_YEAR,
        office_hours=office_hours(),
        tz=settings.TIME_ZONE,
    )


def today() -> date:
    return timezone.localdate()


def case_deadline(
    topic: Topic | None, start: date | None = None, calendar: WorkingCalendar | None = None
) -> Deadline:
    calendar = calendar or get_calendar()
    start = start or today()
    if topic is not None:
        days, policy = topic.deadline_days, f"onderwerp {topic.slug}: {topic.deadline_days} werkdagen"
    else:
        days = settings.DEFAULT_CASE_DEADLINE_DAYS
        policy = f"standaard: {days} werkdagen"
    return Deadline(calendar.add_working_days(start, days), policy)


def handoff_deadline(
    team: Team, start: date | None = None, calendar: WorkingCalendar | None = None
) -> Deadline:
    calendar = calendar or get_calendar()
    days = team.handoff_deadline_days or settings.DEFAULT_HANDOFF_DEADLINE_DAYS
    return Deadline(calendar.add_working_days(start or today(), days), f"team {team.slug}: {days} werkdagen")


def callback_deadline(
    team: Team | None, start: datetime | None = None, calendar: WorkingCalendar | None = None
) -> DeadlineAt:
    """A callback is due within the team's number of working days, counted in office hours.

    One working day is one full office day: a request at 15:00 on a Friday is due at 15:00 on Monday
    (or the next working day after a holiday or closing day).
    """
    calendar = calendar or get_calendar()
    days = (team.callback_deadline_days if team else 0) or 1
    hours = calendar.office_hours
    day_hours = (
        datetime.combine(date.min, hours.end) - datetime.combine(date.min, hours.start)
    ).total_seconds()
    due = calendar.add_working_hours(start or timezone.now(), days * day_hours / 3600)
    who = f"team {team.slug}" if team else "standaard"
    return DeadlineAt(
        due, f"{who}: {days} werkdag{'en' if days != 1 else ''} ({hours.start:%H:%M}–{hours.end:%H:%M})"
    )
