"""Department staff see only what was handed to their team; nobody can guess their way to a case."""

import pytest
from django.urls import reverse

from routing import services as routing
from tests.conftest import make_user
from tests.factories import submit_case


@pytest.fixture
def two_cases(teams, owner):
    ours = submit_case(question="Terras?").case
    theirs = submit_case(question="WOZ bezwaar?", email="other@t.test", kvk_number="11112222").case
    h_ours = routing.case_hand_off(
        case=ours, teams=[teams["vergunningen"]], request_text="terras", actor=owner
    )[0]
    h_theirs = routing.case_hand_off(
        case=theirs, teams=[teams["belastingen"]], request_text="woz", actor=owner
    )[0]
    return ours, theirs, h_ours, h_theirs


def test_department_member_sees_only_own_handoffs(client, two_cases, vergunningen_member):
    ours, theirs, h_ours, h_theirs = two_cases
    client.force_login(vergunningen_member)
    inbox = client.get(reverse("routing:inbox")).content.decode()
    assert ours.reference in inbox and theirs.reference not in inbox
    assert client.get(reverse("routing:handoff-detail", args=[h_ours.pk])).status_code == 200
    assert client.get(reverse("routing:handoff-detail", args=[h_theirs.pk])).status_code == 404
    assert client.post(reverse("routing:handoff-claim", args=[h_theirs.pk])).status_code == 404


def test_department_member_cannot_open_or_list_any_case(client, two_cases, vergunningen_member):
    ours, theirs, *_ = two_cases
    client.force_login(vergunningen_member)
    assert client.get(reverse("casework:case-detail", args=[theirs.pk])).status_code == 404
    assert (
        client.get(reverse("casework:case-detail", args=[ours.pk])).status_code == 404
    )  # the hand-off page is theirs
    assert client.get(reverse("casework:case-list")).status_code == 404
    assert client.post(reverse("casework:case-note", args=[theirs.pk]), {"note-body": "x"}).status_code == 404


def test_attachments_of_other_teams_cases_are_404(client, teams, owner, vergunningen_member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from intake.services import UploadData

    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 test")
    case = submit_case(attachments=[UploadData(pdf, "a.pdf", "application/pdf")]).case
    attachment = case.attachments.get()
    client.force_login(vergunningen_member)
    assert client.get(reverse("casework:attachment", args=[attachment.pk])).status_code == 404
    routing.case_hand_off(case=case, teams=[teams["vergunningen"]], request_text="x", actor=owner)
    assert client.get(reverse("casework:attachment", args=[attachment.pk])).status_code == 200


def test_users_without_a_team_and_anonymous_users_see_nothing(client, two_cases):
    ours, *_ = two_cases
    assert client.get(reverse("casework:case-detail", args=[ours.pk])).status_code == 302  # to the login page
    client.force_login(make_user("zonderteam"))
    assert client.get(reverse("casework:case-detail", args=[ours.pk])).status_code == 404
    assert client.get(reverse("routing:inbox")).status_code == 404


def test_returning_the_last_handoff_gives_the_case_back_to_the_owner(two_cases, vergunningen_member):
    from intake.workflow import Status

    ours, _, h_ours, _ = two_cases
    routing.handoff_return(handoff=h_ours, actor=vergunningen_member, reason="Hoort bij omgeving")
    ours.refresh_from_db()
    assert ours.status == Status.IN_PROGRESS


def test_department_can_ask_the_owner_and_continue_after_the_answer(two_cases, vergunningen_member, owner):
    from routing.models import Handoff

    _, _, h_ours, _ = two_cases
    routing.handoff_request_information(
        handoff=h_ours, actor=vergunningen_member, question="Hoe groot is het terras?"
    )
    h_ours.refresh_from_db()
    assert h_ours.status == Handoff.Status.INFO_REQUESTED
    routing.handoff_provide_information(handoff=h_ours, actor=owner, body="20 m²")
    h_ours.refresh_from_db()
    assert h_ours.status == Handoff.Status.CLAIMED
    with pytest.raises(routing.HandoffNotAllowed):
        routing.handoff_provide_information(handoff=h_ours, actor=owner, body="nogmaals")
