"""The knowledge base: one or more articles per topic, with the public answer, internal notes for staff and
what the KCC used or missed (KnowledgeUse, KnowledgeGap).

Imported at the bottom of routing/models.py so Django finds the models in the routing app.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from intake.models import Case
from teams.models import Team, Topic

__all__ = ["KnowledgeArticle", "KnowledgeGap", "KnowledgeUse", "review_due_before"]


def review_due_before() -> "timezone.datetime.date":
    """Articles last reviewed before this date are due for review ("te herzien")."""
    return timezone.localdate() - timedelta(days=settings.KNOWLEDGE_REVIEW_DAYS)


class KnowledgeArticle(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        PUBLISHED = "published", _("Gepubliceerd")

    topic = models.ForeignKey(
        Topic, verbose_name=_("onderwerp"), on_delete=models.PROTECT, related_name="knowledge_articles"
    )
    title = models.CharField(_("titel"), max_length=200, help_text=_("Zoals een ondernemer het vraagt."))
    public_answer = models.TextField(
        _("publiek antwoord"), help_text=_("Voor de website en voor de ondernemer. Geen interne informatie.")
    )
    internal_notes = models.TextField(
        _("interne notities"),
        blank=True,
        help_text=_("Alleen voor medewerkers: welk team, directe nummers, valkuilen."),
    )
    links = models.TextField(
        _("links"),
        blank=True,
        help_text=_("Eén per regel: omschrijving | https://adres (of alleen het adres)."),
    )
    keywords = models.TextField(
        _("zoekwoorden"),
        blank=True,
        help_text=_("Woorden en vraagvormen van ondernemers, gescheiden door komma's of regels."),
    )
    owner_team = models.ForeignKey(
        Team, verbose_name=_("eigenaar (team)"), on_delete=models.PROTECT, related_name="knowledge_articles"
    )
    last_reviewed = models.DateField(_("laatst gecontroleerd"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Written by knowledge_services on every save: the weighted Dutch tsvector (PostgreSQL) and the plain
    # text that the trigram index and the SQLite fallback search.
    search_vector = SearchVectorField(null=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_vector", "search_text", "updated_at"])

    class Meta:
        ordering = ["title"]
        indexes = [
            GinIndex(fields=["search_vector"], name="knowledge_search_vector"),
            GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="knowledge_search_trgm"),
            models.Index(fields=["status", "topic"], name="knowledge_status_topic"),
        ]
        verbose_name = _("kennisartikel")
        verbose_name_plural = _("kennisbank")

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def needs_review(self) -> bool:
        return self.last_reviewed < review_due_before()

    def link_list(self) -> list[tuple[str, str]]:
        result = []
        for line in self.links.splitlines():
            line = line.strip()
            if not line:
                continue
            label, _sep, url = line.rpartition("|")
            url = url.strip()
            if url.startswith(("http://", "https://")):
                result.append(((label.strip() or url), url))
        return result


class KnowledgeUse(models.Model):
    """The KCC answered a call with this article (first-contact resolution)."""

    article = models.ForeignKey(KnowledgeArticle, on_delete=models.CASCADE, related_name="uses")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    call = models.ForeignKey(
        "kcc.KccCall", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("gebruik kennisartikel")
        verbose_name_plural = _("gebruik kennisartikelen")

    def __str__(self) -> str:
        return f"{self.article_id} {self.created_at:%d-%m-%Y}"


class KnowledgeGap(models.Model):
    """The KCC could not answer a question itself: input for the knowledge-gap report."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("onderwerp"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    question = models.TextField(_("vraag"))
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    call = models.ForeignKey(
        "kcc.KccCall", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kennishiaat")
        verbose_name_plural = _("kennishiaten")

    def __str__(self) -> str:
        return f"{self.topic or '-'}: {self.question[:60]}"
