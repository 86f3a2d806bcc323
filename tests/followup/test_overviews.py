"""The deadline overview and the daily digest per team."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from followup import services
from intake import services as intake
from intake.models import Case
from intake.outbox import OutboxMessage
from routing import services as routing
from teams.models import Membership
from tests.conftest import make_user
from tests.factories import submit_case

AMS = ZoneInfo("Europe/Amsterdam")


def at(day, hour=10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=AMS), tick=False)


def test_deadline_overview_buckets_and_reasons(
    client, teams, owner, vergunningen_member, django_assert_max_num_queries
):
    with at(dt.date(2026, 11, 2)):
        for i in range(4):
            case = submit_case(kvk_number=f"1234567{i}").case
            intake.case_take_ownership(case=case, actor=owner)
            routing.case_hand_off(case=case, teams=[teams["vergunningen"]], request_text="?", actor=owner)
        plain = submit_case(kvk_number="87654321").case  # no owner, no hand-off
    client.force_login(owner)
    # 10 November: the hand-offs (due 9 Nov) are overdue; the cases are due 16 Nov.
    with at(dt.date(2026, 11, 10)), django_assert_max_num_queries(14):
        response = client.get(reverse("followup:deadlines"))
    buckets = {b.key: b for b in response.context["buckets"]}
    assert buckets["overdue"].handoff_count == 4
    assert buckets["overdue"].handoffs[0].reason.startswith("wacht sinds 2 november op Vergunningen")
    with at(dt.date(2026, 11, 16)):
        response = client.get(reverse("followup:deadlines"))
    buckets = {b.key: b for b in response.context["buckets"]}
    assert buckets["today"].case_count == 5
    reasons = {row.obj.pk: row.reason for row in buckets["today"].cases}
    assert reasons[plain.pk] == "nog geen accountmanager"
    assert "wacht sinds 2 november op Vergunningen" in reasons[Case.objects.exclude(pk=plain.pk).first().pk]
    client.force_login(vergunningen_member)
    assert client.get(reverse("followup:deadlines")).status_code == 404


def test_daily_digest_once_per_team_per_day_without_opted_out_members(teams, owner, vergunningen_member):
    make_user("vera", teams["vergunningen"], Membership.Role.COORDINATOR)
    quiet = make_user("quinten", teams["vergunningen"])
    Membership.objects.filter(user=quiet).update(receives_digest=False)
    with at(dt.date(2026, 11, 2)):
        case = submit_case().case
        routing.case_hand_off(case=case, teams=[teams["vergunningen"]], request_text="?", actor=owner)
    with at(dt.date(2026, 11, 10), 7):
        assert services.digest_send() > 0
        assert services.digest_send() == 0
    digests = OutboxMessage.objects.filter(template="followup_digest")
    vergunningen = sorted(m.to_email for m in digests if "Vergunningen" in m.subject)
    assert vergunningen == ["pieter@gemeente.test", "vera@gemeente.test"]
    body = next(m for m in digests if m.to_email == "pieter@gemeente.test").body_text
    assert case.reference in body and "te laat" in body
    assert any(m.to_email == "anouk@gemeente.test" for m in digests)  # team economie: its open cases
    with at(dt.date(2026, 11, 14), 7):  # Saturday: no digest
        assert services.digest_send() == 0
