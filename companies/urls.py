from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("bedrijven/", views.company_list, name="company-list"),
    path("bedrijven/nieuw/", views.company_new, name="company-new"),
    path("bedrijven/<int:pk>/", views.company_detail, name="company-detail"),
    path("bedrijven/<int:pk>/bewerken/", views.company_edit, name="company-edit"),
    path("bedrijven/<int:pk>/kvk/", views.company_refresh_from_kvk, name="company-kvk"),
    path("bedrijven/<int:pk>/notitie/", views.company_note, name="company-note"),
    path("bedrijven/<int:pk>/bezoek/", views.visit_new, name="visit-new"),
    path("bezoeken/", views.visit_list, name="visit-list"),
    path("bezoeken/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("bezoeken/<int:pk>/actie/", views.visit_action, name="visit-action"),
    path("accountmanagers/<int:pk>/foto/", views.account_manager_photo, name="account-manager-photo"),
]
