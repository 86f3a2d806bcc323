"""Walk cases, hand-offs and callbacks past each deadline with frozen time and assert exactly which messages
the sweep sent, once each: around Koningsdag, a weekend, Christmas and a municipal closing day."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from followup import services as followup
from followup.models import FollowupAction
from followup.sweep import sweep
from intake import services as intake
from intake.models import Case, Message
from intake.outbox import OutboxMessage
from intake.workflow import Status
from routing import services as routing
from routing.models import Handoff
from routing.selectors import handoff_thread
from teams.models import ClosingDay, Membership
from tests.conftest import make_user
from tests.factories import submit_case

AMS = ZoneInfo("Europe/Amsterdam")


def at(day: dt.date, hour: int = 10, minute: int = 0):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMS), tick=False
    )


def sweep_on(day: dt.date, hour: int = 10, minute: int = 0):
    with at(day, hour, minute):
        return sweep()


def sent():
    """The sweep's e-mails as (template, recipient), in order."""
    return [
        (m.template, m.to_email)
        for m in OutboxMessage.objects.filter(template__startswith="followup_").order_by("pk")
    ]


@pytest.fixture
def coordinator(teams):
    return make_user("vera", teams["vergunningen"], Membership.Role.COORDINATOR)


@pytest.fixture
def kcc_coordinator(teams):
    return make_user("karin", teams["kcc"], Membership.Role.COORDINATOR)


def test_handoff_reminder_and_escalation_around_koningsdag(teams, owner, coordinator):
    teams["vergunningen"].handoff_deadline_days = 2
    teams["vergunningen"].save()
    with at(dt.date(2026, 4, 23)):  # Thursday
        case = submit_case().case
        intake.case_take_ownership(case=case, actor=owner)
        handoff = routing.case_hand_off(
            case=case, teams=[teams["vergunningen"]], request_text="?", actor=owner
        )[0]
    assert handoff.deadline == dt.date(2026, 4, 28)  # Fri 24, (weekend, Koningsdag Mon 27), Tue 28

    assert sweep_on(dt.date(2026, 4, 23)).actions == 0
    assert sweep_on(dt.date(2026, 4, 24)).handoff_reminders == 1  # one working day before: Friday
    assert sent() == [("followup_handoff_reminder", "vergunningen@gemeente.test")]
    for day in (dt.date(2026, 4, 25), dt.date(2026, 4, 27), dt.date(2026, 4, 28)):
        assert sweep_on(day).actions == 0, day  # weekend, Koningsdag, the due day itself
    result = sweep_on(dt.date(2026, 4, 29))
    assert (result.handoffs_overdue, result.messages_queued) == (1, 2)
    assert sweep_on(dt.date(2026, 4, 30)).actions == 0
    assert sent() == [
        ("followup_handoff_reminder", "vergunningen@gemeente.test"),
        ("followup_handoff_overdue", "anouk@gemeente.test"),  # the case owner
        ("followup_handoff_overdue", "vera@gemeente.test"),  # the department's coordinator
    ]
    # In-app: both are on the case's timeline, and the department sees them with its hand-off.
    events = list(case.messages.filter(kind=Message.Kind.FOLLOWUP).values_list("data__event", flat=True))
    assert events == ["reminder", "overdue"]
    assert [m.data["event"] for m in handoff_thread(handoff) if m.kind == Message.Kind.FOLLOWUP] == events


