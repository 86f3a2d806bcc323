"""Reads about the organisation: teams, topics, staff. What a user may do is in `teams.access`."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from . import refdata
from .models import Membership, Team, Topic


def owner_team() -> Team:
    """Cached per worker process until a team changes (teams.refdata)."""
    return refdata.cached(
        "owner_team", lambda: Team.objects.filter(kind=Team.Kind.OWNER, is_active=True).order_by("pk").first()
    )


def department_teams() -> QuerySet[Team]:
    return Team.objects.filter(kind__in=[Team.Kind.DEPARTMENT], is_active=True)


def public_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(is_active=True, is_public=True).select_related("team").order_by("name")


def active_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(is_active=True).select_related("team").order_by("name")


def staff_users() -> QuerySet:
    """Team economie's active members: who can be a case's account manager (owner)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True, memberships__team__kind=Team.Kind.OWNER, memberships__team__is_active=True
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def team_members() -> QuerySet:
    """Every active member of an active team (any kind): who can be assigned a callback or join a visit."""
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__team__is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def display_name(user: AbstractBaseUser | None) -> str:
    """How a person is named on every page, timeline and message: full name, else username."""
    if user is None:
        return _("Voordeur")
    return user.get_full_name() or user.get_username()


# ----------------------------------------------------------------------------------------------------------
# Choice lists: the selects of the staff forms (teams, topics, people), loaded once and shared by every form on
# a page and by later requests. Any change to a team, topic, membership or user empties the cache
# (teams.apps connects the signals); the timeout is a safety net for a cache that is not shared.

CHOICE_LISTS_KEY = "teams:choice-lists:v1"
CHOICE_LISTS_SECONDS = 300


@dataclass(frozen=True)
class ChoiceLists:
    teams: list  # active teams, by name
    topics: list  # active topics with their team, by name
    members: list  # team_members(), each with `is_owner_member`

    @property
    def staff(self) -> list:
        """staff_users(): team economie's active members."""
        return [user for user in self.members if user.is_owner_member]

    @property
    def departments(self) -> list:
        """department_teams(), by name."""
        return [team for team in self.teams if team.kind == Team.Kind.DEPARTMENT]

    def teams_except(self, *kinds) -> list:
        return [team for team in self.teams if team.kind not in kinds]


def choice_lists() -> ChoiceLists:
    lists = cache.get(CHOICE_LISTS_KEY)
    if lists is None:
        owner_member = Membership.objects.filter(
            user=OuterRef("pk"), team__kind=Team.Kind.OWNER, team__is_active=True
        )
        lists = ChoiceLists(
            teams=list(Team.objects.filter(is_active=True).order_by("name")),
            topics=list(active_topics()),
            members=list(team_members().annotate(is_owner_member=Exists(owner_member))),
        )
        cache.set(CHOICE_LISTS_KEY, lists, CHOICE_LISTS_SECONDS)
    return lists


def forget_choice_lists(**kwargs) -> None:
    cache.delete(CHOICE_LISTS_KEY)
