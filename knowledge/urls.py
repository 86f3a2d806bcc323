from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("kennisbank/", views.article_list, name="list"),
    path("kennisbank/nieuw/", views.article_new, name="new"),
    path("kennisbank/hiaten/", views.gap_report, name="gaps"),
    path("kennisbank/<int:pk>/", views.article_detail, name="detail"),
    path("kennisbank/<int:pk>/bewerken/", views.article_edit, name="edit"),
    path("kennisbank/<int:pk>/gecontroleerd/", views.article_reviewed, name="reviewed"),
    path("veelgestelde-vragen/", views.faq, name="faq"),
]