def test_case_that_will_miss_its_deadline_over_christmas_and_a_closing_day(teams, owner, coordinator, topics):
    ClosingDay.objects.create(date=dt.date(2026, 12, 24), name="Kerstavond")
    with at(dt.date(2026, 12, 10)):
        case = submit_case(topic=topics["precario"]).case  # 5 working days
        intake.case_take_ownership(case=case, actor=owner)
    assert Case.objects.get(pk=case.pk).deadline == dt.date(2026, 12, 17)
    with at(dt.date(2026, 12, 16)):
        handoff = routing.case_hand_off(
            case=Case.objects.get(pk=case.pk), teams=[teams["vergunningen"]], request_text="?", actor=owner
        )[0]
    Handoff.objects.filter(pk=handoff.pk).update(deadline=dt.date(2026, 12, 23))  # due after the case

    first = sweep_on(dt.date(2026, 12, 16), 12)
    assert (first.cases_will_miss, first.delay_notices) == (1, 1)
    assert sweep_on(dt.date(2026, 12, 17)).actions == 0  # due today: not overdue yet
    assert sweep_on(dt.date(2026, 12, 18)).as_dict()["cases_overdue"] == 1
    assert sweep_on(dt.date(2026, 12, 22)).handoff_reminders == 1
    assert sweep_on(dt.date(2026, 12, 23)).actions == 0
    on_closing_day = sweep_on(dt.date(2026, 12, 24))
    assert (on_closing_day.handoffs_overdue, on_closing_day.delay_notices) == (1, 0)  # same expected date
    # Not answered on the promised 28 December: a new date, FOLLOWUP_DELAY_EXTRA_DAYS working days later.
    assert sweep_on(dt.date(2026, 12, 28)).delay_notices == 1
    assert sweep_on(dt.date(2026, 12, 29)).actions == 0  # the new date holds

    assert sent() == [
        ("followup_case_will_miss", "anouk@gemeente.test"),
        ("followup_delay_notice", "marco@cafe.test"),
        ("followup_case_overdue", "anouk@gemeente.test"),
        ("followup_handoff_reminder", "vergunningen@gemeente.test"),
        ("followup_handoff_overdue", "anouk@gemeente.test"),
        ("followup_handoff_overdue", "vera@gemeente.test"),
        ("followup_delay_notice", "marco@cafe.test"),
    ]
    notices = OutboxMessage.objects.filter(template="followup_delay_notice").order_by("pk")
    # Last hand-off deadline 23 Dec + 1 working day: past the closing day, Christmas and the Sunday.
    assert "28-12-2026" in notices[0].body_text
    expected = Case.objects.get(pk=case.pk).expected_date
    assert expected > dt.date(2026, 12, 29) and f"{expected:%d-%m-%Y}" in notices[1].body_text
    assert "?" not in notices[0].body_text.split("Beste")[0]  # no internal text leaks to the entrepreneur
    # The case reference goes into the subject when the e-mail is sent (intake.outbox.subject_with_reference).
    assert "Marco van Dijk" in notices[0].body_text and notices[0].case_id == case.pk

    with at(dt.date(2026, 12, 30)):
        routing.case_close_with_answer(
            case=Case.objects.get(pk=case.pk), actor=owner, body="antwoord", resolution="answered"
        )
    assert sweep_on(dt.date(2027, 1, 11)).actions == 0  # never after the case is closed
    assert len(sent()) == 7


def test_waiting_on_the_entrepreneur_reminds_then_asks_the_owner(teams, owner):
    with at(dt.date(2026, 11, 2)):
        case = submit_case().case
        intake.case_request_information(case=case, actor=owner, body="Welk adres?")
    # Paused Monday 2 November: reminder after 5 working days, the owner decides after 5 more.
    assert sweep_on(dt.date(2026, 11, 6)).actions == 0
    assert sweep_on(dt.date(2026, 11, 9)).waiting_reminders == 1
    assert sweep_on(dt.date(2026, 11, 13)).actions == 0
    assert sweep_on(dt.date(2026, 11, 16)).waiting_expired == 1
    assert sweep_on(dt.date(2026, 11, 17)).actions == 0
    assert sent() == [
        ("followup_waiting_reminder", "marco@cafe.test"),
        ("followup_waiting_expired", "economie@gemeente.test"),  # no owner yet: team economie's mailbox
    ]
    assert Case.objects.get(pk=case.pk).status == Status.WAITING_ENTREPRENEUR  # the owner decides
    with at(dt.date(2026, 11, 17)):
        followup.case_close_no_reply(case=Case.objects.get(pk=case.pk), actor=owner)
    case.refresh_from_db()
    assert (case.status, case.resolution) == (Status.CANCELLED, "withdrawn")
    assert (
        OutboxMessage.objects.filter(template="followup_closed_no_reply", to_email="marco@cafe.test").count()
        == 1
    )


def test_waiting_expired_can_resume_the_case_automatically(teams, owner, settings):
    settings.FOLLOWUP_WAITING_EXPIRED_ACTION = "resume"
    with at(dt.date(2026, 11, 2)):
        case = submit_case().case
        intake.case_request_information(case=case, actor=owner, body="Welk adres?")
    deadline = Case.objects.get(pk=case.pk).deadline
    assert deadline == dt.date(2026, 11, 16)
    sweep_on(dt.date(2026, 11, 9))
    assert sweep_on(dt.date(2026, 11, 16)).waiting_expired == 1
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.paused_since is None
    # Paused from 2 to 16 November: ten working days added to the deadline.
    assert case.deadline == dt.date(2026, 11, 30)
    assert sweep_on(dt.date(2026, 11, 17)).actions == 0


