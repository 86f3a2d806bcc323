"""Issue 12, "steady when things break": a hung broker, a slow mail server, a lost claim, a failed message.

The broker and the mail server here are real sockets on 127.0.0.1: a "frozen" broker that accepts connections
and never answers, and a small SMTP server that can hang on DATA until the client gives up. Nothing sleeps:
the waits are the clients' own timeouts.
"""

import math
import smtplib
import socket
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from celery import Celery
from celery import current_app as celery_current_app
from django.core import mail
from django.core.mail.backends.smtp import EmailBackend
from django.utils import timezone

from intake import outbox, tasks
from intake.outbox import OutboxMessage


def queue(key="k1", to="ondernemer@test.nl", case=None):
    return outbox.queue_email(
        key=key,
        to=to,
        template="receipt_test",
        context={},
        audience=OutboxMessage.Audience.ENTREPRENEUR,
        case=case,
    )


@pytest.fixture(autouse=True)
def simple_template(settings, tmp_path):
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "receipt_test.subject.txt").write_text("Ontvangen")
    (tmp_path / "emails" / "receipt_test.txt").write_text("Hallo")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


class Listener:
    """A TCP server on 127.0.0.1 that runs `handle(conn, number)` for each connection in a thread of its own."""

    def __init__(self, handle):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.handle = handle
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _address = self.server.accept()
            except OSError:  # closed
                return
            conn.settimeout(10)  # a test that goes wrong must not leave a thread behind forever
            self.connections.append(conn)
            threading.Thread(target=self.handle, args=(conn, len(self.connections)), daemon=True).start()

    def close(self):
        self.server.close()
        for conn in self.connections:
            conn.close()


# --- 1. A hung broker costs a request at most about a second ------------------------------------------------


@pytest.fixture
def frozen_broker(settings):
    """The real Celery settings, with REDIS_URL pointing at a server that accepts and then never answers."""
    listener = Listener(lambda conn, number: None)  # keeps the connection open, says nothing
    app = Celery("frozen-broker-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = f"redis://127.0.0.1:{listener.port}/0"
    app.conf.task_always_eager = False
    app.finalize()  # registers the shared tasks (intake.tasks) on this app
    previous = celery_current_app._get_current_object()
    app.set_current()
    yield listener
    previous.set_current()
    app.close()
    listener.close()


def test_a_frozen_broker_costs_the_request_at_most_about_a_second(
    db, frozen_broker, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        first = queue("k1")
        second = queue("k2")  # the same request queues a second e-mail: no second wait
    elapsed = time.monotonic() - started
    assert elapsed < 1.5, f"publishing to a frozen broker took {elapsed:.2f} s"
    assert len(frozen_broker.connections) >= 1  # it really tried the frozen broker
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.QUEUED}
    assert outbox.due_message_ids() == [first.pk, second.pk]  # the periodic re-queue sends them later


def test_the_sweep_leaves_the_rest_to_the_requeue_once_the_broker_fails(db):
    delay = mock.patch.object(tasks.deliver_outbox_message, "delay", side_effect=ConnectionError("hangt"))
    with delay as publish:
        assert outbox._enqueue_delivery(1) is False
        assert outbox._enqueue_delivery(2) is False
    assert publish.call_count == 1  # the second row did not wait for the broker again


# --- 2. Delivery that cannot duplicate by itself ------------------------------------------------------------


def test_a_retry_is_scheduled_for_when_the_row_is_due_and_then_delivers_without_beat(db):
    row = queue()
    countdowns = []

    def retry(exc=None, countdown=None, **kwargs):
        countdowns.append(countdown)
        return RuntimeError("retry scheduled")

    start = timezone.now()
    with (
        time_machine.travel(start, tick=True),  # time moves on a little between failing and scheduling
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("weg")),
        mock.patch.object(tasks.deliver_outbox_message, "retry", side_effect=retry),
        pytest.raises(RuntimeError, match="retry scheduled"),
    ):
        tasks.deliver_outbox_message.run(row.pk)
    row.refresh_from_db()
    (countdown,) = countdowns
    assert countdown >= math.ceil((row.next_attempt_at - start).total_seconds())
    # The retry arrives after `countdown` seconds; no beat, no re-queue: it sends.
    with time_machine.travel(start + timedelta(seconds=countdown), tick=False):
        assert tasks.deliver_outbox_message.apply(args=[row.pk]).get() is True
    assert len(mail.outbox) == 1


