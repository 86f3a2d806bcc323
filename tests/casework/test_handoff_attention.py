"""Team economie's side of hand-offs: a request per team, "vraagt uw aandacht", closing with unfinished
parts only after confirmation, and a final answer that starts from the departments' answers."""

import pytest
from django.urls import reverse

from intake.models import Case, Message
from intake.workflow import Status
from routing import services as routing
from routing.forms import HandOffForm
from routing.models import Handoff
from tests.factories import submit_case


def hand_off_two(teams, owner, case=None):
    case = case or submit_case().case
    return routing.case_hand_off(
        case=case,
        requests={teams["vergunningen"]: "Welke vergunning?", teams["belastingen"]: "Hoeveel precario?"},
        actor=owner,
    )


def test_hand_off_form_sends_each_ticked_team_its_own_text(client, teams, owner):
    case = submit_case().case
    client.force_login(owner)
    url = reverse("casework:case-hand-off", args=[case.pk])
    data = {
        "handoff-teams": [teams["vergunningen"].pk, teams["belastingen"].pk],
        "handoff-request_vergunningen": "Welke vergunning?",
        "handoff-request_belastingen": "",
        "handoff-request_omgeving": "niet aangevinkt, wordt niet gebruikt",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and not Handoff.objects.exists()
    page = response.content.decode()
    assert "Schrijf wat Belastingen moet beantwoorden." in page and "Welke vergunning?" in page  # text kept
    data["handoff-request_belastingen"] = "Hoeveel precario?"
    assert client.post(url, data).status_code == 302
    texts = dict(Handoff.objects.values_list("team__slug", "request_text"))
    assert texts == {"vergunningen": "Welke vergunning?", "belastingen": "Hoeveel precario?"}


def test_split_suggestion_ticks_main_and_extra_team_but_nothing_when_not_confident(teams):
    case = submit_case().case
    case.proposed_team = teams["vergunningen"]
    case.routing_suggestions = [
        {"topic": "x", "topic_name": "X", "team": "omgeving", "team_name": "Omgeving", "p": 0.2},
        {"team": "belastingen", "team_name": "Belastingen", "split": True},
    ]
    form = HandOffForm(case=case)
    assert {t.slug for t in form.initial["teams"]} == {"vergunningen", "belastingen"}
    assert "Vergunningen (hoofdteam)" in str(form.fields["teams"].help_text)
    assert "Belastingen (tweede deel van de vraag)" in str(form.fields["teams"].help_text)
    case.needs_triage = True
    form = HandOffForm(case=case)
    assert not form.initial.get("teams") and not form.fields["teams"].help_text


def test_ask_back_shows_on_the_case_page_with_a_reply_box(client, teams, owner, vergunningen_member):
    h_verg, _h_bel = hand_off_two(teams, owner)
    routing.handoff_request_information(handoff=h_verg, actor=vergunningen_member, question="Welk adres?")
    client.force_login(owner)
    page = client.get(reverse("casework:case-detail", args=[h_verg.case_id])).content.decode()
    assert "Vraagt uw aandacht" in page and "Welk adres?" in page
    reply = reverse("casework:case-handoff-reply", args=[h_verg.case_id, h_verg.pk])
    assert reply in page
    empty = client.post(reply, {f"reply-{h_verg.pk}-body": ""})
    assert empty.status_code == 400 and "Schrijf de aanvulling." in empty.content.decode()
    assert client.post(reply, {f"reply-{h_verg.pk}-body": "Markt 1"}).status_code == 302
    assert Handoff.objects.get(pk=h_verg.pk).status == Handoff.Status.CLAIMED  # back to the department
    assert Message.objects.filter(data__event="info_provided", case_id=h_verg.case_id).exists()
    page = client.get(reverse("casework:case-detail", args=[h_verg.case_id])).content.decode()
    assert "Vraagt uw aandacht" not in page


def test_returned_handoff_shows_its_reason(client, teams, owner, belastingen_member):
    _h_verg, h_bel = hand_off_two(teams, owner)
    routing.handoff_return(handoff=h_bel, actor=belastingen_member, reason="Hoort bij Omgeving")
    client.force_login(owner)
    page = client.get(reverse("casework:case-detail", args=[h_bel.case_id])).content.decode()
    assert "Vraagt uw aandacht" in page and "Hoort bij Omgeving" in page


def test_case_list_marks_counts_and_filters_cases_needing_attention(
    client, teams, owner, vergunningen_member, belastingen_member
):
    asks, _ = hand_off_two(teams, owner)
    _, returned = hand_off_two(teams, owner, case=submit_case(email="b@b.test", kvk_number="22222222").case)
    quiet, _ = hand_off_two(teams, owner, case=submit_case(email="c@c.test", kvk_number="33333333").case)
    routing.handoff_request_information(handoff=asks, actor=vergunningen_member, question="?")
    routing.handoff_return(handoff=returned, actor=belastingen_member, reason="Niet van ons")
    client.force_login(owner)
    response = client.get(reverse("casework:case-list"))
    assert response.context["counts"]["attention"] == 2
    assert "Vraagt uw aandacht" in response.content.decode()
    assert response.content.decode().count("attention-marker") == 2
    filtered = client.get(reverse("casework:case-list") + "?aandacht=1")
    shown = {c.pk for c in filtered.context["page"]}
    assert shown == {asks.case_id, returned.case_id} and quiet.case_id not in shown


@pytest.mark.parametrize("n", [2, 20])
def test_attention_keeps_the_case_list_queries_constant(
    client, teams, owner, vergunningen_member, django_assert_max_num_queries, n
):
    for i in range(n):
        h, _ = hand_off_two(
            teams, owner, case=submit_case(email=f"o{i}@t.test", kvk_number=f"{40000000 + i}").case
        )
        routing.handoff_request_information(handoff=h, actor=vergunningen_member, question="?")
    client.force_login(owner)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("casework:case-list") + "?aandacht=1")
    assert response.content.decode().count("attention-marker") == n


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("case-answer", {"answer-body": "Het antwoord.", "answer-resolution": "answered"}),
        ("case-refer", {"refer-organisation": "KVK", "refer-url": "", "refer-body": "Vraag het de KVK."}),
        ("case-cancel", {"cancel-resolution": "withdrawn", "cancel-reason": "Ingetrokken"}),
    ],
)
def test_closing_with_unfinished_handoffs_needs_confirmation_and_a_reason(
    client, teams, owner, belastingen_member, action, data
):
    h_verg, h_bel = hand_off_two(teams, owner)
    routing.handoff_return(handoff=h_bel, actor=belastingen_member, reason="Niet van ons")
    prefix = data and next(iter(data)).split("-")[0]
    client.force_login(owner)
    url = reverse(f"casework:{action}", args=[h_verg.case_id])
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400 and "Toch afsluiten" in page
    assert "Vergunningen (nieuw)" in page and "Belastingen (teruggestuurd)" in page
    assert Case.objects.get(pk=h_verg.case_id).is_open
    response = client.post(url, {**data, f"{prefix}-confirm": "on"})
    assert (
        response.status_code == 400 and "Geef een reden om toch af te sluiten." in response.content.decode()
    )
    assert Case.objects.get(pk=h_verg.case_id).is_open
    response = client.post(
        url, {**data, f"{prefix}-confirm": "on", f"{prefix}-confirm_reason": "Ondernemer belde"}
    )
    assert response.status_code == 302
    assert not Case.objects.get(pk=h_verg.case_id).is_open
    entry = Message.objects.get(case_id=h_verg.case_id, data__event="close_override")
    assert "Ondernemer belde" in entry.body and "Vergunningen" in entry.body and "Belastingen" in entry.body


