"""The callback-request status table: allowed moves pass, a forbidden one is refused before anything is written."""

from itertools import product

import pytest
from django.urls import reverse

from followup import services, workflow
from followup.models import CallbackAttempt, CallbackRequest
from tests.factories import submit_case

Status = CallbackRequest.Status
ALLOWED_PAIRS = [(c, t) for c, targets in workflow.ALLOWED.items() for t in targets]
FORBIDDEN_PAIRS = [(c, t) for c, t in product(Status, Status) if t not in workflow.ALLOWED[c]]


@pytest.fixture
def callback(teams, kcc_agent):
    return services.callback_create(
        case=submit_case().case,
        name="Marco",
        phone="+31612345678",
        subject="terras",
        team=teams["vergunningen"],
        actor=kcc_agent,
    )


def test_the_table_covers_every_status():
    assert set(workflow.ALLOWED) == set(Status)
    assert set(ALLOWED_PAIRS) == {(Status.OPEN, Status.DONE), (Status.OPEN, Status.CANCELLED)}
    assert all(not workflow.ALLOWED[s] for s in workflow.CLOSED)


@pytest.mark.parametrize(("current", "target"), ALLOWED_PAIRS)
def test_every_allowed_transition_passes(current, target):
    workflow.check_callback_transition(current, target)


@pytest.mark.parametrize(("current", "target"), FORBIDDEN_PAIRS)
def test_every_forbidden_transition_is_refused(current, target):
    with pytest.raises(workflow.CallbackTransitionNotAllowed) as error:
        workflow.check_callback_transition(current, target)
    assert str(Status(current).label) in str(error.value)
    assert isinstance(error.value, services.FollowupNotAllowed)  # the views' except clauses still catch it


@pytest.mark.parametrize(("current", "target"), FORBIDDEN_PAIRS)
def test_a_forbidden_move_writes_nothing(callback, kcc_agent, current, target):
    CallbackRequest.objects.filter(pk=callback.pk).update(status=current)
    callback.refresh_from_db()
    history = callback.history.count()
    with pytest.raises(workflow.CallbackTransitionNotAllowed):
        services._callback_move(callback, target, kcc_agent, {"result": CallbackRequest.Result.REACHED})
    assert (callback.status, callback.result) == (current, "")  # not even the object in memory changed
    callback.refresh_from_db()
    assert (callback.status, callback.result, callback.history.count()) == (current, "", history)


def test_cancelling_a_done_callback_is_refused_and_changes_nothing(callback, kcc_agent):
    services.callback_log_attempt(callback=callback, outcome="reached", actor=kcc_agent)
    callback.refresh_from_db()
    before = (callback.status, callback.result, callback.closed_at, callback.failed_attempts)
    history = callback.history.count()
    with pytest.raises(services.FollowupNotAllowed):
        services.callback_cancel(callback=callback, actor=kcc_agent, reason="dubbel")
    callback.refresh_from_db()
    assert (callback.status, callback.result, callback.closed_at, callback.failed_attempts) == before
    assert before[:2] == (Status.DONE, CallbackRequest.Result.REACHED)
    assert callback.history.count() == history


def test_a_call_on_a_cancelled_callback_is_refused_and_not_logged(callback, kcc_agent):
    services.callback_cancel(callback=callback, actor=kcc_agent, reason="dubbel")
    with pytest.raises(services.FollowupNotAllowed):
        services.callback_log_attempt(callback=callback, outcome="reached", actor=kcc_agent)
    callback.refresh_from_db()
    assert (callback.status, callback.result) == (Status.CANCELLED, CallbackRequest.Result.CANCELLED)
    assert not CallbackAttempt.objects.exists()


def test_status_is_read_only_in_the_admin(client, callback, verified_superuser):
    url = reverse("admin:followup_callbackrequest_change", args=[callback.pk])
    response = client.get(url)
    assert response.status_code == 200
    adminform = response.context["adminform"]
    for name in ("status", "result", "failed_attempts", "closed_at"):
        assert name not in adminform.form.fields and name in adminform.readonly_fields, name
