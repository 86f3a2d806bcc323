"""The router: explicit topic first, then the ordered rules, then the classifier.

The classifier and the topic → team index are loaded from the database once per process and reloaded only
when another model version becomes active (checked at most once a minute), so a web worker pays the load once
and a prediction costs no database query.
"""

import re
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from intake.models import Case, Company
from teams import refdata
from teams.models import Team, Topic

from .models import ClassifierModel, RoutingRule


@dataclass(frozen=True)
class Proposal:
    topic: Topic | None
    team: Team | None
    confidence: float | None
    reason: str
    suggestions: list[dict] = field(default_factory=list)
    needs_triage: bool = False
    extra_teams: list[Team] = field(default_factory=list)  # other teams likely needed: a split question
    language: str = ""  # "nl" or "en" as detected by the classifier ("" when no classifier was asked)


def case_text(case: Case) -> str:
    return f"{case.subject}\n{case.question}".strip()


def propose(case: Case) -> Proposal:
    if case.topic_id:
        topic = case.topic
        return Proposal(topic, topic.team, 1.0, _("gekozen bij het stellen van de vraag"))
    sbi = case.company.sbi_codes if case.company_id else _claimed_company_sbi(case)
    rule_proposal = match_rules(case_text(case), channel=case.channel, sbi_codes=sbi)
    if rule_proposal is not None:
        return rule_proposal
    return classify(case_text(case))


def active_rules() -> list[RoutingRule]:
    """Cached per worker process until a rule, topic or team changes (teams.refdata, routing.apps)."""
    return refdata.cached(
        "routing_rules",
        lambda: list(
            RoutingRule.objects.filter(is_active=True)
            .select_related("topic__team", "team")
            .order_by("position", "pk")
        ),
    )


def topics_by_slug() -> dict[str, Topic]:
    """Every topic with its team, by slug; cached per worker process until a topic or team changes."""
    return refdata.cached("topics_by_slug", lambda: {t.slug: t for t in Topic.objects.select_related("team")})


def department_teams_by_id() -> dict[int, Team]:
    return refdata.cached(
        "department_teams", lambda: {t.pk: t for t in Team.objects.filter(kind=Team.Kind.DEPARTMENT)}
    )


def _claimed_company_sbi(case: Case) -> str:
    """A KVK number typed but not yet confirmed still tells the sector, for routing only: the case stays
    off that company's timeline until staff confirm it (intake.services.case_confirm_kvk_claim)."""
    kvk = getattr(case, "claimed_kvk_number", "")
    if not kvk:
        return ""
    return Company.objects.filter(kvk_number=kvk).values_list("sbi_codes", flat=True).first() or ""


def match_rules(
    text: str, *, channel: str = "", sbi_codes: str = "", topic_id: int | None = None, rules=None
) -> Proposal | None:
    """The first active rule whose conditions all hold (phrases, channel, SBI prefix, topic) decides."""
    lowered = text.lower()
    codes = [c.strip() for c in sbi_codes.split(",") if c.strip()]
    for rule in active_rules() if rules is None else rules:
        if rule.channel and rule.channel != channel:
            continue
        if rule.sbi_prefix and not any(code.startswith(rule.sbi_prefix) for code in codes):
            continue
        if rule.if_topic_id and rule.if_topic_id != topic_id:
            continue
        phrases = rule.phrase_list()
        hit = next((p for p in phrases if p in lowered), None)
        if phrases and hit is None:
            continue
        team = rule.team or (rule.topic.team if rule.topic else None)
        if team is None:
            continue
        reason = _("regel %(position)s: “%(phrase)s”") % {
            "position": rule.position,
            "phrase": hit or rule.name,
        }
        return Proposal(rule.topic, team, 1.0, reason)
    return None


@dataclass(frozen=True)
class LoadedRouter:
    version: str
    model: object  # routing.classifier.TopicClassifier
    topic_team: dict[str, int]  # topic slug → team id, active topics only
    team_slug: dict[int, str]


_cache_lock = threading.Lock()
_cache: dict = {"router": None, "checked": 0.0}
CHECK_EVERY_SECONDS = 60


def loaded_router() -> LoadedRouter | None:
    """The active model with its topic index, or None when no model has been trained yet."""
    from .classifier import TopicClassifier

    now = time.monotonic()
    current = _cache["router"]
    if current is not None and now - _cache["checked"] < CHECK_EVERY_SECONDS:
        return current
    with _cache_lock:
        version = ClassifierModel.objects.filter(is_active=True).values_list("version", flat=True).first()
        if version is None:
            _cache.update(router=None, checked=now)
            return None
        if current is None or current.version != version:
            data = ClassifierModel.objects.filter(version=version).values_list("data", flat=True).get()
            current = LoadedRouter(
                version=version,
                model=TopicClassifier.from_bytes(bytes(data)),
                topic_team=dict(Topic.objects.filter(is_active=True).values_list("slug", "team_id")),
                team_slug=dict(Team.objects.values_list("pk", "slug")),
            )
        _cache.update(router=current, checked=now)
        return current


