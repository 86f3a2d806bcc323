"""Company relations beyond a single question: notes, company visits and the actions that follow from them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from intake.models import Case, Company


class CompanyNote(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField(_("notitie"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bedrijfsnotitie")
        verbose_name_plural = _("bedrijfsnotities")

    def __str__(self) -> str:
        return self.body[:60]


class CompanyVisit(models.Model):
    """A company visit (bedrijfsbezoek): planned, then done (or cancelled), with notes and follow-up actions."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Gepland")
        DONE = "done", _("Afgelegd")
        CANCELLED = "cancelled", _("Geannuleerd")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="visits")
    planned_for = models.DateTimeField(_("datum en tijd"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    purpose = models.CharField(_("doel van het bezoek"), max_length=200)
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("bezoekers"), related_name="company_visits", blank=True
    )
    alderman = models.CharField(_("wethouder (naam, als die meegaat)"), max_length=120, blank=True)
    notes = models.TextField(_("verslag"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[visitors])

    class Meta:
        ordering = ["-planned_for"]
        verbose_name = _("bedrijfsbezoek")
        verbose_name_plural = _("bedrijfsbezoeken")

    def __str__(self) -> str:
        return f"{self.company} {self.planned_for:%d-%m-%Y}"


class VisitAction(models.Model):
    """A follow-up action from a visit; turned into a case so it is owned and followed like any question."""

    visit = models.ForeignKey(CompanyVisit, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("actie"))
    case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="visit_action"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("vervolgactie")
        verbose_name_plural = _("vervolgacties")

    def __str__(self) -> str:
        return self.description[:60]
