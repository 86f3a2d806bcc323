"""Follow-up data: the action log that makes every sweep action happen once, callback requests and their
attempts, and the entrepreneur's rating of an answer. The outbox model lives in outbox.py (low level)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class FollowupAction(models.Model):
    """One thing the follow-up did, e.g. "reminder sent for hand-off 12, deadline 2026-12-17".

    The key is unique: whoever inserts it first does the action; a second sweep, or a concurrent one, inserts
    nothing and so does nothing. `batch` tells one sweep which rows it inserted itself.
    """

    key = models.CharField(max_length=200)  # unique: Meta.constraints (no LIKE index beside it)
    kind = models.CharField(max_length=40)
    case = models.ForeignKey(
        "intake.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followup_actions",
        db_index=False,  # followup_action_case_kind starts with the case
    )
    object_id = models.BigIntegerField(null=True, blank=True)
    due = models.DateField(null=True, blank=True)
    batch = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # The sweep inserts a row per action (140,000 in the benchmark's first sweep): every index costs. The key
        # and the batch are compared whole, never with LIKE, so they have no pattern index (unique=True and
        # db_index=True on a CharField would add one on PostgreSQL).
        constraints = [models.UniqueConstraint(fields=["key"], name="followup_action_key")]
        indexes = [
            models.Index(fields=["case", "kind", "created_at"], name="followup_action_case_kind"),
            models.Index(fields=["batch"], name="followup_action_batch"),
        ]
        verbose_name = _("bewakingsactie")
        verbose_name_plural = _("bewakingsacties")

    def __str__(self) -> str:
        return self.key


class CallbackRequest(models.Model):
    """A promise to call someone back (terugbelverzoek), with a deadline in office hours."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Afgehandeld")
        CANCELLED = "cancelled", _("Vervallen")

    class Purpose(models.TextChoices):
        CALLBACK = "callback", _("Terugbellen")
        DELIVER_ANSWER = "deliver_answer", _("Antwoord telefonisch doorgeven")

    class Result(models.TextChoices):
        REACHED = "reached", _("Bereikt")
        ASKED_TO_CALL_BACK = "asked_to_call_back", _("Niet bereikt; gevraagd zelf terug te bellen")
        CANCELLED = "cancelled", _("Vervallen")

    case = models.ForeignKey("intake.Case", on_delete=models.CASCADE, related_name="callbacks")
    name = models.CharField(_("naam"), max_length=200)
    phone = models.CharField(_("telefoonnummer"), max_length=30)
    subject = models.CharField(_("waarover"), max_length=300)
    team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("medewerker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_callbacks",
    )
    preferred_moment = models.CharField(_("voorkeursmoment"), max_length=120, blank=True)
    # "Antwoord telefonisch doorgeven": the final answer to read out; the case closes when the call is reached
    # (followup.services.case_answer_by_phone and callback_log_attempt).
    purpose = models.CharField(_("doel"), max_length=20, choices=Purpose.choices, default=Purpose.CALLBACK)
    answer = models.TextField(_("antwoord om door te geven"), blank=True)
    answer_resolution = models.CharField(max_length=30, blank=True)
    # A KCC callback request: its case exists only for this callback, so reaching the caller closes it.
    closes_case = models.BooleanField(_("vraag sluiten als de beller is bereikt"), default=False)
    due_at = models.DateTimeField(_("terugbellen vóór"))
    deadline_policy = models.CharField(max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    result = models.CharField(_("resultaat"), max_length=30, choices=Result.choices, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt"))
    closed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["status", "due_at"], name="callback_status_due")]
        verbose_name = _("terugbelverzoek")
        verbose_name_plural = _("terugbelverzoeken")

    def __str__(self) -> str:
        return f"{self.name} ({self.phone})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CallbackAttempt(models.Model):
    class Outcome(models.TextChoices):
        REACHED = "reached", _("Bereikt")
        NOT_REACHED = "not_reached", _("Niet bereikt")
        VOICEMAIL = "voicemail", _("Voicemail ingesproken")
        WRONG_NUMBER = "wrong_number", _("Verkeerd nummer")

    callback = models.ForeignKey(CallbackRequest, on_delete=models.CASCADE, related_name="attempts")
    outcome = models.CharField(_("resultaat"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("notitie"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("belpoging")
        verbose_name_plural = _("belpogingen")

    def __str__(self) -> str:
        return f"{self.callback_id}: {self.outcome}"


class SatisfactionRating(models.Model):
    """The entrepreneur's rating of one final answer: once per closing (a reopened case may be rated again)."""

    case = models.ForeignKey("intake.Case", on_delete=models.CASCADE, related_name="ratings")
    case_closed_at = models.DateTimeField()
    score = models.PositiveSmallIntegerField(
        _("cijfer"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("toelichting"), blank=True)
    created_at = models.DateTimeField()
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "case_closed_at"], name="one_rating_per_closing"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_5"),
        ]
        verbose_name = _("beoordeling")
        verbose_name_plural = _("beoordelingen")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.score}"

    @property
    def is_low(self) -> bool:
        return self.score <= settings.FOLLOWUP_LOW_RATING


class Heartbeat(models.Model):
    """The last time a periodic task ran: Celery beat sends `followup.tasks.beat_heartbeat` every minute and
    the worker stores the time here; the health endpoint fails when it is old (followup.health)."""

    name = models.CharField(max_length=50, primary_key=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("hartslag")
        verbose_name_plural = _("hartslagen")

    def __str__(self) -> str:
        return f"{self.name}: {self.beat_at:%d-%m-%Y %H:%M:%S}"
