"""The nightly beat task: compute the days since the last computed one (catch-up after downtime included)."""

from celery import shared_task

from .aggregate import catch_up


@shared_task(name="reports.tasks.compute_daily_figures")
def compute_daily_figures() -> int:
    return len(catch_up())
