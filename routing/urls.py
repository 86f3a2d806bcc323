from django.urls import path

from . import views

app_name = "routing"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.handoff_detail, name="handoff-detail"),
    path("<int:pk>/oppakken/", views.handoff_claim, name="handoff-claim"),
    path("<int:pk>/beantwoorden/", views.handoff_answer, name="handoff-answer"),
    path("<int:pk>/terugsturen/", views.handoff_return, name="handoff-return"),
    path("<int:pk>/vraag-regie/", views.handoff_ask_owner, name="handoff-ask-owner"),
    path("<int:pk>/aanvullen/", views.handoff_provide_information, name="handoff-provide-information"),
]
