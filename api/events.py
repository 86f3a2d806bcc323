"""Events for subscribers, taken from the timeline (docs/decisions/0009-events.md).

Every event a subscriber can ask for is already written as a timeline entry (intake.Message) in the
transaction of the service that caused it: the question (case created), a status change, the answer, a
hand-off's events, the sweep's callback-overdue warning. So the lower apps need no hook and know nothing of
the API: this module's pump reads new timeline entries and queues one webhook row in the outbox per entry and
matching subscription, with the key event:<subscription>:<entry>, so however often an entry is looked at, it
is queued once (the outbox then delivers it once). A closed case is also queued for Open Klant here.

The pump runs after every commit that wrote a timeline entry (post_save → on_commit) and every minute
(Celery beat, the safety net). It walks the entries after its cursor, and looks again at those of the last
API_EVENT_RESCAN_SECONDS, for a transaction that committed after a later one had been seen.
"""

import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from intake.models import Message
from intake.outbox import Channel, OutboxMessage, queue_channel_message
from intake.workflow import CLOSED

from .models import EventCursor, EventType, Subscription

logger = logging.getLogger(__name__)

EVENT_NAMESPACE = uuid.UUID("6f0e1b52-3f0a-4df5-9d64-8a4f6c1b2d11")
BATCH = 500
HANDOFF_EVENTS = {
    "created": EventType.HANDOFF_CREATED,
    "claimed": EventType.HANDOFF_CLAIMED,
    "info_requested": EventType.HANDOFF_INFO_REQUESTED,
    "answered": EventType.HANDOFF_ANSWERED,
    "returned": EventType.HANDOFF_RETURNED,
}
KINDS = [
    Message.Kind.QUESTION,
    Message.Kind.STATUS,
    Message.Kind.ANSWER,
    Message.Kind.HANDOFF,
    Message.Kind.FOLLOWUP,
]


@dataclass(frozen=True)
class Event:
    type: str
    message: Message
    data: dict
    handoff_team: str = ""  # a hand-off event: visible only to clients of that team
    handoff_id: int | None = None

    @property
    def id(self) -> str:
        """Stable for the timeline entry and type: a retried delivery carries the same id."""
        return str(uuid.uuid5(EVENT_NAMESPACE, f"{self.type}:{self.message.pk}"))


def event_for(message: Message) -> Event | None:
    """The event a timeline entry stands for, or None."""
    data = message.data or {}
    case = message.case
    base = {"case": case.reference}
    if message.kind == Message.Kind.QUESTION and data.get("channel") is not None:
        return Event(EventType.CASE_CREATED, message, {**base, "channel": data.get("channel", "")})
    if message.kind == Message.Kind.STATUS and "to" in data:
        return Event(
            EventType.CASE_STATUS_CHANGED, message, {**base, "from": data.get("from"), "to": data["to"]}
        )
    if message.kind == Message.Kind.ANSWER:
        return Event(EventType.CASE_ANSWERED, message, {**base, "status": case.status})
    if message.kind == Message.Kind.HANDOFF and data.get("event") in HANDOFF_EVENTS and data.get("handoff"):
        return Event(
            HANDOFF_EVENTS[data["event"]],
            message,
            {**base, "handoff": data["handoff"], "team": data.get("team", "")},
            handoff_team=data.get("team", ""),
            handoff_id=data["handoff"],
        )
    if message.kind == Message.Kind.FOLLOWUP and data.get("event") == "callback_overdue":
        return Event(EventType.CALLBACK_OVERDUE, message, {**base, "callback": data.get("callback")})
    return None


def visible_to(event: Event, subscription: Subscription) -> bool:
    """A client hears only of what it may read through the API (api.selectors)."""
    client = subscription.client
    if event.handoff_team and event.handoff_team in client.handoff_team_slugs:
        return True
    if not client.has_scope("cases:read"):
        return False
    return client.reads_all_cases or event.message.case.created_by_id == client.user_id


def dataref(event: Event) -> str:
    if event.handoff_id and event.type != EventType.CALLBACK_OVERDUE and event.handoff_team:
        return settings.SITE_URL + reverse("api:handoff-detail", args=[event.handoff_id])
    return settings.SITE_URL + reverse("api:case-detail", args=[event.message.case.reference])


def cloudevent_json(event: Event) -> bytes:
    """CloudEvents 1.0, structured JSON, NL GOV profile: id, source, type, subject, time, dataref; the data
    holds references only (no personal data): the receiver reads the rest through the API with its scopes."""
    attributes = {
        "id": event.id,
        "source": settings.API_EVENT_SOURCE,
        "type": str(event.type),
        "subject": event.message.case.reference,
        "time": event.message.created_at,
        "datacontenttype": "application/json",
        "dataref": dataref(event),
        "sequence": str(event.message.pk),
        "sequencetype": "Integer",
    }
    return JSONFormat().write(CloudEvent(attributes, event.data))


