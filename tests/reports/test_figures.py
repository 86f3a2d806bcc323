"""The figures against hand-computed expectations (tests/reports/conftest.py describes the data set)."""

import datetime as dt

import pytest

from followup.selectors import deadline_overview
from kcc.selectors import callbacks_on_time_per_week, kcc_weekly_calls
from reports.aggregate import catch_up, compute_day
from reports.models import ComputedDay, DailyFigure
from reports.selectors import Filters, Period, build_dashboard, percentile, summary, totals

D = dt.date
APRIL = Period("custom", D(2026, 4, 20), D(2026, 4, 30))


def compute_all(until=None):
    return catch_up(since=D(2026, 4, 20), until=until or D(2026, 4, 30))


@pytest.mark.django_db
def test_on_time_across_a_weekend_and_kings_day(dataset):
    compute_all()
    t = totals(APRIL, Filters())
    assert (t["answered"], t["referred"], t["cancelled"]) == (4, 1, 1)
    assert (t["with_deadline"], t["on_time"]) == (5, 4)  # B missed its Friday deadline
    assert summary(build_dashboard(APRIL, Filters()))["on_time_rate"] == pytest.approx(80.0)


@pytest.mark.django_db
def test_lead_time_median_and_p90_in_working_days(dataset, teams):
    compute_all()
    board = build_dashboard(APRIL, Filters())
    row = next(r for r in board.tables["teams"].rows if r[0] == "Vergunningen")
    assert row[1:] == [7, 5, pytest.approx(80.0), 2, 6]  # received, closed, on time %, median, p90


def test_percentile_nearest_rank():
    histogram = [1, 0, 2, 1, 0, 0, 1]  # 0, 2, 2, 3, 6
    assert percentile(histogram, 50) == 2
    assert percentile(histogram, 90) == 6
    assert percentile([0, 0], 50) is None


@pytest.mark.django_db
def test_reopen_rate_and_ratings(dataset):
    compute_all()
    figures = summary(build_dashboard(APRIL, Filters()))
    assert figures["closed"] == 6
    assert figures["reopen_rate"] == pytest.approx(100 / 6)
    assert figures["rating_average"] == pytest.approx(2.5)
    assert figures["low_rate"] == pytest.approx(50.0)


@pytest.mark.django_db
def test_kcc_figures_agree_with_the_kcc_report(dataset):
    compute_all()
    board = build_dashboard(Period("week", D(2026, 4, 20), D(2026, 4, 26)), Filters())
    week = next(r for r in kcc_weekly_calls(weeks=60, today=D(2026, 4, 26)) if r.week == D(2026, 4, 20))
    assert (board.kcc["calls"], board.kcc["answered"]) == (week.calls, week.answered) == (4, 3)
    assert summary(board)["fcr_rate"] == pytest.approx(100 * week.first_contact_rate) == pytest.approx(75.0)
    report = callbacks_on_time_per_week(D(2026, 4, 20))
    stats = next(iter(report.values()))
    assert (
        (board.kcc["callbacks_due"], board.kcc["callbacks_on_time"])
        == (stats["due"], stats["on_time"])
        == (2, 1)
    )


@pytest.mark.django_db
def test_open_work_agrees_with_the_deadline_overview(dataset, owner):
    compute_all(until=D(2026, 4, 29))
    board = build_dashboard(Period("custom", D(2026, 4, 27), D(2026, 4, 29)), Filters())
    overview = {b.key: b for b in deadline_overview(owner, today=D(2026, 4, 30))}
    assert board.backlog["day"] == D(2026, 4, 29)
    assert board.backlog["open_cases"] == 1
    assert board.backlog["open_overdue"] == overview["overdue"].case_count == 1
    assert board.backlog["open_age_6_10"] == 1  # G: in on 20-04, 6 working days by 29-04 (27-04 is a holiday)


@pytest.mark.django_db
def test_a_rerun_does_not_double_count(dataset):
    compute_all()
    before = totals(APRIL, Filters())
    compute_day(D(2026, 4, 28))
    compute_day(D(2026, 4, 28))
    compute_all()
    assert totals(APRIL, Filters()) == before


@pytest.mark.django_db
def test_catch_up_after_missed_nights(dataset):
    catch_up(since=D(2026, 4, 20), until=D(2026, 4, 23))
    assert ComputedDay.objects.order_by("-day").first().day == D(2026, 4, 23)
    done = catch_up(until=D(2026, 4, 30))  # the beat was down for a week: from the last computed day on
    assert done == [D(2026, 4, 24) + dt.timedelta(days=i) for i in range(7)]
    caught_up = totals(APRIL, Filters())
    DailyFigure.objects.all().delete()
    compute_all()
    assert totals(APRIL, Filters()) == caught_up
    assert catch_up(until=D(2026, 4, 30)) == []


@pytest.mark.django_db
def test_filters(dataset, topics, teams):
    compute_all()
    assert totals(APRIL, Filters(topic_id=topics["precario"].pk))["received"] == 0
    assert totals(APRIL, Filters(team_id=teams["vergunningen"].pk))["received"] == 7
    assert totals(APRIL, Filters(channel="phone"))["received"] == 0
    assert build_dashboard(APRIL, Filters(channel="phone")).kcc == {}  # KCC calls have no channel


@pytest.mark.django_db
def test_whole_months_read_from_the_rollup_give_the_same_figures(dataset):
    compute_all()
    month = totals(Period("month", D(2026, 4, 1), D(2026, 4, 30)), Filters())  # April from MonthlyFigure
    spanning = totals(
        Period("custom", D(2026, 3, 15), D(2026, 5, 3)), Filters()
    )  # edges daily, April monthly
    assert month["received"] == spanning["received"] == 7
    assert {k: v for k, v in month.items() if not k.startswith("prev_")} == {
        k: v for k, v in totals(APRIL, Filters()).items() if not k.startswith("prev_")
    }
