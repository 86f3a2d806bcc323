"""A question's receipt delivered by a real Celery worker through the real Redis broker."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.urls import reverse

from config.celery import app
from intake.models import Case
from intake.outbox import OutboxMessage

pytestmark = pytest.mark.worker


@pytest.fixture
def real_broker():
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run this test against Redis: set REDIS_URL")
        pytest.skip("REDIS_URL not set: no real broker to test against")
    app.conf.task_always_eager = False
    app.control.purge()  # nothing left over from an earlier run
    yield app


@pytest.mark.django_db(transaction=True)
def test_receipt_is_delivered_through_a_real_worker(client, real_broker, teams):
    with start_worker(real_broker, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING"):
        response = client.post(
            reverse("intake:ask"),
            {
                "question": "Mag ik reclame op mijn gevel?",
                "contact_name": "Hassan Ouali",
                "email": "hassan@rondje.test",
                "preferred_contact": "email",
                "consent": "on",
            },
        )
        assert response.status_code == 302
        case = Case.objects.get()
        # Wait (bounded) for the worker, polling the database: the worker runs in this process.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            row = OutboxMessage.objects.get(case=case, template="receipt")
            if row.status == OutboxMessage.Status.SENT:
                break
            time.sleep(0.1)
    assert row.status == OutboxMessage.Status.SENT
    assert [m.to for m in mail.outbox] == [["hassan@rondje.test"]]
    assert case.reference in mail.outbox[0].subject
