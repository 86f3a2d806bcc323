"""The outbox: each notification is sent exactly once, retried when sending fails, and never lost."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from intake import outbox, tasks
from intake.outbox import OutboxMessage


def queue(key="k1", to="ondernemer@test.nl"):
    return outbox.queue_email(
        key=key, to=to, template="receipt_test", context={}, audience=OutboxMessage.Audience.ENTREPRENEUR
    )


@pytest.fixture(autouse=True)
def simple_template(settings, tmp_path):
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "receipt_test.subject.txt").write_text("Ontvangen")
    (tmp_path / "emails" / "receipt_test.txt").write_text(
        "Link: http://x/volgen/abcdefghijklmnopqrstuvwxyz012345/"
    )
    # Assign (not mutate) so the template engines are rebuilt and the change is undone after the test.
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


def test_queueing_the_same_key_twice_keeps_one_row(db):
    first, second = queue(), queue()
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


def test_delivery_task_run_twice_sends_one_email(db):
    row = queue()
    assert tasks.deliver_outbox_message.apply(args=[row.pk]).get() is True
    assert tasks.deliver_outbox_message.apply(args=[row.pk]).get() is False
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT and row.attempts == 1


def test_tracking_links_are_redacted_once_sent(db):
    row = queue()
    outbox.deliver(row.pk)
    row.refresh_from_db()
    assert "abcdefghijklmnopqrstuvwxyz" not in row.body_text
    assert "abcdefghijklmnopqrstuvwxyz" in mail.outbox[0].body


def test_failed_send_is_kept_with_the_reason_and_retried_later(db):
    row = queue()
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError("SMTP weg")
        ),
        pytest.raises(ConnectionRefusedError),
    ):
        outbox.deliver(row.pk)
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.QUEUED
    assert "SMTP weg" in row.last_error
    assert outbox.deliver(row.pk) is False  # not due yet: backoff
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert outbox.due_message_ids() == [row.pk]
        assert outbox.deliver(row.pk) is True
    assert len(mail.outbox) == 1


def test_after_max_attempts_the_message_is_marked_failed(db, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    row = queue()
    failing = mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("kapot"))
    with failing, pytest.raises(OSError):
        outbox.deliver(row.pk)
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.FAILED and "kapot" in row.last_error


def test_message_stuck_in_sending_after_a_worker_died_is_requeued(db, settings):
    row = queue()
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxMessage.Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert tasks.requeue_stuck_outbox.apply().get() == 1
    assert len(mail.outbox) == 1


def test_broker_down_leaves_the_row_queued_for_the_periodic_requeue(db, django_capture_on_commit_callbacks):
    broker_down = mock.patch.object(
        tasks.deliver_outbox_message, "delay", side_effect=ConnectionError("redis weg")
    )
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        row = queue()
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.QUEUED
    assert outbox.due_message_ids() == [row.pk]


def test_no_email_address_is_recorded_not_sent(db):
    row = queue(to="")
    assert row.status == OutboxMessage.Status.SKIPPED
    assert outbox.deliver(row.pk) is False
