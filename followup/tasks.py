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
