"""Two sweeps at the same moment, each on its own PostgreSQL connection: every action happens once."""

import datetime as dt
import threading

import pytest
from django.db import connection

from followup import services
from followup.models import FollowupAction
from followup.sweep import sweep
from intake.models import Case, Message
from intake.outbox import OutboxMessage
from routing import services as routing
from routing.models import Handoff
from teams.models import Membership
from tests.conftest import make_user
from tests.factories import submit_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sweeps need PostgreSQL (SQLite has one writer)")


def test_two_concurrent_sweeps_send_each_message_once(teams, owner, kcc_agent):
    make_user("vera", teams["vergunningen"], Membership.Role.COORDINATOR)
    make_user("karin", teams["kcc"], Membership.Role.COORDINATOR)
    n = 25
    for i in range(n):
        case = submit_case(kvk_number=f"{10000000 + i}").case
        routing.case_hand_off(case=case, teams=[teams["vergunningen"]], request_text="?", actor=owner)
        services.callback_create(
            case=case,
            name="Marco",
            phone="+31612345678",
            subject="?",
            team=teams["omgeving"],
            actor=kcc_agent,
        )
    long_ago = dt.date.today() - dt.timedelta(days=30)
    Case.objects.update(deadline=long_ago)
    Handoff.objects.update(deadline=long_ago)
    from followup.models import CallbackRequest

    CallbackRequest.objects.update(due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))

    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(sweep(enqueue=False))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(r.handoffs_overdue for r in results) == n
    assert sum(r.cases_overdue for r in results) == n
    assert sum(r.delay_notices for r in results) == n
    assert sum(r.callbacks_overdue for r in results) == n
    assert FollowupAction.objects.count() == 4 * n
    counts = {
        template: OutboxMessage.objects.filter(template=template).count()
        for template in (
            "followup_handoff_overdue",
            "followup_case_overdue",
            "followup_delay_notice",
            "followup_callback_overdue",
        )
    }
    assert counts == {
        "followup_handoff_overdue": 2 * n,  # owner and coordinator
        "followup_case_overdue": n,
        "followup_delay_notice": n,
        "followup_callback_overdue": 2 * n,  # team and KCC coordinator
    }
    assert Message.objects.filter(kind=Message.Kind.FOLLOWUP, data__event="overdue").count() == 2 * n
    assert sweep(enqueue=False).actions == 0
