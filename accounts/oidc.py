"""Sign-in through the municipality's identity provider (OpenID Connect, mozilla-django-oidc).

On only when `OIDC_RP_CLIENT_ID` is set. The endpoints come from the provider's discovery document
(`OIDC_OP_ISSUER` + /.well-known/openid-configuration) unless they are set one by one. On every sign-in the
user's name and e-mail address are updated and their memberships are set from their groups
(accounts.services.sync_memberships).
"""

import logging
import time

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .services import sync_memberships

logger = logging.getLogger(__name__)

# Setting → key in the discovery document.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_CACHE_SECONDS = 3600
_discovery_cache: dict[str, tuple[float, dict]] = {}


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def discovery_document(issuer: str) -> dict:
    """The provider's discovery document, fetched once an hour per process."""
    now = time.monotonic()
    cached = _discovery_cache.get(issuer)
    if cached and now - cached[0] < DISCOVERY_CACHE_SECONDS:
        return cached[1]
    response = requests.get(
        issuer.rstrip("/") + "/.well-known/openid-configuration",
        timeout=import_from_settings("OIDC_TIMEOUT", 10),
        verify=import_from_settings("OIDC_VERIFY_SSL", True),
    )
    response.raise_for_status()
    document = response.json()
    if document.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
        raise ImproperlyConfigured("The OpenID provider's discovery document names another issuer.")
    _discovery_cache[issuer] = (now, document)
    return document


def get_oidc_setting(attr, *args):
    """Like mozilla-django-oidc's import_from_settings, with the endpoints taken from discovery if not set."""
    if attr in DISCOVERED and not getattr(settings, attr, ""):
        issuer = getattr(settings, "OIDC_OP_ISSUER", "")
        if issuer:
            return discovery_document(issuer)[DISCOVERED[attr]]
    return import_from_settings(attr, *args)


class VoordeurOIDCBackend(OIDCAuthenticationBackend):
    """Finds the user by their username claim, keeps name and e-mail up to date and sets their memberships."""

    get_settings = staticmethod(get_oidc_setting)

    def __init__(self, *args, **kwargs):
        # Listed in AUTHENTICATION_BACKENDS always; does nothing until the identity provider is configured.
        self.enabled = oidc_enabled()
        if self.enabled:
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if not self.enabled:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as exc:
            # A bad token or an unreachable provider: back to the login page with a message, not an error page.
            logger.warning("Sign-in through the identity provider refused: %s", exc)
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The id_token was not issued to this client.")
        issuer = self.get_settings("OIDC_OP_ISSUER", "")
        if issuer and payload.get("iss", "").rstrip("/") != issuer.rstrip("/"):
            raise SuspiciousOperation("The id_token comes from another issuer.")
        return payload

    def get_username(self, claims):
        return str(claims.get(self.get_settings("OIDC_USERNAME_CLAIM", "preferred_username"), ""))[:150]

    def verify_claims(self, claims):
        return bool(self.get_username(claims))

    def filter_users_by_claims(self, claims):
        users = self.UserModel.objects.filter(username=self.get_username(claims))
        if any(user.is_superuser for user in users):
            # The functional administrator signs in with a local account and two-factor authentication only.
            raise SuspiciousOperation("A superuser may not sign in through the identity provider.")
        return users

    def create_user(self, claims):
        user = self.UserModel.objects.create_user(self.get_username(claims))  # no usable password
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        user.email = claims.get("email", user.email) or ""
        user.first_name = (claims.get("given_name") or user.first_name)[:150]
        user.last_name = (claims.get("family_name") or user.last_name)[:150]
        user.save(update_fields=["email", "first_name", "last_name"])
        groups = claims.get(self.get_settings("OIDC_GROUPS_CLAIM", "groups")) or []
        if isinstance(groups, str):
            groups = [groups]
        sync_memberships(user=user, groups=groups)
        return user


class OIDCStartView(OIDCAuthenticationRequestView):
    """/oidc/authenticate/: a 404 while the identity provider is not configured."""

    get_settings = staticmethod(get_oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if oidc_enabled():
            super().__init__(*args, **kwargs)
        else:
            super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """/oidc/callback/: back on the login page with a message when the sign-in failed."""

    get_settings = staticmethod(get_oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_URL)

    def login_failure(self):
        messages.error(
            self.request,
            _(
                "Inloggen met uw gemeenteaccount is niet gelukt. Probeer het opnieuw of neem contact op met de servicedesk."
            ),
        )
        return super().login_failure()
