"""Rate limits per client (not per IP address): the client's own `rate_limit`, counted in the shared cache."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .permissions import client_of


class ClientRateThrottle(SimpleRateThrottle):
    scope = "client"

    def get_rate(self):
        return settings.API_RATE_DEFAULT

    def allow_request(self, request, view):
        client = client_of(request)
        if client is None:
            return True  # refused by authentication or permission anyway
        self.rate = client.rate_limit or settings.API_RATE_DEFAULT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        client = client_of(request)
        return f"api-throttle:{client.pk}" if client else None
