from django.urls import path

from . import company_views, views

app_name = "intake"

urlpatterns = [
    path("vraag/", views.ask, name="ask"),
    path("vraag/ontvangen/", views.ask_done, name="ask-done"),
    path("volgen/<str:token>/", views.track, name="track"),
    path("volgen/<str:token>/bijlage/<int:pk>/", views.track_attachment, name="track-attachment"),
    path("medewerkers/", views.staff_home, name="staff-home"),
    path("zaken/", views.case_list, name="case-list"),
    path("zaken/<int:pk>/", views.case_detail, name="case-detail"),
    path("zaken/<int:pk>/accountmanager/", views.case_assign, name="case-assign"),
    path("zaken/<int:pk>/notitie/", views.case_note, name="case-note"),
    path("zaken/<int:pk>/informatie-vragen/", views.case_request_info, name="case-request-info"),
    path("zaken/<int:pk>/beantwoorden/", views.case_answer, name="case-answer"),
    path("zaken/<int:pk>/doorverwijzen/", views.case_refer, name="case-refer"),
    path("zaken/<int:pk>/sluiten/", views.case_cancel, name="case-cancel"),
    path("zaken/<int:pk>/heropenen/", views.case_reopen, name="case-reopen"),
    path("zaken/<int:pk>/onderwerp/", views.case_set_topic, name="case-set-topic"),
    path("zaken/<int:pk>/uitzetten/", views.case_hand_off, name="case-hand-off"),
    path("kcc/nieuwe-vraag/", views.kcc_new, name="kcc-new"),
    path("bijlagen/<int:pk>/", views.staff_attachment, name="attachment"),
    # Company view (CRM), visits and account managers (issue 5)
    path("bedrijven/", company_views.company_list, name="company-list"),
    path("bedrijven/nieuw/", company_views.company_new, name="company-new"),
    path("bedrijven/<int:pk>/", company_views.company_detail, name="company-detail"),
    path("bedrijven/<int:pk>/bewerken/", company_views.company_edit, name="company-edit"),
    path("bedrijven/<int:pk>/kvk/", company_views.company_refresh_from_kvk, name="company-kvk"),
    path("bedrijven/<int:pk>/notitie/", company_views.company_note, name="company-note"),
    path("bedrijven/<int:pk>/bezoek/", company_views.visit_new, name="visit-new"),
    path("bezoeken/", company_views.visit_list, name="visit-list"),
    path("bezoeken/<int:pk>/", company_views.visit_detail, name="visit-detail"),
    path("bezoeken/<int:pk>/actie/", company_views.visit_action, name="visit-action"),
    path("accountmanagers/<int:pk>/foto/", company_views.account_manager_photo, name="account-manager-photo"),
]
