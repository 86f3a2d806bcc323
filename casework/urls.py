from django.urls import path

from . import views

app_name = "casework"

urlpatterns = [
    path("medewerkers/", views.staff_home, name="staff-home"),
    path("zaken/", views.case_list, name="case-list"),
    path("zaken/<int:pk>/", views.case_detail, name="case-detail"),
    path("zaken/<int:pk>/accountmanager/", views.case_assign, name="case-assign"),
    path("zaken/<int:pk>/notitie/", views.case_note, name="case-note"),
    path("zaken/<int:pk>/informatie-vragen/", views.case_request_info, name="case-request-info"),
    path("zaken/<int:pk>/beantwoorden/", views.case_answer, name="case-answer"),
    path("zaken/<int:pk>/kvk-bevestigen/", views.case_confirm_kvk, name="case-confirm-kvk"),
    path("zaken/<int:pk>/doorverwijzen/", views.case_refer, name="case-refer"),
    path("zaken/<int:pk>/sluiten/", views.case_cancel, name="case-cancel"),
    path("zaken/<int:pk>/heropenen/", views.case_reopen, name="case-reopen"),
    path("zaken/<int:pk>/onderwerp/", views.case_set_topic, name="case-set-topic"),
    path("zaken/<int:pk>/uitzetten/", views.case_hand_off, name="case-hand-off"),
    path(
        "zaken/<int:pk>/uitzettingen/<int:handoff_pk>/aanvullen/",
        views.case_handoff_reply,
        name="case-handoff-reply",
    ),
    path("zaken/berichten/", views.outbox_problems, name="outbox"),
    path("zaken/berichten/<int:pk>/opnieuw/", views.outbox_resend, name="outbox-resend"),
    path("bijlagen/<int:pk>/", views.staff_attachment, name="attachment"),
    path("doorsturen/", views.forward, name="forward"),
]