def test_reopening_starts_a_new_deadline_that_is_followed_again(teams, owner):
    with at(dt.date(2026, 11, 2)):
        case = submit_case().case
    assert sweep_on(dt.date(2026, 11, 17)).cases_overdue == 1
    with at(dt.date(2026, 11, 18)):
        routing.case_close_with_answer(
            case=Case.objects.get(pk=case.pk), actor=owner, body="a", resolution="answered"
        )
        intake.case_reopen(case=Case.objects.get(pk=case.pk), actor=owner, reason="nog een vraag")
    assert Case.objects.get(pk=case.pk).deadline == dt.date(2026, 12, 2)
    assert sweep_on(dt.date(2026, 12, 2)).cases_overdue == 0
    assert sweep_on(dt.date(2026, 12, 3)).cases_overdue == 1
    assert [t for t, _ in sent() if t == "followup_case_overdue"] == ["followup_case_overdue"] * 2


def test_overdue_callback_escalates_to_kcc_coordinator_and_team(teams, owner, kcc_agent, kcc_coordinator):
    with at(dt.date(2026, 4, 24), 15):  # Friday 15:00
        case = submit_case().case
        callback = followup.callback_create(
            case=case,
            name="Marco",
            phone="+31612345678",
            subject="vergunning",
            team=teams["vergunningen"],
            actor=kcc_agent,
        )
    # One working day in office hours: Koningsdag and the weekend are skipped.
    assert callback.due_at == dt.datetime(2026, 4, 28, 15, 0, tzinfo=AMS)
    assert sweep_on(dt.date(2026, 4, 28), 14, 59).callbacks_overdue == 0
    assert sweep_on(dt.date(2026, 4, 28), 15, 1).callbacks_overdue == 1
    assert sweep_on(dt.date(2026, 4, 29)).callbacks_overdue == 0
    assert sorted(sent()) == [
        ("followup_callback_overdue", "karin@gemeente.test"),
        ("followup_callback_overdue", "vergunningen@gemeente.test"),
    ]
    assert case.messages.filter(kind=Message.Kind.FOLLOWUP, data__event="callback_overdue").count() == 1


def test_sweep_e_mails_are_delivered_after_commit(
    teams, owner, django_capture_on_commit_callbacks, mailoutbox
):
    with at(dt.date(2026, 11, 2)):
        submit_case()
    with at(dt.date(2026, 11, 17)), django_capture_on_commit_callbacks(execute=True):
        sweep()
    overdue = [m for m in mailoutbox if "over de termijn" in m.subject]
    assert len(overdue) == 1 and overdue[0].alternatives  # the HTML part is rendered at send time
    assert OutboxMessage.objects.get(template="followup_case_overdue").status == OutboxMessage.Status.SENT


def test_the_action_log_holds_one_row_per_action(teams, owner):
    with at(dt.date(2026, 11, 2)):
        submit_case()
    for _ in range(3):
        sweep_on(dt.date(2026, 11, 17))
    assert list(FollowupAction.objects.values_list("kind", flat=True).order_by("kind")) == [
        "case_overdue",
        "delay_notice",
    ]


def test_the_tracking_page_shows_the_delay_and_the_new_date(client, teams, owner, topics):
    from django.urls import reverse

    with at(dt.date(2026, 12, 10)):
        submitted = submit_case(topic=topics["precario"])  # deadline 17 December
    with at(dt.date(2026, 12, 16)):
        routing.case_hand_off(
            case=submitted.case, teams=[teams["vergunningen"]], request_text="intern", actor=owner
        )
    Handoff.objects.update(deadline=dt.date(2026, 12, 23))  # the department's term runs past the case's
    sweep_on(dt.date(2026, 12, 16), 12)
    page = client.get(reverse("intake:track", args=[submitted.tracking_token])).content.decode()
    assert "Uw vraag kost meer tijd dan verwacht" in page
    assert "donderdag 24 december 2026" in page  # hand-off due 23 Dec + 1 working day, shown at the top
    assert "intern" not in page
