"""Staff sessions: an idle timeout and a maximum age, and two-factor authentication where it is required."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

LOGIN_AT = "accounts_login_at"
LAST_SEEN = "accounts_last_seen"
HAS_DEVICE = "accounts_has_otp_device"  # looked up once at sign-in, so pages run no extra query
# Last-seen is written at most once a minute, so a busy page does not save the session on every request.
LAST_SEEN_RESOLUTION = 60


def remember_login_time(sender, request, user, **kwargs):
    """user_logged_in receiver: the start of the session (for its maximum age) and whether 2FA applies."""
    if hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[LAST_SEEN] = now
        request.session[HAS_DEVICE] = user_has_device(user, confirmed=True)


def _to_login(request, message):
    logout(request)
    messages.info(request, message)
    query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
    return redirect(reverse("login") + (f"?{query}" if query else ""))


class SessionTimeoutMiddleware:
    """Logs a staff member out after SESSION_IDLE_TIMEOUT_MINUTES without a request, and SESSION_COOKIE_AGE
    after signing in whatever they do. Either way they land on the login page with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.setdefault(LOGIN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            idle_seconds = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            if now - login_at >= settings.SESSION_COOKIE_AGE:
                hours = round(settings.SESSION_COOKIE_AGE / 3600, 1)
                return _to_login(
                    request,
                    _("U bent uitgelogd omdat u langer dan %(hours)s uur was ingelogd. Log opnieuw in.")
                    % {"hours": f"{hours:g}"},
                )
            if idle_seconds and now - last_seen >= idle_seconds:
                return _to_login(
                    request,
                    _(
                        "U bent automatisch uitgelogd omdat u %(minutes)s minuten niets heeft gedaan. Log opnieuw in."
                    )
                    % {"minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES},
                )
            if now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        return self.get_response(request)


# Pages an unverified user may still open: signing in and out, two-factor set-up and verification.
TWO_FACTOR_EXEMPT = {
    "login",
    "logout",
    "two-factor-verify",
    "two-factor-setup",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "admin:logout",
}


class TwoFactorMiddleware:
    """Two-factor authentication (django-otp), after django_otp.middleware.OTPMiddleware.

    - Whoever has a confirmed device confirms a code after signing in, before any other page.
    - The functional administrator (a superuser) may open /beheer/ only when verified; without a device
      they are sent to set one up first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is None or match.view_name in TWO_FACTOR_EXEMPT:
            return None
        next_query = urlencode({"next": request.get_full_path()})
        if HAS_DEVICE not in request.session:
            request.session[HAS_DEVICE] = user_has_device(user, confirmed=True)
        if request.session[HAS_DEVICE]:
            return redirect(f"{reverse('two-factor-verify')}?{next_query}")
        if user.is_superuser and "admin" in match.namespaces:
            messages.info(request, _("Stel eerst tweestapsverificatie in. Dat is verplicht voor beheerders."))
            return redirect(f"{reverse('two-factor-setup')}?{next_query}")
        return None
