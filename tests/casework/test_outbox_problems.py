"""E-mails that could not be delivered are visible and fixable (issue 12): a tile on the case list, an overview
of failed and long-queued messages with "Opnieuw versturen", and the reason in Dutch on the case's timeline."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intake.outbox import OutboxMessage
from tests.factories import submit_case


@pytest.fixture
def failed(teams):
    case = submit_case().case
    row = OutboxMessage.objects.get(case=case, template="receipt")
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxMessage.Status.FAILED,
        attempts=8,
        auto_retried=True,
        failure_reason=OutboxMessage.FailureReason.REFUSED,
        last_error="SMTPRecipientsRefused: {'marco@cafe.test': (550, b'5.1.1 User unknown')}",
    )
    return row


def test_team_economie_sees_a_tile_with_the_number_of_undelivered_emails(client, owner, failed):
    client.force_login(owner)
    page = client.get(reverse("casework:case-list")).content.decode()
    assert "<strong>1</strong> e-mail kon niet worden bezorgd" in page
    assert reverse("casework:outbox") in page


def test_the_kcc_sees_no_tile_and_no_overview(client, kcc_agent, failed):
    client.force_login(kcc_agent)
    assert "niet worden bezorgd" not in client.get(reverse("casework:case-list")).content.decode()
    assert client.get(reverse("casework:outbox")).status_code == 404
    assert client.post(reverse("casework:outbox-resend", args=[failed.pk])).status_code == 404


def test_the_overview_lists_failed_and_long_queued_messages_with_a_dutch_reason(client, owner, failed):
    queued_long = OutboxMessage.objects.create(
        key="late", to_email="x@test.nl", subject="Laat", body_text="t", audience="staff", template="t"
    )
    OutboxMessage.objects.filter(pk=queued_long.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    OutboxMessage.objects.create(
        key="fresh", to_email="y@test.nl", subject="Net", body_text="t", audience="staff", template="t"
    )
    client.force_login(owner)
    page = client.get(reverse("casework:outbox")).content.decode()
    assert "marco@cafe.test" in page and "adres geweigerd" in page and "x@test.nl" in page
    assert "y@test.nl" not in page  # queued a moment ago: not a problem yet
    assert "User unknown" not in page  # the technical detail is for the administrator
    assert "Opnieuw versturen" in page


def test_the_functional_administrator_sees_the_technical_detail(client, failed):
    admin = get_user_model().objects.create_superuser("beheer", "beheer@gemeente.test", "pw")
    client.force_login(admin)
    assert "User unknown" in client.get(reverse("casework:outbox")).content.decode()


def test_resend_queues_the_message_with_a_fresh_budget_and_sends_it(
    client, owner, failed, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("casework:outbox-resend", args=[failed.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("casework:outbox")
    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.SENT and failed.attempts == 1 and failed.failure_reason == ""
    assert [m.to for m in mail.outbox] == [["marco@cafe.test"]]
    assert "niet worden bezorgd" not in client.get(reverse("casework:case-list")).content.decode()


def test_the_timeline_shows_the_delivery_status_in_dutch(client, owner, failed):
    client.force_login(owner)
    page = client.get(reverse("casework:case-detail", args=[failed.case_id])).content.decode()
    assert "Mislukt" in page and "(adres geweigerd)" in page
    assert "SMTPRecipientsRefused" not in page


def test_the_answer_message_says_the_email_is_queued(client, owner, teams):
    from intake.models import Resolution

    case = submit_case().case
    client.force_login(owner)
    response = client.post(
        reverse("casework:case-answer", args=[case.pk]),
        {"answer-body": "U mag een terras plaatsen.", "answer-resolution": Resolution.ANSWERED},
        follow=True,
    )
    text = response.content.decode()
    assert "in de wachtrij" in text and "Het antwoord is verstuurd" not in text
