"""Reads about the organisation and about what a user is allowed to do."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from .models import Membership, Team, Topic


@dataclass(frozen=True)
class StaffRoles:
    """What a staff member may do, derived once per request from their memberships."""

    is_owner: bool  # team economie (or a superuser): directs every case
    is_kcc: bool
    is_coordinator: bool
    department_team_ids: frozenset[int]

    @property
    def is_department(self) -> bool:
        return bool(self.department_team_ids)

    @property
    def is_staff_member(self) -> bool:
        return self.is_owner or self.is_kcc or self.is_department

    @property
    def sees_all_cases(self) -> bool:
        # The KCC needs every company's history to answer callers; departments only see what was handed to them.
        return self.is_owner or self.is_kcc


NO_ROLES = StaffRoles(False, False, False, frozenset())


def roles_for(user: AbstractBaseUser | AnonymousUser) -> StaffRoles:
    if not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached = getattr(user, "_voordeur_roles", None)
    if cached is not None:
        return cached
    memberships = list(Membership.objects.filter(user=user, team__is_active=True).select_related("team"))
    kinds = {m.team.kind for m in memberships}
    roles = StaffRoles(
        is_owner=user.is_superuser or Team.Kind.OWNER in kinds,
        is_kcc=Team.Kind.KCC in kinds,
        is_coordinator=user.is_superuser or any(m.role == Membership.Role.COORDINATOR for m in memberships),
        department_team_ids=frozenset(m.team_id for m in memberships if m.team.kind == Team.Kind.DEPARTMENT),
    )
    user._voordeur_roles = roles
    return roles


def owner_team() -> Team:
    return Team.objects.filter(kind=Team.Kind.OWNER, is_active=True).order_by("pk").first()


def department_teams() -> QuerySet[Team]:
    return Team.objects.filter(kind__in=[Team.Kind.DEPARTMENT], is_active=True)


def public_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(is_active=True, is_public=True).select_related("team").order_by("name")


def active_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(is_active=True).select_related("team").order_by("name")
