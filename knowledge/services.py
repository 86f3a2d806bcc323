"""Writes of the knowledge base: saving articles (with their search index), marking them reviewed, and what
the KCC used or missed."""

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from intake.models import Case
from intake.normalise import normalize
from teams.models import Team, Topic

from .models import KnowledgeArticle, KnowledgeGap, KnowledgeUse

User = AbstractBaseUser

ARTICLE_FIELDS = (
    "topic",
    "title",
    "public_answer",
    "internal_notes",
    "links",
    "keywords",
    "owner_team",
    "last_reviewed",
    "status",
)


def search_text_for(*, title: str, keywords: str, topic: Topic) -> str:
    """What trigram matching and the SQLite fallback look at: title, keywords and the topic's name.

    Kept short on purpose: word similarity is computed per candidate row, so its cost grows with this text.
    """
    parts = [title, keywords.replace(",", " "), topic.name]
    return " ".join(normalize(" ".join(p for p in parts if p)).split())[:600]


def update_search_vector(article_ids) -> None:
    """Recompute the stored tsvector (PostgreSQL): title and keywords weigh A, the topic B, the answer C."""
    if connection.vendor != "postgresql":
        return
    KnowledgeArticle.objects.filter(pk__in=list(article_ids)).update(
        search_vector=SearchVector("title", weight="A", config="dutch")
        + SearchVector("keywords", weight="A", config="dutch")
        + SearchVector(
            Subquery(Topic.objects.filter(pk=OuterRef("topic_id")).values("name")[:1]),
            weight="B",
            config="dutch",
        )
        + SearchVector("public_answer", weight="C", config="dutch")
    )


@transaction.atomic
def article_save(
    *,
    actor: User | None,
    article: KnowledgeArticle | None = None,
    topic: Topic,
    title: str,
    public_answer: str,
    owner_team: Team,
    internal_notes: str = "",
    links: str = "",
    keywords: str = "",
    status: str = KnowledgeArticle.Status.DRAFT,
    last_reviewed=None,
) -> KnowledgeArticle:
    """Create or change an article; history records who did it, and the search index follows at once."""
    article = article or KnowledgeArticle()
    article.topic = topic
    article.title = title.strip()
    article.public_answer = public_answer.strip()
    article.internal_notes = internal_notes.strip()
    article.links = links.strip()
    article.keywords = keywords.strip()
    article.owner_team = owner_team
    article.status = status
    article.last_reviewed = last_reviewed or article.last_reviewed or timezone.localdate()
    article.search_text = search_text_for(title=article.title, keywords=article.keywords, topic=topic)
    article._history_user = actor
    article.save()
    update_search_vector([article.pk])
    return article


@transaction.atomic
def article_mark_reviewed(*, article: KnowledgeArticle, actor: User) -> KnowledgeArticle:
    article.last_reviewed = timezone.localdate()
    article._history_user = actor
    article.save(update_fields=["last_reviewed", "updated_at"])
    return article


def articles_bulk_create(articles: list[KnowledgeArticle], *, batch_size: int = 1000) -> None:
    """Demo and benchmark seeding: many articles at once, index included (no history rows)."""
    topics = {t.pk: t for t in Topic.objects.filter(pk__in={a.topic_id for a in articles})}
    for article in articles:
        article.search_text = search_text_for(
            title=article.title, keywords=article.keywords, topic=topics[article.topic_id]
        )
    created = KnowledgeArticle.objects.bulk_create(articles, batch_size=batch_size)
    if connection.vendor == "postgresql":
        ids = [a.pk for a in created]
        for start in range(0, len(ids), batch_size):
            update_search_vector(ids[start : start + batch_size])


def record_use(*, article: KnowledgeArticle, actor: User | None, case: Case | None, call=None):
    """`call`: the KCC call (kcc.KccCall) the article answered, if any."""
    return KnowledgeUse.objects.create(article=article, used_by=actor, case=case, call=call)


def record_gap(
    *, topic: Topic | None, question: str, actor: User | None, case: Case | None, call=None
) -> KnowledgeGap:
    return KnowledgeGap.objects.create(topic=topic, question=question, created_by=actor, case=case, call=call)
