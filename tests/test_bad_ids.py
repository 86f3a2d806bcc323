"""Out-of-range, negative and non-numeric ids in choice fields and filters: a Dutch form error or ignored, never
a 500 (issue 10)."""

import pytest
from django.urls import reverse

from tests.factories import submit_case

BAD_IDS = ["999999", "-1", "abc", "1.5", "99999999999999999999999", "0x10", " ", "1e3"]


@pytest.fixture
def strict(client):
    client.raise_request_exception = True
    return client


@pytest.mark.parametrize("bad", BAD_IDS)
def test_case_list_filters_ignore_or_reject_bad_ids(strict, teams, owner, bad):
    submit_case()
    strict.force_login(owner)
    for name in ("team", "topic", "owner", "status"):
        response = strict.get(reverse("casework:case-list"), {name: [bad, "1"]})
        assert response.status_code == 200, (name, bad)


@pytest.mark.parametrize("bad", BAD_IDS)
def test_knowledge_filters_and_form_reject_bad_ids(strict, owner, catalogue, bad):
    strict.force_login(owner)
    assert strict.get(reverse("knowledge:list"), {"team": bad, "q": "terras"}).status_code == 200
    assert strict.get(reverse("knowledge:new"), {"onderwerp": bad}).status_code == 200
    response = strict.post(reverse("knowledge:new"), {"title": "X", "topic": bad, "owner_team": bad})
    assert response.status_code == 400
    assert "Selecteer een geldige keuze" in response.content.decode() or "Kies" in response.content.decode()


@pytest.mark.parametrize("bad", BAD_IDS)
def test_case_forms_reject_bad_ids_with_a_dutch_error(strict, teams, owner, bad):
    case = submit_case().case
    strict.force_login(owner)
    for action, data in (
        ("case-hand-off", {"handoff-teams": [bad], "handoff-request_text": "Graag antwoord"}),
        ("case-assign", {"assign-owner": bad}),
        ("case-set-topic", {"topic-topic": bad}),
    ):
        response = strict.post(reverse(f"casework:{action}", args=[case.pk]), data)
        assert response.status_code == 400, (action, bad)
        assert "Controleer de velden" in response.content.decode()


@pytest.mark.parametrize("bad", BAD_IDS)
def test_kcc_and_company_pages_reject_bad_ids(strict, teams, owner, kcc_agent, catalogue, bad):
    strict.force_login(kcc_agent)
    assert (
        strict.get(reverse("kcc:workstation"), {"bedrijf": bad, "contact": bad, "klaar": bad}).status_code
        == 200
    )
    response = strict.post(
        reverse("kcc:workstation"),
        {"call-question": "Terras bij mijn café", "call-topic": bad, "call-team": bad, "call-company": bad},
    )
    assert response.status_code in (200, 400)
    strict.force_login(owner)
    assert strict.get(reverse("companies:visit-list"), {"status": bad, "page": bad}).status_code == 200
    response = strict.post(reverse("companies:company-new"), {"name": "Bakkerij", "account_manager": bad})
    assert response.status_code in (200, 400)
    assert "Bakkerij" in response.content.decode()


@pytest.mark.parametrize("bad", BAD_IDS)
def test_callback_form_rejects_bad_ids(strict, teams, owner, bad):
    case = submit_case().case
    strict.force_login(owner)
    response = strict.post(
        reverse("followup:callback-new", args=[case.pk]),
        {
            "terugbellen-name": "Jan",
            "terugbellen-phone": "0612345678",
            "terugbellen-subject": "x",
            "terugbellen-team": bad,
            "terugbellen-assignee": bad,
        },
    )
    assert response.status_code in (200, 400)
