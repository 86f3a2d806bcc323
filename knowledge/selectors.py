"""Reads of the knowledge base: search (as an entrepreneur says it), staff lists and the knowledge-gap report.

Search on PostgreSQL (docs/decisions/0005-knowledge-search.md): the query's words are first expanded
against the words of published titles, keywords and topics (typos, compound parts); then Dutch full-text
search on a stored, weighted tsvector (GIN index) finds candidates, the router's top topics boost theirs, and
trigram word similarity re-ranks only the short list (trigram over every row was too slow). On SQLite: the
same idea in Python over a bounded set of published articles (stems, prefixes/compound parts, near-misses).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from difflib import SequenceMatcher
from functools import lru_cache, reduce
from operator import or_

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case as When_Case
from django.db.models import Count, F, FloatField, Max, Q, QuerySet, Value, When
from django.db.models.functions import Greatest
from django.http import Http404
from django.utils import timezone

from intake.normalise import tokenize
from teams.access import roles_for
from teams.models import Topic

from .models import KnowledgeArticle, KnowledgeGap, review_due_before

MAX_TOKENS = 8
MAX_RESULTS = 10
SQLITE_CANDIDATES = 2000
# How much each signal counts in the final score.
W_FULLTEXT = 1.0
W_TRIGRAM = 0.6
W_ROUTER = 0.35


@dataclass(frozen=True)
class SearchHit:
    article: KnowledgeArticle
    score: float


# ----------------------------------------------------------------------------------------------------------
# Search


def published_articles() -> QuerySet[KnowledgeArticle]:
    return KnowledgeArticle.objects.filter(status=KnowledgeArticle.Status.PUBLISHED)


def query_tokens(text: str) -> list[str]:
    seen: list[str] = []
    for token in tokenize(text):
        if len(token) >= 3 and token not in seen:
            seen.append(token)
    return seen[:MAX_TOKENS]


def search(
    text: str,
    *,
    queryset: QuerySet[KnowledgeArticle] | None = None,
    limit: int = MAX_RESULTS,
    topic_boost: list[tuple[str, float]] = (),
) -> list[SearchHit]:
    """The best articles for how someone says it. `topic_boost`: (topic slug, weight) pairs, e.g. the router's
    top topics (routing.selectors.router_topics), so articles of the likely topic rank first."""
    tokens = query_tokens(text)
    if not tokens:
        return []
    queryset = published_articles() if queryset is None else queryset
    boost = list(topic_boost)
    boost_ids = dict(Topic.objects.filter(slug__in=[s for s, _p in boost]).values_list("slug", "pk"))
    boost_by_topic = {boost_ids[s]: p for s, p in boost if s in boost_ids}
    if connection.vendor == "postgresql":
        return _search_postgres(tokens, queryset, boost_by_topic, limit)
    return _search_python(tokens, queryset, boost_by_topic, limit)


# The lexicon: the distinct words of published titles, keywords and topic names, kept per process and
# rebuilt when an article changes. Query words are expanded against it for typos ("terasvergunning") and
# compounds ("evenement" ↔ "evenementenvergunning") before the indexed full-text search runs.
_lexicon: dict = {"stamp": None, "words": frozenset(), "by_length": {}}
MAX_EXPANSIONS = 6


def _lexicon_words() -> frozenset[str]:
    stamp = published_articles().aggregate(n=Count("pk"), changed=Max("updated_at"))
    stamp = (stamp["n"], stamp["changed"])
    if _lexicon["stamp"] != stamp:
        words: set[str] = set()
        rows = published_articles().values_list("title", "keywords", "topic__name")
        for row in rows.iterator(chunk_size=2000):
            words.update(t for t in tokenize(" ".join(row)) if len(t) >= 3 and not t.isdigit())
        _lexicon.update(stamp=stamp, words=frozenset(words))
    return _lexicon["words"]


def expand(token: str, words: frozenset[str]) -> list[str]:
    """Lexicon words for a query word: near-misses (typos) and compounds it is part of or made of."""
    if len(token) < 5:
        return []
    found: dict[str, float] = {}
    for word in words:
        if word == token or abs(len(word) - len(token)) > 20:
            continue
        if word.startswith(token) or (len(token) >= 7 and word.endswith(token)):
            found[word] = 0.9  # "evenement" → "evenementenvergunning"
        elif len(word) >= 5 and word in token:
            found[word] = 0.8 * len(word) / len(token)  # "evenementenvergunning" → "evenement"
        elif abs(len(word) - len(token)) <= 2 and word[:1] == token[:1]:
            ratio = SequenceMatcher(None, token, word).ratio()
            if ratio >= 0.85:
                found[word] = ratio  # "terasvergunning" → "terrasvergunning"
    return [
        w for w, _score in sorted(found.items(), key=lambda item: (-item[1], len(item[0])))[:MAX_EXPANSIONS]
    ]


def _search_postgres(tokens, queryset, boost_by_topic, limit) -> list[SearchHit]:
    words = _lexicon_words()
    expansions = sorted({w for t in tokens for w in expand(t, words)} - set(tokens))
    query = reduce(or_, (SearchQuery(t, config="dutch") for t in tokens))
    matches = Q(search_vector=query)
    rank = SearchRank(F("search_vector"), query, normalization=Value(1)) * W_FULLTEXT
    if expansions:
        expanded = reduce(or_, (SearchQuery(w, config="dutch") for w in expansions))
        matches |= Q(search_vector=expanded)
        rank = rank + SearchRank(F("search_vector"), expanded, normalization=Value(1)) * (W_FULLTEXT * 0.8)
    if boost_by_topic:
        router_score = When_Case(
            *[When(topic_id=pk, then=Value(p)) for pk, p in boost_by_topic.items()],
            default=Value(0.0),
            output_field=FloatField(),
        )
        matches |= Q(topic_id__in=list(boost_by_topic))
    else:
        router_score = Value(0.0, output_field=FloatField())
    # Phase 1, on the GIN index: full-text rank (original and expanded words) plus the router's boost.
    shortlist = list(
        queryset.filter(matches)
        .annotate(score=rank + router_score * W_ROUTER)
        .order_by("-score", "pk")
        .values_list("pk", "score")[: max(limit * 3, 30)]
    )
    if not shortlist:
        return []
    # Phase 2, on the shortlist only: trigram word similarity of the query words with title and keywords.
    similarities = [TrigramWordSimilarity(Value(t), "search_text") for t in tokens]
    trigram = similarities[0] if len(similarities) == 1 else Greatest(*similarities)
    scores = dict(shortlist)
    rows = (
        KnowledgeArticle.objects.filter(pk__in=scores)
        .annotate(trigram=trigram)
        .select_related("topic", "owner_team")
        .defer("search_vector")
    )
    hits = [SearchHit(row, float(scores[row.pk]) + float(row.trigram) ** 2 * W_TRIGRAM) for row in rows]
    hits.sort(key=lambda hit: (-hit.score, hit.article.title))
    return hits[:limit]


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("dutch")


def _token_match(token: str, stem: str, words: set[str]) -> float:
    """1 for the same stem; part of a compound scores by how much of it matches; near-misses by likeness."""
    if stem in words or token in words:
        return 1.0
    best = 0.0
    for word in words:
        if len(stem) >= 4 and stem in word:  # "evenement" in "evenementenvergunning"; short parts count less
            best = max(best, 0.8 if len(stem) >= 6 else 0.5)
        elif len(word) >= 5 and word in stem:  # "vergunn" in "terasvergunn": only part of what was asked
            best = max(best, 0.8 * len(word) / len(stem))
        if len(token) >= 5 and abs(len(word) - len(token)) <= 3:  # typos: "terasvergunning"
            ratio = SequenceMatcher(None, token, word).ratio()
            if ratio >= 0.8:
                best = max(best, ratio)
    return best


def _words(text: str) -> set[str]:
    tokens = tokenize(text)
    return set(tokens) | {_stem(t) for t in tokens}


def _search_python(tokens, queryset, boost_by_topic, limit) -> list[SearchHit]:
    stems = [(t, _stem(t)) for t in tokens]
    candidates = list(
        queryset.select_related("topic", "owner_team")
        .defer("search_vector")
        .order_by("pk")[:SQLITE_CANDIDATES]
    )
    hits = []
    for article in candidates:
        tiers = (
            (_words(article.title), 1.0),
            (_words(article.search_text), 0.8),  # keywords and the topic's own words
            (_words(article.public_answer), 0.4),
        )
        matched = 0.0
        for token, stem in stems:
            matched += max(_token_match(token, stem, words) * weight for words, weight in tiers)
        if matched == 0 and article.topic_id not in boost_by_topic:
            continue
        score = matched / len(stems) + boost_by_topic.get(article.topic_id, 0.0) * W_ROUTER
        hits.append(SearchHit(article, score))
    hits.sort(key=lambda hit: (-hit.score, hit.article.title))
    return hits[:limit]


# ----------------------------------------------------------------------------------------------------------
# Staff lists and permissions


def can_edit(user, article: KnowledgeArticle | None = None) -> bool:
    """Team economie, the KCC and (for its own articles) the owner team may write."""
    roles = roles_for(user)
    if roles.edits_all_articles:
        return True
    return article is not None and roles.may_edit_article(article.owner_team_id)


def can_read(user) -> bool:
    return roles_for(user).is_staff_member


def articles_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[KnowledgeArticle]:
    """Team economie and the KCC read every article; a department published ones and its own teams' drafts."""
    if not can_read(user):
        return KnowledgeArticle.objects.none()
    articles = KnowledgeArticle.objects.select_related("topic", "owner_team").defer("search_vector")
    roles = roles_for(user)
    if roles.reads_knowledge_drafts:
        return articles
    return articles.filter(
        Q(status=KnowledgeArticle.Status.PUBLISHED) | Q(owner_team_id__in=roles.department_team_ids)
    )


