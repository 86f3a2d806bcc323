"""A django-health-check check for Celery beat: its heartbeat task (followup.tasks.beat_heartbeat) runs every
minute; when the last heartbeat is older than HEALTH_BEAT_MAX_AGE_SECONDS, beat (or every worker) stopped, and
with it the deadline sweep, the digest and the outbox's retries."""

import dataclasses
import datetime

from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from .models import Heartbeat


@dataclasses.dataclass
class BeatHeartbeat(HealthCheck):
    timeout = datetime.timedelta(seconds=5)

    def run(self) -> None:
        beat = Heartbeat.objects.filter(name="beat").values_list("beat_at", flat=True).first()
        if beat is None:
            raise ServiceUnavailable("No heartbeat from Celery beat yet")
        age = (timezone.now() - beat).total_seconds()
        if age > settings.HEALTH_BEAT_MAX_AGE_SECONDS:
            raise ServiceUnavailable(f"Last heartbeat from Celery beat {age:.0f} seconds ago")
