"""The nightly retention run (Celery beat: CELERY_BEAT_SCHEDULE["privacy-retention"] in config/settings.py)."""

from celery import shared_task

from . import retention


@shared_task
def apply_retention() -> dict:
    return {row.key: row.done for row in retention.apply() if row.done}