def article_for(user, pk: int) -> KnowledgeArticle:
    try:
        return articles_for(user).get(pk=pk)
    except KnowledgeArticle.DoesNotExist as exc:
        raise Http404 from exc


def review_list_for(user) -> QuerySet[KnowledgeArticle]:
    """ "Te herzien": articles of my team(s) not reviewed within KNOWLEDGE_REVIEW_DAYS (all, for economie/KCC)."""
    roles = roles_for(user)
    stale = articles_for(user).filter(last_reviewed__lt=review_due_before())
    if roles.edits_all_articles:
        return stale
    return stale.filter(owner_team_id__in=roles.department_team_ids)


def public_faq(text: str = "", topic_slug: str = "") -> list[KnowledgeArticle]:
    """Published public answers for the FAQ page, searched when there is a text."""
    queryset = published_articles().filter(topic__is_active=True)
    if topic_slug:
        queryset = queryset.filter(topic__slug=topic_slug)
    if text.strip():
        return [hit.article for hit in search(text, queryset=queryset, limit=20, topic_boost=[])]
    return list(
        queryset.select_related("topic")
        .defer("search_vector", "internal_notes")
        .order_by("topic__name", "title")
    )


# ----------------------------------------------------------------------------------------------------------
# The knowledge-gap report


@dataclass(frozen=True)
class GapRow:
    topic_id: int | None
    topic_name: str
    gaps: int
    last_asked: date | None
    published: int
    stale: int

    @property
    def missing(self) -> bool:
        return self.published == 0

    @property
    def needs_review(self) -> bool:
        return self.stale > 0