class FakeSmtp:
    """A minimal SMTP server. The DATA of connection number `hang_on` gets no answer: the server waits until the
    client gives up and closes the connection, and the message is not delivered."""

    def __init__(self, hang_on: int | None = None):
        self.hang_on = hang_on
        self.delivered: list[bytes] = []
        self.listener = Listener(self._session)
        self.port = self.listener.port

    def _session(self, conn: socket.socket, number: int):
        stream = conn.makefile("rb")
        try:
            conn.sendall(b"220 fake ESMTP\r\n")
            while line := stream.readline():
                command = line[:4].upper()
                if command == b"DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    data = b"".join(iter(lambda: stream.readline(), b".\r\n"))
                    if number == self.hang_on:
                        stream.read()  # no answer; returns when the client hangs up
                        return
                    self.delivered.append(data)
                    conn.sendall(b"250 queued\r\n")
                elif command == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:  # EHLO, MAIL, RCPT, RSET, NOOP
                    conn.sendall(b"250 ok\r\n")
        except OSError:
            return
        finally:
            conn.close()

    def close(self):
        self.listener.close()


@pytest.fixture
def smtp_server(settings):
    servers = []

    def start(**kwargs):
        server = FakeSmtp(**kwargs)
        servers.append(server)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 0.5
        return server

    yield start
    for server in servers:
        server.close()


def test_default_email_timeout_is_well_below_the_stuck_timeout():
    from django.conf import settings

    assert settings.EMAIL_TIMEOUT * 5 <= settings.OUTBOX_STUCK_AFTER_SECONDS


def test_a_slow_mail_server_and_a_second_worker_do_not_cause_a_second_send(db, smtp_server, settings):
    """Worker A hangs on DATA; its row counts as stuck, worker B takes it over and sends; A's timeout then must
    not put the row back in the queue (which would send it a second time)."""
    server = smtp_server(hang_on=1)  # worker A opens the first connection
    row = queue()
    real_send = EmailBackend._send
    takeover = {}

    def send(backend, message):
        if not takeover:  # worker A, connected: meanwhile the row is stuck and worker B takes over
            takeover["at"] = timezone.now() + timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS + 1)
            with time_machine.travel(takeover["at"]):
                assert outbox.due_message_ids() == [row.pk]
                assert outbox.deliver(row.pk) is True  # worker B, on a connection of its own
        return real_send(backend, message)

    with (
        mock.patch.object(EmailBackend, "_send", autospec=True, side_effect=send),
        pytest.raises((smtplib.SMTPException, OSError)),
    ):
        outbox.deliver(row.pk)  # worker A: times out after EMAIL_TIMEOUT
    assert len(server.delivered) == 1
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT and row.last_error == ""
    with time_machine.travel(takeover["at"] + timedelta(hours=3)):
        assert outbox.due_message_ids() == []  # nothing left to send again


def test_a_worker_whose_claim_was_taken_over_does_not_mark_the_row_sent(db):
    row = queue()

    def slow_send(*args, **kwargs):  # while A sends, the row is re-queued and claimed by worker B
        with time_machine.travel(timezone.now() + timedelta(hours=1)):
            assert outbox.due_message_ids() == [row.pk]
        OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxMessage.Status.SENDING, lease="b" * 32)
        return 1

    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=slow_send):
        outbox.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.lease, row.sent_at) == (OutboxMessage.Status.SENDING, "b" * 32, None)


def test_every_send_of_a_row_carries_the_same_message_id(db, settings):
    settings.DEFAULT_FROM_EMAIL = "Voordeur <voordeur@gemeente.example>"
    row = queue()
    outbox.deliver(row.pk)
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxMessage.Status.QUEUED
    )  # a crash-window resend
    outbox.deliver(row.pk)
    first, second = (m.message()["Message-ID"] for m in mail.outbox)
    assert first == second == outbox.message_id_for("k1")
    assert first.endswith("@voordeur.gemeente.example>") and len(first.split("@")[0]) == 33
    assert outbox.message_id_for("k2") != first


