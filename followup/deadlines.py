"""Deadline policies: which working-day calendar applies and how long each thing may take.

Low level like the outbox: imports only the calendar and teams, so intake can set a case's deadline when the
question arrives. A deadline is always stored with a short text naming the policy that produced it.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from teams.models import ClosingDay, Team, Topic

from .calendar import WorkingCalendar


@dataclass(frozen=True)
class Deadline:
    due: date
    policy: str


def get_calendar() -> WorkingCalendar:
    """The municipality's calendar. Closing days are few; reading them per call keeps admin edits live."""
    return WorkingCalendar(
        closing_days=ClosingDay.objects.values_list("date", flat=True),
        liberation_day_every_year=settings.LIBERATION_DAY_EVERY_YEAR,
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
