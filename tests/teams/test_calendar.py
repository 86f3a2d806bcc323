from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from teams import calendar as calendar_module
from teams.calendar import OfficeHours, WorkingCalendar

AMS = ZoneInfo("Europe/Amsterdam")
CAL = WorkingCalendar()


def ams(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)


# --- working days ---------------------------------------------------------


def test_friday_plus_one_working_day_is_monday():
    assert CAL.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)


def test_zero_days_is_the_day_itself_or_the_next_working_day():
    assert CAL.add_working_days(date(2026, 3, 10), 0) == date(2026, 3, 10)
    assert CAL.add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 9)
    assert CAL.next_working_day(date(2026, 3, 8)) == date(2026, 3, 9)
    assert CAL.next_working_day(date(2026, 3, 9)) == date(2026, 3, 9)


def test_start_day_does_not_count_even_when_it_is_not_a_working_day():
    assert CAL.add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)


def test_koningsdag_2026_is_monday_27_april():
    assert not CAL.is_working_day(date(2026, 4, 27))
    assert CAL.non_working_reason(date(2026, 4, 27)) == "Koningsdag"
    assert CAL.add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)


def test_koningsdag_2025_moves_to_saturday_26_april_because_27_april_is_a_sunday():
    assert CAL.non_working_reason(date(2025, 4, 26)) == "Koningsdag"
    assert CAL.non_working_reason(date(2025, 4, 27)) == "weekend"
    # No Monday replacement: Monday 28 April 2025 is a normal working day.
    assert CAL.is_working_day(date(2025, 4, 28))
    assert CAL.add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 28)


def test_liberation_day_every_year_by_default():
    assert not CAL.is_working_day(date(2026, 5, 5))
    assert CAL.non_working_reason(date(2026, 5, 5)) == "Bevrijdingsdag"
    assert CAL.add_working_days(date(2026, 5, 4), 1) == date(2026, 5, 6)


def test_liberation_day_following_the_library_only_in_lustrum_years():
    cal = WorkingCalendar(liberation_day_every_year=False)
    assert cal.is_working_day(date(2026, 5, 5))
    assert cal.non_working_reason(date(2026, 5, 5)) is None
    assert cal.add_working_days(date(2026, 5, 4), 1) == date(2026, 5, 5)
    for lustrum in (date(2025, 5, 5), date(2030, 5, 5)):
        assert not cal.is_working_day(lustrum)
        assert cal.non_working_reason(lustrum) == "Bevrijdingsdag"


def test_christmas_2026_and_new_year():
    assert CAL.non_working_reason(date(2026, 12, 25)) == "Eerste kerstdag"
    # Tweede kerstdag is a Saturday in 2026: the holiday name wins over "weekend".
    assert CAL.non_working_reason(date(2026, 12, 26)) == "Tweede kerstdag"
    assert CAL.is_working_day(date(2026, 12, 24))
    assert CAL.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert CAL.non_working_reason(date(2027, 1, 1)) == "Nieuwjaarsdag"
    assert CAL.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_easter_ascension_and_whit_monday_2026():
    assert CAL.non_working_reason(date(2026, 4, 6)) == "Tweede paasdag"
    assert CAL.non_working_reason(date(2026, 5, 14)) == "Hemelvaartsdag"
    assert CAL.non_working_reason(date(2026, 5, 25)) == "Tweede pinksterdag"
    # The library (and the Algemene termijnenwet) also treat Good Friday as a holiday.
    assert CAL.non_working_reason(date(2026, 4, 3)) == "Goede vrijdag"
    assert CAL.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert CAL.add_working_days(date(2026, 5, 13), 1) == date(2026, 5, 15)
    assert CAL.add_working_days(date(2026, 5, 22), 1) == date(2026, 5, 26)


def test_municipal_closing_day():
    cal = WorkingCalendar(closing_days=[date(2026, 12, 24)])
    assert not cal.is_working_day(date(2026, 12, 24))
    assert cal.non_working_reason(date(2026, 12, 24)) == "sluitingsdag"
    assert cal.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    assert cal.subtract_working_days(date(2026, 12, 28), 1) == date(2026, 12, 23)
    assert CAL.is_working_day(date(2026, 12, 24))  # other calendars are unaffected


