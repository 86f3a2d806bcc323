"""Reads about the organisation: teams, topics, staff. What a user may do is in `teams.access`."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import Team, Topic


def owner_team() -> Team:
    return Team.objects.filter(kind=Team.Kind.OWNER, is_active=True).order_by("pk").first()


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
