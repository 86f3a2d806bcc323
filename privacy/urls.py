from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.subject, name="subject"),
    path("export/", views.export, name="export"),
    path("wissen/", views.erase, name="erase"),
    path("audittrail/", views.audit_trail, name="audit"),
]
