"""The one role model (teams/access.py) at work: who may act on a case, who sees which callbacks, deadlines,
knowledge drafts, company details and hand-off messages (issue 10)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from followup import services as followup_services
from intake import services as intake_services
from intake.models import Case, Message
from knowledge import services as knowledge_services
from knowledge.models import KnowledgeArticle, KnowledgeGap
from routing import services as routing_services
from routing.selectors import handoff_attachments, handoff_thread
from teams import access
from teams.models import Membership
from tests.conftest import make_user
from tests.factories import submit_case

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def handed_case(teams, owner):
    case = submit_case().case
    routing_services.case_hand_off(
        case=case, teams=[teams["vergunningen"]], request_text="Advies?", actor=owner
    )
    return case


# ----------------------------------------------------------------------------------------------------------
# Owner actions: team economie only; the KCC reads


OWNER_ACTIONS = [
    ("casework:case-assign", {}),
    ("casework:case-set-topic", {"topic": ""}),
    ("casework:case-hand-off", {}),
    ("casework:case-request-info", {"info-body": "Stuur de plattegrond."}),
    ("casework:case-answer", {"answer-body": "Ja.", "answer-resolution": "answered"}),
    ("casework:case-refer", {}),
    ("casework:case-cancel", {}),
    ("casework:case-reopen", {}),
]


@pytest.mark.parametrize(("name", "data"), OWNER_ACTIONS)
def test_the_kcc_may_not_act_as_owner_on_a_case(client, kcc_agent, name, data):
    case = submit_case().case
    client.force_login(kcc_agent)
    assert client.post(reverse(name, args=[case.pk]), data).status_code == 404
    case.refresh_from_db()
    assert case.status == "new" and case.owner is None


def test_team_economie_acts_and_the_kcc_still_reads_and_notes(client, owner, kcc_agent):
    case = submit_case().case
    client.force_login(owner)
    response = client.post(reverse("casework:case-assign", args=[case.pk]), {})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.owner == owner
    owner_page = client.get(reverse("casework:case-detail", args=[case.pk])).content.decode()
    assert reverse("casework:case-answer", args=[case.pk]) in owner_page

    client.force_login(kcc_agent)
    page = client.get(reverse("casework:case-detail", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for name, _data in OWNER_ACTIONS:
        assert reverse(name, args=[case.pk]) not in html, name
    assert "Alleen team economie behandelt deze vraag." in html
    note = client.post(reverse("casework:case-note", args=[case.pk]), {"note-body": "Beller belde terug."})
    assert note.status_code == 302
    assert case.messages.filter(kind=Message.Kind.NOTE, author=kcc_agent).exists()


def test_the_kcc_may_not_take_the_owners_decisions(client, owner, kcc_agent):
    case = submit_case().case
    routing_services.case_close_with_answer(case=case, actor=owner, body="Ja.", resolution="answered")
    rating = followup_services.rating_submit(case=case, score=1)
    client.force_login(kcc_agent)
    assert client.post(reverse("followup:rating-reopen", args=[rating.pk])).status_code == 404
    assert (
        client.post(reverse("followup:waiting-decision", args=[case.pk]), {"decision": "close"}).status_code
        == 404
    )
    case.refresh_from_db()
    assert not case.is_open


# ----------------------------------------------------------------------------------------------------------
# The full intake form and the functional administrator


def test_department_staff_cannot_use_the_kcc_intake_form(client, vergunningen_member, kcc_agent, owner):
    client.force_login(vergunningen_member)
    assert client.get(reverse("kcc:new")).status_code == 404
    assert client.post(reverse("kcc:new"), {"question": "Vraag"}).status_code == 404
    assert Case.objects.count() == 0
    for user in (kcc_agent, owner):
        client.force_login(user)
        assert client.get(reverse("kcc:new")).status_code == 200


def test_a_superuser_administers_and_owns_cases_only_as_a_member_of_team_economie(teams):
    admin = get_user_model().objects.create_superuser("beheer", email="b@gemeente.test", password="pw")
    roles = access.roles_for(admin)
    assert not roles.is_owner and not roles.is_coordinator and not roles.is_staff_member
    member = get_user_model().objects.create_superuser("beheer2", email="c@gemeente.test", password="pw")
    Membership.objects.create(user=member, team=teams["economie"], role=Membership.Role.MEMBER)
    roles = access.roles_for(member)
    assert roles.is_owner and roles.owns_cases and not roles.is_coordinator


# ----------------------------------------------------------------------------------------------------------
# Overviews: a department coordinator sees their own team's


def test_a_department_coordinator_sees_only_their_teams_callbacks_and_deadlines(
    client, teams, owner, kcc_agent, handed_case
):
    coordinator = make_user("vera", teams["vergunningen"], Membership.Role.COORDINATOR)
    other = submit_case(question="Precario voor mijn uitstalling", email="els@winkel.test").case
    routing_services.case_hand_off(case=other, teams=[teams["belastingen"]], request_text="?", actor=owner)
    ours = followup_services.callback_create(
        case=handed_case,
        name="Marco",
        phone="0612345678",
        subject="Terras",
        team=teams["vergunningen"],
        actor=kcc_agent,
    )
    theirs = followup_services.callback_create(
        case=other,
        name="Els",
        phone="0612345679",
        subject="Precario",
        team=teams["belastingen"],
        actor=kcc_agent,
    )
    client.force_login(coordinator)
    groups = client.get(reverse("followup:callbacks")).context["groups"]
    assert [cb.pk for g in groups for cb in g.callbacks] == [ours.pk]
    assert client.get(reverse("followup:callback-detail", args=[theirs.pk])).status_code == 404
    refused = client.post(reverse("followup:callback-cancel", args=[theirs.pk]), {"reason": "Dubbel"})
    assert refused.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "open"

    later = dt.datetime(2030, 1, 7, 10, tzinfo=AMS)  # every deadline has passed
    with time_machine.travel(later, tick=False):
        client.force_login(coordinator)  # the session of today has expired by then
        buckets = client.get(reverse("followup:deadlines")).context["buckets"]
    overdue = next(b for b in buckets if b.key == "overdue")
    assert [r.obj.pk for r in overdue.cases] == [handed_case.pk] and overdue.case_count == 1
    assert [r.obj.team_id for r in overdue.handoffs] == [
        teams["vergunningen"].pk
    ] and overdue.handoff_count == 1

    for user in (owner, make_user("karin", teams["kcc"], Membership.Role.COORDINATOR)):
        client.force_login(user)
        groups = client.get(reverse("followup:callbacks")).context["groups"]
        assert {cb.pk for g in groups for cb in g.callbacks} == {ours.pk, theirs.pk}
        with time_machine.travel(later, tick=False):
            client.force_login(user)
            buckets = client.get(reverse("followup:deadlines")).context["buckets"]
        assert next(b for b in buckets if b.key == "overdue").handoff_count == 2


# ----------------------------------------------------------------------------------------------------------
# Knowledge drafts and the gap report


def test_departments_read_published_articles_and_only_their_own_drafts(
    client, teams, topics, owner, vergunningen_member
):
    def article(title, team, status, topic="terras"):
        return knowledge_services.article_save(
            actor=owner,
            topic=topics[topic],
            title=title,
            public_answer="Antwoord.",
            internal_notes="Interne notitie.",
            owner_team=team,
            status=status,
        )

    published = article("Terras aanvragen", teams["economie"], KnowledgeArticle.Status.PUBLISHED)
    own_draft = article("Terras concept", teams["vergunningen"], KnowledgeArticle.Status.DRAFT)
    other_draft = article("Precario concept", teams["belastingen"], KnowledgeArticle.Status.DRAFT, "precario")
    client.force_login(vergunningen_member)
    for visible in (published, own_draft):
        assert client.get(reverse("knowledge:detail", args=[visible.pk])).status_code == 200
    assert client.get(reverse("knowledge:detail", args=[other_draft.pk])).status_code == 404
    listed = client.get(reverse("knowledge:list"), {"team": ""}).context["page"].object_list
    assert {a.pk for a in listed} == {published.pk, own_draft.pk}

    KnowledgeGap.objects.create(topic=topics["terras"], question="Terras?")
    KnowledgeGap.objects.create(topic=topics["precario"], question="Precario?")
    rows = client.get(reverse("knowledge:gaps")).context["rows"]
    assert [r.topic_id for r in rows] == [topics["terras"].pk]
    client.force_login(owner)
    rows = client.get(reverse("knowledge:gaps")).context["rows"]
    assert {r.topic_id for r in rows} == {topics["terras"].pk, topics["precario"].pk}
    assert client.get(reverse("knowledge:detail", args=[other_draft.pk])).status_code == 200


# ----------------------------------------------------------------------------------------------------------
# The company page and the hand-off page: only what was handed to the department


def test_a_department_sees_no_counts_or_contacts_beyond_its_hand_offs(
    client, vergunningen_member, handed_case
):
    submit_case(question="Mijn WOZ-waarde klopt niet", email="marco@cafe.test")  # same contact, not handed
    submit_case(question="Afval ophalen", contact_name="Sanne de Vries", email="sanne@cafe.test")
    client.force_login(vergunningen_member)
    response = client.get(reverse("companies:company-detail", args=[handed_case.company_id]))
    contacts = list(response.context["contacts"])
    assert [(c.name, c.case_count) for c in contacts] == [("Marco van Dijk", 1)]
    html = response.content.decode()
    assert "sanne@cafe.test" not in html and "2 vragen" not in html
    (company,) = client.get(reverse("companies:company-list")).context["page"].object_list
    assert company.open_cases == 1


def test_a_closed_hand_off_shows_nothing_added_to_the_case_afterwards(
    client, teams, owner, vergunningen_member, handed_case
):
    handoff = handed_case.handoffs.get()
    start = timezone.now() + dt.timedelta(hours=1)
    with time_machine.travel(start, tick=False):
        routing_services.handoff_answer(handoff=handoff, actor=vergunningen_member, answer="Dat mag.")
    with time_machine.travel(start + dt.timedelta(hours=2), tick=False):
        intake_services.case_add_entrepreneur_reply(case=handed_case, body="Ik verhuis ook mijn bedrijf.")
    handoff.refresh_from_db()
    bodies = [m.body for m in handoff_thread(handoff)]
    assert any("Dat mag." in body for body in bodies)
    assert "Ik verhuis ook mijn bedrijf." not in bodies
    assert handoff_attachments(handoff).count() == 0
    client.force_login(vergunningen_member)
    page = client.get(reverse("routing:handoff-detail", args=[handoff.pk])).content.decode()
    assert "Ik verhuis ook mijn bedrijf." not in page