def test_the_subject_carries_the_case_reference_once_and_replies_go_to_the_loket(
    teams, topics, settings, django_capture_on_commit_callbacks
):
    from tests.factories import submit_case

    settings.LOKET_REPLY_TO = ""
    settings.MUNICIPALITY = {**settings.MUNICIPALITY, "email": "loket@gemeente.test"}
    with django_capture_on_commit_callbacks(execute=True):
        case = submit_case().case
    (receipt,) = mail.outbox
    assert receipt.subject == f"[{case.reference}] Wij hebben uw vraag ontvangen"
    assert receipt.reply_to == ["loket@gemeente.test"]
    settings.LOKET_REPLY_TO = "ondernemersloket@gemeente.test"
    assert outbox.build_email(OutboxMessage(key="x", subject="s", body_text="t")).reply_to == [
        "ondernemersloket@gemeente.test"
    ]


def test_a_message_without_a_case_has_no_reference_and_an_old_subject_is_not_doubled():
    assert outbox.subject_with_reference("Dagoverzicht", "") == "Dagoverzicht"
    assert outbox.subject_with_reference("Vraag OND-2026-00042 is te laat", "OND-2026-00042") == (
        "Vraag OND-2026-00042 is te laat"
    )
    assert outbox.subject_with_reference("Vraag is te laat", "OND-2026-00042") == (
        "[OND-2026-00042] Vraag is te laat"
    )


# --- 3. Failures that staff see and fix ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (smtplib.SMTPRecipientsRefused({"x@y.nl": (550, b"no such user")}), "refused"),
        (ConnectionRefusedError("refused"), "unreachable"),
        (TimeoutError("timed out"), "unreachable"),
        (smtplib.SMTPServerDisconnected("gone"), "unreachable"),
        (smtplib.SMTPDataError(554, b"spam"), "failed"),
        (ValueError("odd"), "failed"),
    ],
)
def test_each_failure_gets_a_reason_staff_understand(db, error, reason):
    row = queue()
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=error),
        pytest.raises(type(error)),
    ):
        outbox.deliver(row.pk)
    row.refresh_from_db()
    assert row.failure_reason == reason
    assert row.last_error.startswith(type(error).__name__)  # the technical detail, for the administrator


def test_a_failed_message_is_retried_once_after_a_longer_pause_then_given_up(db, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    settings.OUTBOX_FAILED_RETRY_AFTER_SECONDS = 3600
    row = queue()
    start = timezone.now()
    failing = mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("weg"))
    for minutes in (0, 10):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False), failing:
            assert outbox.due_message_ids() == [row.pk]
            with pytest.raises(OSError):
                outbox.deliver(row.pk)
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.FAILED
    with time_machine.travel(start + timedelta(minutes=50), tick=False):
        assert outbox.due_message_ids() == []  # not yet
    with time_machine.travel(start + timedelta(minutes=71), tick=False), failing:
        assert outbox.due_message_ids() == [row.pk]  # one more attempt
        with pytest.raises(OSError):
            outbox.deliver(row.pk)
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.FAILED and row.auto_retried
    with time_machine.travel(start + timedelta(days=2), tick=False):
        assert outbox.due_message_ids() == []  # given up: staff can send it again from the overview


def test_requeue_gives_a_failed_message_a_fresh_attempt_budget(
    db, settings, django_capture_on_commit_callbacks
):
    row = queue()
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxMessage.Status.FAILED, attempts=8, auto_retried=True, failure_reason="refused"
    )
    with django_capture_on_commit_callbacks(execute=True):
        outbox.requeue(message_id=row.pk)
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT and row.attempts == 1
    assert len(mail.outbox) == 1
    with pytest.raises(outbox.NotResendable):
        outbox.requeue(message_id=row.pk)  # sent: nothing to send again
