"""API clients (other systems of the municipality), their calls, their event subscriptions and deliveries."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.models import Team

TOKEN_PREFIX = "vd_"


def hash_token(token: str) -> str:
    """Tokens are 256-bit random strings, so one SHA-256 is enough (no slow hash needed) and allows a lookup."""
    return hashlib.sha256(token.encode()).hexdigest()


class Scope(models.TextChoices):
    CASES_CREATE = "cases:create", _("Vragen indienen")
    CASES_READ = "cases:read", _("Vragen lezen (eigen vragen; alle bij team economie)")
    COMPANIES_READ = "companies:read", _("Bedrijven lezen")
    CATALOGUE_READ = "catalogue:read", _("Onderwerpen en kennisartikelen lezen")
    EVENTS_SUBSCRIBE = "events:subscribe", _("Abonneren op gebeurtenissen")
    # handoffs:<team-slug> is one scope per team (not a fixed choice): the hand-offs of that team


class ApiClient(models.Model):
    """Another system of the municipality. Its token is shown once (on creation or rotation); only its hash is
    stored. Each client acts as a service user of its own, so the timeline says which system did what."""

    name = models.CharField(_("naam"), max_length=100, unique=True)
    contact_email = models.EmailField(
        _("e-mailadres beheerder"), help_text=_("Krijgt bericht als een abonnement wordt gepauzeerd.")
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Het team namens wie het systeem werkt. Team economie leest met cases:read alle vragen."),
    )
    scopes = models.JSONField(
        _("rechten"),
        default=list,
        blank=True,
        help_text=_(
            "Bijvoorbeeld cases:create, cases:read, companies:read, catalogue:read, events:subscribe, handoffs:<team>."
        ),
    )
    rate_limit = models.CharField(
        _("limiet"),
        max_length=20,
        default="600/minute",
        help_text=_("Aantal verzoeken per second/minute/hour/day."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField(_("token begint met"), max_length=12, editable=False, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client", editable=False
    )
    is_active = models.BooleanField(_("actief"), default=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True, editable=False)
    rotated_at = models.DateTimeField(_("token vernieuwd op"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API-koppeling")
        verbose_name_plural = _("API-koppelingen")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def new_token() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    def set_token(self, token: str) -> None:
        self.token_hash = hash_token(token)
        self.token_hint = token[:10]

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def handoff_team_slugs(self) -> list[str]:
        return sorted(
            s.split(":", 1)[1] for s in self.scopes if s.startswith("handoffs:") and s.count(":") == 1
        )

    @property
    def reads_all_cases(self) -> bool:
        return self.team is not None and self.team.kind == Team.Kind.OWNER


class ApiCall(models.Model):
    """One call by a client: the log the functional administrator reads (no request bodies, no personal data)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="calls")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("API-aanroep")
        verbose_name_plural = _("API-aanroepen")

    def __str__(self) -> str:
        return f"{self.client} {self.method} {self.path} {self.status}"


class EventType(models.TextChoices):
    CASE_CREATED = "nl.voordeur.case.created", _("Vraag ontvangen")
    CASE_STATUS_CHANGED = "nl.voordeur.case.status-changed", _("Status van een vraag gewijzigd")
    CASE_ANSWERED = "nl.voordeur.case.answered", _("Vraag beantwoord")
    HANDOFF_CREATED = "nl.voordeur.handoff.created", _("Uitzetting aangemaakt")
    HANDOFF_CLAIMED = "nl.voordeur.handoff.claimed", _("Uitzetting opgepakt")
    HANDOFF_INFO_REQUESTED = "nl.voordeur.handoff.info-requested", _("Uitzetting: informatie gevraagd")
    HANDOFF_ANSWERED = "nl.voordeur.handoff.answered", _("Uitzetting beantwoord")
    HANDOFF_RETURNED = "nl.voordeur.handoff.returned", _("Uitzetting teruggestuurd")
    CALLBACK_OVERDUE = "nl.voordeur.callback.overdue", _("Terugbelverzoek over de termijn")


class Subscription(models.Model):
    """A client's webhook: which event types go to which URL, signed with a secret of its own."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="subscriptions")
    url = models.URLField(_("adres (URL)"), max_length=500)
    event_types = models.JSONField(_("soorten gebeurtenissen"), default=list)
    secret_encrypted = models.TextField(editable=False)  # the HMAC key; the sender needs it readable
    is_active = models.BooleanField(_("actief"), default=True)
    paused_at = models.DateTimeField(_("gepauzeerd op"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("mislukt op rij"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnementen")

    def __str__(self) -> str:
        return f"{self.client}: {self.url}"


class WebhookDelivery(models.Model):
    """Every attempt to deliver one event to one subscription: the delivery log the administrator reads."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    outbox_message_id = models.BigIntegerField(db_index=True)
    event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=60)
    at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("aflevering")
        verbose_name_plural = _("afleveringen")

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription_id} ({self.status_code or self.error})"


class EventCursor(models.Model):
    """One row: the last timeline entry the event pump has looked at (docs/decisions/0009-events.md)."""

    name = models.CharField(max_length=20, primary_key=True)
    last_message_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_message_id}"
