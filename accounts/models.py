"""Which group at the municipality's identity provider gives which team and role in Voordeur."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from teams.models import Membership, Team


class IdpGroupMapping(models.Model):
    """A group at the identity provider (OpenID Connect) → a membership of a team, with a role.

    On every sign-in through the identity provider, the user's memberships are set to what their groups map to
    (accounts.services.sync_memberships): the identity provider is the source of truth for those users.
    """

    group = models.CharField(
        _("groep bij de identiteitsprovider"),
        max_length=200,
        help_text=_("De naam van de groep zoals de identiteitsprovider die meestuurt."),
    )
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="+")
    role = models.CharField(
        _("rol"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )

    class Meta:
        ordering = ["group", "team__name"]
        constraints = [models.UniqueConstraint(fields=["group", "team"], name="unique_idp_group_team")]
        verbose_name = _("groepskoppeling")
        verbose_name_plural = _("groepskoppelingen")

    def __str__(self) -> str:
        return f"{self.group} → {self.team} ({self.get_role_display()})"
