"""Scopes: each view names the scope it needs (`required_scope`); hand-off views need a handoffs:<team> scope."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .models import ApiClient


def client_of(request) -> ApiClient | None:
    client = getattr(request, "auth", None)
    return client if isinstance(client, ApiClient) else None


class IsApiClient(permissions.BasePermission):
    message = _("Dit token heeft niet het recht voor deze handeling.")

    def has_permission(self, request, view) -> bool:
        client = client_of(request)
        if client is None:
            return False
        scope = getattr(view, "required_scope", None)
        if scope is None:
            return True
        if scope == "handoffs":
            return bool(client.handoff_team_slugs)
        if isinstance(scope, dict):  # per action
            scope = scope.get(getattr(view, "action", None) or request.method.lower())
            if scope is None:
                return True
        return client.has_scope(scope)
