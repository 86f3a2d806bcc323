"""Data subject requests (AVG art. 15 and 17) on the functional administrator's page, and complete deletion."""

import json

import pytest
from django.urls import reverse

from intake.models import Case
from intake.outbox import OutboxMessage
from privacy import subject as subjects
from privacy.models import ErasureRequest
from routing.models import Handoff
from teams.audit import Action, AuditEvent
from tests.privacy.helpers import database_dump, full_case, media_files

MARCO = {
    "name": "Marco van Dijk",
    "email": "marco@cafe.test",
    "phone": "+31612345678",
    "company_name": "Café De Leeuw",
    "kvk": "12345678",
}
NAMESAKE = {
    "name": "Marco van Dijken",
    "email": "m.vandijken@bakker.test",
    "phone": "+31687654321",
    "company_name": "Bakkerij Van Dijken",
    "kvk": "87654321",
}


@pytest.fixture
def marco_and_namesake(teams, topics, owner):
    marco, _ = full_case(owner=owner, teams=teams, topics=topics, **MARCO)
    namesake, _ = full_case(owner=owner, teams=teams, topics=topics, attachment="andere.pdf", **NAMESAKE)
    return marco, namesake


def _export_json(client, query: str) -> dict:
    response = client.post(reverse("privacy:export"), {"query": query, "format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


@pytest.mark.django_db
def test_the_export_holds_everything_about_the_person_and_nothing_of_a_namesake(
    client, verified_superuser, marco_and_namesake
):
    marco, namesake = marco_and_namesake
    data = _export_json(client, "06-12345678")  # the phone number as people type it
    text = json.dumps(data, ensure_ascii=False)
    assert [c["reference"] for c in data["cases"]] == [marco.reference]
    (case,) = data["cases"]
    assert "Marco van Dijk" in case["question"]
    kinds = {m["visible_to_entrepreneur"] for m in case["timeline"]}
    assert kinds == {True, False}  # public and internal entries
    assert case["attachments"][0]["name"] == "offerte.pdf"
    assert case["handoffs"] and data["callbacks"] and data["kcc_calls"] and data["emails_sent"]
    assert data["contacts"][0]["email"] == "marco@cafe.test"
    assert data["training_texts"] and data["knowledge_gaps"]
    for trace in (
        "Dijken",
        "m.vandijken@bakker.test",
        "687654321",
        namesake.reference,
        "andere.pdf",
        "Bakkerij",
    ):
        assert trace not in text, trace
    assert _export_json(client, "MARCO@cafe.test")["cases"][0]["reference"] == marco.reference


@pytest.mark.django_db
def test_a_company_is_found_by_kvk_number_with_its_visits_and_notes(
    client, verified_superuser, marco_and_namesake, owner
):
    from companies import services as company_services

    marco, _namesake = marco_and_namesake
    company_services.company_add_note(company=marco.company, actor=owner, body="Wil uitbreiden")
    data = _export_json(client, "1234 5678")
    assert [c["name"] for c in data["companies"]] == ["Café De Leeuw"]
    assert data["companies"][0]["notes"][0]["body"] == "Wil uitbreiden"
    assert "Dijken" not in json.dumps(data, ensure_ascii=False)


@pytest.mark.django_db
def test_the_html_summary_is_printable_and_search_and_export_are_audit_logged(
    client, verified_superuser, marco_and_namesake
):
    marco, _ = marco_and_namesake
    page = client.post(reverse("privacy:subject"), {"query": "marco@cafe.test"})
    assert page.status_code == 200 and marco.reference in page.content.decode()
    summary = client.post(reverse("privacy:export"), {"query": "marco@cafe.test", "format": "html"})
    assert summary.status_code == 200
    html = summary.content.decode()
    assert "Overzicht van vastgelegde gegevens" in html and marco.reference in html and "offerte.pdf" in html
    events = list(AuditEvent.objects.filter(user=verified_superuser).order_by("pk"))
    assert [e.action for e in events] == [Action.SUBJECT_SEARCH, Action.EXPORT]
    for event in events:
        assert "marco@cafe.test" not in event.detail and event.detail.startswith(("cases=", "format="))


@pytest.mark.django_db
def test_an_erasure_leaves_no_trace_in_files_history_and_outbox(
    client, verified_superuser, marco_and_namesake, settings
):
    marco, _namesake = marco_and_namesake
    assert "Marco van Dijk" in database_dump()
    response = client.post(
        reverse("privacy:erase"),
        {"query": "marco@cafe.test", "ground": "withdrawn", "note": "Verzoek 2025-17", "confirm": "on"},
    )
    assert response.status_code == 302
    dump = database_dump()
    for trace in ('Marco van Dijk"', "Marco van Dijk ", "Marco van Dijk,", "marco@cafe.test", "612345678"):
        assert trace not in dump, trace
    # The company is not the person: only its own rows (name, KVK number) keep it after a person's erasure.
    assert "Café De Leeuw" not in database_dump(exclude={"intake.company", "intake.historicalcompany"})
    assert [
        p.name for p in media_files(settings) if "offerte" in p.name or p.suffix == ".pdf"
    ] != []  # the namesake's
    assert not marco.attachments.exists()
    assert all(str(p).find(f"attachments/{marco.pk}/") == -1 for p in media_files(settings))
    assert not OutboxMessage.objects.filter(case=marco).exclude(to_email="").exists()
    # The namesake is untouched; Marco's case still counts.
    assert "Marco van Dijken" in dump and "m.vandijken@bakker.test" in dump
    assert Case.objects.filter(pk=marco.pk, status=marco.status).exists()
    request = ErasureRequest.objects.get()
    assert request.ground == "withdrawn" and request.counts["cases"] == 1
    assert AuditEvent.objects.filter(action=Action.ERASE, user=verified_superuser).exists()


@pytest.mark.django_db
def test_erasure_needs_a_confirmation(client, verified_superuser, marco_and_namesake):
    response = client.post(reverse("privacy:erase"), {"query": "marco@cafe.test", "ground": "withdrawn"})
    assert response.status_code == 400
    assert "Marco van Dijk" in Case.objects.get(pk=marco_and_namesake[0].pk).question


@pytest.mark.django_db
def test_only_the_functional_administrator_opens_the_privacy_pages(client, owner):
    client.force_login(owner)
    assert client.get(reverse("privacy:subject")).status_code == 404
    assert client.get(reverse("privacy:audit")).status_code == 404


@pytest.mark.django_db
def test_deleting_a_case_in_the_admin_removes_files_history_and_outbox(
    client, verified_superuser, marco_and_namesake, settings
):
    marco, _namesake = marco_and_namesake
    handoff_ids = list(Handoff.objects.filter(case=marco).values_list("pk", flat=True))
    url = reverse("admin:intake_case_delete", args=[marco.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Case.objects.filter(pk=marco.pk).exists()
    assert not Case.history.model.objects.filter(id=marco.pk).exists()
    assert not Handoff.history.model.objects.filter(id__in=handoff_ids).exists()
    assert not OutboxMessage.objects.filter(subject__contains=marco.reference).exists()
    assert all(f"attachments/{marco.pk}/" not in str(p) for p in media_files(settings))
    dump = database_dump()
    assert "marco@cafe.test" not in dump and "612345678" not in dump
    assert AuditEvent.objects.filter(action=Action.DELETE, object_id=str(marco.pk)).exists()


def test_a_search_is_recognised_as_email_phone_or_kvk():
    assert subjects.recognise("06-12345678") == ("phone", "+31612345678")
    assert subjects.recognise(" Marco@Cafe.test ") == ("email", "marco@cafe.test")
    assert subjects.recognise("1234.5678") == ("kvk", "12345678")
    assert subjects.recognise("Marco") is None