def test_non_working_reason_is_none_on_a_working_day_and_weekend_on_a_weekend():
    assert CAL.non_working_reason(date(2026, 3, 10)) is None
    assert CAL.non_working_reason(date(2026, 3, 7)) == "weekend"
    assert CAL.non_working_reason(date(2026, 3, 8)) == "weekend"


def test_subtract_working_days_gives_the_reminder_date():
    assert CAL.subtract_working_days(date(2026, 4, 28), 1) == date(2026, 4, 24)
    assert CAL.subtract_working_days(date(2026, 3, 9), 1) == date(2026, 3, 6)
    assert CAL.subtract_working_days(date(2026, 3, 10), 0) == date(2026, 3, 10)
    assert CAL.subtract_working_days(date(2026, 3, 8), 0) == date(2026, 3, 6)
    assert CAL.add_working_days(date(2026, 3, 9), -1) == date(2026, 3, 6)


def test_working_days_in_2026():
    new_years_eve = date(2025, 12, 31)
    # 261 weekdays minus 8 weekday holidays (incl. Good Friday and 5 May).
    assert CAL.working_days_between(new_years_eve, date(2026, 12, 31)) == 253
    library_only = WorkingCalendar(liberation_day_every_year=False)
    assert library_only.working_days_between(new_years_eve, date(2026, 12, 31)) == 254


def test_working_days_between_is_half_open_and_signed():
    assert CAL.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1
    assert CAL.working_days_between(date(2026, 3, 9), date(2026, 3, 6)) == -1
    assert CAL.working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert CAL.working_days_between(date(2026, 3, 7), date(2026, 3, 8)) == 0


def test_working_days_between_matches_add_and_subtract_over_a_year():
    cal = WorkingCalendar(closing_days=[date(2026, 12, 24), date(2026, 5, 15)])
    day = date(2026, 1, 1)
    while day.year == 2026:
        for n in range(1, 12):
            later = cal.add_working_days(day, n)
            assert cal.is_working_day(later)
            assert cal.working_days_between(day, later) == n
            if cal.is_working_day(day):
                assert cal.working_days_between(later, day) == -n
                assert cal.subtract_working_days(later, n) == day
        day += timedelta(days=1)


def test_holidays_are_looked_up_once_per_year(monkeypatch):
    calls = []
    real = calendar_module.holidays.country_holidays

    def counting(*args, **kwargs):
        calls.append(kwargs.get("years"))
        return real(*args, **kwargs)

    monkeypatch.setattr(calendar_module.holidays, "country_holidays", counting)
    calendar_module._dutch_holidays.cache_clear()
    for _ in range(3):  # a calendar per request: the years are still built once per process
        WorkingCalendar().working_days_between(date(2025, 12, 1), date(2027, 1, 31))
    assert sorted(calls) == [2025, 2026, 2027]


# --- office hours ---------------------------------------------------------


def test_add_working_hours_within_a_day_and_up_to_closing_time():
    assert CAL.add_working_hours(ams(2026, 3, 10, 9, 0), 2) == ams(2026, 3, 10, 11, 0)
    assert CAL.add_working_hours(ams(2026, 3, 10, 16, 0), 1) == ams(2026, 3, 10, 17, 0)
    assert CAL.add_working_hours(ams(2026, 3, 9, 8, 30), 8.5) == ams(2026, 3, 9, 17, 0)
    assert CAL.add_working_hours(ams(2026, 3, 9, 8, 30), 17) == ams(2026, 3, 10, 17, 0)


def test_add_working_hours_across_a_night():
    assert CAL.add_working_hours(ams(2026, 3, 10, 16, 0), 2) == ams(2026, 3, 11, 9, 30)
    assert CAL.add_working_hours(ams(2026, 3, 10, 16, 0), 0.25) == ams(2026, 3, 10, 16, 15)


def test_add_working_hours_across_a_weekend():
    assert CAL.add_working_hours(ams(2026, 3, 13, 15, 0), 4) == ams(2026, 3, 16, 10, 30)


def test_add_working_hours_across_a_holiday():
    # Monday 27 April 2026 is Koningsdag.
    assert CAL.add_working_hours(ams(2026, 4, 24, 16, 0), 3) == ams(2026, 4, 28, 10, 30)


def test_add_working_hours_across_the_switch_to_summer_time():
    result = CAL.add_working_hours(ams(2026, 3, 27, 16, 0), 2)
    assert result == ams(2026, 3, 30, 9, 30)
    assert result.utcoffset() == timedelta(hours=2)


