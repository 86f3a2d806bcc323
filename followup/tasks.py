"""Thin Celery wrappers: load ids, call a service. Running a task twice changes nothing the second time."""

from celery import shared_task

from . import services
from .sweep import sweep


@shared_task
def sweep_deadlines() -> dict:
    return sweep().as_dict()


@shared_task
def send_team_digests() -> int:
    return services.digest_send()


@shared_task(ignore_result=True, expires=55)
def beat_heartbeat() -> None:
    """Sent by Celery beat every minute: proves beat and a worker run (followup.health.BeatHeartbeat)."""
    from django.utils import timezone

    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name="beat", defaults={"beat_at": timezone.now()})
