"""Delivering one event to one subscriber, and how a receiver checks it (docs/api.md, "Webhooks").

Each POST carries the CloudEvent (application/cloudevents+json) and two headers:

    Voordeur-Timestamp: 1767225600                  (Unix seconds, when this attempt was sent)
    Voordeur-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>

A receiver recomputes the HMAC with its subscription's secret, compares in constant time, and refuses a
timestamp more than five minutes off (a replay). The CloudEvent id is the same on every retry, so a receiver
that saw an id before can ignore it.
"""

import hashlib
import hmac
import time

import requests
from django.conf import settings
from django.db import transaction

from intake.outbox import Deferred, OutboxMessage

from . import services
from .models import Subscription, WebhookDelivery

SIGNATURE_HEADER = "Voordeur-Signature"
TIMESTAMP_HEADER = "Voordeur-Timestamp"
TOLERANCE_SECONDS = 300


class DeliveryFailed(Exception):
    pass


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"v1={mac}"


def verify(secret: str, body: bytes, timestamp: str, signature: str, *, now: float | None = None) -> bool:
    """What a receiver does (also usable as the reference implementation): True for a fresh, genuine call."""
    try:
        moment = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - moment) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, moment, body)
    return any(hmac.compare_digest(expected, part.strip()) for part in signature.split(","))


def send(row: OutboxMessage) -> None:
    """The outbox's sender for channel "webhook": POST, log the attempt, pause a subscriber that keeps failing."""
    subscription = (
        Subscription.objects.select_related("client").filter(pk=(row.meta or {}).get("subscription")).first()
    )
    if subscription is None or not subscription.is_active or not subscription.client.is_active:
        raise Deferred(24 * 3600)  # cancelled or revoked: nothing is sent (kept for the administrator to see)
    if subscription.paused_at is not None:
        raise Deferred(3600)  # kept back until the administrator resumes the subscription
    body = row.body_text.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/cloudevents+json; charset=utf-8",
        "User-Agent": "Voordeur-Webhooks/1",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(services.subscription_secret(subscription), timestamp, body),
    }
    started = time.monotonic()
    status_code, error = None, ""
    try:
        response = requests.post(
            subscription.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    ok = not error
    with transaction.atomic():
        WebhookDelivery.objects.create(
            subscription=subscription,
            outbox_message_id=row.pk,
            event_id=(row.meta or {}).get("event_id", ""),
            event_type=(row.meta or {}).get("event_type", ""),
            ok=ok,
            status_code=status_code,
            error=error,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        services.subscription_record_result(
            subscription_id=subscription.pk, ok=ok, pause_after=settings.WEBHOOK_PAUSE_AFTER_FAILURES
        )
    if not ok:
        raise DeliveryFailed(error)
