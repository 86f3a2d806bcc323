"""The notification outbox: every outgoing e-mail is a row, written in the transaction that caused it.

Low level on purpose (docs/decisions/0001-import-order.md): it imports nothing from intake or routing, so
intake can queue a receipt in its own transaction. Exactly-once comes from two things: the unique idempotency
key (queuing the same notification twice keeps one row) and a compare-and-set claim before sending (delivering
the same row twice sends once). A worker that dies mid-send leaves the row "sending"; the periodic re-queue
picks it up after OUTBOX_STUCK_AFTER_SECONDS. Each claim carries a random lease; a worker records the outcome
only while its own lease still holds, so a slow worker whose row was re-queued and claimed again never
overwrites the newer claim. EMAIL_TIMEOUT (well below OUTBOX_STUCK_AFTER_SECONDS) makes a hung mail server
fail the send before the row counts as stuck. Every send carries the same Message-ID (from the row's key), so
the rare duplicate after a crash is recognisable as the same message.

Publishing to the broker never holds up a web request for long: the broker timeouts are short (settings), and
after one failed publish this process stops trying for BROKER_PAUSE_SECONDS; the periodic re-queue sends the
rows that stay queued.

A tracking token (the /volgen/<token>/ link, a bearer secret) is never stored readable: the stored body holds
TRACKING_TOKEN_PLACEHOLDER instead, the row keeps the token only encrypted (intake.crypto), `deliver` puts it
back into the e-mail it sends, and the encrypted token is wiped once the row is sent, skipped or given up.
"""

import hashlib
import logging
import math
import re
import secrets
import smtplib
import time
from collections.abc import Callable
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import crypto

logger = logging.getLogger(__name__)


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")
    OPENKLANT = "openklant", _("Open Klant")


class OutboxMessage(models.Model):
    Channel = Channel

    class Status(models.TextChoices):
        QUEUED = "queued", _("In de wachtrij")
        SENDING = "sending", _("Wordt verstuurd")
        SENT = "sent", _("Verstuurd")
        FAILED = "failed", _("Mislukt")
        SKIPPED = "skipped", _("Niet verstuurd (geen e-mailadres)")

    class FailureReason(models.TextChoices):
        """Why the last attempt failed, in words staff can act on; the technical detail is in last_error."""

        REFUSED = "refused", _("adres geweigerd")
        UNREACHABLE = "unreachable", _("mailserver niet bereikbaar")
        FAILED = "failed", _("verzenden mislukt")

    class Audience(models.TextChoices):
        ENTREPRENEUR = "entrepreneur", _("Ondernemer")
        STAFF = "staff", _("Medewerker")
        TEAM = "team", _("Teammailbox")

    key = models.CharField(max_length=200)  # unique: Meta.constraints (no LIKE index beside it)
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
    # The technical detail of the last failure, for the administrator; staff see failure_reason.
    last_error = models.TextField(blank=True)
    failure_reason = models.CharField(
        max_length=20, choices=FailureReason.choices, blank=True, default="", db_default=""
    )
    # A random value written with each claim: only the worker holding it may record the outcome.
    lease = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)
    # A failed row is queued once more after OUTBOX_FAILED_RETRY_AFTER_SECONDS; this records that it was.
    auto_retried = models.BooleanField(default=False, db_default=False)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Besides e-mail, rows for other channels (issue 16): a webhook call or a push to Open Klant, to `url`, with
    # the payload in body_text; a sender registered by a higher app delivers them (`deliver_channel`).
    channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.EMAIL, db_default=Channel.EMAIL
    )
    url = models.URLField(max_length=500, blank=True, default="", db_default="")
    meta = models.JSONField(null=True, blank=True, default=dict)  # NULL for rows inserted by raw SQL

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["key"], name="outbox_key")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten (outbox)")

    def __str__(self) -> str:
        return f"{self.template} → {self.to_email or '-'} ({self.status})"


