from django.urls import path

from . import kcc_views

app_name = "kcc"

urlpatterns = [
    path("", kcc_views.workstation, name="workstation"),
    path("suggesties/", kcc_views.suggestions_json, name="suggestions"),
    path("rapport/", kcc_views.report, name="report"),
]
