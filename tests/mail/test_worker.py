"""The beat task `mail.tasks.fetch_mail` run by a real Celery worker on the real Redis broker, reading the real
IMAP server (Dovecot). Skips without REDIS_URL; CI sets it (and fails here without it)."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import OperationalError

from config.celery import app
from intake.models import Case
from intake.outbox import OutboxMessage
from mail.models import InboundMail
from mail.tasks import fetch_mail

from .conftest import make_mail

pytestmark = pytest.mark.worker


@pytest.fixture
def real_broker():
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run this test against Redis: set REDIS_URL")
        pytest.skip("REDIS_URL not set: no real broker to test against")
    app.conf.task_always_eager = False
    app.control.purge()
    yield app


@pytest.mark.django_db(transaction=True)
def test_fetch_task_through_a_real_worker(real_broker, mailbox, teams):
    mailbox.deliver(make_mail(message_id="<worker-1@bakkerij.test>"), make_mail(subject="Afwezig"))
    with start_worker(real_broker, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING"):
        fetch_mail.delay()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if InboundMail.objects.filter(done_at__isnull=False).count() == 2:
                    break
            except OperationalError:  # SQLite's shared in-memory database, locked while the worker writes
                pass
            time.sleep(0.2)
    assert InboundMail.objects.filter(done_at__isnull=False).count() == 2
    case = Case.objects.get()
    assert case.channel == "email"
    assert OutboxMessage.objects.filter(case=case, template="receipt").count() == 1
    assert (mailbox.count("INBOX"), mailbox.count("Verwerkt")) == (0, 2)