def render_text(template: str, context: dict, language: str = "") -> tuple[str, str]:
    """Subject and plain text of an e-mail, in `language` (the entrepreneur's) or the site's (Dutch)."""
    context = {"site_url": settings.SITE_URL, "municipality": settings.MUNICIPALITY, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
        text = render_to_string(f"emails/{template}.txt", context).strip() + "\n"
    return subject, text


def render_html(subject: str, text: str, language: str = "") -> str:
    context = {"site_url": settings.SITE_URL, "municipality": settings.MUNICIPALITY}
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string("emails/_wrapper.html", {**context, "subject": subject, "text": text})


def render_email(template: str, context: dict, language: str = "") -> tuple[str, str, str]:
    """Subject, plain text and HTML of an e-mail, in `language` or the site's language (Dutch)."""
    subject, text = render_text(template, context, language)
    return subject, text, render_html(subject, text, language)


TRACKING_TOKEN_PLACEHOLDER = "volgcode-verborgen"


def queue_email(
    *,
    key: str,
    to: str,
    template: str,
    context: dict,
    audience: str,
    case=None,
    tracking_token: str = "",
    language: str = "",
    check_existing: bool = True,
    render_at_delivery: bool = False,
) -> OutboxMessage:
    """Queue one e-mail in the current transaction; a second call with the same key returns the first row.

    `tracking_token`: a secret that occurs in the rendered e-mail (the tracking link). It is stored only
    encrypted, and only when the e-mail will be sent; the stored body holds a placeholder instead.
    `check_existing=False`: the caller knows the key is new (a new case's receipt); the unique key still
    keeps one row. `render_at_delivery`: nothing is rendered in the request; the worker renders subject, text
    and HTML when it claims the row (`deliver`). Only for e-mails about `case` whose context is the case's own
    (`case_email_context`: the case, its contact and the tracking link), so the worker can rebuild it.
    """
    if check_existing:
        existing = OutboxMessage.objects.filter(key=key).first()
        if existing is not None:
            return existing
    render_later = render_at_delivery and bool(to) and case is not None
    if render_later:
        subject, text, html = "", "", ""
    else:
        subject, text, html = render_email(template, context, language)
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
        # The language of what the worker renders (the HTML layout, or everything with render_at_delivery).
        meta={"language": language, **({"render_at_delivery": True} if render_later else {})}
        if (language and not html) or render_later
        else {},
    )
    if not check_existing:  # a new key: no savepoint (a conflict would be a bug, and raises)
        row.save()
    else:
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # a concurrent writer queued the same key first: keep theirs
            return OutboxMessage.objects.get(key=key)
    if row.status == OutboxMessage.Status.QUEUED:
        transaction.on_commit(lambda: _enqueue_delivery(row.pk))
    return row


BROKER_PAUSE_SECONDS = 30  # after a failed publish, leave rows to the periodic re-queue for this long
_broker_paused_until = 0.0


def _enqueue_delivery(message_id: int) -> bool:
    """Hand a row to a worker. Never raises; False if the row was left for the periodic re-queue.

    With a hung or dead broker one publish costs at most about a second (the broker timeouts in settings);
    after that this process does not try again for BROKER_PAUSE_SECONDS, so a request that queues several
    e-mails waits once, not once per e-mail.
    """
    global _broker_paused_until
    from .tasks import deliver_outbox_message

    if time.monotonic() < _broker_paused_until:
        return False
    try:
        deliver_outbox_message.delay(message_id)
    except Exception:  # broker down: the row stays queued and the periodic re-queue sends it later
        _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("Could not enqueue outbox message %s; it will be re-queued", message_id, exc_info=True)
        return False
    return True


def resume_publishing() -> None:
    """Forget an earlier failed publish (tests; a worker that knows the broker is back)."""
    global _broker_paused_until
    _broker_paused_until = 0.0


