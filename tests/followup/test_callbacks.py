"""Callback requests: recording, attempts, the follow-up after failed calls, scoping and the KCC overview."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from followup import selectors, services
from followup.models import CallbackAttempt, CallbackRequest
from intake.models import Message
from intake.outbox import OutboxMessage
from tests.factories import submit_case

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def case(teams):
    return submit_case().case


def create(case, actor, **overrides):
    values = {"case": case, "name": "Marco", "phone": "+31612345678", "subject": "terras", "actor": actor}
    values.update(overrides)
    return services.callback_create(**values)


def test_deadline_is_one_working_day_in_office_hours(case, teams, kcc_agent):
    with time_machine.travel(dt.datetime(2026, 12, 24, 16, 0, tzinfo=AMS), tick=False):  # Thursday 16:00
        callback = create(case, kcc_agent, team=teams["vergunningen"])
    # 1 office hour on the 24th, Christmas and the weekend skipped, 7.5 hours on Monday the 28th.
    assert callback.due_at == dt.datetime(2026, 12, 28, 16, 0, tzinfo=AMS)
    assert callback.deadline_policy == "team vergunningen: 1 werkdag (08:30–17:00)"
    with time_machine.travel(dt.datetime(2026, 12, 27, 20, 0, tzinfo=AMS), tick=False):  # Sunday evening
        callback = create(case, kcc_agent, team=teams["vergunningen"])
    assert callback.due_at == dt.datetime(2026, 12, 28, 17, 0, tzinfo=AMS)
    assert case.messages.filter(kind=Message.Kind.FOLLOWUP, data__event="created").count() == 2
    assert callback.history.count() == 1


def test_reached_closes_the_request(case, teams, kcc_agent):
    callback = create(case, kcc_agent, team=teams["vergunningen"])
    services.callback_log_attempt(callback=callback, outcome="voicemail", note="ingesproken", actor=kcc_agent)
    services.callback_log_attempt(callback=callback, outcome="reached", actor=kcc_agent)
    callback.refresh_from_db()
    assert (callback.status, callback.result, callback.failed_attempts) == ("done", "reached", 1)
    with pytest.raises(services.FollowupNotAllowed):
        services.callback_log_attempt(callback=callback, outcome="reached", actor=kcc_agent)
    assert case.messages.filter(kind=Message.Kind.FOLLOWUP, data__event="attempt").count() == 2


def test_three_failed_attempts_ask_the_entrepreneur_to_call_back_once(case, teams, kcc_agent):
    callback = create(case, kcc_agent, team=teams["vergunningen"])
    for outcome in ("not_reached", "voicemail", "wrong_number"):
        services.callback_log_attempt(callback=callback, outcome=outcome, actor=kcc_agent)
    callback.refresh_from_db()
    assert (callback.status, callback.result) == ("done", "asked_to_call_back")
    mails = OutboxMessage.objects.filter(template="followup_callback_failed")
    assert [m.to_email for m in mails] == ["marco@cafe.test"]
    assert case.reference in mails[0].body_text and "terras" not in mails[0].body_text  # no internal subject


def test_notify_team_keeps_the_request_open(case, teams, kcc_agent, settings):
    settings.FOLLOWUP_CALLBACK_FAILED_ACTION = "notify_team"
    callback = create(case, kcc_agent, team=teams["vergunningen"])
    for _ in range(4):
        services.callback_log_attempt(callback=callback, outcome="not_reached", actor=kcc_agent)
    callback.refresh_from_db()
    assert callback.status == "open" and callback.failed_attempts == 4
    assert list(
        OutboxMessage.objects.filter(template="followup_callback_failed_team").values_list(
            "to_email", flat=True
        )
    ) == ["vergunningen@gemeente.test"]


def test_department_members_see_only_their_teams_or_their_own(
    case, teams, kcc_agent, vergunningen_member, belastingen_member, owner
):
    mine = create(case, kcc_agent, team=teams["vergunningen"])
    assigned = create(case, kcc_agent, assignee=belastingen_member)
    other = create(case, kcc_agent, team=teams["omgeving"])
    assert set(selectors.open_callbacks_for(vergunningen_member)) == {mine}
    assert set(selectors.open_callbacks_for(belastingen_member)) == {assigned}
    assert set(selectors.open_callbacks_for(owner)) == {mine, assigned, other}
    assert set(selectors.open_callbacks_for(kcc_agent)) == {mine, assigned, other}


def test_staff_record_a_callback_on_the_case_page_and_log_attempts(client, case, teams, kcc_agent):
    client.force_login(kcc_agent)
    page = client.get(reverse("casework:case-detail", args=[case.pk]))
    assert b"Terugbelverzoek vastleggen" in page.content
    url = reverse("followup:callback-new", args=[case.pk])
    bad = client.post(
        url, {"terugbellen-name": "Marco", "terugbellen-phone": "12", "terugbellen-subject": ""}
    )
    assert bad.status_code == 400 and "Vul een geldig telefoonnummer in" in bad.content.decode()
    response = client.post(
        url,
        {
            "terugbellen-name": "Marco",
            "terugbellen-phone": "06 12345678",
            "terugbellen-subject": "Vraag over terras",
            "terugbellen-team": teams["vergunningen"].pk,
            "terugbellen-preferred_moment": "dinsdagochtend",
        },
    )
    assert response.status_code == 302
    callback = CallbackRequest.objects.get()
    assert (callback.phone, callback.preferred_moment) == ("+31612345678", "dinsdagochtend")
    detail = reverse("followup:callback-detail", args=[callback.pk])
    assert client.post(detail, {}).status_code == 400
    client.post(detail, {"poging-outcome": "reached", "poging-note": "geholpen"})
    assert CallbackAttempt.objects.get().note == "geholpen"


def test_department_member_cannot_open_another_teams_callback(
    client, case, teams, kcc_agent, belastingen_member
):
    callback = create(case, kcc_agent, team=teams["vergunningen"])
    client.force_login(belastingen_member)
    assert client.get(reverse("followup:callback-detail", args=[callback.pk])).status_code == 404
    assert client.get(reverse("followup:callbacks")).status_code == 404
    assert client.get(reverse("followup:callbacks-mine")).status_code == 200


def test_kcc_overview_overdue_first_with_on_time_rate(
    client, teams, kcc_agent, django_assert_max_num_queries
):
    case = submit_case().case
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=AMS), tick=False):
        on_time = create(case, kcc_agent, team=teams["vergunningen"])
        services.callback_log_attempt(callback=on_time, outcome="reached", actor=kcc_agent)
        late = create(case, kcc_agent, team=teams["vergunningen"])
        for i in range(5):
            create(case, kcc_agent, team=teams["omgeving"], name=f"Open {i}")
    with time_machine.travel(dt.datetime(2026, 11, 4, 9, 0, tzinfo=AMS), tick=False):
        services.callback_log_attempt(callback=late, outcome="reached", actor=kcc_agent)
        create(case, kcc_agent, team=teams["vergunningen"], name="Nieuw")
        client.force_login(kcc_agent)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("followup:callbacks"))
    groups = response.context["groups"]
    assert [g.team.slug for g in groups] == ["omgeving", "vergunningen"]  # overdue ones first
    assert groups[0].overdue == 5
    assert (groups[1].closed_30d, groups[1].on_time_30d, groups[1].on_time_rate) == (2, 1, 50)
    assert "50% op tijd" in response.content.decode()
