"""The notification outbox: every outgoing e-mail is a row, written in the transaction that caused it.

Low level on purpose (docs/decisions/0001-import-order.md): it imports nothing from intake or routing, so
intake can queue a receipt in its own transaction. Exactly-once comes from two things: the unique idempotency
key (queuing the same notification twice keeps one row) and a compare-and-set claim before sending (delivering
the same row twice sends once). A worker that dies mid-send leaves the row "sending"; the periodic re-queue
picks it up after OUTBOX_STUCK_AFTER_SECONDS.

A tracking token (the /volgen/<token>/ link, a bearer secret) is never stored readable: the stored body holds
TRACKING_TOKEN_PLACEHOLDER instead, the row keeps the token only encrypted (intake.crypto), `deliver` puts it
back into the e-mail it sends, and the encrypted token is wiped once the row is sent, skipped or given up.
"""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import crypto

logger = logging.getLogger(__name__)


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("In de wachtrij")
        SENDING = "sending", _("Wordt verstuurd")
        SENT = "sent", _("Verstuurd")
        FAILED = "failed", _("Mislukt")
        SKIPPED = "skipped", _("Niet verstuurd (geen e-mailadres)")

    class Audience(models.TextChoices):
        ENTREPRENEUR = "entrepreneur", _("Ondernemer")
        STAFF = "staff", _("Medewerker")
        TEAM = "team", _("Teammailbox")

    key = models.CharField(max_length=200, unique=True)
    case = models.ForeignKey(
        "intake.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    audience = models.CharField(max_length=20, choices=Audience.choices)
    template = models.CharField(max_length=100)
    to_email = models.EmailField(blank=True)
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # The tracking token of the link in the body, encrypted; empty once the row is sent, skipped or failed.
    tracking_token_encrypted = models.TextField(blank=True, default="", db_default="", editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten (outbox)")

    def __str__(self) -> str:
        return f"{self.template} → {self.to_email or '-'} ({self.status})"


def render_text(template: str, context: dict) -> tuple[str, str]:
    """Subject and plain text of an e-mail, always in the site's language (Dutch)."""
    context = {"site_url": settings.SITE_URL, "municipality": settings.MUNICIPALITY, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
        text = render_to_string(f"emails/{template}.txt", context).strip() + "\n"
    return subject, text


def render_html(subject: str, text: str) -> str:
    context = {"site_url": settings.SITE_URL, "municipality": settings.MUNICIPALITY}
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("emails/_wrapper.html", {**context, "subject": subject, "text": text})


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """Subject, plain text and HTML of an e-mail, always in the site's language (Dutch)."""
    subject, text = render_text(template, context)
    return subject, text, render_html(subject, text)


TRACKING_TOKEN_PLACEHOLDER = "volgcode-verborgen"


def queue_email(
    *, key: str, to: str, template: str, context: dict, audience: str, case=None, tracking_token: str = ""
) -> OutboxMessage:
    """Queue one e-mail in the current transaction; a second call with the same key returns the first row.

    `tracking_token`: a secret that occurs in the rendered e-mail (the tracking link). It is stored only
    encrypted, and only when the e-mail will be sent; the stored body holds a placeholder instead.
    """
    existing = OutboxMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    subject, text, html = render_email(template, context)
    if tracking_token:
        text = text.replace(tracking_token, TRACKING_TOKEN_PLACEHOLDER)
        html = html.replace(tracking_token, TRACKING_TOKEN_PLACEHOLDER)
    row = OutboxMessage(
        key=key,
        case=case,
        audience=audience,
        template=template,
        to_email=to or "",
        subject=subject[:250],
        body_text=text,
        body_html=html,
        status=OutboxMessage.Status.QUEUED if to else OutboxMessage.Status.SKIPPED,
        tracking_token_encrypted=crypto.encrypt(tracking_token) if tracking_token and to else "",
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # a concurrent writer queued the same key first: keep theirs
        return OutboxMessage.objects.get(key=key)
    if row.status == OutboxMessage.Status.QUEUED:
        transaction.on_commit(lambda: _enqueue_delivery(row.pk))
    return row


def _enqueue_delivery(message_id: int) -> None:
    from .tasks import deliver_outbox_message

    try:
        deliver_outbox_message.delay(message_id)
    except Exception:  # broker down: the row stays queued and the periodic re-queue sends it later
        logger.warning("Could not enqueue outbox message %s; it will be re-queued", message_id, exc_info=True)


def deliver(message_id: int) -> bool:
    """Send one queued message. Returns True if this call sent it; False if there was nothing to send."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now
    ).update(status=OutboxMessage.Status.SENDING, claimed_at=now, attempts=models.F("attempts") + 1)
    if not claimed:
        return False
    row = OutboxMessage.objects.get(pk=message_id)
    try:
        token = crypto.decrypt(row.tracking_token_encrypted) if row.tracking_token_encrypted else ""
    except (
        crypto.InvalidToken
    ):  # another key (SECRET_KEY or FIELD_ENCRYPTION_KEY changed): retrying won't help
        OutboxMessage.objects.filter(pk=row.pk).update(
            status=OutboxMessage.Status.FAILED,
            last_error="The tracking token cannot be decrypted with the current key.",
            tracking_token_encrypted="",
        )
        return False
    body_text, body_html = row.body_text, row.body_html or render_html(row.subject, row.body_text)
    if token:
        body_text = body_text.replace(TRACKING_TOKEN_PLACEHOLDER, token)
        body_html = body_html.replace(TRACKING_TOKEN_PLACEHOLDER, token)
    email = EmailMultiAlternatives(
        subject=row.subject,
        body=body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_email],
        headers={"X-Voordeur-Key": row.key},
    )
    # Rows queued in bulk by the sweep store only text; their HTML is the same text in the wrapper.
    email.attach_alternative(body_html, "text/html")
    try:
        email.send()
    except Exception as exc:
        _record_failure(row, exc)
        raise
    # The private tracking link was only needed to send; keep no copy of it (the case stores a hash). Bodies
    # stored before the placeholder existed are redacted too.
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxMessage.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        body_text=redact_tracking_links(row.body_text),
        body_html=redact_tracking_links(row.body_html),
        tracking_token_encrypted="",
    )
    return True


TRACKING_LINK = re.compile(r"/volgen/[A-Za-z0-9_\-]{20,}/")


def redact_tracking_links(text: str) -> str:
    return TRACKING_LINK.sub("/volgen/[verwijderd]/", text)


def _record_failure(row: OutboxMessage, exc: Exception) -> None:
    final = row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    backoff = timedelta(seconds=min(3600, 30 * 2 ** max(0, row.attempts - 1)))
    update = {"tracking_token_encrypted": ""} if final else {}  # given up: the token is not needed any more
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxMessage.Status.FAILED if final else OutboxMessage.Status.QUEUED,
        last_error=f"{type(exc).__name__}: {exc}"[:1000],
        next_attempt_at=timezone.now() + backoff,
        **update,
    )


def retry_delay(message_id: int) -> int:
    row = OutboxMessage.objects.filter(pk=message_id).values("next_attempt_at", "status").first()
    if not row or row["status"] != OutboxMessage.Status.QUEUED:
        return 0
    return max(1, int((row["next_attempt_at"] - timezone.now()).total_seconds()))


def due_message_ids(limit: int = 500, after: int = 0) -> list[int]:
    """Rows that should be (re)sent now: queued and due, or stuck "sending" after a worker died."""
    now = timezone.now()
    stuck_before = now - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
    OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING, claimed_at__lt=stuck_before).update(
        status=OutboxMessage.Status.QUEUED, next_attempt_at=now
    )
    return list(
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now, pk__gt=after
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