def gap_report_for(user) -> list[GapRow]:
    """Team economie and the KCC see every gap; a department only the gaps on its own teams' topics."""
    roles = roles_for(user)
    if roles.reads_knowledge_drafts:
        return gap_report()
    return gap_report(team_ids=roles.department_team_ids)


def gap_report(
    *, since: date | None = None, until: date | None = None, team_ids: frozenset[int] | None = None
) -> list[GapRow]:
    """Topics the KCC could not answer, most often first, with whether an article is missing or stale.

    Two queries whatever the number of topics: the gaps grouped by topic, and the article counts.
    `team_ids`: only the gaps on topics these teams handle.
    """
    since = since or timezone.localdate() - timedelta(days=90)
    gaps = KnowledgeGap.objects.filter(created_at__date__gte=since)
    if team_ids is not None:
        gaps = gaps.filter(topic__team_id__in=team_ids)
    if until:
        gaps = gaps.filter(created_at__date__lte=until)
    grouped = list(
        gaps.values("topic_id", "topic__name")
        .annotate(count=Count("pk"), last=Max("created_at"))
        .order_by("-count", "topic__name")
    )
    topic_ids = [row["topic_id"] for row in grouped if row["topic_id"]]
    due = review_due_before()
    counts = {
        row["topic_id"]: row
        for row in published_articles()
        .filter(topic_id__in=topic_ids)
        .values("topic_id")
        .annotate(published=Count("pk"), stale=Count("pk", filter=Q(last_reviewed__lt=due)))
    }
    return [
        GapRow(
            topic_id=row["topic_id"],
            topic_name=row["topic__name"] or "",
            gaps=row["count"],
            last_asked=timezone.localtime(row["last"]).date() if row["last"] else None,
            published=counts.get(row["topic_id"], {}).get("published", 0),
            stale=counts.get(row["topic_id"], {}).get("stale", 0),
        )
        for row in grouped
    ]
