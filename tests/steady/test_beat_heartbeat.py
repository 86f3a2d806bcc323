"""Issue 12: the health endpoint knows whether Celery beat runs: its every-minute heartbeat task stores the time,
and the check fails when the last one is older than HEALTH_BEAT_MAX_AGE_SECONDS."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from health_check.exceptions import ServiceUnavailable

from followup.health import BeatHeartbeat
from followup.models import Heartbeat
from followup.tasks import beat_heartbeat


def test_beat_sends_the_heartbeat_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["beat-heartbeat"]
    assert entry["task"] == "followup.tasks.beat_heartbeat" and entry["schedule"] == 60.0


def test_the_check_passes_after_a_heartbeat_and_fails_when_it_is_old_or_missing(db, settings):
    settings.HEALTH_BEAT_MAX_AGE_SECONDS = 180
    with pytest.raises(ServiceUnavailable):
        BeatHeartbeat().run()
    beat_heartbeat()
    BeatHeartbeat().run()
    Heartbeat.objects.update(beat_at=timezone.now() - dt.timedelta(minutes=4))
    with pytest.raises(ServiceUnavailable, match="seconds ago"):
        BeatHeartbeat().run()


def test_the_health_endpoint_includes_the_beat_check_with_a_broker(settings):
    from config.health import health_checks

    settings.REDIS_URL = "redis://127.0.0.1:6379/6"
    assert BeatHeartbeat in health_checks()
