"""The load balancer's health endpoint, /gezondheid/ (django-health-check).

Checked on every request: the database (SELECT 1) and the cache (set and get a key; Redis in production). With
REDIS_URL also Redis itself (the Celery broker, PING) and the Celery workers' heartbeat (a control ping that at
least one worker answers within HEALTH_CELERY_TIMEOUT_SECONDS). Any failure answers 500, so the load balancer
takes the instance out. The answer names the checks and their status only: no personal data, no settings.
Add a check by appending to `health_checks()`.
"""

from datetime import timedelta

from django.conf import settings
from health_check.checks import Cache, Database
from health_check.views import HealthCheckView

from followup.health import BeatHeartbeat


def health_checks() -> list:
    checks: list = [Database, Cache]
    if settings.REDIS_URL:
        from health_check.contrib.celery import Ping
        from health_check.contrib.redis import Redis
        from redis.asyncio import Redis as RedisClient

        from config.celery import app

        checks += [
            (Redis, {"client_factory": lambda: RedisClient.from_url(settings.REDIS_URL)}),
            (
                Ping,
                {
                    "app": app,
                    "timeout": timedelta(seconds=settings.HEALTH_CELERY_TIMEOUT_SECONDS),
                    "limit": 1,
                },
            ),
            BeatHeartbeat,  # Celery beat: its every-minute heartbeat task ran recently (followup.health)
        ]
    return checks


class HealthView(HealthCheckView):
    @property
    def checks(self):
        return health_checks()
