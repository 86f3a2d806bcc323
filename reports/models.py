"""Figures of the regie (issue 17): daily aggregates the dashboard reads instead of cases, success stories
and the agreements of a meeting with a department.

The aggregates are keyed by day and dimensions and recomputed a whole day at a time (reports.aggregate), so a
rerun replaces a day instead of adding to it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from intake.models import Case
from routing.models import Handoff
from teams.models import Team, Topic

# Lead times are kept as a histogram of whole working days: LEAD_BUCKETS exact columns (0..LEAD_BUCKETS-1) and
# one for everything longer. Percentiles from it are exact up to that length.
LEAD_BUCKETS = 31
LEAD_FIELDS = [f"lead_{i}" for i in range(LEAD_BUCKETS)] + ["lead_more"]
# Age of open work (working days since it came in) at the end of a day.
AGE_FIELDS = ["open_age_0_5", "open_age_6_10", "open_age_11_20", "open_age_21"]
AGE_LIMITS = [(0, 5), (6, 10), (11, 20), (21, None)]
SCORE_FIELDS = [f"score_{i}" for i in range(1, 6)]


class ComputedDay(models.Model):
    """A day whose figures are complete: the catch-up starts after the last one."""

    day = models.DateField(primary_key=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-day"]
        verbose_name = _("berekende dag")
        verbose_name_plural = _("berekende dagen")

    def __str__(self) -> str:
        return self.day.isoformat()


class CaseDimensions(models.Model):
    """The dimensions every case figure is filtered on. `team` is the handling team of the case's topic."""

    day = models.DateField()
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, blank=True)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class CaseFigures(CaseDimensions):
    """The case figures (counts) of a day or a month for one combination of the dimensions."""

    received = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    referred = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    first_contact = models.PositiveIntegerField(default=0)  # closed as answered at the first contact
    with_deadline = models.PositiveIntegerField(default=0)  # answered or referred, with a deadline
    on_time = models.PositiveIntegerField(default=0)  # ... on or before that deadline
    reopened = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    score_sum = models.PositiveIntegerField(default=0)
    low_ratings = models.PositiveIntegerField(default=0)  # score 1 or 2
    low_reopened = models.PositiveIntegerField(default=0)  # ... after which the case was reopened
    # A snapshot at the end of the day, not a count of the day: read it for one day, never summed over days.
    open_cases = models.PositiveIntegerField(default=0)
    open_overdue = models.PositiveIntegerField(default=0)
    open_waiting = models.PositiveIntegerField(default=0)  # waiting on the entrepreneur (clock paused)

    class Meta:
        abstract = True


class DailyFigure(CaseFigures):
    """Case figures of one day for one combination of team, topic, channel and account manager."""

    class Meta:
        indexes = [
            models.Index(fields=["day", "team"], name="dailyfigure_day_team"),
            models.Index(fields=["day", "topic"], name="dailyfigure_day_topic"),
        ]
        verbose_name = _("dagcijfer")
        verbose_name_plural = _("dagcijfers")

    def __str__(self) -> str:
        return f"{self.day} {self.team_id}/{self.topic_id}/{self.channel}"


class MonthlyFigure(CaseFigures):
    """The sum of a month's DailyFigure rows per combination (`day` is the first of the month): long periods
    read whole months here and only the days at their edges from DailyFigure. Snapshot columns are not used."""

    class Meta:
        indexes = [models.Index(fields=["day", "team"], name="monthlyfigure_day_team")]
        verbose_name = _("maandcijfer")
        verbose_name_plural = _("maandcijfers")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} {self.team_id}/{self.topic_id}/{self.channel}"


COUNT_FIELDS = [
    "received",
    "answered",
    "referred",
    "cancelled",
    "first_contact",
    "with_deadline",
    "on_time",
    "reopened",
    "ratings",
    "score_sum",
    "low_ratings",
    "low_reopened",
    *SCORE_FIELDS,
    *LEAD_FIELDS,
]

for _model in (DailyFigure, MonthlyFigure):
    for _name in LEAD_FIELDS + AGE_FIELDS + SCORE_FIELDS:
        _model.add_to_class(_name, models.PositiveIntegerField(default=0))


class HandoffFigure(CaseDimensions):
    """Hand-off figures of one day; `team` is the department the hand-off went to."""

    handed_off = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)  # answered on or before the hand-off's deadline
    returned = models.PositiveIntegerField(default=0)  # sent back: not this department's question

    class Meta:
        indexes = [models.Index(fields=["day", "team"], name="handofffigure_day_team")]
        verbose_name = _("dagcijfer uitzettingen")
        verbose_name_plural = _("dagcijfers uitzettingen")

    def __str__(self) -> str:
        return f"{self.day} {self.team_id}"


class KccFigure(models.Model):
    """KCC figures of one day, as the KCC report defines them; `team` is the team transferred or called back for."""

    day = models.DateField()
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    calls = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)  # first-contact resolution
    transferred = models.PositiveIntegerField(default=0)
    callbacks = models.PositiveIntegerField(default=0)
    regie = models.PositiveIntegerField(default=0)
    could_not_answer = models.PositiveIntegerField(default=0)
    callbacks_due = models.PositiveIntegerField(default=0)
    callbacks_on_time = models.PositiveIntegerField(default=0)
    gaps = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "team"], name="kccfigure_day_team")]
        verbose_name = _("dagcijfer KCC")
        verbose_name_plural = _("dagcijfers KCC")

    def __str__(self) -> str:
        return f"{self.day} {self.team_id}/{self.topic_id}"


class SuccessStory(models.Model):
    """A short story by team economie that credits the departments that made it work."""

    title = models.CharField(_("titel"), max_length=200)
    text = models.TextField(_("verhaal"))
    teams = models.ManyToManyField(Team, verbose_name=_("betrokken afdelingen"), related_name="+")
    cases = models.ManyToManyField(Case, verbose_name=_("vragen"), blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("succesverhaal")
        verbose_name_plural = _("succesverhalen")

    def __str__(self) -> str:
        return self.title


class MeetingAgreement(models.Model):
    """What was agreed about a case in the meeting (overleg) with a department; also on the case's timeline."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    handoff = models.ForeignKey(Handoff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("afspraak"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("afspraak uit overleg")
        verbose_name_plural = _("afspraken uit overleg")

    def __str__(self) -> str:
        return f"{self.team} · {self.case}"