def message_id_for(key: str) -> str:
    """The same Message-ID for every send of one row, so a rare duplicate is recognisably the same message."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@voordeur.{domain}>"


def subject_with_reference(subject: str, reference: str) -> str:
    """`[OND-2026-00042] subject` for a message about a case; the templates leave the reference out."""
    if not reference or reference in subject:  # a subject that names it already (an older row) stays as it is
        return subject
    return f"[{reference}] {subject}"


def reply_to_address() -> str:
    return settings.LOKET_REPLY_TO or settings.MUNICIPALITY["email"] or settings.DEFAULT_FROM_EMAIL


def build_email(row: OutboxMessage, *, reference: str = "", token: str = "") -> EmailMultiAlternatives:
    body_text = row.body_text
    body_html = row.body_html or render_html(row.subject, row.body_text, (row.meta or {}).get("language", ""))
    if token:
        body_text = body_text.replace(TRACKING_TOKEN_PLACEHOLDER, token)
        body_html = body_html.replace(TRACKING_TOKEN_PLACEHOLDER, token)
    email = EmailMultiAlternatives(
        subject=subject_with_reference(row.subject, reference),
        body=body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_email],
        reply_to=[reply_to_address()],
        headers={"X-Voordeur-Key": row.key, "Message-ID": message_id_for(row.key)},
    )
    # Rows queued in bulk by the sweep store only text; their HTML is the same text in the wrapper.
    email.attach_alternative(body_html, "text/html")
    return email


def deliver(message_id: int) -> bool:
    """Send one queued message. Returns True if this call sent it; False if there was nothing to send.

    The claim writes a fresh lease; the outcome (sent, or the failure) is recorded only while that lease still
    holds. A worker that was slower than OUTBOX_STUCK_AFTER_SECONDS, whose row was re-queued and claimed by
    another worker, leaves the row to that worker.
    """
    if OutboxMessage.objects.filter(pk=message_id).exclude(channel=Channel.EMAIL).exists():
        return deliver_channel(message_id)  # a webhook or Open Klant row (issue 16): see below
    now = timezone.now()
    lease = secrets.token_hex(16)
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now
    ).update(
        status=OutboxMessage.Status.SENDING, claimed_at=now, attempts=models.F("attempts") + 1, lease=lease
    )
    if not claimed:
        return False
    row = OutboxMessage.objects.get(pk=message_id)
    mine = OutboxMessage.objects.filter(pk=row.pk, status=OutboxMessage.Status.SENDING, lease=lease)
    try:
        token = crypto.decrypt(row.tracking_token_encrypted) if row.tracking_token_encrypted else ""
    except (
        crypto.InvalidToken
    ):  # another key (SECRET_KEY or FIELD_ENCRYPTION_KEY changed): retrying won't help
        mine.update(
            status=OutboxMessage.Status.FAILED,
            failure_reason=OutboxMessage.FailureReason.FAILED,
            last_error="The tracking token cannot be decrypted with the current key.",
            tracking_token_encrypted="",
            auto_retried=True,  # a retry would fail the same way
        )
        return False
    rendered = _render_claimed(row, token) if (row.meta or {}).get("render_at_delivery") else {}
    reference = _case_reference(row)
    try:
        build_email(row, reference=reference, token=token).send()
    except Exception as exc:
        if rendered:
            mine.update(**rendered)
        _record_failure(row, exc, mine)
        raise
    # The private tracking link was only needed to send; keep no copy of it (the case stores a hash). Bodies
    # stored before the placeholder existed are redacted too.
    recorded = mine.update(
        status=OutboxMessage.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        failure_reason="",
        subject=row.subject,
        body_text=redact_tracking_links(row.body_text),
        body_html=redact_tracking_links(row.body_html),
        tracking_token_encrypted="",
    )
    if not recorded:
        logger.warning("Outbox message %s was sent after its claim was taken over; not recorded", row.pk)
    return True


def case_email_context(case, tracking_token: str = "") -> dict:
    """The context of an e-mail about a case to its entrepreneur (the receipt): the worker rebuilds it."""
    tracking_url = (
        settings.SITE_URL + reverse("intake:track", args=[tracking_token]) if tracking_token else ""
    )
    return {"case": case, "contact": case.contact, "tracking_url": tracking_url}


def _render_claimed(row: OutboxMessage, token: str) -> dict:
    """Render a row queued with render_at_delivery into `row`; returns the fields to store (the link as a
    placeholder). The caller stores them with the outcome, so the row shows its subject and text to staff also
    when sending fails."""
    row.case = type(row.case).objects.select_related("contact").get(pk=row.case_id)
    language = (row.meta or {}).get("language", "")
    subject, text, html = render_email(row.template, case_email_context(row.case, token), language)
    if token:
        text, html = (body.replace(token, TRACKING_TOKEN_PLACEHOLDER) for body in (text, html))
    row.subject, row.body_text, row.body_html = subject[:250], text, html
    return {"subject": row.subject, "body_text": text, "body_html": html}


def _case_reference(row: OutboxMessage) -> str:
    return row.case.reference if row.case_id else ""


TRACKING_LINK = re.compile(r"/volgen/[A-Za-z0-9_\-]{20,}/")


def redact_tracking_links(text: str) -> str:
    return TRACKING_LINK.sub("/volgen/[verwijderd]/", text)


def failure_reason(exc: BaseException) -> str:
    """The Dutch reason staff see for an exception raised while sending."""
    reasons = OutboxMessage.FailureReason
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return reasons.REFUSED
    if isinstance(exc, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)):
        return reasons.UNREACHABLE
    if isinstance(exc, smtplib.SMTPException):  # refused sender, data error, authentication, ...
        return reasons.FAILED
    if isinstance(exc, OSError):  # refused or reset connection, timeout, unknown host
        return reasons.UNREACHABLE
    return reasons.FAILED


def _record_failure(row: OutboxMessage, exc: Exception, mine) -> None:
    now = timezone.now()
    final = row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    backoff = timedelta(seconds=min(3600, 30 * 2 ** max(0, row.attempts - 1)))
    if final:  # failed; queued once more later (see due_message_ids) unless that happened already
        backoff = timedelta(seconds=settings.OUTBOX_FAILED_RETRY_AFTER_SECONDS)
    # Given up for good: the tracking token is not needed any more.
    update = {"tracking_token_encrypted": ""} if final and row.auto_retried else {}
    mine.update(
        status=OutboxMessage.Status.FAILED if final else OutboxMessage.Status.QUEUED,
        failure_reason=failure_reason(exc),
        last_error=f"{type(exc).__name__}: {exc}"[:1000],
        next_attempt_at=now + backoff,
        **update,
    )


def retry_delay(message_id: int) -> int:
    """Seconds until the row is due again (rounded up, plus one), or 0 if it is not queued any more."""
    row = OutboxMessage.objects.filter(pk=message_id).values("next_attempt_at", "status").first()
    if not row or row["status"] != OutboxMessage.Status.QUEUED:
        return 0
    return max(1, math.ceil((row["next_attempt_at"] - timezone.now()).total_seconds()) + 1)


def due_message_ids(limit: int = 500, after: int = 0) -> list[int]:
    """Rows that should be (re)sent now: queued and due, stuck "sending" after a worker died, or failed a while
    ago and not yet retried automatically (that retry has one attempt)."""
    now = timezone.now()
    stuck_before = now - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
    OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING, claimed_at__lt=stuck_before).update(
        status=OutboxMessage.Status.QUEUED, next_attempt_at=now, lease=""
    )
    OutboxMessage.objects.filter(
        status=OutboxMessage.Status.FAILED, auto_retried=False, next_attempt_at__lte=now
    ).update(
        status=OutboxMessage.Status.QUEUED,
        auto_retried=True,
        attempts=max(0, settings.OUTBOX_MAX_ATTEMPTS - 1),
        next_attempt_at=now,
    )
    return list(
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now, pk__gt=after
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


LONG_QUEUED_MINUTES = 15


def problem_messages():
    """Messages staff should look at: failed, or still not sent LONG_QUEUED_MINUTES after they were queued."""
    long_ago = timezone.now() - timedelta(minutes=LONG_QUEUED_MINUTES)
    return (
        OutboxMessage.objects.filter(
            models.Q(status=OutboxMessage.Status.FAILED)
            | models.Q(
                status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.SENDING],
                created_at__lt=long_ago,
            )
        )
        .select_related("case")
        .defer("body_text", "body_html")
        .order_by("-created_at", "-pk")
    )


def failed_count() -> int:
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count()


class NotResendable(Exception):
    pass


def requeue(*, message_id: int) -> OutboxMessage:
    """Send a failed (or long-queued) message again with a fresh attempt budget, after the transaction commits."""
    with transaction.atomic():
        row = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if row is None or row.status not in (OutboxMessage.Status.FAILED, OutboxMessage.Status.QUEUED):
            raise NotResendable(_("Dit bericht kan niet opnieuw worden verstuurd."))
        OutboxMessage.objects.filter(pk=row.pk).update(
            status=OutboxMessage.Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), lease=""
        )
        transaction.on_commit(lambda: _enqueue_delivery(row.pk))
    row.refresh_from_db()
    return row


# ----------------------------------------------------------------------------------------------------------
# Other channels (issue 16): rows with a URL and a payload, delivered by a sender that a higher app registers
# at start-up (api/apps.py), so the outbox imports nothing above teams. Same exactly-once rules as e-mail: the
# unique key when queuing, a compare-and-set claim with a lease when delivering; retried with backoff.

_SENDERS: dict[str, Callable[[OutboxMessage], None]] = {}


def register_sender(channel: str, send: Callable[[OutboxMessage], None]) -> None:
    """`send(row)` delivers one row or raises; `Deferred` puts it back without counting an attempt."""
    _SENDERS[channel] = send


class Deferred(Exception):  # not an error: "not now"
    """Raised by a sender that may not send now (e.g. the subscription is paused): try again after `seconds`."""

    def __init__(self, seconds: int = 3600):
        super().__init__(seconds)
        self.seconds = seconds


def queue_channel_message(
    *, key: str, channel: str, url: str, payload: str, subject: str = "", meta: dict | None = None, case=None
) -> OutboxMessage | None:
    """Queue one non-e-mail row in the current transaction; None when the key was queued before."""
    if OutboxMessage.objects.filter(key=key).exists():
        return None
    row = OutboxMessage(
        key=key,
        channel=channel,
        url=url,
        case=case,
        audience=OutboxMessage.Audience.TEAM,
        template=channel,
        subject=subject[:250],
        body_text=payload,
        meta=meta or {},
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # queued concurrently: keep theirs
        return None
    transaction.on_commit(lambda: _enqueue_delivery(row.pk))
    return row


def deliver_channel(message_id: int) -> bool:
    """Deliver one queued non-e-mail row through its registered sender; True if this call delivered it."""
    now = timezone.now()
    lease = secrets.token_hex(16)
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now
    ).update(
        status=OutboxMessage.Status.SENDING, claimed_at=now, attempts=models.F("attempts") + 1, lease=lease
    )
    if not claimed:
        return False
    row = OutboxMessage.objects.get(pk=message_id)
    mine = OutboxMessage.objects.filter(pk=row.pk, status=OutboxMessage.Status.SENDING, lease=lease)
    send = _SENDERS.get(row.channel)
    try:
        if send is None:
            raise Deferred(3600)  # the app that delivers this channel is not installed here
        send(row)
    except Deferred as later:
        mine.update(
            status=OutboxMessage.Status.QUEUED,
            attempts=models.F("attempts") - 1,
            next_attempt_at=timezone.now() + timedelta(seconds=later.seconds),
        )
        return False
    except Exception as exc:
        final = row.attempts >= settings.OUTBOX_CHANNEL_MAX_ATTEMPTS
        mine.update(
            status=OutboxMessage.Status.FAILED if final else OutboxMessage.Status.QUEUED,
            failure_reason=OutboxMessage.FailureReason.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:1000],
            next_attempt_at=timezone.now() + timedelta(seconds=min(3600, 10 * 2 ** max(0, row.attempts - 1))),
            auto_retried=final,  # a given-up webhook row is not re-queued automatically; the admin resends
        )
        raise
    mine.update(status=OutboxMessage.Status.SENT, sent_at=timezone.now(), last_error="", failure_reason="")
    return True
