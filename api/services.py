"""Writes of the api app: clients (create, rotate, revoke) and subscriptions (create, pause, resume)."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from intake import crypto
from intake.outbox import OutboxMessage, queue_email

from .models import ApiClient, Subscription


@dataclass(frozen=True)
class Issued:
    client: ApiClient
    token: str  # shown once; only its hash is stored


def _service_user(name: str):
    """The user a client acts as on timelines ("Opgepakt door <client>"); it cannot sign in."""
    User = get_user_model()
    username = f"api-{secrets.token_hex(4)}"
    user = User(username=username, first_name=f"API: {name}"[:150], is_active=True, is_staff=False)
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def client_create(
    *, name: str, contact_email: str, scopes: list[str], team=None, rate_limit: str = ""
) -> Issued:
    token = ApiClient.new_token()
    client = ApiClient(name=name, contact_email=contact_email, scopes=list(scopes), team=team)
    if rate_limit:
        client.rate_limit = rate_limit
    client.set_token(token)
    client.user = _service_user(name)
    client.save()
    return Issued(client=client, token=token)


def client_prepare(client: ApiClient) -> str:
    """For the admin's add form: give a new (unsaved) client its service user and token; returns the token."""
    token = ApiClient.new_token()
    client.set_token(token)
    if not client.user_id:
        client.user = _service_user(client.name)
    return token


@transaction.atomic
def client_rotate(*, client: ApiClient) -> Issued:
    """A new token; the old one stops working at once."""
    token = ApiClient.new_token()
    client.set_token(token)
    client.rotated_at = timezone.now()
    client.save(update_fields=["token_hash", "token_hint", "rotated_at"])
    return Issued(client=client, token=token)


@transaction.atomic
def client_revoke(*, client: ApiClient) -> ApiClient:
    client.is_active = False
    client.revoked_at = timezone.now()
    client.save(update_fields=["is_active", "revoked_at"])
    client.subscriptions.update(is_active=False)
    return client


@transaction.atomic
def subscription_create(*, client: ApiClient, url: str, event_types: list[str]) -> tuple[Subscription, str]:
    secret = "whsec_" + secrets.token_urlsafe(32)
    subscription = Subscription.objects.create(
        client=client, url=url, event_types=sorted(set(event_types)), secret_encrypted=crypto.encrypt(secret)
    )
    from .events import forget_listeners

    transaction.on_commit(forget_listeners)
    return subscription, secret


def subscription_secret(subscription: Subscription) -> str:
    return crypto.decrypt(subscription.secret_encrypted)


def subscription_record_result(*, subscription_id: int, ok: bool, pause_after: int) -> bool:
    """Count a delivery; after `pause_after` failures in a row, pause and tell the owner. True if paused now."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update().select_related("client").get(pk=subscription_id)
        )
        if ok:
            if subscription.consecutive_failures:
                subscription.consecutive_failures = 0
                subscription.save(update_fields=["consecutive_failures"])
            return False
        subscription.consecutive_failures += 1
        fields = ["consecutive_failures"]
        paused_now = subscription.paused_at is None and subscription.consecutive_failures >= pause_after
        if paused_now:
            subscription.paused_at = timezone.now()
            fields.append("paused_at")
            queue_email(
                key=f"api-subscription-paused:{subscription.pk}:{subscription.paused_at.isoformat()}",
                to=subscription.client.contact_email,
                template="api_subscription_paused",
                context={
                    "subscription": subscription,
                    "client": subscription.client,
                    "failures": pause_after,
                },
                audience=OutboxMessage.Audience.STAFF,
            )
        subscription.save(update_fields=fields)
        return paused_now


@transaction.atomic
def subscription_resume(*, subscription: Subscription) -> int:
    """Resume a paused subscription: every event kept back while it was paused is sent now. Returns how many."""
    Subscription.objects.filter(pk=subscription.pk).update(
        paused_at=None, consecutive_failures=0, is_active=True
    )
    rows = OutboxMessage.objects.filter(
        channel=OutboxMessage.Channel.WEBHOOK,
        key__startswith=f"event:{subscription.pk}:",
        status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.FAILED],
    )
    ids = list(rows.values_list("pk", flat=True))
    rows.update(status=OutboxMessage.Status.QUEUED, next_attempt_at=timezone.now(), attempts=0, lease="")
    from intake.tasks import deliver_outbox_message

    def enqueue():
        for pk in ids:
            try:
                deliver_outbox_message.delay(pk)
            except Exception:
                return

    transaction.on_commit(enqueue)
    return len(ids)
