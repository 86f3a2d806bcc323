"""Hand-offs that serve both sides: a text per team, a deadline inside the case's, e-mail to who handed off,
and the one rule for what still needs team economie."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth import get_user_model

from intake.models import Case
from intake.outbox import OutboxMessage
from routing import selectors
from routing import services as routing
from routing.models import Handoff
from teams.deadlines import handoff_deadline
from teams.models import Membership
from tests.conftest import make_user
from tests.factories import submit_case

AMS = ZoneInfo("Europe/Amsterdam")


def two_handoffs(teams, owner, case=None):
    case = case or submit_case().case
    return routing.case_hand_off(
        case=case,
        requests={teams["vergunningen"]: "Welke vergunning?", teams["belastingen"]: "Hoeveel precario?"},
        actor=owner,
    )


def test_each_team_gets_its_own_request_text_in_its_mail_and_on_its_page(
    client, teams, owner, vergunningen_member
):
    h_verg, h_bel = two_handoffs(teams, owner)
    assert (h_verg.request_text, h_bel.request_text) == ("Welke vergunning?", "Hoeveel precario?")
    mail = OutboxMessage.objects.get(key=f"handoff-new:{h_verg.pk}")
    assert "Welke vergunning?" in mail.body_text and "Hoeveel precario?" not in mail.body_text
    client.force_login(vergunningen_member)
    page = client.get(f"/uitzettingen/{h_verg.pk}/").content.decode()
    assert "Welke vergunning?" in page and "Hoeveel precario?" not in page


def test_handoff_deadline_ends_margin_working_days_before_the_case_deadline_over_a_weekend(teams, settings):
    settings.HANDOFF_DEADLINE_MARGIN_DAYS = 2
    team = teams["vergunningen"]  # standard: DEFAULT_HANDOFF_DEADLINE_DAYS (5) working days
    with time_machine.travel(dt.datetime(2026, 3, 5, 10, tzinfo=AMS), tick=False):  # Thursday
        # Case due Tuesday 10 March: two working days earlier is Friday 6 March (the weekend does not count).
        assert handoff_deadline(team, case_due=dt.date(2026, 3, 10)).due == dt.date(2026, 3, 6)
        # Case due Monday 9 March: two working days before is Thursday (today): never before the next
        # working day, Friday 6 March.
        assert handoff_deadline(team, case_due=dt.date(2026, 3, 9)).due == dt.date(2026, 3, 6)
        # A case due far ahead, or without a deadline: the team's standard term (Thursday 12 March).
        assert handoff_deadline(team, case_due=dt.date(2026, 4, 30)).due == dt.date(2026, 3, 12)
        assert handoff_deadline(team).due == dt.date(2026, 3, 12)
    settings.HANDOFF_DEADLINE_MARGIN_DAYS = 0
    with time_machine.travel(dt.datetime(2026, 3, 5, 10, tzinfo=AMS), tick=False):
        assert handoff_deadline(team, case_due=dt.date(2026, 3, 10)).due == dt.date(2026, 3, 10)


def test_case_hand_off_uses_the_case_deadline(teams, owner):
    with time_machine.travel(dt.datetime(2026, 3, 5, 10, tzinfo=AMS), tick=False):
        case = submit_case().case
        Case.objects.filter(pk=case.pk).update(deadline=dt.date(2026, 3, 10))
        [handoff] = routing.case_hand_off(
            case=Case.objects.get(pk=case.pk), requests={teams["vergunningen"]: "?"}, actor=owner
        )
    assert handoff.deadline == dt.date(2026, 3, 6)
    assert "vóór termijn vraag" in handoff.deadline_policy


def test_ask_back_return_and_all_done_mail_the_person_who_handed_off(
    teams, owner, vergunningen_member, belastingen_member
):
    colleague = make_user("jeroen", teams["economie"], Membership.Role.MEMBER)
    h_verg, h_bel = two_handoffs(teams, colleague, case=submit_case(email="x@y.test").case)
    assert h_verg.case.owner == colleague
    # Make someone else the account manager: the mails still go to jeroen, who handed off.
    Case.objects.filter(pk=h_verg.case_id).update(owner=owner)
    routing.handoff_request_information(handoff=h_verg, actor=vergunningen_member, question="Welk adres?")
    routing.handoff_return(handoff=h_bel, actor=belastingen_member, reason="Niet van ons")
    mails = OutboxMessage.objects.filter(case_id=h_verg.case_id, audience=OutboxMessage.Audience.STAFF)
    assert {m.template: m.to_email for m in mails} == {
        "handoff_info_requested": "jeroen@gemeente.test",
        "handoff_returned": "jeroen@gemeente.test",
    }
    routing.handoff_provide_information(handoff=h_verg, actor=owner, body="Markt 1")
    routing.handoff_answer(handoff=h_verg, actor=vergunningen_member, answer="Ja")
    assert mails.get(template="handoffs_done").to_email == "jeroen@gemeente.test"


def test_mail_falls_back_to_the_owner_then_the_team_mailbox(teams, owner, vergunningen_member):
    [handoff] = routing.case_hand_off(
        case=submit_case().case, requests={teams["vergunningen"]: "?"}, actor=owner
    )
    get_user_model().objects.filter(pk=owner.pk).update(email="")
    routing.handoff_request_information(
        handoff=Handoff.objects.select_related("created_by").get(pk=handoff.pk),
        actor=vergunningen_member,
        question="?",
    )
    assert OutboxMessage.objects.get(template="handoff_info_requested").to_email == teams["economie"].email


def test_attention_and_unfinished_rule(teams, owner, vergunningen_member, belastingen_member):
    h_verg, h_bel = two_handoffs(teams, owner)
    case = h_verg.case
    assert selectors.handoffs_needing_attention(case) == []
    assert selectors.unfinished_handoffs(case) == [h_verg, h_bel]
    routing.handoff_request_information(handoff=h_verg, actor=vergunningen_member, question="Welk adres?")
    routing.handoff_return(handoff=h_bel, actor=belastingen_member, reason="Hoort bij Omgeving")
    assert [h.pk for h in selectors.handoffs_needing_attention(case)] == [h_verg.pk, h_bel.pk]
    assert Handoff.objects.get(pk=h_verg.pk).info_question == "Welk adres?"
    # Handing off again after the return follows it up.
    routing.case_hand_off(case=case, requests={teams["omgeving"]: "Graag uw advies"}, actor=owner)
    assert [h.pk for h in selectors.handoffs_needing_attention(case)] == [h_verg.pk]
    routing.handoff_provide_information(handoff=h_verg, actor=owner, body="Markt 1")
    assert selectors.handoffs_needing_attention(case) == []


def test_answer_draft_starts_from_the_departments_answers(
    teams, owner, vergunningen_member, belastingen_member
):
    h_verg, h_bel = two_handoffs(teams, owner)
    routing.handoff_answer(handoff=h_verg, actor=vergunningen_member, answer="Een terrasvergunning.")
    routing.handoff_answer(handoff=h_bel, actor=belastingen_member, answer="€ 32 per m².")
    assert (
        selectors.answer_draft(h_verg.case)
        == "Vergunningen: Een terrasvergunning.\n\nBelastingen: € 32 per m²."
    )