def reset_classifier_cache() -> None:
    with _cache_lock:
        _cache.update(router=None, checked=0.0)


def rank_slugs(router: LoadedRouter, text: str) -> tuple[list[tuple[str, float]], list[tuple[int, float]]]:
    """All active topics and teams by probability (no database access); a team sums its topics."""
    probabilities = router.model.predict_proba_all(text)
    topics = sorted(
        ((slug, p) for slug, p in probabilities.items() if slug in router.topic_team),
        key=lambda item: -item[1],
    )
    teams: dict[int, float] = {}
    for slug, p in topics:
        team_id = router.topic_team[slug]
        teams[team_id] = teams.get(team_id, 0.0) + p
    return topics, sorted(teams.items(), key=lambda item: -item[1])


# A question with two parts: the parts are split at sentence ends and at the words that start a second
# request ("en daarna", "en moet ik", "and do I"...). A part names an extra team when the classifier is sure
# of it on its own and the team differs from the main one.
_PART_BOUNDARY = re.compile(
    r"[?!;:]+\s*|\.\s+|,?\s+(?:en|maar|of|and|or|but)\s+(?=(?:daarna|daarnaast|ook|verder|tevens|dan|"
    r"moet|mag|kan|krijg|kost|betaal|heb|ben|zit|hoe|hoeveel|wat|wie|waar|wanneer|waarom|welke|welk|is|zijn|"
    r"ik|wij|we|wil|do|does|can|should|will|what|how|who|where|when|why|which|are|i)\b)",
    re.IGNORECASE,
)
SPLIT_PART_MIN_P = 0.7  # a part must point at a team with at least this probability
SPLIT_PART_MIN_WORDS = 2  # and have this many content words
SPLIT_PART_MAX_MAIN_P = 0.2  # while giving the main team at most this (else it is the same request)


_QUESTION_WORDS = frozenset(
    [
        "hoe",
        "hoeveel",
        "wat",
        "waar",
        "wanneer",
        "waarom",
        "welke",
        "welk",
        "wie",
        "graag",
        "how",
        "what",
        "where",
        "when",
        "why",
        "which",
        "who",
    ]
)
_ASKING_VERBS = frozenset(
    [
        "moet",
        "moeten",
        "mag",
        "mogen",
        "kan",
        "kun",
        "kunt",
        "kunnen",
        "krijg",
        "krijgen",
        "heb",
        "hebben",
        "is",
        "zijn",
        "ben",
        "wil",
        "wilt",
        "willen",
        "zit",
        "do",
        "does",
        "can",
        "may",
        "must",
        "should",
        "will",
        "are",
        "need",
    ]
)
_SUBJECTS = frozenset(
    ["ik", "je", "u", "we", "wij", "er", "het", "dat", "dit", "mijn", "ze", "i", "you", "we", "it", "there"]
)


def _asks(part: str, followed_by: str) -> bool:
    """Whether a part asks something (a question or a request) rather than telling the backstory."""
    words = re.findall(r"[a-z]+", part.lower())
    if followed_by.startswith("?"):
        return True
    if not words:
        return False
    if words[0] in _QUESTION_WORDS:
        return True
    if words[0] in _ASKING_VERBS and len(words) > 1 and words[1] in _SUBJECTS:
        return True
    return " ".join(words[:3]).startswith(
        ("ik wil", "wij willen", "we willen", "i want", "i need", "we want")
    )


def question_parts(text: str, *, asking_only: bool = False) -> list[str]:
    """The parts of a question that may each ask something (at least two content words each); with
    ``asking_only`` only the parts that ask something, not the backstory."""
    from intake.normalise import tokenize

    parts, position = [], 0
    for match in [*_PART_BOUNDARY.finditer(text), None]:
        end = match.start() if match else len(text)
        part = text[position:end].strip()
        following = match.group(0).strip() if match else ""
        if (
            part
            and len(tokenize(part)) >= SPLIT_PART_MIN_WORDS
            and (not asking_only or _asks(part, following))
        ):
            parts.append(part)
        if match:
            position = match.end()
    return parts


def extra_team_ids(router: LoadedRouter, text: str, main_team_id: int, team_ranking: list) -> list[int]:
    """Teams other than the main one that a part of the question clearly asks for (best first)."""
    if len(question_parts(text)) < 2:
        return []
    found: dict[int, float] = {}
    for part in question_parts(text, asking_only=True):
        _topics, teams = rank_slugs(router, part)
        if not teams:
            continue
        team_id, p = teams[0]
        main_p = dict(teams).get(main_team_id, 0.0)
        if team_id != main_team_id and p >= SPLIT_PART_MIN_P and main_p <= SPLIT_PART_MAX_MAIN_P:
            found[team_id] = max(found.get(team_id, 0.0), p)
    # The global split threshold still adds a second team the whole text already points at strongly.
    for team_id, p in team_ranking[1:3]:
        if team_id != main_team_id and p >= settings.ROUTING_SPLIT_THRESHOLD:
            found.setdefault(team_id, p)
    return sorted(found, key=lambda t: -found[t])[:2]


