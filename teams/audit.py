"""The audit trail: who read or changed what, and when, written from any layer with `record(...)`.

It lives in teams, the bottom layer, so every app (accounts included) can write it without importing upwards;
the model is registered with Django through teams/models.py. An event holds no personal data: the object is
named by its type and id, and a searched e-mail address or phone number is kept only masked and as a keyed
fingerprint (`searched=`), so the functional administrator can still find "who looked up this number" by
fingerprinting the number again (privacy.views) without the trail itself becoming a list of numbers.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import wraps

import phonenumbers
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW = "view", _("Bekeken")
    DOWNLOAD = "download", _("Bijlage gedownload")
    LOOKUP = "lookup", _("Gezocht (KCC)")
    SUBJECT_SEARCH = "subject_search", _("Inzageverzoek: gezocht")
    EXPORT = "export", _("Inzageverzoek: geëxporteerd")
    ERASE = "erase", _("Verwijderverzoek: gewist")
    DELETE = "delete", _("Verwijderd")
    RETENTION = "retention", _("Bewaartermijn toegepast")


class AuditEvent(models.Model):
    """One read or change. `detail` is short and never holds personal data (see `record`)."""

    at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("medewerker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("gebruikersnaam"), max_length=150, blank=True)  # kept if the user goes
    action = models.CharField(_("handeling"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("soort object"), max_length=60, blank=True)
    object_id = models.CharField(_("object-id"), max_length=40, blank=True)
    detail = models.CharField(_("toelichting"), max_length=200, blank=True)

    class Meta:
        app_label = "teams"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]
        verbose_name = _("audit-gebeurtenis")
        verbose_name_plural = _("audittrail")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'} {self.action} {self.object_type}:{self.object_id}"


def search_key(value: str) -> str:
    """The canonical form of a searched value, so 06-12345678 and +31 6 1234 5678 give one fingerprint.

    Phone numbers use the same rule as intake.normalise.phone_e164 (phonenumbers, region NL); that module
    stays the definition, this one cannot import it (layers), and a test keeps the two equal.
    """
    text = (value or "").strip()
    if "@" in text:
        return text.lower()
    if sum(ch.isdigit() for ch in text) >= 6:
        try:
            number = phonenumbers.parse(text, "NL")
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return re.sub(r"\D", "", text)
    return " ".join(text.lower().split())


def fingerprint(value: str) -> str:
    """A keyed hash (HMAC-SHA256 with SECRET_KEY) of the canonical value: not reversible by guessing numbers
    without the key, and the same for the same person every time."""
    digest = hmac.new(settings.SECRET_KEY.encode(), search_key(value).encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def mask(value: str) -> str:
    """A masked form for the reader of the trail: j…@b…nl, +316…78, or the kind and length of a name."""
    key = search_key(value)
    if "@" in key:
        local, _at, domain = key.partition("@")
        return f"{local[:1]}…@{domain[:1]}…{domain[-2:]}"
    if key.startswith("+") or key.isdigit():
        return f"{key[:4]}…{key[-2:]}"
    return f"tekst ({len(key)} tekens)"


def searched_kind(value: str) -> str:
    key = search_key(value)
    if "@" in key:
        return "e-mail"
    if key.startswith("+") or key.isdigit():
        return "kvk" if len(key) == 8 and key.isdigit() else "telefoon"
    return "naam"


def searched_detail(value: str) -> str:
    """What the trail keeps of a searched value: its kind, a masked form and the fingerprint."""
    return f"{searched_kind(value)} {mask(value)} #{fingerprint(value)}"


def record(
    *,
    user,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    detail: str = "",
    searched: str = "",
) -> AuditEvent:
    """Write one audit event. `obj` names the object (or `object_type` and `object_id`); `detail` must hold
    no personal data; a searched e-mail address, phone number or name goes in `searched` (kept masked and
    fingerprinted, never in clear)."""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = obj.pk
    if searched:
        detail = " ".join(part for part in (detail, searched_detail(searched)) if part)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or "")[:40],
        detail=detail[:200],
    )


def logged(action: str, object_type: str, *, pk_kwarg: str = "pk"):
    """A view decorator: record `action` on `object_type` <pk> when a GET succeeds (a status below 400).

    Put it directly above the view function, under the role decorator: a refused or missing object (404) is
    then never recorded as read.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD") and response.status_code < 400:
                record(
                    user=request.user,
                    action=action,
                    object_type=object_type,
                    object_id=kwargs.get(pk_kwarg, ""),
                )
            return response

        return wrapper

    return decorator
