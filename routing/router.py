"""The router: explicit topic first, then the ordered rules, then the classifier.

The classifier is loaded from the database once per process and reloaded only when another version becomes
active (checked at most once a minute), so a web worker pays the load once.
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


def _case_text(case: Case) -> str:
    return f"{case.subject}\n{case.question}".strip()


def propose(case: Case) -> Proposal:
    if case.topic_id:
        topic = case.topic
        return Proposal(topic, topic.team, 1.0, _("gekozen bij het stellen van de vraag"))
    rule_proposal = match_rules(case)
    if rule_proposal is not None:
        return rule_proposal
    return classify(_case_text(case))


def match_rules(case: Case) -> Proposal | None:
    text = _case_text(case).lower()
    sbi = case.company.sbi_codes if case.company_id else ""
    rules = (
        RoutingRule.objects.filter(is_active=True)
        .select_related("topic__team", "team")
        .order_by("position", "pk")
    )
    for rule in rules:
        if rule.channel and rule.channel != case.channel:
            continue
        if rule.sbi_prefix and not any(code.strip().startswith(rule.sbi_prefix) for code in sbi.split(",")):
            continue
        if rule.if_topic_id and rule.if_topic_id != case.topic_id:
            continue
        phrases = rule.phrase_list()
        hit = next((p for p in phrases if p in text), None)
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


_cache_lock = threading.Lock()
_cache: dict = {"version": None, "model": None, "checked": 0.0}
CHECK_EVERY_SECONDS = 60


def active_classifier():
    """The active TopicClassifier, or None when no model has been trained yet."""
    from .classifier import TopicClassifier

    now = time.monotonic()
    if _cache["model"] is not None and now - _cache["checked"] < CHECK_EVERY_SECONDS:
        return _cache["model"]
    with _cache_lock:
        version = ClassifierModel.objects.filter(is_active=True).values_list("version", flat=True).first()
        if version is None:
            _cache.update(version=None, model=None, checked=now)
            return None
        if version != _cache["version"]:
            data = ClassifierModel.objects.filter(version=version).values_list("data", flat=True).get()
            _cache.update(version=version, model=TopicClassifier.from_bytes(bytes(data)))
        _cache["checked"] = now
        return _cache["model"]


def reset_classifier_cache() -> None:
    with _cache_lock:
        _cache.update(version=None, model=None, checked=0.0)


@dataclass(frozen=True)
class Ranking:
    topics: list[tuple[Topic, float]]
    teams: list[tuple[Team, float]]


def rank(text: str, k: int = 3) -> Ranking | None:
    """Top topics and teams by probability; team probability sums its topics'."""
    model = active_classifier()
    if model is None:
        return None
    probabilities = model.predict_proba_all(text)
    topics = {t.slug: t for t in Topic.objects.filter(slug__in=probabilities.keys()).select_related("team")}
    team_scores: dict[int, float] = {}
    teams: dict[int, Team] = {}
    for slug, p in probabilities.items():
        topic = topics.get(slug)
        if topic is None or not topic.is_active:
            continue
        teams[topic.team_id] = topic.team
        team_scores[topic.team_id] = team_scores.get(topic.team_id, 0.0) + p
    top_topics = sorted(
        ((topics[s], p) for s, p in probabilities.items() if s in topics and topics[s].is_active),
        key=lambda item: -item[1],
    )[:k]
    top_teams = sorted(((teams[i], p) for i, p in team_scores.items()), key=lambda item: -item[1])[:k]
    return Ranking(top_topics, top_teams)


def classify(text: str) -> Proposal:
    ranking = rank(text)
    if ranking is None or not ranking.topics:
        return Proposal(None, None, None, _("geen voorstel: nog geen getraind model"), needs_triage=True)
    best_team, team_p = ranking.teams[0]
    # The best topic within the best team: a team can be sure even when its topics split the probability.
    best_topic = next((t for t, _p in ranking.topics if t.team_id == best_team.pk), ranking.topics[0][0])
    suggestions = [
        {
            "topic": t.slug,
            "topic_name": t.name,
            "team": t.team.slug,
            "team_name": t.team.name,
            "p": round(p, 3),
        }
        for t, p in ranking.topics
    ]
    needs_triage = team_p < settings.ROUTING_AUTO_THRESHOLD
    reason = _("classificatie %(p)s") % {"p": f"{team_p:.2f}"}
    return Proposal(best_topic, best_team, round(team_p, 4), reason, suggestions, needs_triage)