def team_threshold(router: LoadedRouter, team_slug: str) -> float:
    """The probability a team needs for routing without a person: the one chosen for that team when the
    model was trained, else ROUTING_AUTO_THRESHOLD. A setting above 1 switches auto-routing off."""
    configured = settings.ROUTING_AUTO_THRESHOLD
    if configured > 1.0:
        return configured
    thresholds = getattr(router.model, "team_thresholds", None) or {}
    return thresholds.get(team_slug, thresholds.get("*", configured))


def _suggestion_reason(words: list[str], topic: Topic) -> str:
    reason = (
        _("herkend: %(words)s") % {"words": ", ".join(words)}
        if words
        else _("geen duidelijke woorden, lijkt op eerdere vragen")
    )
    if topic.referral_organisation:
        reason += "; " + _("hoort bij %(organisation)s") % {"organisation": topic.referral_organisation}
    return reason


def classify(text: str) -> Proposal:
    router = loaded_router()
    if router is None:
        return Proposal(None, None, None, _("geen voorstel: nog geen getraind model"), needs_triage=True)
    topic_ranking, team_ranking = rank_slugs(router, text)
    if not team_ranking:
        return Proposal(None, None, None, _("geen voorstel"), needs_triage=True)
    best_team_id, team_p = team_ranking[0]
    # The best topic within the best team: a team can be sure even when its topics share the probability.
    best_slug = next(slug for slug, _p in topic_ranking if router.topic_team[slug] == best_team_id)
    top_slugs = [slug for slug, _p in topic_ranking[:3]]
    if best_slug not in top_slugs:  # the owner sees the proposed topic among the suggestions
        top_slugs = [best_slug, *top_slugs[:2]]
    topics = topics_by_slug()
    probability = dict(topic_ranking)
    explained = router.model.explain(text, top_slugs) if hasattr(router.model, "explain") else {}
    suggestions = []
    for slug in top_slugs:
        topic = topics[slug]
        suggestion = {
            "topic": slug,
            "topic_name": topic.name,
            "team": topic.team.slug,
            "team_name": topic.team.name,
            "p": round(probability[slug], 3),
            "reason": _suggestion_reason(explained.get(slug, []), topic),
        }
        if topic.referral_organisation:
            suggestion["referral"] = {"organisation": topic.referral_organisation, "url": topic.referral_url}
        suggestions.append(suggestion)
    extra_ids = extra_team_ids(router, text, best_team_id, team_ranking)
    extra_teams = []
    if extra_ids:
        by_id = department_teams_by_id()
        extra_teams = [by_id[i] for i in extra_ids if i in by_id]
    best_topic = topics[best_slug]
    needs_triage = team_p < team_threshold(router, best_topic.team.slug)
    reason = _("classificatie %(p)s") % {"p": f"{team_p:.2f}"}
    if best_topic.referral_organisation:
        reason += " · " + _("hoort bij %(organisation)s") % {"organisation": best_topic.referral_organisation}
    language = router.model.language(text) if hasattr(router.model, "language") else ""
    return Proposal(
        best_topic,
        best_topic.team,
        round(team_p, 4),
        reason,
        suggestions,
        needs_triage,
        extra_teams,
        language,
    )


def team_ranking_for_text(text: str, *, rules=None) -> list[tuple[str, float]]:
    """Team slugs by probability as the router would decide for a new web question (for evaluation)."""
    by_rule = match_rules(text, channel="web", rules=rules)
    if by_rule is not None:
        return [(by_rule.team.slug, 1.0)]
    router = loaded_router()
    if router is None:
        return []
    _topics, teams = rank_slugs(router, text)
    return [(router.team_slug[team_id], p) for team_id, p in teams]


def best_topic_of_team(text: str, team: Team) -> Topic | None:
    """The most probable topic of one team for this text (to label a correction that names only a team)."""
    router = loaded_router()
    if router is not None:
        topics, _teams = rank_slugs(router, text)
        slug = next((s for s, _p in topics if router.topic_team[s] == team.pk), None)
        if slug:
            return Topic.objects.filter(slug=slug).first()
    return team.topics.filter(is_active=True).order_by("pk").first()


def extra_teams_for_text(text: str) -> list[str]:
    """Slugs of the extra teams the router would name for this question (for evaluation)."""
    router = loaded_router()
    if router is None:
        return []
    _topics, teams = rank_slugs(router, text)
    if not teams:
        return []
    return [router.team_slug[i] for i in extra_team_ids(router, text, teams[0][0], teams)]
