"""Signing in and out, two-factor authentication, password reset and the identity provider's callback.

No namespace: Django's auth views and mozilla-django-oidc refer to these by their plain names.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import oidc, views

urlpatterns = [
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("inloggen/tweestapsverificatie/", views.two_factor_verify, name="two-factor-verify"),
    path("inloggen/tweestapsverificatie/instellen/", views.two_factor_setup, name="two-factor-setup"),
    path("inloggen/wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "inloggen/wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "inloggen/nieuw-wachtwoord/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "inloggen/nieuw-wachtwoord/klaar/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("oidc/authenticate/", oidc.OIDCStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.OIDCCallbackView.as_view(), name="oidc_authentication_callback"),
]
