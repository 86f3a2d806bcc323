"""Reads of hand-offs, scoped: a department member sees only hand-offs to their own teams. Also the router's
hints for a text as it is typed."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from intake.models import Message
from teams.access import roles_for
from teams.models import Team, Topic

from . import router
from .models import Handoff


def handoffs_for(user) -> QuerySet[Handoff]:
    roles = roles_for(user)
    base = Handoff.objects.select_related(
        "case__contact", "case__company", "case__owner", "team", "claimed_by"
    )
    if roles.is_owner:
        return base
    if roles.department_team_ids:
        return base.filter(team_id__in=roles.department_team_ids)
    return base.none()


def inbox_for(user, *, show: str = "open") -> QuerySet[Handoff]:
    handoffs = handoffs_for(user)
    if show == "open":
        return handoffs.filter(status__in=Handoff.OPEN_STATUSES).order_by("deadline", "pk")
    return handoffs.exclude(status__in=Handoff.OPEN_STATUSES).order_by("-closed_at", "-pk")


def handoff_for(user, pk: int) -> Handoff:
    try:
        return handoffs_for(user).get(pk=pk)
    except Handoff.DoesNotExist as exc:
        raise Http404 from exc


def handoff_thread(handoff: Handoff) -> QuerySet[Message]:
    """What a department may read of the case: the public conversation and this hand-off's own events."""
    from django.db.models import Q

    return (
        handoff.case.messages.filter(
            Q(is_public=True)
            | Q(kind__in=[Message.Kind.HANDOFF, Message.Kind.FOLLOWUP], data__handoff=handoff.pk)
        )
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class RouterHint:
    """The router's idea of topic and team for a text, for the KCC screen."""

    topic: Topic
    team: Team
    probability: float


# ----------------------------------------------------------------------------------------------------------
# The router's topics (the KCC screen's suggestions as the agent types)


def router_topics(text: str, k: int = 3) -> list[tuple[str, float]]:
    """The router's top topic slugs with probability ([] without a trained model)."""
    if not text.strip():
        return []
    current = router.loaded_router()  # cached model, no database access per call
    if current is None:
        return []
    topics, _teams = router.rank_slugs(current, text)
    return topics[:k]


def router_hints(text: str, k: int = 3) -> list[RouterHint]:
    ranked = router_topics(text, k)
    if not ranked:
        return []
    topics = {
        t.slug: t for t in Topic.objects.filter(slug__in=[s for s, _p in ranked]).select_related("team")
    }
    return [RouterHint(topics[s], topics[s].team, p) for s, p in ranked if s in topics]
