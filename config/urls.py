from django.contrib import admin
from django.urls import include, path

from intake.views import home

urlpatterns = [
    path("", home, name="home"),
    path("", include("intake.urls")),  # /vraag/, /volgen/<token>/
    path("", include("casework.urls")),  # /medewerkers/, /zaken/, /bijlagen/
    path("", include("companies.urls")),  # /bedrijven/, /bezoeken/, /accountmanagers/
    path("kcc/", include("kcc.urls")),
    path("uitzettingen/", include("routing.urls")),
    path("", include("knowledge.urls")),  # /kennisbank/, /veelgestelde-vragen/
    path("", include("followup.urls")),  # /bewaking/... and /volgen/<token>/beoordelen/
    path("", include("accounts.urls")),  # /inloggen/ (also 2FA, password reset), /uitloggen/, /oidc/
    path("beheer-privacy/", include("privacy.urls")),  # data subject requests and the audit trail
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
]
