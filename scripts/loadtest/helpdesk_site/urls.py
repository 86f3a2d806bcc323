"""django-helpdesk at the root: its public portal at /, the public ticket form at /tickets/submit/."""

from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls"))]
