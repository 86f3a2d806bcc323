"""Bearer tokens of API clients: `Authorization: Bearer vd_...`. Only the SHA-256 of a token is stored."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiClient, hash_token


class ApiClientAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Ongeldige Authorization-header: gebruik “Bearer <token>”.")
            )
        try:
            token = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Het token is ongeldig.")) from None
        client = (
            ApiClient.objects.select_related("user", "team")
            .filter(token_hash=hash_token(token), is_active=True)
            .first()
        )
        if client is None:
            raise exceptions.AuthenticationFailed(_("Het token is ongeldig of ingetrokken."))
        request.api_client = client
        return (client.user, client)

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="voordeur"'


try:  # the schema's security scheme (drf-spectacular finds extensions by import)
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class ApiClientAuthenticationScheme(OpenApiAuthenticationExtension):
        target_class = "api.auth.ApiClientAuthentication"
        name = "bearerAuth"

        def get_security_definition(self, auto_schema):
            return {
                "type": "http",
                "scheme": "bearer",
                "description": "Het token van de API-koppeling (vd_…), uitgegeven door de functioneel beheerder.",
            }
except ImportError:  # pragma: no cover
    pass