def test_closing_without_unfinished_handoffs_needs_no_confirmation(
    client, teams, owner, vergunningen_member, belastingen_member
):
    h_verg, h_bel = hand_off_two(teams, owner)
    routing.handoff_answer(handoff=h_verg, actor=vergunningen_member, answer="Terrasvergunning.")
    routing.handoff_answer(handoff=h_bel, actor=belastingen_member, answer="€ 32 per m².")
    client.force_login(owner)
    page = client.get(reverse("casework:case-detail", args=[h_verg.case_id]))
    assert "Toch afsluiten" not in page.content.decode()
    assert page.context["answer_form"].initial["body"] == (
        "Vergunningen: Terrasvergunning.\n\nBelastingen: € 32 per m²."
    )
    response = client.post(
        reverse("casework:case-answer", args=[h_verg.case_id]),
        {"answer-body": "", "answer-resolution": "answered"},
    )
    assert response.context["answer_form"]["body"].value() == ""  # what the owner typed (nothing) is kept
    response = client.post(
        reverse("casework:case-answer", args=[h_verg.case_id]),
        {"answer-body": "Eigen tekst", "answer-resolution": "answered"},
    )
    assert response.status_code == 302 and Case.objects.get(pk=h_verg.case_id).status == Status.ANSWERED
