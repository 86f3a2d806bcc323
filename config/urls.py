from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from intake.views import home

urlpatterns = [
    path("", home, name="home"),
    path("", include("intake.urls")),
    path("uitzettingen/", include("routing.urls")),
    path("kcc/", include("intake.kcc_urls")),
    path("", include("routing.knowledge_urls")),
    path("", include("followup.urls")),  # /bewaking/... and /volgen/<token>/beoordelen/
    path("inloggen/", auth_views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
]
