"""Signing in: the login page, the lockout page, two-factor set-up and verification, and password reset."""

import base64
from datetime import timedelta

import qrcode
import qrcode.image.svg
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import TokenForm
from .middleware import HAS_DEVICE
from .oidc import oidc_enabled


class LoginView(auth_views.LoginView):
    """The login form; with the identity provider configured, also a button to sign in through it."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = oidc_enabled()
        return context


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page again, with a message saying for how long sign-in is blocked."""
    cool_off = get_cool_off(request) or timedelta(0)
    context = {
        "form": AuthenticationForm(request),
        "locked_out": True,
        "cool_off_minutes": max(1, round(cool_off.total_seconds() / 60)),
        "oidc_enabled": oidc_enabled(),
        "next": "",
    }
    return render(request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
def two_factor_setup(request):
    """Set up an authenticator app (TOTP): scan the QR code, confirm one code. Required for administrators."""
    user = request.user
    if user_has_device(user, confirmed=True):
        if not user.is_verified():
            return redirect("two-factor-verify")
        return render(request, "accounts/two_factor_setup.html", {"enabled": True})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator-app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[HAS_DEVICE] = True
            messages.success(request, _("Tweestapsverificatie staat aan."))
            return redirect(_next_url(request))
        form.add_error("token", _("Deze code klopt niet. Kijk of de tijd op uw telefoon goed staat."))
    qr_svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    context = {
        "form": form,
        "qr_svg": qr_svg.to_string(encoding="unicode"),
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_verify(request):
    """After the password: the code from the authenticator app."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not user_has_device(request.user, confirmed=True):
        return redirect("two-factor-setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("Deze code klopt niet of is al gebruikt. Probeer de volgende code."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Links in the e-mail use SITE_URL, not the Host header of the request (which a visitor controls).

    The e-mail goes out directly through Django's e-mail backend, not through the case outbox.
    """

    def get_extra_email_context(self):
        return {"site_url": settings.SITE_URL, "municipality_name": settings.MUNICIPALITY["name"]}

    def form_valid(self, form):
        self.extra_email_context = self.get_extra_email_context()
        return super().form_valid(form)
