from django.urls import path

from . import views

app_name = "kcc"

urlpatterns = [
    path("", views.workstation, name="workstation"),
    path("nieuwe-vraag/", views.new_question, name="new"),
    path("suggesties/", views.suggestions_json, name="suggestions"),
    path("rapport/", views.report, name="report"),
]
