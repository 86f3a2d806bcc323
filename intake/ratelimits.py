"""Limits on the public question form against abuse (django-ratelimit, counted in the cache: Redis in
production, so all workers share the counts).

Per client IP address (RATELIMIT_ASK_PER_IP, default 10 per 10 minutes) and per e-mail address
(RATELIMIT_ASK_PER_EMAIL, default 5 per hour); only questions that would be accepted count. The KCC's and
staff's forms are not limited. The client IP is REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies, the
X-Forwarded-For entry those proxies added (counted from the right: the left part is the client's own say).
"""

from django.conf import settings
from django_ratelimit.core import is_ratelimited


def client_ip(request) -> str:
    """The visitor's address (RATELIMIT_IP_META_KEY points here)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def ask_rate_limited(request, email: str) -> bool:
    """Count one accepted question from this visitor; True when it is one too many (by IP or e-mail)."""
    limited = is_ratelimited(
        request, group="intake.ask.ip", key="ip", rate=settings.RATELIMIT_ASK_PER_IP, increment=True
    )
    if email:
        address = email.strip().lower()  # hashed into the cache key: the address itself is not stored
        limited = (
            is_ratelimited(
                request,
                group="intake.ask.email",
                key=lambda _group, _request: address,
                rate=settings.RATELIMIT_ASK_PER_EMAIL,
                increment=True,
            )
            or limited
        )
    return limited
