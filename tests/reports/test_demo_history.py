"""The demo's six months of history: set-based, quick, and the figures computed over it."""

import time

import pytest

from demo import history
from reports.models import ComputedDay, DailyFigure
from reports.selectors import Filters, build_dashboard, default_anchor, period_for, summary


@pytest.mark.django_db
def test_demo_history_fills_the_dashboard(teams, topics, owner, kcc_agent):
    started = time.perf_counter()
    assert history.seed() == history.CASES
    days = history.compute_figures()
    elapsed = time.perf_counter() - started
    assert days >= history.DAYS and ComputedDay.objects.count() == days
    assert DailyFigure.objects.filter(received__gt=0).exists()
    figures = summary(build_dashboard(period_for("custom", default_anchor(), *_half_year()), Filters()))
    assert figures["received"] > 300 and figures["closed"] > 200 and figures["ratings"] > 0
    assert figures["fcr_rate"] is not None and figures["on_time_rate"] is not None
    assert elapsed < 60, elapsed


def _half_year():
    from datetime import timedelta

    end = default_anchor()
    return end - timedelta(days=history.DAYS + 1), end
