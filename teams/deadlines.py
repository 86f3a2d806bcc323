"""Deadline policies: which working-day calendar applies and how long each thing may take.

Low level like the outbox: imports only the calendar and teams, so intake can set a case's deadline when the
question arrives. A deadline is always stored with a short text naming the policy that produced it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import refdata
from .calendar import OfficeHours, WorkingCalendar
from .models import ClosingDay, Team, Topic

# A morning ends at noon; an afternoon (and a whole day) at the end of office hours.
END_OF_MORNING = time(12, 0)


class CallbackMoment(models.TextChoices):
    """When the caller asked to be called back (the KCC screen's choice list)."""

    ASAP = "asap", _("Zo snel mogelijk")
    TODAY = "today", _("Vandaag")
    THIS_AFTERNOON = "this_afternoon", _("Vanmiddag")
    TOMORROW_MORNING = "tomorrow_morning", _("Morgenochtend")
    TOMORROW_AFTERNOON = "tomorrow_afternoon", _("Morgenmiddag")
    TOMORROW = "tomorrow", _("Morgen")
    OTHER = "other", _("Anders (zie toelichting)")


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
    """The municipality's calendar. The closing days are cached per worker process until one changes
    (teams.refdata), so admin edits are live on the next request."""
    return WorkingCalendar(
        closing_days=refdata.cached(
            "closing_days", lambda: list(ClosingDay.objects.values_list("date", flat=True))
        ),
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
    team: Team,
    start: date | None = None,
    calendar: WorkingCalendar | None = None,
    *,
    case_due: date | None = None,
) -> Deadline:
    """The team's standard term, or earlier: `HANDOFF_DEADLINE_MARGIN_DAYS` working days before the case's
    deadline (`case_due`), so team economie can still write the final answer. Never before the next working
    day, and never later than the team's standard term."""
    calendar = calendar or get_calendar()
    start = start or today()
    days = team.handoff_deadline_days or settings.DEFAULT_HANDOFF_DEADLINE_DAYS
    standard = Deadline(calendar.add_working_days(start, days), f"team {team.slug}: {days} werkdagen")
    if case_due is None:
        return standard
    margin = settings.HANDOFF_DEADLINE_MARGIN_DAYS
    due = max(calendar.subtract_working_days(case_due, margin), calendar.add_working_days(start, 1))
    if due >= standard.due:
        return standard
    return Deadline(due, f"{margin} werkdagen vóór termijn vraag ({case_due:%d-%m-%Y})")


def callback_deadline(
    team: Team | None,
    start: datetime | None = None,
    calendar: WorkingCalendar | None = None,
    *,
    moment: str = "",
) -> DeadlineAt:
    """A callback is due within the team's number of working days, counted in office hours.

    One working day is one full office day: a request at 15:00 on a Friday is due at 15:00 on Monday
    (or the next working day after a holiday or closing day).

    When the caller asked for a part of day (`moment`, a `CallbackMoment`), the deadline is the end of that
    part of day instead: "morgenochtend" asked on Tuesday is due Wednesday 12:00, asked on Friday Monday 12:00.
    "Zo snel mogelijk" and "anders" follow the team's policy.
    """
    calendar = calendar or get_calendar()
    if moment and moment not in (CallbackMoment.ASAP, CallbackMoment.OTHER):
        return _asked_moment_deadline(calendar, start or timezone.now(), CallbackMoment(moment))
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


def _asked_moment_deadline(calendar: WorkingCalendar, start: datetime, moment: CallbackMoment) -> DeadlineAt:
    """The end of the asked part of day, on the first working day that fits, within office hours."""
    hours = calendar.office_hours
    local = start.astimezone(calendar.tz)
    morning = moment == CallbackMoment.TOMORROW_MORNING
    end = min(max(END_OF_MORNING, hours.start), hours.end) if morning else hours.end
    today_asked = moment in (CallbackMoment.TODAY, CallbackMoment.THIS_AFTERNOON)
    day = local.date() if today_asked else calendar.add_working_days(local.date(), 1)
    due = datetime.combine(day, end, tzinfo=calendar.tz)
    if not calendar.is_working_day(day) or due <= local:
        # "Vandaag" on a Saturday or after closing time: the end of the next working day.
        day = calendar.add_working_days(local.date(), 1)
        due = datetime.combine(day, end, tzinfo=calendar.tz)
    return DeadlineAt(due, f"voorkeur beller ({moment.value}): {end:%H:%M} op {day:%d-%m-%Y}")
