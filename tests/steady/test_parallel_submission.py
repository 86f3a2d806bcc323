"""Five parallel posts of one submission, each on its own PostgreSQL connection: one case, one receipt, and
every post answers with that case."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from intake.models import Case, Company, Contact
from intake.outbox import OutboxMessage
from kcc.models import KccCall
from tests.intake.test_public_form import form_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("parallel posts need PostgreSQL (SQLite has one writer)")


def in_parallel(n: int, work) -> list:
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_five_parallel_public_posts_make_one_case_and_one_receipt(teams, topics):
    data = form_data(submission_key=uuid.uuid4().hex)
    responses = in_parallel(5, lambda: Client().post(reverse("intake:ask"), data))
    assert [r.status_code for r in responses] == [302] * 5
    assert Case.objects.count() == 1
    assert OutboxMessage.objects.filter(template="receipt").count() == 1
    assert Company.objects.count() == 1 and Contact.objects.count() == 1  # the duplicates left nothing


def test_five_parallel_kcc_outcomes_make_one_call_and_one_case(teams, owner):
    data = {
        "call-question": "Waar vind ik subsidie voor verduurzaming?",
        "call-contact_name": "Ingrid",
        "call-phone": "0612345678",
        "call-submission_key": uuid.uuid4().hex,
        "outcome": "regie",
    }

    def post():
        client = Client()
        client.force_login(owner)
        return client.post(reverse("kcc:workstation"), data)

    responses = in_parallel(5, post)
    assert len({r.url for r in responses}) == 1
    assert KccCall.objects.count() == 1 and Case.objects.count() == 1
