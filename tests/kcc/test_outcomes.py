"""The KCC screen: find the caller, get suggestions, and each outcome recorded in one click."""

import pytest
from django.urls import reverse

from followup.models import CallbackRequest
from intake.models import Case, Message, Resolution
from intake.workflow import Status
from kcc.models import KccCall
from knowledge import demo as knowledge_demo
from knowledge.models import KnowledgeArticle, KnowledgeGap, KnowledgeUse
from tests.factories import submit_case

URL = reverse("kcc:workstation")


@pytest.fixture
def articles(catalogue):
    knowledge_demo.seed()
    return KnowledgeArticle.objects.all()


@pytest.fixture
def agent_client(client, kcc_agent):
    client.force_login(kcc_agent)
    return client


def post(client, outcome, **fields):
    data = {"outcome": outcome, **{f"call-{k}": v for k, v in fields.items()}}
    return client.post(URL, data)


def test_the_screen_works_without_javascript(agent_client, articles):
    response = agent_client.get(URL)
    assert response.status_code == 200
    assert "Zoek suggesties" in response.content.decode()
    response = post(agent_client, "suggest", question="Mag ik een terras bij mijn café?")
    assert response.status_code == 200
    assert "Terras bij uw café of restaurant" in response.content.decode()
    assert not Case.objects.exists()  # suggestions write nothing


def test_suggestions_json_for_the_script(agent_client, articles, active_model):
    response = agent_client.get(reverse("kcc:suggestions"), {"q": "terras bij mijn cafe"})
    data = response.json()
    assert data["articles"][0]["title"] == "Terras bij uw café of restaurant"
    assert data["routing"][0]["topic"]  # the router's topic and team
    assert "team" in data["routing"][0] and "phone" in data["routing"][0]


def test_find_the_caller_by_kvk_phone_email_postcode_and_name(agent_client, teams):
    case = submit_case(phone="+31612345678").case
    company = case.company
    company.postcode, company.phone = "1234 AB", "+31101234567"
    company.save()
    for query in ("12345678", "1234ab", "marco@cafe.test", "06-12345678", "De Leeuw", "Marco"):
        response = agent_client.get(URL, {"zoek": query})
        assert f'name="pick" value="{company.pk}:' in response.content.decode(), query
    response = agent_client.get(URL, {"bedrijf": company.pk})
    assert case.reference in response.content.decode()  # open cases of the caller


def test_answered_on_the_spot_records_the_article_and_closes_the_case(agent_client, articles, kcc_agent):
    article = KnowledgeArticle.objects.get(title="Terras bij uw café of restaurant")
    response = post(
        agent_client,
        "answered",
        question="Mag ik een terras?",
        article=article.pk,
        contact_name="Marco",
        email="marco@cafe.test",
    )
    assert response.status_code == 302
    call = KccCall.objects.get()
    case = call.case
    assert call.outcome == KccCall.Outcome.ANSWERED and call.agent == kcc_agent
    assert case.status == Status.ANSWERED and case.resolution == Resolution.ANSWERED_FIRST_CONTACT
    assert case.channel == "phone" and case.topic == article.topic
    assert KnowledgeUse.objects.get().article == article
    assert case.messages.filter(kind=Message.Kind.ANSWER, body=article.public_answer).exists()


def test_answering_needs_an_article(agent_client, articles):
    response = post(agent_client, "answered", question="Mag ik een terras?")
    assert response.status_code == 400
    assert "Kies het kennisartikel" in response.content.decode()
    assert not Case.objects.exists()


def test_transfer_shows_the_direct_number_and_leaves_no_case(agent_client, articles, teams):
    teams["vergunningen"].phone = "14 0123 201"
    teams["vergunningen"].save()
    response = post(
        agent_client,
        "transferred",
        question="Vraag over mijn terras",
        team=teams["vergunningen"].pk,
        contact_name="Marco",
        phone="06 12345678",
    )
    call = KccCall.objects.get()
    assert call.outcome == KccCall.Outcome.TRANSFERRED and call.team == teams["vergunningen"]
    assert call.case is None and not Case.objects.exists()  # a warm transfer: a call-log entry only
    assert call.caller_name == "Marco" and call.caller_phone == "+31612345678"
    page = agent_client.get(response.url).content.decode()
    assert "14 0123 201" in page


def test_callback_request_uses_followup(agent_client, articles, teams):
    post(
        agent_client,
        "callback",
        question="Kan iemand mij terugbellen over de WOZ?",
        contact_name="Els",
        phone="06 11122233",
        team=teams["belastingen"].pk,
        callback_moment="tomorrow_morning",
    )
    callback = CallbackRequest.objects.get()
    assert callback.team == teams["belastingen"] and callback.phone == "+31611122233"
    assert callback.preferred_moment == "Morgenochtend" and callback.closes_case
    assert KccCall.objects.get().outcome == KccCall.Outcome.CALLBACK and callback.case.is_open


def test_callback_needs_a_phone_number(agent_client, articles, teams):
    response = post(
        agent_client, "callback", question="Bel mij terug", contact_name="Els", team=teams["belastingen"].pk
    )
    assert response.status_code == 400 and "telefoonnummer" in response.content.decode()
    assert not CallbackRequest.objects.exists()


def test_handed_to_economie_for_regie_and_the_knowledge_gap(agent_client, articles, catalogue):
    topic = catalogue.get(slug="bodem")
    post(
        agent_client,
        "regie",
        question="Mijn grond is vervuild, wat nu?",
        topic=topic.pk,
        could_not_answer="on",
        contact_name="Kees",
        email="kees@grond.test",
    )
    call = KccCall.objects.get()
    assert call.outcome == KccCall.Outcome.REGIE and call.could_not_answer
    gap = KnowledgeGap.objects.get()
    assert gap.topic == topic and gap.call == call and "vervuild" in gap.question


def test_departments_cannot_use_the_kcc_screen(client, vergunningen_member):
    client.force_login(vergunningen_member)
    assert client.get(URL).status_code == 404
    assert client.get(reverse("kcc:suggestions"), {"q": "terras"}).status_code == 404