def test_start_outside_office_hours_begins_at_the_next_opening():
    assert CAL.add_working_hours(ams(2026, 3, 10, 7, 0), 1) == ams(2026, 3, 10, 9, 30)
    assert CAL.add_working_hours(ams(2026, 3, 10, 17, 0), 0) == ams(2026, 3, 11, 8, 30)
    assert CAL.add_working_hours(ams(2026, 3, 10, 22, 0), 1) == ams(2026, 3, 11, 9, 30)
    assert CAL.add_working_hours(ams(2026, 3, 14, 10, 0), 1) == ams(2026, 3, 16, 9, 30)
    assert CAL.add_working_hours(ams(2026, 4, 27, 10, 0), 1) == ams(2026, 4, 28, 9, 30)


def test_add_working_hours_accepts_other_time_zones():
    # 15:00 UTC is 16:00 in Amsterdam in March before summer time.
    start = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    assert CAL.add_working_hours(start, 2) == ams(2026, 3, 11, 9, 30)


def test_naive_datetimes_and_negative_hours_are_rejected():
    with pytest.raises(ValueError):
        CAL.add_working_hours(datetime(2026, 3, 10, 9, 0), 1)
    with pytest.raises(ValueError):
        CAL.working_seconds_between(datetime(2026, 3, 10, 9, 0), ams(2026, 3, 10, 10, 0))
    with pytest.raises(ValueError):
        CAL.add_working_hours(ams(2026, 3, 10, 9, 0), -1)


def test_custom_office_hours():
    cal = WorkingCalendar(office_hours=OfficeHours(start=time(9, 0), end=time(12, 0)))
    assert cal.add_working_hours(ams(2026, 3, 10, 11, 0), 2) == ams(2026, 3, 11, 10, 0)
    with pytest.raises(ValueError):
        OfficeHours(start=time(17, 0), end=time(8, 30))


def test_working_seconds_between():
    hour = 3600
    assert CAL.working_seconds_between(ams(2026, 3, 10, 16, 0), ams(2026, 3, 11, 10, 0)) == 2.5 * hour
    assert CAL.working_seconds_between(ams(2026, 3, 13, 12, 0), ams(2026, 3, 16, 12, 0)) == 8.5 * hour
    assert CAL.working_seconds_between(ams(2026, 3, 16, 12, 0), ams(2026, 3, 13, 12, 0)) == -8.5 * hour
    assert CAL.working_seconds_between(ams(2026, 3, 14, 9, 0), ams(2026, 3, 15, 17, 0)) == 0
    assert CAL.working_seconds_between(ams(2026, 3, 10, 18, 0), ams(2026, 3, 10, 20, 0)) == 0
    # Across Koningsdag: Friday 16:00-17:00 and Tuesday 08:30-10:30.
    assert CAL.working_seconds_between(ams(2026, 4, 24, 16, 0), ams(2026, 4, 28, 10, 30)) == 3 * hour


def test_working_seconds_between_matches_add_working_hours():
    start = ams(2026, 3, 25, 11, 15)
    for hours in (0.5, 1, 5.75, 8.5, 20, 40, 100):
        end = CAL.add_working_hours(start, hours)
        assert CAL.working_seconds_between(start, end) == pytest.approx(hours * 3600)


# --- paused clock -----------------------------------------------------------


def test_shift_by_working_days_paused():
    # Paused a full working week: Monday 9 up to (not including) Monday 16 March.
    assert CAL.shift_by_working_days_paused(date(2026, 3, 20), date(2026, 3, 9), date(2026, 3, 16)) == date(
        2026, 3, 27
    )
    # Paused over Easter: only Thursday 2 April was a working day.
    assert CAL.shift_by_working_days_paused(date(2026, 4, 10), date(2026, 4, 2), date(2026, 4, 7)) == date(
        2026, 4, 13
    )


def test_pause_without_working_days_leaves_the_deadline_alone():
    deadline = date(2026, 3, 20)
    assert CAL.shift_by_working_days_paused(deadline, date(2026, 3, 10), date(2026, 3, 10)) == deadline
    assert CAL.shift_by_working_days_paused(deadline, date(2026, 3, 14), date(2026, 3, 16)) == deadline


def test_pause_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        CAL.shift_by_working_days_paused(date(2026, 3, 20), date(2026, 3, 16), date(2026, 3, 9))
