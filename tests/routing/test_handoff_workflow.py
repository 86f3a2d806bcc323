"""The hand-off status table: every allowed move passes, a forbidden one is refused before anything is written."""

import re
from itertools import product
from pathlib import Path

import pytest
from django.urls import reverse

from routing import services, workflow
from routing.models import Handoff
from tests.factories import submit_case

Status = Handoff.Status
ALLOWED_PAIRS = [(c, t) for c, targets in workflow.ALLOWED.items() for t in targets]
FORBIDDEN_PAIRS = [(c, t) for c, t in product(Status, Status) if t not in workflow.ALLOWED[c]]


@pytest.fixture
def handoff(teams, owner):
    case = submit_case().case
    return services.case_hand_off(
        case=case, teams=[teams["vergunningen"]], request_text="Graag advies", actor=owner
    )[0]


def test_the_table_covers_every_status():
    assert set(workflow.ALLOWED) == set(Status)
    assert set(Handoff.OPEN_STATUSES) == workflow.OPEN
    assert all(not workflow.ALLOWED[s] for s in workflow.CLOSED)


@pytest.mark.parametrize(("current", "target"), ALLOWED_PAIRS)
def test_every_allowed_transition_passes(current, target):
    workflow.check_handoff_transition(current, target)


@pytest.mark.parametrize(("current", "target"), FORBIDDEN_PAIRS)
def test_every_forbidden_transition_is_refused(current, target):
    with pytest.raises(workflow.HandoffTransitionNotAllowed) as error:
        workflow.check_handoff_transition(current, target)
    assert str(Status(current).label) in str(error.value) and str(Status(target).label) in str(error.value)
    assert isinstance(error.value, services.HandoffNotAllowed)  # the views' except clauses still catch it


@pytest.mark.parametrize(("current", "target"), FORBIDDEN_PAIRS)
def test_a_forbidden_move_writes_nothing(handoff, owner, current, target):
    Handoff.objects.filter(pk=handoff.pk).update(status=current)
    handoff.refresh_from_db()
    history = handoff.history.count()
    with pytest.raises(workflow.HandoffTransitionNotAllowed):
        services._move(handoff, target, owner, {"answer": "te laat"})
    assert (handoff.status, handoff.answer) == (current, "")  # not even the object in memory changed
    handoff.refresh_from_db()
    assert (handoff.status, handoff.answer, handoff.history.count()) == (current, "", history)


def test_the_services_walk_the_table(handoff, owner, vergunningen_member):
    handoff = services.handoff_claim(handoff=handoff, actor=vergunningen_member)
    handoff = services.handoff_request_information(handoff=handoff, actor=vergunningen_member, question="?")
    assert handoff.status == Status.INFO_REQUESTED
    handoff = services.handoff_provide_information(handoff=handoff, actor=owner, body="Zie bijlage")
    assert handoff.status == Status.CLAIMED  # back to the one who had it
    handoff = services.handoff_answer(handoff=handoff, actor=vergunningen_member, answer="Mag.")
    handoff.refresh_from_db()
    assert (handoff.status, handoff.answer, handoff.closed_at is not None) == (Status.ANSWERED, "Mag.", True)
    assert [h.status for h in handoff.history.order_by("history_date")] == [
        "open",
        "claimed",
        "info_requested",
        "claimed",
        "answered",
    ]


def test_answering_a_withdrawn_handoff_is_refused_and_changes_nothing(handoff, owner, vergunningen_member):
    assert services.handoffs_withdraw_open(case=handoff.case, actor=owner) == 1
    handoff.refresh_from_db()
    before = (handoff.status, handoff.answer, handoff.claimed_by_id, handoff.closed_at)
    history = handoff.history.count()
    with pytest.raises(services.HandoffNotAllowed) as error:
        services.handoff_answer(handoff=handoff, actor=vergunningen_member, answer="Toch nog een antwoord")
    assert str(error.value) == "U kunt deze uitzetting niet beantwoorden: de status is “Ingetrokken”."
    handoff.refresh_from_db()
    assert (handoff.status, handoff.answer, handoff.claimed_by_id, handoff.closed_at) == before
    assert handoff.history.count() == history


def test_only_the_move_helper_assigns_a_handoff_status():
    root = Path(__file__).resolve().parents[2]
    assignments = []
    for path in root.glob("*/**/*.py"):
        if any(part in {".venv", "tests", "migrations", "node_modules"} for part in path.parts):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(r"\bhandoff\.status\s*=[^=]", line):
                assignments.append(f"{path.relative_to(root)}: {line.strip()}")
    assert assignments == ["routing/services.py: handoff.status = to"]


def test_status_is_read_only_in_the_admin(client, handoff, verified_superuser):
    response = client.get(reverse("admin:routing_handoff_change", args=[handoff.pk]))
    assert response.status_code == 200
    assert "status" not in response.context["adminform"].form.fields
    assert "status" in response.context["adminform"].readonly_fields
