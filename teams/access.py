"""The one place that answers "may this user do this": roles derived from memberships, a predicate per kind
of page or action, and one decorator for every staff page.

Anyone who is not allowed gets a 404, not a 403: a page does not confirm that a case or hand-off exists.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from .models import Membership, Team


@dataclass(frozen=True)
class StaffRoles:
    """What a staff member may do, derived once per request from their memberships."""

    is_owner: bool  # a member of team economie: directs every case (a superuser only as a member)
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

    @property
    def starts_at_kcc_screen(self) -> bool:
        """The KCC starts at the screen built for a call in progress (unless also in team economie)."""
        return self.is_kcc and not self.is_owner

    @property
    def handles_handoffs(self) -> bool:
        """The hand-off inbox: departments (their teams' hand-offs) and team economie (all)."""
        return self.is_department or self.is_owner

    @property
    def sees_overviews(self) -> bool:
        """The deadline and callback overviews: team economie, the KCC and coordinators."""
        return self.is_owner or self.is_kcc or self.is_coordinator

    @property
    def sees_all_overviews(self) -> bool:
        """Team economie and the KCC see every team's callbacks and deadlines; a coordinator only their teams'."""
        return self.is_owner or self.is_kcc

    @property
    def owns_cases(self) -> bool:
        """The owner actions on a case (account manager, topic, hand-off, answer, close, reopen): team economie."""
        return self.is_owner

    @property
    def reads_knowledge_drafts(self) -> bool:
        """Drafts of every team (internal notes included) and the full gap report: team economie and the KCC."""
        return self.is_owner or self.is_kcc

    @property
    def edits_all_articles(self) -> bool:
        """Team economie and the KCC write every knowledge article; a department only its own teams'."""
        return self.is_owner or self.is_kcc

    @property
    def sees_figures(self) -> bool:
        """The figures of the regie (dashboard, monthly report): team economie, coordinators and management.
        Management holds the coordinator role of its team, so a coordinator of any team counts."""
        return self.is_owner or self.is_coordinator

    def may_edit_article(self, owner_team_id: int | None) -> bool:
        return self.edits_all_articles or owner_team_id in self.department_team_ids


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
        # The functional administrator (superuser) administers; they own cases only as a team economie member.
        is_owner=Team.Kind.OWNER in kinds,
        is_kcc=Team.Kind.KCC in kinds,
        is_coordinator=any(m.role == Membership.Role.COORDINATOR for m in memberships),
        department_team_ids=frozenset(m.team_id for m in memberships if m.team.kind == Team.Kind.DEPARTMENT),
    )
    user._voordeur_roles = roles
    return roles


def role_required(allowed: Callable[[StaffRoles], bool]):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not allowed(roles_for(request.user)):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def is_staff_member(roles: StaffRoles) -> bool:
    return roles.is_staff_member


def directs_cases(roles: StaffRoles) -> bool:
    """Team economie and the KCC: every case, the case pages and the KCC screen."""
    return roles.sees_all_cases


def owns_cases(roles: StaffRoles) -> bool:
    """Only team economie acts on a case as its owner; the KCC may read the case."""
    return roles.owns_cases


def handles_handoffs(roles: StaffRoles) -> bool:
    return roles.handles_handoffs


def sees_overviews(roles: StaffRoles) -> bool:
    """The deadline and callback overviews: team economie, the KCC and coordinators."""
    return roles.sees_overviews


def sees_figures(roles: StaffRoles) -> bool:
    """The figures dashboard and the monthly report: team economie, coordinators and management."""
    return roles.sees_figures


staff_member_required = role_required(is_staff_member)
case_directors_only = role_required(directs_cases)
case_owners_only = role_required(owns_cases)
