"""Shared definitions for figures (the KCC report and the figures of issue 17), kept here so both use them.

- `callback_counts()`: callbacks due and callbacks done on time, the one definition of "terugbellen op tijd".
- A small registry of daily sources: a top app (the KCC) registers how it counts a day, so the figures app, a
  sibling that may not import it, reuses the KCC's own definitions instead of copying them.
"""

from collections.abc import Callable
from datetime import datetime

from django.db.models import Count, F, Q

from .models import CallbackRequest

# (start, end) of a day -> rows of {"team_id", "topic_id", <count name>: int, ...}
DailySource = Callable[[datetime, datetime], list[dict]]
_SOURCES: dict[str, DailySource] = {}


def callback_counts() -> dict:
    """Aggregates over callbacks already due: how many, and how many were done before their deadline."""
    return {
        "due": Count("pk"),
        "on_time": Count(
            "pk",
            filter=Q(status=CallbackRequest.Status.DONE, closed_at__isnull=False, closed_at__lte=F("due_at")),
        ),
    }


def register_daily_source(name: str, source: DailySource) -> None:
    _SOURCES[name] = source


def daily_source(name: str) -> DailySource | None:
    return _SOURCES.get(name)