# ----------------------------------------------------------------------------------------------------------
# The pump


def connect() -> None:
    post_save.connect(_timeline_saved, sender=Message, dispatch_uid="api-events-timeline")


def _timeline_saved(sender, instance: Message, created: bool, **kwargs) -> None:
    if created and instance.kind in KINDS and not kwargs.get("raw"):
        transaction.on_commit(_schedule_pump)


_anyone_listening: tuple[float, bool] = (0.0, False)
LISTENERS_TTL_SECONDS = 30


def anyone_listening() -> bool:
    """Whether there is a subscription or an Open Klant to pump for; asked at most every 30 s per process, so a
    commit that wrote a timeline entry costs no query when nobody listens (the beat pump covers the gap)."""
    global _anyone_listening
    if settings.OPENKLANT_URL:
        return True
    checked_at, listening = _anyone_listening
    if time.monotonic() - checked_at > LISTENERS_TTL_SECONDS:
        listening = Subscription.objects.filter(is_active=True).exists()
        _anyone_listening = (time.monotonic(), listening)
    return listening


def forget_listeners() -> None:
    global _anyone_listening
    _anyone_listening = (0.0, False)


def _schedule_pump() -> None:
    from .tasks import pump_events

    if not anyone_listening():
        return
    try:
        pump_events.delay()
    except Exception:  # broker down: the periodic pump picks it up
        logger.warning("Could not enqueue the event pump", exc_info=True)


def pump(now=None) -> int:
    """Queue webhook (and Open Klant) rows for new timeline entries. Returns how many rows it queued."""
    now = now or timezone.now()
    cursor, _created = EventCursor.objects.get_or_create(name="events")
    since = now - timedelta(seconds=settings.API_EVENT_RESCAN_SECONDS)
    subscriptions = list(Subscription.objects.filter(is_active=True).select_related("client", "client__team"))
    queued, last = 0, cursor.last_message_id
    after = 0
    while True:
        batch = list(
            Message.objects.filter(Q(pk__gt=cursor.last_message_id) | Q(created_at__gte=since), pk__gt=after)
            .filter(kind__in=KINDS)
            .select_related("case")
            .order_by("pk")[:BATCH]
        )
        if not batch:
            break
        queued += _queue_batch(batch, subscriptions)
        after = batch[-1].pk
        last = max(last, after)
        if len(batch) < BATCH:
            break
    EventCursor.objects.filter(name="events", last_message_id__lt=last).update(last_message_id=last)
    return queued


def _queue_batch(messages: list[Message], subscriptions: list[Subscription]) -> int:
    wanted: list[tuple[str, Subscription, Event]] = []
    openklant: list[tuple[str, Message]] = []
    for message in messages:
        event = event_for(message)
        if event is None:
            continue
        for subscription in subscriptions:
            if (
                str(event.type) in subscription.event_types
                and message.created_at >= subscription.created_at
                and visible_to(event, subscription)
            ):
                wanted.append((f"event:{subscription.pk}:{message.pk}", subscription, event))
        if (
            settings.OPENKLANT_URL
            and settings.OPENKLANT_TOKEN
            and event.type == EventType.CASE_STATUS_CHANGED
            and event.data["to"] in CLOSED
        ):
            openklant.append((f"openklant:{message.case_id}:{message.pk}", message))
    keys = [key for key, *_rest in wanted] + [key for key, _m in openklant]
    existing = (
        set(OutboxMessage.objects.filter(key__in=keys).values_list("key", flat=True)) if keys else set()
    )
    queued = 0
    with transaction.atomic():
        for key, subscription, event in wanted:
            if key in existing:
                continue
            row = queue_channel_message(
                key=key,
                channel=Channel.WEBHOOK,
                url=subscription.url,
                payload=cloudevent_json(event).decode(),
                subject=str(event.type),
                meta={"subscription": subscription.pk, "event_id": event.id, "event_type": str(event.type)},
                case=event.message.case,
            )
            queued += row is not None
        for key, message in openklant:
            if key in existing:
                continue
            from .openklant import case_payload

            row = queue_channel_message(
                key=key,
                channel=Channel.OPENKLANT,
                url=settings.OPENKLANT_URL,
                payload=json.dumps(case_payload(message.case)),
                subject=message.case.reference,
                meta={"case": message.case_id},
                case=message.case,
            )
            queued += row is not None
    return queued
