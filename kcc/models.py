"""The KCC's call log: one row per call or counter visit, with its outcome."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from intake.models import Case, Channel, Company, Contact
from teams.models import Team, Topic


class KccCall(models.Model):
    """One call (or counter visit) the KCC logged, with its outcome: the basis of the KCC report."""

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Direct beantwoord")
        TRANSFERRED = "transferred", _("Doorverbonden")
        CALLBACK = "callback", _("Terugbelverzoek")
        REGIE = "regie", _("Naar team economie (regie)")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="kcc_calls"
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="kcc_calls"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="kcc_calls"
    )
    case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="kcc_call"
    )
    question = models.TextField(_("vraag"))
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kcc_calls",
        help_text=_("Doorverbonden met, of terugbelverzoek voor, dit team."),
    )
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=Outcome.choices)
    # A phone call or a counter visit: the same screen and buttons log both (and the case they open).
    channel = models.CharField(
        _("kanaal"),
        max_length=20,
        choices=[(c.value, c.label) for c in (Channel.PHONE, Channel.COUNTER)],
        default=Channel.PHONE,
    )
    # Who called and how to reach them: a transfer has no case, so the call log keeps it itself.
    caller_name = models.CharField(_("naam beller"), max_length=200, blank=True)
    caller_phone = models.CharField(_("telefoonnummer beller"), max_length=30, blank=True)
    caller_email = models.EmailField(_("e-mailadres beller"), blank=True)
    could_not_answer = models.BooleanField(_("KCC kon niet antwoorden"), default=False)
    # The call form's one-time submission key: a repeated post of the same outcome finds this call.
    submission_key = models.CharField(max_length=100, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("KCC-gesprek")
        verbose_name_plural = _("KCC-gesprekken")

    def __str__(self) -> str:
        return f"{self.created_at:%d-%m-%Y %H:%M} {self.get_outcome_display()}"
