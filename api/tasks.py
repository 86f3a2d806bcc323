from celery import shared_task

from . import events


@shared_task
def pump_events() -> int:
    """Queue the events of new timeline entries for their subscribers (api.events)."""
    return events.pump()
