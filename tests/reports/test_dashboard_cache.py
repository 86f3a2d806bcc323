"""The dashboard's combined pass and its cache give exactly the figures of the separate queries."""

import datetime as dt

import pytest
from django.core.cache import cache

from reports.aggregate import catch_up, compute_day
from reports.selectors import (
    Filters,
    Period,
    build_dashboard,
    case_figures,
    dashboard_cache_key,
    dashboard_figures,
    per_channel,
    per_team,
    per_topic,
    totals,
)

D = dt.date
PERIODS = [
    Period("custom", D(2026, 4, 20), D(2026, 4, 30)),  # days only
    Period("week", D(2026, 4, 20), D(2026, 4, 26)),
    Period("month", D(2026, 4, 1), D(2026, 4, 30)),  # a whole month from the monthly rollup
    Period("custom", D(2026, 3, 25), D(2026, 5, 3)),  # edges and a whole month
]


def _by_id(rows):
    return sorted(rows, key=lambda r: (r["id"] is not None, r["id"] or 0))


def _filters(teams, topics):
    return [
        Filters(),
        Filters(team_id=teams["vergunningen"].pk),
        Filters(topic_id=topics["terras"].pk),
        Filters(channel="web"),
        Filters(channel="phone"),
    ]


@pytest.mark.django_db
def test_combined_pass_equals_the_separate_queries(dataset, teams, topics):
    catch_up(since=D(2026, 4, 20), until=D(2026, 4, 30))
    for period in PERIODS:
        for filters in _filters(teams, topics):
            combined = case_figures(period, filters)
            assert combined["totals"] == totals(period, filters)
            assert combined["per_channel"] == per_channel(period, filters)
            assert _by_id(combined["per_team"]) == _by_id(per_team(period, filters))
            assert _by_id(combined["per_topic"]) == _by_id(per_topic(period, filters))


@pytest.mark.django_db
def test_cached_dashboard_equals_the_uncached_one(dataset, teams, topics):
    catch_up(since=D(2026, 4, 20), until=D(2026, 4, 30))
    for period in PERIODS:
        for filters in _filters(teams, topics):
            uncached = build_dashboard(period, filters, use_cache=False)
            first = build_dashboard(period, filters)  # computes and stores
            assert cache.get(dashboard_cache_key(period, filters)) is not None
            again = build_dashboard(period, filters)  # from the cache
            assert first == uncached and again == uncached


@pytest.mark.django_db
def test_a_recomputed_day_changes_the_key(dataset):
    catch_up(since=D(2026, 4, 20), until=D(2026, 4, 30))
    period, filters = PERIODS[0], Filters()
    assert dashboard_cache_key(period, Filters()) is not None
    before = dashboard_cache_key(period, filters)
    build_dashboard(period, filters)
    compute_day(D(2026, 4, 22))  # not the last computed day
    after = dashboard_cache_key(period, filters)
    assert after != before
    assert dashboard_figures(period, filters) == dashboard_figures(period, filters, use_cache=False)


@pytest.mark.django_db
def test_nothing_is_cached_without_computed_days():
    assert dashboard_cache_key(PERIODS[0], Filters()) is None
