import os

from django.contrib import admin
from django.urls import include, path

from config.health import HealthView
from intake.views import home
from teams.views import theme_css

urlpatterns = [
    path("", home, name="home"),
    path("huisstijl.css", theme_css, name="theme-css"),  # the municipality's colours
    path("gezondheid/", HealthView.as_view(), name="health"),  # for the load balancer (config/health.py)
    path("", include("intake.urls")),  # /vraag/, /volgen/<token>/
    path("", include("casework.urls")),  # /medewerkers/, /zaken/, /bijlagen/
    path("", include("companies.urls")),  # /bedrijven/, /bezoeken/, /accountmanagers/
    path("kcc/", include("kcc.urls")),
    path("uitzettingen/", include("routing.urls")),
    path("", include("knowledge.urls")),  # /kennisbank/, /veelgestelde-vragen/
    path("", include("reports.urls")),  # /cijfers/, /resultaten/, /overleg/
    path("", include("followup.urls")),  # /bewaking/... and /volgen/<token>/beoordelen/
    path("", include("accounts.urls")),  # /inloggen/ (also 2FA, password reset), /uitloggen/, /oidc/
    path("beheer-privacy/", include("privacy.urls")),  # data subject requests and the audit trail
    path("api/v1/", include("api.urls")),  # the REST API for the municipality's other systems (docs/api.md)
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
]

# Bare-Django baselines for `make loadtest` (config/loadtest_baselines.py), never in production.
if os.environ.get("LOADTEST_BASELINES") == "1":
    from config import loadtest_baselines

    urlpatterns += [
        path("_baseline/get/", loadtest_baselines.bare_get),
        path("_baseline/insert/", loadtest_baselines.bare_insert),
    ]

# Dutch error pages that render without the database (config/errors.py).
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
