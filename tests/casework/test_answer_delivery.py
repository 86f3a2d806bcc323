"""Every answer reaches the entrepreneur by their chosen channel (issue 10): by e-mail it is mailed and the case
closes; by phone (asked for, or no e-mail address) a callback request "antwoord telefonisch doorgeven" is made
for the owner and the case closes as answered when that call is reached."""

import pytest
from django.urls import reverse

from followup import services as followup_services
from followup.models import CallbackRequest
from intake import selectors
from intake.models import Message, Resolution
from intake.outbox import OutboxMessage
from intake.workflow import Status
from tests.factories import submit_case

ANSWER = "U mag een terras plaatsen tot 23.00 uur. Vraag de vergunning aan via de website."


def answer(client, case, body=ANSWER):
    return client.post(
        reverse("casework:case-answer", args=[case.pk]),
        {"answer-body": body, "answer-resolution": Resolution.ANSWERED},
    )


@pytest.fixture
def by_phone(teams):
    return submit_case(phone="+31612345678", preferred_contact="phone").case


@pytest.fixture
def no_email(teams):
    return submit_case(email="", phone="+31612345678", preferred_contact="email", kvk_number="").case


def test_answer_delivery_decides_email_phone_or_none(teams):
    def delivery(**values):
        return selectors.answer_delivery(submit_case(kvk_number="", **values).case)

    assert delivery() == "email"
    assert delivery(email="a@b.test", phone="+31612345678", preferred_contact="phone") == "phone"
    assert delivery(email="", phone="+31612345678") == "phone"
    # Phone preferred but no number: the e-mail address is the only way.
    assert delivery(email="c@d.test", preferred_contact="phone") == "email"
    assert delivery(email="", phone="") == "none"
    # A known contact is not changed: a phone number typed with their e-mail address is not theirs to use.
    assert delivery(phone="+31687654321", preferred_contact="phone") == "email"


@pytest.mark.parametrize("fixture", ["by_phone", "no_email"])
def test_phone_answer_makes_a_callback_for_the_owner_and_keeps_the_case_open(fixture, request, client, owner):
    case = request.getfixturevalue(fixture)
    client.force_login(owner)
    response = answer(client, case)
    assert response.status_code == 302

    case.refresh_from_db()
    assert case.is_open and not case.resolution
    callback = CallbackRequest.objects.get(case=case)
    assert callback.purpose == CallbackRequest.Purpose.DELIVER_ANSWER
    assert (callback.answer, callback.assignee, callback.phone) == (ANSWER, owner, "+31612345678")
    assert not case.messages.filter(kind=Message.Kind.ANSWER).exists()
    assert not OutboxMessage.objects.filter(case=case, template="answer").exists()
    # Not yet on the tracking page.
    assert ANSWER not in [item.message.text for item in selectors.case_timeline(case, public_only=True)]

    # A second press does not make a second callback.
    answer(client, case)
    assert CallbackRequest.objects.filter(case=case).count() == 1


@pytest.mark.parametrize("fixture", ["by_phone", "no_email"])
def test_reaching_the_entrepreneur_closes_the_case_as_answered(fixture, request, owner):
    case = request.getfixturevalue(fixture)
    callback = followup_services.case_answer_by_phone(case=case, actor=owner, body=ANSWER)
    followup_services.callback_log_attempt(callback=callback, outcome="not_reached", actor=owner)
    case.refresh_from_db()
    assert case.is_open

    followup_services.callback_log_attempt(callback=callback, outcome="reached", actor=owner)

    case.refresh_from_db()
    assert (case.status, case.resolution) == (Status.ANSWERED, Resolution.ANSWERED)
    given = case.messages.get(kind=Message.Kind.ANSWER)
    assert given.is_public and given.body == ANSWER and given.data["delivered_by"] == "phone"
    assert not OutboxMessage.objects.filter(case=case, template="answer").exists()  # no "niet verstuurd"
    public = [item.message.text for item in selectors.case_timeline(case, public_only=True)]
    assert ANSWER in public


def test_failed_calls_on_a_phone_answer_keep_the_request_open(by_phone, owner, settings):
    settings.FOLLOWUP_CALLBACK_FAILED_ACTION = "email_entrepreneur"
    callback = followup_services.case_answer_by_phone(case=by_phone, actor=owner, body=ANSWER)
    for _ in range(settings.FOLLOWUP_CALLBACK_MAX_FAILED):
        followup_services.callback_log_attempt(callback=callback, outcome="not_reached", actor=owner)
    callback.refresh_from_db()
    assert callback.is_open
    assert not OutboxMessage.objects.filter(template="followup_callback_failed").exists()


def test_email_answer_is_mailed_and_closes(teams, client, owner):
    case = submit_case().case
    client.force_login(owner)
    answer(client, case)
    case.refresh_from_db()
    assert (case.status, case.resolution) == (Status.ANSWERED, Resolution.ANSWERED)
    mailed = OutboxMessage.objects.get(case=case, template="answer")
    assert mailed.to_email == "marco@cafe.test"
    assert not CallbackRequest.objects.filter(case=case).exists()


def test_answer_form_says_how_the_answer_is_delivered(teams, by_phone, no_email, client, owner):
    client.force_login(owner)
    mailed = submit_case().case
    page = client.get(reverse("casework:case-detail", args=[mailed.pk])).content.decode()
    assert "Dit antwoord wordt gemaild naar marco@cafe.test" in page

    page = client.get(reverse("casework:case-detail", args=[by_phone.pk])).content.decode()
    assert "De ondernemer wil telefonisch antwoord (+31612345678)" in page
    assert "terugbelverzoek om het antwoord door te geven" in page

    page = client.get(reverse("casework:case-detail", args=[no_email.pk])).content.decode()
    assert "Er is geen e-mailadres bekend" in page


def test_kcc_question_form_needs_email_or_phone(teams, kcc_agent, client):
    client.force_login(kcc_agent)
    response = client.post(
        reverse("kcc:new"),
        {
            "channel": "phone",
            "contact_name": "Beller",
            "question": "Mag ik een reclamebord ophangen?",
            "preferred_contact": "email",
        },
    )
    assert response.status_code == 400
    assert "Vul het e-mailadres of telefoonnummer van de ondernemer in" in response.content.decode()


def test_callback_page_shows_the_answer_to_read_out(by_phone, client, owner):
    callback = followup_services.case_answer_by_phone(case=by_phone, actor=owner, body=ANSWER)
    client.force_login(owner)
    page = client.get(reverse("followup:callback-detail", args=[callback.pk])).content.decode()
    assert "Antwoord om telefonisch door te geven" in page and ANSWER in page

    response = client.post(
        reverse("followup:callback-detail", args=[callback.pk]),
        {"poging-outcome": "reached", "poging-note": ""},
    )
    assert response.status_code == 302
    by_phone.refresh_from_db()
    assert by_phone.status == Status.ANSWERED
