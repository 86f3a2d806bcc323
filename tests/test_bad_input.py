"""Bad input anywhere gets a clear Dutch message (or a 404), never a 500, and changes nothing."""

import pytest
from django.urls import reverse

from intake.models import Case
from routing import services as routing
from tests.factories import submit_case

GARBAGE = {
    "assign-owner": "999999",
    "topic-topic": "not-a-number",
    "handoff-teams": ["999999", "abc"],
    "handoff-request_vergunningen": "x" * 6000,
    "note-body": "",
    "info-body": "",
    "answer-body": "",
    "answer-resolution": "deleted",
    "refer-organisation": "",
    "refer-url": "javascript:alert(1)",
    "cancel-resolution": "answered",
    "reopen-reason": "",
}

CASE_ACTIONS = [
    "case-assign",
    "case-set-topic",
    "case-hand-off",
    "case-note",
    "case-request-info",
    "case-answer",
    "case-refer",
    "case-cancel",
]


@pytest.mark.parametrize("action", CASE_ACTIONS)
def test_case_actions_reject_garbage_with_a_message_and_keep_the_case(client, teams, owner, action):
    case = submit_case().case
    client.force_login(owner)
    response = client.post(reverse(f"casework:{action}", args=[case.pk]), GARBAGE)
    assert response.status_code == 400
    assert "Controleer de velden" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == case.status


def test_unknown_ids_are_404_not_500(client, teams, owner):
    client.force_login(owner)
    assert client.get(reverse("casework:case-detail", args=[999999])).status_code == 404
    assert client.post(reverse("casework:case-note", args=[999999]), {"note-body": "x"}).status_code == 404
    assert client.get(reverse("routing:handoff-detail", args=[999999])).status_code == 404
    assert client.get(reverse("casework:attachment", args=[999999])).status_code == 404


def test_list_filters_with_nonsense_do_not_break_the_page(client, teams, owner):
    submit_case()
    client.force_login(owner)
    for params in (
        {"page": "abc"},
        {"page": "99999"},
        {"status": "exploded"},
        {"topic": "x"},
        {"owner": "-1"},
        {"overdue": "maybe"},
        {"q": "%' OR 1=1 --"},
        {"sort": "password"},
    ):
        assert client.get(reverse("casework:case-list"), params).status_code == 200, params


def test_handoff_actions_reject_garbage(client, teams, owner, vergunningen_member):
    case = submit_case().case
    handoff = routing.case_hand_off(case=case, teams=[teams["vergunningen"]], request_text="?", actor=owner)[
        0
    ]
    client.force_login(vergunningen_member)
    for name in ("handoff-answer", "handoff-return", "handoff-ask-owner"):
        response = client.post(reverse(f"routing:{name}", args=[handoff.pk]), {})
        assert response.status_code == 400, name
        assert "Controleer de velden" in response.content.decode()
    handoff.refresh_from_db()
    assert handoff.status == "open"


def test_answering_twice_is_refused_with_a_message(client, teams, owner, vergunningen_member):
    case = submit_case().case
    handoff = routing.case_hand_off(case=case, teams=[teams["vergunningen"]], request_text="?", actor=owner)[
        0
    ]
    client.force_login(vergunningen_member)
    url = reverse("routing:handoff-answer", args=[handoff.pk])
    client.post(url, {"answer-answer": "eerste"})
    response = client.post(url, {"answer-answer": "tweede"}, follow=True)
    assert "niet beantwoorden" in response.content.decode()
    handoff.refresh_from_db()
    assert handoff.answer == "eerste"


def test_public_form_survives_nonsense_topic_and_oversized_fields(client, teams):
    response = client.post(
        reverse("intake:ask"),
        {
            "question": "x" * 6000,
            "topic": "999",
            "contact_name": "A",
            "email": "a@b.nl",
            "consent": "on",
            "preferred_contact": "fax",
            "staged": "forged-token",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "te lang" in html and "error-summary" in html
    assert Case.objects.count() == 0


def test_reply_to_a_closed_case_is_refused_politely(client, teams, owner):
    from intake import services

    submitted = submit_case()
    services.case_answer(case=submitted.case, actor=owner, body="klaar")
    url = reverse("intake:track", args=[submitted.tracking_token])
    response = client.post(url, {"body": "nog iets"}, follow=True)
    assert "afgesloten" in response.content.decode()
    assert submitted.case.messages.filter(kind="reply").count() == 0
