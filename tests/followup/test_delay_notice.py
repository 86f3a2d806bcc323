"""Delay notices go out BEFORE the deadline, with a new date in the future that becomes the case's expected
date on the tracking page (issue 10). Frozen time; December 2026 (Christmas on Friday 25 and Saturday 26)."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from followup.sweep import sweep
from intake import services as intake
from intake.models import Case
from intake.outbox import OutboxMessage
from routing import services as routing
from routing.models import Handoff
from tests.factories import submit_case
from tests.followup.test_sweep_walk import at, sweep_on


def notices():
    return list(OutboxMessage.objects.filter(template="followup_delay_notice").order_by("pk"))


def case_with_deadline(deadline: dt.date, **kwargs):
    with at(dt.date(2026, 12, 1)):
        submitted = submit_case(**kwargs)
    Case.objects.filter(pk=submitted.case.pk).update(deadline=deadline)
    return submitted


def later_handoff(case, team, owner, deadline: dt.date) -> Handoff:
    with at(dt.date(2026, 12, 2)):
        handoff = routing.case_hand_off(
            case=Case.objects.get(pk=case.pk), teams=[team], request_text="intern", actor=owner
        )[0]
    Handoff.objects.filter(pk=handoff.pk).update(deadline=deadline)  # the department's term runs longer
    return handoff


def test_a_later_hand_off_gives_the_notice_on_the_last_working_day_before_the_deadline(client, teams, owner):
    submitted = case_with_deadline(dt.date(2026, 12, 17))  # Thursday
    later_handoff(submitted.case, teams["vergunningen"], owner, dt.date(2026, 12, 22))
    assert sweep_on(dt.date(2026, 12, 14)).delay_notices == 0  # the hand-off may still be answered early
    assert sweep_on(dt.date(2026, 12, 15)).delay_notices == 0
    assert sweep_on(dt.date(2026, 12, 16)).delay_notices == 1  # Wednesday: the last working day before
    (notice,) = notices()
    # The hand-off's deadline (22 Dec) plus FOLLOWUP_DELAY_MARGIN_DAYS (1): a date in the future.
    assert "23-12-2026" in notice.body_text
    case = Case.objects.get(pk=submitted.case.pk)
    assert case.expected_date == dt.date(2026, 12, 23) > dt.date(2026, 12, 16)
    page = client.get(reverse("intake:track", args=[submitted.tracking_token])).content.decode()
    assert "woensdag 23 december 2026" in page and "Uw vraag kost meer tijd dan verwacht" in page
    for day in (dt.date(2026, 12, 17), dt.date(2026, 12, 18), dt.date(2026, 12, 21)):
        assert sweep_on(day).delay_notices == 0, day  # the new date holds
    assert len(notices()) == 1


def test_over_a_weekend_the_notice_comes_on_friday(teams, owner):
    submitted = case_with_deadline(dt.date(2026, 12, 14))  # Monday
    later_handoff(submitted.case, teams["vergunningen"], owner, dt.date(2026, 12, 16))
    assert sweep_on(dt.date(2026, 12, 10)).delay_notices == 0  # Thursday
    assert sweep_on(dt.date(2026, 12, 11)).delay_notices == 1  # Friday
    assert Case.objects.get(pk=submitted.case.pk).expected_date == dt.date(2026, 12, 17)


def test_a_case_not_answered_on_its_deadline_gets_a_new_date_that_day(client, teams, owner, settings):
    settings.FOLLOWUP_DELAY_EXTRA_DAYS = 5
    submitted = case_with_deadline(dt.date(2026, 12, 16))  # Wednesday, no hand-off
    assert sweep_on(dt.date(2026, 12, 15)).delay_notices == 0  # it may still be answered in time
    assert sweep_on(dt.date(2026, 12, 16), 9).delay_notices == 1  # the deadline is today: not yet passed
    # Today plus five working days: 17, 18, 21, 22, 23 December.
    assert Case.objects.get(pk=submitted.case.pk).expected_date == dt.date(2026, 12, 23)
    assert "23-12-2026" in notices()[0].body_text
    for day in (dt.date(2026, 12, 17), dt.date(2026, 12, 22)):
        assert sweep_on(day).delay_notices == 0, day
    # Still not answered on the new date: a second notice, over Christmas (24, 28, 29, 30, 31 December).
    assert sweep_on(dt.date(2026, 12, 23), 11).delay_notices == 1
    assert Case.objects.get(pk=submitted.case.pk).expected_date == dt.date(2026, 12, 31)


def test_answered_and_waiting_cases_get_no_notice(teams, owner):
    answered = case_with_deadline(dt.date(2026, 12, 16)).case
    waiting = case_with_deadline(dt.date(2026, 12, 16)).case
    with at(dt.date(2026, 12, 15)):
        routing.case_close_with_answer(
            case=Case.objects.get(pk=answered.pk), actor=owner, body="antwoord", resolution="answered"
        )
        intake.case_request_information(case=Case.objects.get(pk=waiting.pk), actor=owner, body="Welk adres?")
    assert sweep_on(dt.date(2026, 12, 16)).delay_notices == 0
    assert Case.objects.filter(expected_date__isnull=False).count() == 0


def test_the_expected_date_is_set_in_one_update_per_chunk(teams, owner):
    for _ in range(5):
        case_with_deadline(dt.date(2026, 12, 16))
    with at(dt.date(2026, 12, 16)), CaptureQueriesContext(connection) as queries:
        assert sweep().delay_notices == 5
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "intake_case"')]
    updates += [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE intake_case")]
    assert len(updates) == 1, updates
    assert set(Case.objects.values_list("expected_date", flat=True)) == {dt.date(2026, 12, 23)}


def test_a_reopened_case_with_a_new_deadline_ignores_the_old_expected_date(teams, owner):
    from intake.selectors import expected_answer_date

    case = case_with_deadline(dt.date(2026, 12, 16)).case
    Case.objects.filter(pk=case.pk).update(expected_date=dt.date(2026, 12, 20))
    assert expected_answer_date(Case.objects.get(pk=case.pk)) == dt.date(2026, 12, 20)
    Case.objects.filter(pk=case.pk).update(deadline=dt.date(2027, 1, 8))
    assert expected_answer_date(Case.objects.get(pk=case.pk)) == dt.date(2027, 1, 8)
