import pytest

from intake import services
from intake.models import Case, Message
from intake.workflow import ALLOWED, Status, TransitionNotAllowed, check_transition
from tests.factories import submit_case

ALL_ALLOWED = [(src, dst) for src, targets in ALLOWED.items() for dst in targets]
FORBIDDEN_SAMPLE = [
    (Status.NEW, Status.WAITING_ENTREPRENEUR),
    (Status.NEW, Status.WAITING_DEPARTMENT),
    (Status.WAITING_ENTREPRENEUR, Status.WAITING_DEPARTMENT),
    (Status.WAITING_ENTREPRENEUR, Status.REFERRED),
    (Status.ANSWERED, Status.REFERRED),
    (Status.ANSWERED, Status.CANCELLED),
    (Status.CANCELLED, Status.ANSWERED),
    (Status.REFERRED, Status.WAITING_DEPARTMENT),
    (Status.IN_PROGRESS, Status.NEW),
    (Status.WAITING_DEPARTMENT, Status.REFERRED),
]


@pytest.mark.parametrize(("source", "target"), ALL_ALLOWED)
def test_every_allowed_transition_changes_status_and_writes_the_timeline(teams, owner, source, target):
    case = submit_case().case
    Case.objects.filter(pk=case.pk).update(status=source)
    case.refresh_from_db()

    services.case_transition(case=case, to=target, actor=owner, reason="test")

    case.refresh_from_db()
    assert case.status == target
    entry = case.messages.filter(kind=Message.Kind.STATUS).last()
    assert entry.data == {"from": source, "to": target}
    assert entry.author == owner
    assert case.history.first().status == target  # django-simple-history row
    assert (case.closed_at is not None) == (target in {Status.ANSWERED, Status.REFERRED, Status.CANCELLED})


@pytest.mark.parametrize(("source", "target"), FORBIDDEN_SAMPLE)
def test_forbidden_transition_is_refused_in_dutch_and_changes_nothing(teams, owner, source, target):
    case = submit_case().case
    Case.objects.filter(pk=case.pk).update(status=source)
    case.refresh_from_db()
    timeline_before = case.messages.count()

    with pytest.raises(TransitionNotAllowed, match="kan niet naar"):
        services.case_transition(case=case, to=target, actor=owner)

    case.refresh_from_db()
    assert case.status == source
    assert case.messages.count() == timeline_before


def test_the_table_covers_every_status():
    assert set(ALLOWED) == set(Status)
    with pytest.raises(TransitionNotAllowed):
        check_transition(Status.NEW, Status.NEW)
