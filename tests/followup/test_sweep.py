"""The sweep marks overdue cases and hand-offs and tells the owner once per deadline."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from followup.sweep import sweep
from intake import services as intake
from intake.models import Case, Message
from intake.outbox import OutboxMessage
from routing import services as routing
from tests.factories import submit_case

AMS = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture
def case_and_handoff(teams, owner):
    # Thursday 10 December 2026; default deadline 10 working days, hand-offs 5.
    with time_machine.travel(dt.datetime(2026, 12, 10, 10, 0, tzinfo=AMS), tick=False):
        case = submit_case().case
        handoff = routing.case_hand_off(
            case=case, teams=[teams["vergunningen"]], request_text="?", actor=owner
        )[0]
    return Case.objects.get(pk=case.pk), handoff


def overdue_mails(template):
    return OutboxMessage.objects.filter(template=template).count()


def test_deadlines_count_working_days(case_and_handoff):
    case, handoff = case_and_handoff
    assert handoff.deadline == dt.date(2026, 12, 17)  # Thu + 5 working days, over a weekend
    assert case.deadline == dt.date(2026, 12, 24)


def test_deadline_skips_a_municipal_closing_day_and_christmas(teams):
    from teams.models import ClosingDay

    ClosingDay.objects.create(date=dt.date(2026, 12, 24), name="Kerstavond")
    with time_machine.travel(dt.datetime(2026, 12, 10, 10, 0, tzinfo=AMS), tick=False):
        case = submit_case().case
    assert case.deadline == dt.date(2026, 12, 28)  # 24 closed, 25-26 Christmas, 27 Sunday


def test_overdue_handoff_and_case_notify_the_owner_once_per_deadline(case_and_handoff, owner):
    case, handoff = case_and_handoff
    with time_machine.travel(dt.date(2026, 12, 17), tick=False):
        assert sweep().handoffs_overdue == 0  # due today is not overdue yet
    with time_machine.travel(dt.date(2026, 12, 18), tick=False):
        first, second = sweep(), sweep()
    assert (first.handoffs_overdue, second.handoffs_overdue) == (1, 0)
    assert overdue_mails("followup_handoff_overdue") == 1  # the owner (the team has no coordinator)
    with time_machine.travel(dt.date(2026, 12, 28), tick=False):
        assert sweep().cases_overdue == 1
        assert sweep().cases_overdue == 0
    assert overdue_mails("followup_case_overdue") == 1
    assert (
        case.messages.filter(kind=Message.Kind.FOLLOWUP, data__event="overdue", data__case=case.pk).count()
        == 1
    )
    assert (
        case.messages.filter(
            kind=Message.Kind.FOLLOWUP, data__event="overdue", data__handoff=handoff.pk
        ).count()
        == 1
    )


def test_a_new_deadline_after_reopening_is_followed_again(case_and_handoff, owner):
    case, _ = case_and_handoff
    with time_machine.travel(dt.date(2026, 12, 29), tick=False):
        sweep()
        routing.case_close_with_answer(case=case, actor=owner, body="antwoord", resolution="answered")
    with time_machine.travel(dt.date(2027, 1, 4), tick=False):
        intake.case_reopen(case=Case.objects.get(pk=case.pk), actor=owner, reason="nog een vraag")
    with time_machine.travel(dt.date(2027, 1, 30), tick=False):
        assert sweep().cases_overdue == 1
    assert overdue_mails("followup_case_overdue") == 2


def test_waiting_on_the_entrepreneur_is_not_overdue(case_and_handoff, owner):
    case, handoff = case_and_handoff
    routing.handoff_answer(handoff=handoff, actor=owner, answer="ok")
    intake.case_request_information(case=Case.objects.get(pk=case.pk), actor=owner, body="?")
    with time_machine.travel(dt.date(2027, 2, 1), tick=False):
        assert sweep().cases_overdue == 0


def test_sweep_task_runs_through_celery(case_and_handoff, django_capture_on_commit_callbacks):
    from followup.tasks import sweep_deadlines

    with (
        time_machine.travel(dt.date(2026, 12, 30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = sweep_deadlines.apply().get()
    assert (result["cases_overdue"], result["handoffs_overdue"]) == (1, 1)
    # The subject starts with the case reference: [OND-...] Vraag is over de termijn
    assert sorted(m.subject.split()[1] for m in mail.outbox if "over de termijn" in m.subject) == [
        "Uitzetting",
        "Vraag",
    ]


def test_sweep_command_prints_what_it_did_and_does_nothing_twice(case_and_handoff, capsys):
    from django.core.management import call_command

    with time_machine.travel(dt.date(2026, 12, 30), tick=False):
        call_command("followup_sweep")
        first = capsys.readouterr().out
        call_command("followup_sweep")
        second = capsys.readouterr().out
    assert "uitzettingen te laat" in first and " 1" in first.split("uitzettingen te laat")[1].splitlines()[0]
    assert all(line.rstrip().endswith(" 0") for line in second.strip().splitlines())
