from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("volgen/<str:token>/beoordelen/", views.rate, name="rate"),
    path("bewaking/termijnen/", views.deadline_overview, name="deadlines"),
    path("bewaking/terugbellen/", views.callback_overview, name="callbacks"),
    path("bewaking/terugbellen/mijn/", views.callbacks_mine, name="callbacks-mine"),
    path("bewaking/terugbellen/<int:pk>/", views.callback_detail, name="callback-detail"),
    path("bewaking/terugbellen/<int:pk>/vervallen/", views.callback_cancel, name="callback-cancel"),
    path("bewaking/vragen/<int:case_pk>/terugbelverzoek/", views.callback_new, name="callback-new"),
    path("bewaking/vragen/<int:case_pk>/besluit/", views.waiting_decision, name="waiting-decision"),
    path("bewaking/beoordelingen/<int:pk>/heropenen/", views.rating_reopen, name="rating-reopen"),
]
