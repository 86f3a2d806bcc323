from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("vraag/", views.ask, name="ask"),
    path("vraag/ontvangen/", views.ask_done, name="ask-done"),
    path("volgen/<str:token>/", views.track, name="track"),
    path("volgen/<str:token>/bijlage/<int:pk>/", views.track_attachment, name="track-attachment"),
]
