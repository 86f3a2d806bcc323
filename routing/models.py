"""Where questions go: hand-offs to departments, routing rules, labelled examples and trained models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from intake.models import Case, Channel
from teams.models import Team, Topic


class Handoff(models.Model):
    """A request from the owner to one department to answer (part of) a case."""

    class Status(models.TextChoices):
        OPEN = "open", _("Nieuw")
        CLAIMED = "claimed", _("In behandeling")
        INFO_REQUESTED = "info_requested", _("Wacht op informatie van regie")
        ANSWERED = "answered", _("Beantwoord")
        RETURNED = "returned", _("Teruggestuurd")
        WITHDRAWN = "withdrawn", _("Ingetrokken")

    OPEN_STATUSES = (Status.OPEN, Status.CLAIMED, Status.INFO_REQUESTED)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handoffs")
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="handoffs")
    request_text = models.TextField(_("verzoek"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("behandelaar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_handoffs",
    )
    answer = models.TextField(_("antwoord aan regie"), blank=True)
    return_reason = models.TextField(_("reden terugsturen"), blank=True)
    info_question = models.TextField(_("vraag aan regie"), blank=True)
    deadline = models.DateField(_("uiterlijk"))
    deadline_policy = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # "Vraagt uw aandacht", kept by routing.services (see routing.selectors.asks_attention for the rule): the
    # department asks back, or returned the hand-off and nobody followed that up yet, and the case is open.
    # Derived data, so not in the history; the count tiles read it from a small partial index.
    asks_attention = models.BooleanField(default=False, db_default=False, editable=False)

    history = HistoricalRecords(excluded_fields=["asks_attention"])

    class Meta:
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="handoff_status_deadline"),
            # Open hand-offs (OPEN_STATUSES) by deadline: a department's inbox and the deadline overview.
            models.Index(
                fields=["team", "deadline", "id"],
                name="handoff_open_team_deadline",
                condition=models.Q(status__in=["claimed", "info_requested", "open"]),
            ),
            models.Index(
                fields=["deadline", "id"],
                name="handoff_open_deadline",
                condition=models.Q(status__in=["claimed", "info_requested", "open"]),
            ),
            # The case list's team filter: the cases handed to a team, read from the index alone.
            models.Index(fields=["team", "case"], name="handoff_team_case"),
            # "Vraagt uw aandacht": the few hand-offs that ask it now (a count reads this index alone).
            models.Index(
                fields=["case"], name="handoff_asks_attention", condition=models.Q(asks_attention=True)
            ),
        ]
        verbose_name = _("uitzetting")
        verbose_name_plural = _("uitzettingen")

    def __str__(self) -> str:
        return f"{self.case.reference} → {self.team}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class RoutingRule(models.Model):
    """An ordered rule: the first active rule whose conditions all hold decides topic and team."""

    position = models.PositiveIntegerField(_("volgorde"), default=100)
    name = models.CharField(_("naam"), max_length=120)
    phrases = models.TextField(
        _("woorden of zinsdelen"),
        blank=True,
        help_text=_(
            "Eén per regel; de regel past als de vraag één ervan bevat (hoofdletters maken niet uit)."
        ),
    )
    channel = models.CharField(_("alleen kanaal"), max_length=20, choices=Channel.choices, blank=True)
    sbi_prefix = models.CharField(_("alleen SBI-code die begint met"), max_length=10, blank=True)
    if_topic = models.ForeignKey(
        Topic,
        verbose_name=_("alleen bij onderwerp"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("dan onderwerp"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("dan team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leeg: het team van het onderwerp."),
    )
    is_active = models.BooleanField(_("actief"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("routeringsregel")
        verbose_name_plural = _("routeringsregels")

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    def phrase_list(self) -> list[str]:
        return [p.strip().lower() for p in self.phrases.splitlines() if p.strip()]


class LabelledExample(models.Model):
    """A question with the topic a person confirmed or corrected: training data for the classifier."""

    class Source(models.TextChoices):
        CORRECTION = "correction", _("Correctie door medewerker")
        CONFIRMATION = "confirmation", _("Bevestigd bij afsluiten")

    text = models.TextField()
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="labelled_examples")
    predicted_topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=20, choices=Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "source"], name="one_example_per_case_and_source")
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.text[:60]}"


class ClassifierModel(models.Model):
    """A trained, versioned classifier; web workers load the active one once and keep it."""

    version = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=False)
    data = models.BinaryField()
    training_size = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return self.version
