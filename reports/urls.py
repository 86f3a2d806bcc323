from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("cijfers/", views.dashboard, name="dashboard"),
    path("cijfers/export/", views.export, name="export"),
    path("cijfers/maandrapport/", views.monthly, name="monthly"),
    path("resultaten/", views.results, name="results"),
    path("resultaten/succesverhaal/", views.story_new, name="story-new"),
    path("overleg/", views.agenda, name="agenda"),
    path("overleg/afspraak/", views.agenda_agree, name="agenda-agree"),
]
