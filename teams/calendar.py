"""Working-day calendar for Voordeur deadlines.

A working day is Monday to Friday, not a Dutch public holiday and not a municipal
closing day. Deadlines in hours only count office hours on working days.
Pure Python on purpose: the sweep and the tests use it without Django.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

WEEKEND = "weekend"
CLOSING_DAY = "sluitingsdag"
LIBERATION_DAY = "Bevrijdingsdag"

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class OfficeHours:
    start: time = time(8, 30)
    end: time = time(17, 0)

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError("Office hours must start before they end.")


@functools.lru_cache(maxsize=64)
def _dutch_holidays(year: int, liberation_day_every_year: bool) -> dict[date, str]:
    """Holiday names of one year, built once per process: a calendar is made per request (its closing days
    may change), and building a year's holidays costs more than the rest of a deadline."""
    names = dict(holidays.country_holidays("NL", years=year, language="nl"))
    if liberation_day_every_year:
        # The library lists 5 May only in lustrum years (2025, 2030, ...), like most
        # collective labour agreements; the Algemene termijnenwet has it every year.
        names.setdefault(date(year, 5, 5), LIBERATION_DAY)
    return names


class WorkingCalendar:
    def __init__(
        self,
        *,
        closing_days: Iterable[date] = (),
        liberation_day_every_year: bool = True,
        office_hours: OfficeHours = OfficeHours(),
        tz: str = "Europe/Amsterdam",
    ) -> None:
        self.closing_days = frozenset(closing_days)
        self.liberation_day_every_year = liberation_day_every_year
        self.office_hours = office_hours
        self.tz = ZoneInfo(tz)

    # --- days -------------------------------------------------------------

    def _holidays(self, year: int) -> dict[date, str]:
        return _dutch_holidays(year, self.liberation_day_every_year)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closing_days and day not in self._holidays(day.year)

    def non_working_reason(self, day: date) -> str | None:
        """Why `day` is not a working day, for display; None if it is one.

        A holiday name wins over "weekend" (Tweede kerstdag 2026 is a Saturday).
        """
        if name := self._holidays(day.year).get(day):
            return name
        if day.weekday() >= 5:
            return WEEKEND
        if day in self.closing_days:
            return CLOSING_DAY
        return None

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def _previous_working_day(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start`; `start` itself never counts.

        With 0 days this is the next working day (or `start` if it is one).
        """
        if days < 0:
            return self.subtract_working_days(start, -days)
        if days == 0:
            return self.next_working_day(start)
        day = start
        while days:
            day += _ONE_DAY
            if self.is_working_day(day):
                days -= 1
        return day

    def subtract_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day before `start`, e.g. a reminder one working day before a deadline.

        With 0 days this is `start` if it is a working day, else the working day before it.
        """
        if days < 0:
            return self.add_working_days(start, -days)
        if days == 0:
            return self._previous_working_day(start)
        day = start
        while days:
            day -= _ONE_DAY
            if self.is_working_day(day):
                days -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative if `end` is before `start`.

        Half-open so that working_days_between(d, add_working_days(d, n)) == n.
        """
        if end < start:
            return -self.working_days_between(end, start)
        return sum(self.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))

    def shift_by_working_days_paused(self, deadline: date, paused_from: date, resumed_on: date) -> date:
        """Move `deadline` on by the working days the case's clock stood still.

        `paused_from` is the first day the clock stood still, `resumed_on` the first day it runs
        again, so the pause covers [paused_from, resumed_on). A pause without working days
        leaves the deadline as it is.
        """
        if resumed_on < paused_from:
            raise ValueError("A pause cannot end before it starts.")
        paused = self.working_days_between(paused_from - _ONE_DAY, resumed_on - _ONE_DAY)
        return self.add_working_days(deadline, paused) if paused else deadline

    # --- office hours -----------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("Use timezone-aware datetimes.")
        return moment.astimezone(self.tz)

    def _opening(self, day: date) -> datetime:
        return datetime.combine(day, self.office_hours.start, tzinfo=self.tz)

    def _closing(self, day: date) -> datetime:
        return datetime.combine(day, self.office_hours.end, tzinfo=self.tz)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """`start` plus `hours` of office time on working days, in the calendar's time zone.

        A start outside office hours begins at the next opening; a deadline that ends exactly at
        closing time stays at closing time rather than moving to the next morning.
        """
        if hours < 0:
            raise ValueError("hours must not be negative.")
        moment = self._local(start)
        day = moment.date()
        if not self.is_working_day(day) or moment >= self._closing(day):
            day = self.add_working_days(day, 1)
            moment = self._opening(day)
        moment = max(moment, self._opening(day))
        remaining = timedelta(hours=hours)
        while remaining > self._closing(day) - moment:
            remaining -= self._closing(day) - moment
            day = self.add_working_days(day, 1)
            moment = self._opening(day)
        return moment + remaining

    def working_seconds_between(self, start: datetime, end: datetime) -> float:
        """Office-hour seconds on working days between two moments; negative if `end` is before `start`."""
        start, end = self._local(start), self._local(end)
        if end < start:
            return -self.working_seconds_between(end, start)
        total = 0.0
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                overlap = min(end, self._closing(day)) - max(start, self._opening(day))
                total += max(overlap.total_seconds(), 0.0)
            day += _ONE_DAY
        return total
