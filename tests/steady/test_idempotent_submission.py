"""Issue 12: a form posted twice (a double click, the back button, a retry after a time-out) stores one
question: every intake form carries a one-time submission key (intake.forms.SubmissionKeyField)."""

import re
import uuid

import pytest
from django.urls import reverse

from intake.models import Case
from intake.outbox import OutboxMessage
from kcc.models import KccCall
from tests.intake.test_public_form import form_data


def key_in(page: str, name: str = "submission_key") -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


@pytest.fixture
def public(teams, topics):
    return topics


@pytest.fixture
def staff_client(client, owner):
    client.force_login(owner)
    return client


def test_every_intake_form_has_a_new_hidden_submission_key_on_each_get(client, teams, topics, owner):
    first = key_in(client.get(reverse("intake:ask")).content.decode())
    second = key_in(client.get(reverse("intake:ask")).content.decode())
    assert uuid.UUID(first) and first != second
    client.force_login(owner)
    for url, name in (
        (reverse("kcc:new"), "submission_key"),
        (reverse("kcc:workstation"), "call-submission_key"),
        (reverse("casework:forward"), "submission_key"),
    ):
        page = client.get(url).content.decode()
        assert re.search(rf'<input type="hidden" name="{name}" value="[0-9a-f]{{32}}"', page), url
        assert "data-submit-once" in page


def test_a_repeated_public_post_lands_on_the_first_cases_confirmation_with_one_receipt(client, public):
    data = form_data(submission_key=uuid.uuid4().hex)
    first = client.post(reverse("intake:ask"), data)
    done = client.get(first.url).content.decode()
    second = client.post(reverse("intake:ask"), data)
    assert second.status_code == 302 and second.url == first.url
    case = Case.objects.get()
    assert OutboxMessage.objects.filter(template="receipt").count() == 1
    again = client.get(second.url).content.decode()
    assert case.reference in again
    link = re.search(r"/volgen/[\w-]+/", done).group(0)
    assert link in again  # the tracking link is still shown (within ASK_DONE_LINK_SECONDS)


def test_a_repeat_from_another_session_shows_the_first_case_with_the_link_from_the_queued_receipt(
    client, public
):
    from django.test import Client

    data = form_data(submission_key=uuid.uuid4().hex)
    client.post(reverse("intake:ask"), data)
    other = Client()
    response = other.post(reverse("intake:ask"), data)
    assert response.status_code == 302 and Case.objects.count() == 1
    page = other.get(response.url).content.decode()
    assert Case.objects.get().reference in page and re.search(r"/volgen/[\w-]+/", page)


def test_without_a_key_each_post_is_a_question(client, public):
    client.post(reverse("intake:ask"), form_data())
    client.post(reverse("intake:ask"), form_data())
    assert Case.objects.count() == 2


def test_a_form_error_keeps_the_key_so_the_corrected_post_is_the_same_submission(client, public):
    key = uuid.uuid4().hex
    page = client.post(reverse("intake:ask"), form_data(question="", submission_key=key)).content.decode()
    assert key_in(page) == key


def test_kcc_full_form_twice_is_one_case(staff_client):
    data = {
        "channel": "phone",
        "contact_name": "Ria Jansen",
        "phone": "0612121212",
        "preferred_contact": "phone",
        "question": "Welke vergunning voor een straatfeest?",
        "submission_key": uuid.uuid4().hex,
    }
    first = staff_client.post(reverse("kcc:new"), data)
    second = staff_client.post(reverse("kcc:new"), data)
    assert first.status_code == second.status_code == 302
    case = Case.objects.get()
    assert second.url == reverse("casework:case-detail", args=[case.pk])


@pytest.mark.parametrize("outcome", ["regie", "transferred"])
def test_a_kcc_outcome_posted_twice_is_recorded_once(staff_client, teams, outcome):
    data = {
        "call-question": "Waar vind ik subsidie voor verduurzaming?",
        "call-contact_name": "Ingrid",
        "call-phone": "0612345678",
        "call-team": teams["vergunningen"].pk,
        "call-submission_key": uuid.uuid4().hex,
        "outcome": outcome,
    }
    first = staff_client.post(reverse("kcc:workstation"), data)
    second = staff_client.post(reverse("kcc:workstation"), data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert KccCall.objects.count() == 1
    assert Case.objects.count() == (1 if outcome == "regie" else 0)


def test_forwarding_twice_is_one_case(client, teams, vergunningen_member):
    client.force_login(vergunningen_member)
    data = {
        "channel": "counter",
        "question": "Mag ik een reclamebord aan mijn gevel hangen?",
        "contact_name": "Sara Bakker",
        "email": "sara@bakkerij.test",
        "submission_key": uuid.uuid4().hex,
    }
    client.post(reverse("casework:forward"), data)
    client.post(reverse("casework:forward"), data)
    case = Case.objects.get()
    assert case.messages.filter(data__event="forwarded").count() == 1
    assert OutboxMessage.objects.filter(template="receipt").count() == 1


def test_case_submit_with_a_used_key_returns_the_earlier_case(teams):
    from intake.services import case_submit

    first = case_submit(question="Vraag?", contact_name="Sara", email="s@x.test", submission_key="api-1")
    again = case_submit(question="Anders?", contact_name="Piet", email="p@x.test", submission_key="api-1")
    assert first.created and not again.created and again.case == first.case and again.tracking_token == ""
    assert Case.objects.count() == 1
