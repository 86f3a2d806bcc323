"""Issue 16: events as signed CloudEvents, through the outbox, exactly once per subscriber."""

import contextlib
import hashlib
import hmac
import json
import time

import pytest
from django.utils import timezone

from api import events, webhooks
from api.models import Subscription, WebhookDelivery
from intake import outbox
from intake.outbox import OutboxMessage
from routing import services as routing

from .receiver import Receiver

pytestmark = pytest.mark.django_db


def _deliver_due() -> None:
    """What the worker and its retries do, with time moved on: every queued webhook row is due now."""
    OutboxMessage.objects.filter(channel="webhook", status="queued").update(next_attempt_at=timezone.now())
    for pk in OutboxMessage.objects.filter(channel="webhook", status="queued").values_list("pk", flat=True):
        with contextlib.suppress(Exception):  # a failed attempt: the row stays queued with backoff
            outbox.deliver(pk)


def _subscribe(http, url, types):
    response = http.post("/api/v1/subscriptions/", {"url": url, "event_types": types}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_events_are_signed_cloudevents_a_receiver_can_verify(make_client, question, topics, owner, teams):
    http = make_client(scopes=["cases:create", "cases:read", "events:subscribe"])
    with Receiver() as receiver:
        subscription = _subscribe(
            http, receiver.url + "/hook", ["nl.voordeur.case.created", "nl.voordeur.case.status-changed"]
        )
        secret = subscription["secret"]
        assert secret.startswith("whsec_")
        assert "secret" not in http.get(f"/api/v1/subscriptions/{subscription['id']}/").json()
        reference = http.post("/api/v1/cases/", question, format="json").json()["reference"]
        events.pump()
        _deliver_due()
        assert receiver.requests
        request = receiver.requests[0]
        body, headers = request["body"], request["headers"]
        # What a receiver does, without any Voordeur code:
        timestamp = headers["Voordeur-Timestamp"]
        expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        assert headers["Voordeur-Signature"] == f"v1={expected}"
        assert abs(time.time() - int(timestamp)) < 60
        assert webhooks.verify(secret, body, timestamp, headers["Voordeur-Signature"])
        assert not webhooks.verify(
            secret, body, timestamp, headers["Voordeur-Signature"], now=int(timestamp) + 600
        )
        assert not webhooks.verify("whsec_other", body, timestamp, headers["Voordeur-Signature"])
        assert headers["Content-Type"].startswith("application/cloudevents+json")
        event = json.loads(body)
        assert event["specversion"] == "1.0"
        assert event["type"] == "nl.voordeur.case.created"
        assert event["subject"] == reference
        assert event["dataref"].endswith(f"/api/v1/cases/{reference}/")
        assert {"id", "source", "time"} <= set(event)
        assert event["data"] == {"case": reference, "channel": "api"}
        # Another client's subscription hears nothing of this client's case.
        assert WebhookDelivery.objects.filter(ok=True).count() == len(receiver.requests)


def test_a_subscriber_that_is_down_gets_every_event_once_after_resuming(
    make_client, question, topics, owner, teams, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_PAUSE_AFTER_FAILURES = 3
    vergunningen = make_client(
        name="Vergunningensysteem", scopes=["handoffs:vergunningen", "events:subscribe"]
    )
    economie = make_client(name="Indiener", scopes=["cases:create", "cases:read"])
    with Receiver() as receiver:
        subscription = _subscribe(
            vergunningen,
            receiver.url + "/events",
            ["nl.voordeur.handoff.created", "nl.voordeur.handoff.claimed", "nl.voordeur.handoff.answered"],
        )
        receiver.down = True
        references = [
            economie.post(
                "/api/v1/cases/", {**question, "question": f"Vraag {i} over een terras"}, format="json"
            ).json()["reference"]
            for i in range(3)
        ]
        from intake.models import Case

        handoffs = []
        for reference in references:
            case = Case.objects.get(reference=reference)
            handoffs += routing.case_hand_off(
                case=case, actor=owner, teams=[teams["vergunningen"]], request_text="Graag"
            )
        routing.case_hand_off(
            case=Case.objects.get(reference=references[0]),
            actor=owner,
            teams=[teams["belastingen"]],
            request_text="x",
        )  # another team's hand-off: not for this subscriber
        vergunningen.post(f"/api/v1/handoffs/{handoffs[0].pk}/claim/")
        events.pump()
        events.pump()  # looking twice queues nothing twice
        rows = OutboxMessage.objects.filter(channel="webhook")
        assert rows.count() == 4  # three created, one claimed
        for _ in range(5):
            _deliver_due()
        sub = Subscription.objects.get(pk=subscription["id"])
        assert sub.paused_at is not None and sub.consecutive_failures == 3
        paused_mail = OutboxMessage.objects.get(template="api_subscription_paused")
        assert paused_mail.to_email == "vergunningensysteem@gemeente.test"
        assert "gepauzeerd" in paused_mail.subject
        receiver.down = False
        _deliver_due()
        assert receiver.requests == []  # paused: kept back, not sent
        # Meanwhile one more event.
        vergunningen.post(f"/api/v1/handoffs/{handoffs[1].pk}/answer/", {"answer": "Mag."}, format="json")
        events.pump()
        from api import services as api_services

        with django_capture_on_commit_callbacks(execute=True):
            assert api_services.subscription_resume(subscription=sub) == 5
        _deliver_due()
        _deliver_due()
        received = [json.loads(r["body"]) for r in receiver.requests]
        ids = [e["id"] for e in received]
        assert len(ids) == len(set(ids)) == 5
        assert sorted(e["type"] for e in received) == sorted(
            ["nl.voordeur.handoff.created"] * 3
            + ["nl.voordeur.handoff.claimed", "nl.voordeur.handoff.answered"]
        )
        assert {e["data"]["team"] for e in received} == {"vergunningen"}
        assert rows.filter(status="sent").count() == 5
        assert WebhookDelivery.objects.filter(ok=False).count() >= 3


def test_an_event_is_delivered_right_after_the_commit(
    make_client, question, topics, django_capture_on_commit_callbacks
):
    """post_save on the timeline entry → on commit the pump → the outbox delivers (eager Celery in tests)."""
    http = make_client(scopes=["cases:create", "cases:read", "events:subscribe"])
    with Receiver() as receiver:
        with django_capture_on_commit_callbacks(execute=True):
            _subscribe(http, receiver.url, ["nl.voordeur.case.created"])
        with django_capture_on_commit_callbacks(execute=True):
            reference = http.post("/api/v1/cases/", question, format="json").json()["reference"]
        assert [json.loads(r["body"])["subject"] for r in receiver.requests] == [reference]
