"""The KCC call screen on a real day: a way to reach the caller, a lookup that keeps what was typed, picking
the caller, transfers without orphan cases, callbacks that close their case, and callback deadlines that follow
the moment the caller asked for."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from companies import selectors as company_selectors
from followup.models import CallbackAttempt, CallbackRequest
from followup.services import callback_create, callback_log_attempt
from intake.models import Case, Contact, Message, Resolution
from intake.workflow import Status
from kcc import selectors as kcc_selectors
from kcc.models import KccCall
from teams.deadlines import CallbackMoment, callback_deadline
from tests.factories import submit_case

URL = reverse("kcc:workstation")
AMS = ZoneInfo("Europe/Amsterdam")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS)


@pytest.fixture
def agent_client(client, kcc_agent):
    client.force_login(kcc_agent)
    return client


@pytest.fixture
def caller(teams):
    """A known company with a contact who calls."""
    case = submit_case(phone="+31612345678")
    case.case.company.phone = "+31101234567"
    case.case.company.save()
    return case.case.contact


def post(client, outcome=None, action=None, **fields):
    data = {f"call-{k}": v for k, v in fields.items() if k not in ("zoek", "pick")}
    if outcome:
        data["outcome"] = outcome
    if action:
        data["action"] = action
    for key in ("zoek", "pick"):
        if key in fields:
            data[key] = fields[key]
    return client.post(URL, data)


# ----------------------------------------------------------------------------------------------------------
# 1. A way to reach the caller


def test_a_transfer_needs_a_name_and_a_phone_or_email_and_keeps_what_was_typed(agent_client, teams):
    response = post(
        agent_client,
        "transferred",
        question="Mag ik een reclamebord ophangen?",
        team=teams["vergunningen"].pk,
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Vul de naam van de beller in." in page
    assert "Vul een telefoonnummer of e-mailadres in waarop we de beller kunnen bereiken." in page
    assert "Mag ik een reclamebord ophangen?" in page  # nothing typed is lost
    assert not KccCall.objects.exists()

    response = post(
        agent_client,
        "transferred",
        question="Mag ik een reclamebord ophangen?",
        team=teams["vergunningen"].pk,
        contact_name="Ingrid",
    )
    assert response.status_code == 400 and "waarop we de beller kunnen bereiken" in response.content.decode()
    post(
        agent_client,
        "transferred",
        question="Mag ik een reclamebord ophangen?",
        team=teams["vergunningen"].pk,
        contact_name="Ingrid",
        email="ingrid@knip.test",
    )
    assert KccCall.objects.get().caller_email == "ingrid@knip.test"


def test_regie_needs_a_way_to_reach_the_caller(agent_client, teams):
    response = post(agent_client, "regie", question="Waar vind ik subsidie voor verduurzaming?")
    assert response.status_code == 400 and "Vul de naam van de beller in." in response.content.decode()
    assert not Case.objects.filter(channel="phone").exists()


def test_the_chosen_contact_is_a_way_to_reach_the_caller(agent_client, teams, caller):
    response = post(
        agent_client,
        "transferred",
        question="Vraag over een vergunning",
        team=teams["vergunningen"].pk,
        company=caller.company.pk,
        contact=caller.pk,
    )
    assert response.status_code == 302
    call = KccCall.objects.get()
    assert call.contact == caller and call.caller_name == caller.name and call.caller_phone == "+31612345678"


def test_answered_on_the_spot_needs_no_way_to_reach_the_caller(agent_client, catalogue):
    from knowledge import demo as knowledge_demo
    from knowledge.models import KnowledgeArticle

    knowledge_demo.seed()
    article = KnowledgeArticle.objects.get(title="Terras bij uw café of restaurant")
    response = post(agent_client, "answered", question="Mag ik een terras?", article=article.pk)
    assert response.status_code == 302
    assert KccCall.objects.get().outcome == KccCall.Outcome.ANSWERED


# ----------------------------------------------------------------------------------------------------------
# 2 and 3. The lookup keeps what was typed; picking the caller fills in their details


def test_looking_up_the_caller_keeps_the_question_and_everything_typed(agent_client, teams, caller):
    response = post(
        agent_client,
        action="lookup",
        zoek="12345678",
        question="Mijn terras is te klein, mag het groter?",
        contact_name="Iemand",
        phone="010 999 8888",
        could_not_answer="on",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mijn terras is te klein, mag het groter?" in page
    assert 'value="Iemand"' in page and 'value="010 999 8888"' in page
    checkbox = re.search(r"<input[^>]*name=\"call-could_not_answer\"[^>]*>", page).group(0)
    assert "checked" in checkbox
    assert f'name="pick" value="{caller.company.pk}:' in page  # the match, as a button of the same form
    assert "error-summary" not in page  # a lookup shows no errors
    assert not KccCall.objects.exists() and Case.objects.count() == 1


def test_a_company_found_by_kvk_number_lists_its_contacts_to_pick(agent_client, teams, caller):
    page = post(agent_client, action="lookup", zoek="12345678", question="Vraag").content.decode()
    assert f'name="pick" value="{caller.company.pk}:"' in page  # the company itself
    assert f'name="pick" value="{caller.company.pk}:{caller.pk}"' in page  # and the person on the line


def test_picking_a_contact_fills_in_name_phone_and_email(agent_client, teams, caller):
    response = post(
        agent_client,
        zoek="12345678",
        pick=f"{caller.company.pk}:{caller.pk}",
        question="Mijn terras is te klein",
        contact_name="Iemand",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mijn terras is te klein" in page
    assert f'value="{caller.name}"' in page and 'value="+31612345678"' in page
    assert f'value="{caller.email}"' in page
    assert f'name="call-company" value="{caller.company.pk}"' in page
    assert f'name="call-contact" value="{caller.pk}"' in page
    assert caller.company.name in page  # the caller's company panel


def test_picking_a_company_fills_in_its_phone_and_keeps_the_typed_name(agent_client, teams, caller):
    response = post(
        agent_client, pick=f"{caller.company.pk}:", question="Vraag", contact_name="Ingrid Schaar"
    )
    page = response.content.decode()
    assert 'value="Ingrid Schaar"' in page and 'value="+31101234567"' in page


def test_a_company_the_user_may_not_see_cannot_be_picked(agent_client, teams):
    response = post(agent_client, pick="999999:", question="Vraag")
    assert (
        response.status_code == 200 and 'name="call-company" value="999999"' not in response.content.decode()
    )


def test_another_caller_clears_the_choice_but_not_the_question(agent_client, teams, caller):
    response = post(
        agent_client,
        action="clear_caller",
        question="Vraag over afval",
        company=caller.company.pk,
        contact=caller.pk,
    )
    page = response.content.decode()
    assert "Vraag over afval" in page and f'name="call-company" value="{caller.company.pk}"' not in page


# ----------------------------------------------------------------------------------------------------------
# 4. No orphan cases: transfers are call-log entries, callbacks close their case when reached


def test_a_transfer_is_on_the_company_timeline_and_in_the_kcc_report(agent_client, teams, caller, owner):
    post(
        agent_client,
        "transferred",
        question="Vraag over mijn reclamebord",
        team=teams["vergunningen"].pk,
        company=caller.company.pk,
        contact=caller.pk,
    )
    assert Case.objects.count() == 1  # only the caller's earlier case
    events = company_selectors.company_timeline(owner, caller.company)
    transfer = next(e for e in events if e.kind == "call")
    assert transfer.obj.team == teams["vergunningen"]
    page = agent_client.get(reverse("companies:company-detail", args=[caller.company.pk])).content.decode()
    assert "Vraag over mijn reclamebord" in page and "Doorverbonden" in page
    week = kcc_selectors.kcc_report_weeks(weeks=1)[0]
    assert week.calls == 1 and week.transferred == 1
    assert week.transfers_per_team == {"Vergunningen": 1}


def test_a_kcc_callback_reached_closes_its_case(agent_client, teams, belastingen_member):
    post(
        agent_client,
        "callback",
        question="Kan iemand mij terugbellen over de WOZ?",
        contact_name="Els",
        phone="06 11122233",
        team=teams["belastingen"].pk,
        callback_moment="asap",
    )
    callback = CallbackRequest.objects.get()
    assert callback.closes_case and callback.case.is_open
    callback_log_attempt(
        callback=callback, outcome=CallbackAttempt.Outcome.NOT_REACHED, actor=belastingen_member
    )
    callback.case.refresh_from_db()
    assert callback.case.is_open  # not reached: the case stays open
    callback_log_attempt(
        callback=callback,
        outcome=CallbackAttempt.Outcome.REACHED,
        note="Uitgelegd hoe bezwaar werkt.",
        actor=belastingen_member,
    )
    case = Case.objects.get(pk=callback.case.pk)
    assert case.status == Status.ANSWERED and case.resolution == Resolution.ANSWERED
    assert case.messages.filter(kind=Message.Kind.ANSWER, body="Uitgelegd hoe bezwaar werkt.").exists()
    assert case.messages.filter(
        kind=Message.Kind.FOLLOWUP, body__contains="de vraag is telefonisch afgehandeld"
    ).exists()
    assert KccCall.objects.get().outcome == KccCall.Outcome.CALLBACK  # still counted in the report


def test_an_ordinary_callback_reached_leaves_its_case_open(teams, owner):
    case = submit_case().case
    callback = callback_create(case=case, name="Marco", phone="+31612345678", subject="Terras", actor=owner)
    callback_log_attempt(callback=callback, outcome=CallbackAttempt.Outcome.REACHED, actor=owner)
    case.refresh_from_db()
    assert case.is_open


def test_a_kcc_callback_whose_case_was_closed_meanwhile_stays_closed(agent_client, teams, owner):
    post(agent_client, "callback", question="Bel mij", contact_name="Els", phone="06 11122233")
    callback = CallbackRequest.objects.get()
    from routing.services import case_close_cancelled

    case_close_cancelled(case=callback.case, actor=owner, resolution=Resolution.DUPLICATE, reason="Dubbel")
    callback_log_attempt(callback=callback, outcome=CallbackAttempt.Outcome.REACHED, actor=owner)
    assert Case.objects.get(pk=callback.case.pk).resolution == Resolution.DUPLICATE


# ----------------------------------------------------------------------------------------------------------
# 5. The callback deadline follows the moment the caller asked for, within office hours


@pytest.mark.parametrize(
    ("asked_at", "moment", "due"),
    [
        (at(2026, 12, 1, 15, 0), CallbackMoment.TOMORROW_MORNING, at(2026, 12, 2, 12, 0)),  # Tue -> Wed 12:00
        (at(2026, 12, 4, 10, 0), CallbackMoment.TOMORROW_MORNING, at(2026, 12, 7, 12, 0)),  # Fri -> Mon
        (at(2026, 12, 24, 15, 0), CallbackMoment.TOMORROW_MORNING, at(2026, 12, 28, 12, 0)),  # Christmas
        (at(2026, 12, 1, 10, 0), CallbackMoment.THIS_AFTERNOON, at(2026, 12, 1, 17, 0)),
        (at(2026, 12, 1, 17, 30), CallbackMoment.THIS_AFTERNOON, at(2026, 12, 2, 17, 0)),  # after closing
        (at(2026, 12, 5, 11, 0), CallbackMoment.TODAY, at(2026, 12, 7, 17, 0)),  # Saturday -> Monday
        (at(2026, 12, 1, 9, 0), CallbackMoment.TOMORROW, at(2026, 12, 2, 17, 0)),
        (at(2026, 12, 4, 9, 0), CallbackMoment.TOMORROW_AFTERNOON, at(2026, 12, 7, 17, 0)),
    ],
)
def test_callback_deadline_at_the_end_of_the_asked_part_of_day(teams, asked_at, moment, due):
    deadline = callback_deadline(None, start=asked_at, moment=moment)
    assert deadline.due == due
    assert moment.value in deadline.policy


def test_as_soon_as_possible_follows_the_team_policy(teams):
    asked = at(2026, 12, 4, 15, 0)
    assert callback_deadline(None, start=asked, moment=CallbackMoment.ASAP) == callback_deadline(
        None, start=asked
    )
    assert callback_deadline(None, start=asked, moment=CallbackMoment.ASAP).due == at(2026, 12, 7, 15, 0)


def test_the_screen_promises_the_deadline_the_caller_asked_for(agent_client, teams):
    with time_machine.travel(at(2026, 12, 1, 15, 0), tick=False):
        response = post(
            agent_client,
            "callback",
            question="Bel mij terug over mijn aanslag",
            contact_name="Els",
            phone="06 11122233",
            team=teams["belastingen"].pk,
            callback_moment="tomorrow_morning",
        )
        callback = CallbackRequest.objects.get()
        assert callback.due_at == at(2026, 12, 2, 12, 0)
        page = agent_client.get(response.url).content.decode()
    assert "terugbellen vóór 02-12-2026 12:00" in page


def test_another_moment_needs_a_note_which_is_kept(agent_client, teams):
    fields = {
        "question": "Bel mij terug",
        "contact_name": "Els",
        "phone": "06 11122233",
        "callback_moment": "other",
    }
    response = post(agent_client, "callback", **fields)
    assert response.status_code == 400
    assert "Schrijf op wanneer de beller teruggebeld wil worden." in response.content.decode()
    post(agent_client, "callback", callback_note="maandag na 14 uur", **fields)
    assert CallbackRequest.objects.get().preferred_moment == "maandag na 14 uur"


def test_an_unknown_moment_is_a_clear_error(agent_client, teams):
    response = post(
        agent_client,
        "callback",
        question="Bel mij terug",
        contact_name="Els",
        phone="06 11122233",
        callback_moment="morgenochtend",
    )
    assert response.status_code == 400 and "Kies een moment uit de lijst." in response.content.decode()
    assert "Bel mij terug" in response.content.decode()
    assert not Contact.objects.exists()
