"""The router: explicit topic first, then the ordered rules, then the classifier.

The classifier and the topic → team index are loaded from the database once per process and reloaded only
when another model version becomes active (checked at most once a minute), so a web worker pays the load once
and a prediction costs no database query.
"""

import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from intake.models import Case
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


def case_text(case: Case) -> str:
    return f"{case.subject}\n{case.question}".strip()


def propose(case: Case) -> Proposal:
    if case.topic_id:
        topic = case.topic
        return Proposal(topic, topic.team, 1.0, _("gekozen bij het stellen van de vraag"))
    sbi = case.company.sbi_codes if case.company_id else ""
    rule_proposal = match_rules(case_text(case), channel=case.channel, sbi_codes=sbi)
    if rule_proposal is not None:
        return rule_proposal
    return classify(case_text(case))


def active_rules() -> list[RoutingRule]:
    return list(
        RoutingRule.objects.filter(is_active=True)
        .select_related("topic__team", "team")
        .order_by("position", "pk")
    )


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
    topics = {
        t.slug: t for t in Topic.objects.filter(slug__in={best_slug, *top_slugs}).select_related("team")
    }
    probability = dict(topic_ranking)
    suggestions = [
        {
            "topic": slug,
            "topic_name": topics[slug].name,
            "team": topics[slug].team.slug,
            "team_name": topics[slug].team.name,
            "p": round(probability[slug], 3),
        }
        for slug in top_slugs
    ]
    extra_ids = [
        team_id
        for team_id, p in team_ranking[1:3]
        if p >= settings.ROUTING_SPLIT_THRESHOLD and team_id != best_team_id
    ]
    extra_teams = list(Team.objects.filter(pk__in=extra_ids, kind=Team.Kind.DEPARTMENT)) if extra_ids else []
    needs_triage = team_p < settings.ROUTING_AUTO_THRESHOLD
    reason = _("classificatie %(p)s") % {"p": f"{team_p:.2f}"}
    return Proposal(
        topics[best_slug],
        topics[best_slug].team,
        round(team_p, 4),
        reason,
        suggestions,
        needs_triage,
        extra_teams,
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
