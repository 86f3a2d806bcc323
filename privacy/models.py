"""What the privacy app keeps itself: which cases were anonymised (so retention runs once per case) and the
erasure requests the functional administrator carried out (AVG art. 17), with their ground."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import Case


class AnonymisedCase(models.Model):
    class Reason(models.TextChoices):
        RETENTION = "retention", _("Bewaartermijn verstreken")
        REQUEST = "request", _("Verwijderverzoek")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="anonymised")
    reason = models.CharField(_("reden"), max_length=20, choices=Reason.choices)
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), default=timezone.now)

    class Meta:
        verbose_name = _("geanonimiseerde vraag")
        verbose_name_plural = _("geanonimiseerde vragen")

    def __str__(self) -> str:
        return f"{self.case_id} ({self.reason})"


class ErasureRequest(models.Model):
    """One erasure carried out on request. Holds no personal data: the ground, a short note and the counts."""

    class Ground(models.TextChoices):
        WITHDRAWN = "withdrawn", _("Betrokkene vraagt om wissen (art. 17 lid 1)")
        NOT_NEEDED = "not_needed", _("Niet meer nodig voor het doel (art. 17 lid 1a)")
        OBJECTION = "objection", _("Bezwaar gegrond (art. 17 lid 1c)")
        UNLAWFUL = "unlawful", _("Onrechtmatig verwerkt (art. 17 lid 1d)")
        OTHER = "other", _("Anders (zie toelichting)")

    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ground = models.CharField(_("grond"), max_length=20, choices=Ground.choices)
    note = models.CharField(
        _("toelichting"),
        max_length=200,
        blank=True,
        help_text=_("Bijvoorbeeld het zaaknummer van het verzoek. Geen naam, e-mailadres of telefoonnummer."),
    )
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("verwijderverzoek")
        verbose_name_plural = _("verwijderverzoeken")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.get_ground_display()}"
