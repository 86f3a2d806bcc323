"""Writes for sign-in: a user's memberships from their identity-provider groups."""

from collections.abc import Iterable

from django.db import transaction

from teams.models import Membership

from .models import IdpGroupMapping

ROLE_RANK = {Membership.Role.MEMBER: 0, Membership.Role.COORDINATOR: 1}


@transaction.atomic
def sync_memberships(*, user, groups: Iterable[str]) -> dict[int, str]:
    """Give `user` exactly the memberships their groups map to (team id → role) and return them.

    Two groups for the same team: the higher role wins. Memberships of teams no group maps to are removed, so
    someone who leaves a group at the identity provider loses the team at their next sign-in, and a user with
    no mapped group has no staff role. The digest choice of a membership that stays is kept.
    """
    wanted: dict[int, str] = {}
    for mapping in IdpGroupMapping.objects.filter(group__in=set(groups)):
        current = wanted.get(mapping.team_id)
        if current is None or ROLE_RANK[mapping.role] > ROLE_RANK[current]:
            wanted[mapping.team_id] = mapping.role
    Membership.objects.filter(user=user).exclude(team_id__in=wanted).delete()
    existing = {m.team_id: m for m in Membership.objects.filter(user=user)}
    for team_id, role in wanted.items():
        membership = existing.get(team_id)
        if membership is None:
            Membership.objects.create(user=user, team_id=team_id, role=role)
        elif membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
    return wanted
