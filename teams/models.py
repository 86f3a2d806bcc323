"""The organisation: teams, who is in them, what they handle (the topic catalogue) and when it is closed.

Topic lives here rather than in routing (docs/decisions/0002-topic-in-teams.md): intake needs a topic's
deadline at the moment a question arrives, and teams is the bottom of the import order.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Team(models.Model):
    class Kind(models.TextChoices):
        OWNER = "owner", _("Regieteam (team economie)")
        KCC = "kcc", _("Klantcontactcentrum")
        DEPARTMENT = "department", _("Vakafdeling")
        EXTERNAL = "external", _("Externe organisatie")

    slug = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("naam"), max_length=120)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    email = models.EmailField(_("teammailbox"), blank=True)
    phone = models.CharField(_("direct telefoonnummer"), max_length=30, blank=True)
    description = models.TextField(_("wat dit team behandelt"), blank=True)
    handoff_deadline_days = models.PositiveSmallIntegerField(_("termijn uitzetting (werkdagen)"), default=5)
    callback_deadline_days = models.PositiveSmallIntegerField(
        _("termijn terugbelverzoek (werkdagen)"), default=1
    )
    is_active = models.BooleanField(_("actief"), default=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="teams")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Medewerker")
        COORDINATOR = "coordinator", _("Coördinator")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    receives_digest = models.BooleanField(_("ontvangt dagoverzicht"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="unique_membership")]
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")

    def __str__(self) -> str:
        return f"{self.user} – {self.team} ({self.get_role_display()})"


class Topic(models.Model):
    """A product or subject of the catalogue (PDC), based on the national UPL list where one applies."""

    slug = models.SlugField(_("code"), max_length=120, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    upl_name = models.CharField(_("UPL-productnaam"), max_length=200, blank=True)
    upl_uri = models.URLField(_("UPL-URI"), blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    phrasings = models.TextField(
        _("synoniemen en vraagvormen"),
        blank=True,
        help_text=_("Eén per regel, zoals ondernemers het zeggen."),
    )
    team = models.ForeignKey(
        Team, verbose_name=_("behandelend team"), on_delete=models.PROTECT, related_name="topics"
    )
    answered_by_owner = models.BooleanField(_("team economie beantwoordt zelf"), default=False)
    deadline_days = models.PositiveSmallIntegerField(_("afhandeltermijn (werkdagen)"), default=10)
    referral_organisation = models.CharField(_("doorverwijzen naar"), max_length=120, blank=True)
    referral_url = models.URLField(_("website organisatie"), blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    is_public = models.BooleanField(
        _("kiesbaar in het vragenformulier"),
        default=True,
        help_text=_("Toon dit onderwerp op het formulier."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("onderwerp")
        verbose_name_plural = _("onderwerpen")

    def __str__(self) -> str:
        return self.name

    def phrasing_list(self) -> list[str]:
        return [line.strip() for line in self.phrasings.splitlines() if line.strip()]


class ClosingDay(models.Model):
    """A day the municipality is closed (besides weekends and public holidays): deadlines skip it."""

    date = models.DateField(_("datum"), unique=True)
    name = models.CharField(_("omschrijving"), max_length=120)

    class Meta:
        ordering = ["date"]
        verbose_name = _("sluitingsdag")
        verbose_name_plural = _("sluitingsdagen")

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.name}"


from .audit import AuditEvent  # noqa: E402, F401  (the audit trail's model, kept beside record() in teams.audit)
