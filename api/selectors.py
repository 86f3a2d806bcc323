"""Reads for API clients, scoped like the staff who do the same work (docs/api.md, "Scopes"):

- cases: a client with cases:read sees the cases it created itself; a client of team economie (the owner
  team) sees every case, as team economie's staff do.
- hand-offs: a client with handoffs:<team> sees the hand-offs to that team, exactly as that department's
  staff see them in their inbox (routing.selectors), and what it may read of the case (handoff_thread).
  Any other hand-off does not exist for it (404).
"""

from django.db.models import QuerySet
from django.http import Http404

from intake.models import Case, Company
from knowledge.selectors import published_articles
from routing.models import Handoff
from teams.selectors import public_topics

from .models import ApiClient, Subscription


def cases_for_client(client: ApiClient) -> QuerySet[Case]:
    base = Case.objects.select_related("company", "topic")
    if client.reads_all_cases:
        return base
    return base.filter(created_by_id=client.user_id)


def case_for_client(client: ApiClient, reference: str) -> Case:
    try:
        return cases_for_client(client).get(reference=reference)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def handoffs_for_client(client: ApiClient) -> QuerySet[Handoff]:
    return Handoff.objects.select_related("case", "team", "claimed_by").filter(
        team__slug__in=client.handoff_team_slugs
    )


def handoff_for_client(client: ApiClient, pk: int) -> Handoff:
    try:
        return handoffs_for_client(client).get(pk=pk)
    except Handoff.DoesNotExist as exc:
        raise Http404 from exc


def companies() -> QuerySet[Company]:
    return Company.objects.exclude(kvk_number=None).order_by("kvk_number")


def topics():
    return public_topics()


def articles():
    return (
        published_articles()
        .filter(topic__is_active=True)
        .select_related("topic")
        .defer("search_vector", "internal_notes")
        .order_by("pk")
    )


def subscriptions_for_client(client: ApiClient) -> QuerySet[Subscription]:
    return Subscription.objects.filter(client=client).order_by("pk")
