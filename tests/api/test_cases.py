"""Issue 16: submitting and reading questions over the API, with the web form's rules, idempotently."""

import pytest

from intake.models import Case, Channel
from routing.models import Handoff

pytestmark = pytest.mark.django_db


def test_create_case_routes_it_and_reads_it_back(make_client, question, topics, active_model):
    http = make_client()
    response = http.post("/api/v1/cases/", question, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(reference=body["reference"])
    assert case.channel == Channel.API
    assert case.created_by == http.api_client.user
    assert case.routing_reason  # the router ran (after_submit)
    assert response["Location"].endswith(f"/api/v1/cases/{case.reference}/")
    detail = http.get(f"/api/v1/cases/{case.reference}/")
    assert detail.status_code == 200
    assert next(e["kind"] for e in detail.json()["timeline"]) == "question"
    assert all("Interne" not in e["text"] for e in detail.json()["timeline"])


def test_retried_create_with_the_same_idempotency_key_makes_one_case(make_client, question, topics):
    http = make_client()
    first = http.post("/api/v1/cases/", question, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    again = http.post("/api/v1/cases/", question, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    # The same key for another question is a conflict, not a silent replay.
    other = http.post(
        "/api/v1/cases/",
        {**question, "question": "Iets heel anders"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="abc-123",
    )
    assert other.status_code == 409
    assert other["Content-Type"] == "application/problem+json"
    # Another client's identical key is its own.
    second_client = make_client(name="Website")
    assert (
        second_client.post(
            "/api/v1/cases/", question, format="json", HTTP_IDEMPOTENCY_KEY="abc-123"
        ).status_code
        == 201
    )
    assert Case.objects.count() == 2


def test_validation_errors_are_dutch_problem_json_per_field(make_client, question, topics):
    http = make_client()
    bad = {
        **question,
        "email": "geen-adres",
        "phone": "",
        "kvk_number": "12",
        "consent": False,
        "topic": "bestaat-niet",
    }
    response = http.post("/api/v1/cases/", bad, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] == "De invoer is niet geldig."
    by_field = {p["name"]: p["reason"] for p in problem["invalid_params"]}
    assert by_field["email"] == "Vul een geldig e-mailadres in, bijvoorbeeld naam@bedrijf.nl."
    assert by_field["kvk_number"] == "Een KVK-nummer bestaat uit 8 cijfers, bijvoorbeeld 12345678."
    assert by_field["consent"] == "Geef toestemming, anders kunnen wij uw vraag niet behandelen."
    assert "topic" in by_field
    missing = http.post("/api/v1/cases/", {}, format="json").json()
    assert {p["name"] for p in missing["invalid_params"]} >= {"question", "contact_name", "consent"}
    assert Case.objects.count() == 0


def test_same_company_and_contact_rules_as_the_form(make_client, question, topics):
    """A known KVK number typed by someone who is not known at that company is only a claim."""
    from intake.models import Company

    Company.objects.create(kvk_number="12345678", name="Bestaand BV")
    http = make_client()
    body = http.post("/api/v1/cases/", question, format="json").json()
    case = Case.objects.get(reference=body["reference"])
    assert case.company is None and case.claimed_kvk_number == "12345678"
    assert body["company_kvk_number"] is None


def test_cases_read_scope_own_cases_or_all_for_team_economie(make_client, question, teams, topics):
    mine = make_client()
    other = make_client(name="Website")
    economie = make_client(name="CRM economie", scopes=["cases:read"], team=teams["economie"])
    reference = mine.post("/api/v1/cases/", question, format="json").json()["reference"]
    assert other.get(f"/api/v1/cases/{reference}/").status_code == 404
    assert other.get("/api/v1/cases/").json()["count"] == 0
    assert economie.get(f"/api/v1/cases/{reference}/").status_code == 200
    assert economie.get("/api/v1/cases/").json()["count"] == 1
    assert economie.post("/api/v1/cases/", question, format="json").status_code == 403


def test_unauthenticated_and_revoked_and_unknown_paths(make_client, question, teams):
    from rest_framework.test import APIClient

    from api import services as api_services

    anonymous = APIClient()
    response = anonymous.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    http = make_client()
    api_services.client_revoke(client=http.api_client)
    assert http.get("/api/v1/cases/").status_code == 401
    assert anonymous.get("/api/v1/bestaat-niet/").json()["status"] == 404
    rotated = make_client(name="Roteer")
    old_token = rotated.token
    issued = api_services.client_rotate(client=rotated.api_client)
    assert issued.token != old_token
    assert rotated.get("/api/v1/cases/").status_code == 401
    rotated.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.token}")
    assert rotated.get("/api/v1/cases/").status_code == 200


def test_etag_gives_304_and_every_call_is_logged(make_client, question, topics):
    from api.models import ApiCall

    http = make_client(scopes=["catalogue:read"])
    first = http.get("/api/v1/topics/")
    assert first.status_code == 200 and first["ETag"]
    again = http.get("/api/v1/topics/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert ApiCall.objects.filter(client=http.api_client).count() == 2
    assert list(ApiCall.objects.values_list("status", flat=True).order_by("pk")) == [200, 304]


def test_rate_limit_per_client(make_client, topics):
    http = make_client(scopes=["catalogue:read"], rate_limit="2/minute")
    assert http.get("/api/v1/topics/").status_code == 200
    assert http.get("/api/v1/topics/").status_code == 200
    limited = http.get("/api/v1/topics/")
    assert limited.status_code == 429
    assert limited["Retry-After"]
    assert "Te veel verzoeken" in limited.json()["detail"]
    other = make_client(name="Ander", scopes=["catalogue:read"], rate_limit="2/minute")
    assert other.get("/api/v1/topics/").status_code == 200


def test_lists_use_a_constant_number_of_queries(make_client, question, topics, django_assert_max_num_queries):
    from tests.factories import submit_case

    economie = make_client(
        name="CRM",
        scopes=["cases:read", "handoffs:vergunningen"],
        team=Case._meta.apps.get_model("teams", "Team").objects.get(slug="economie"),
    )
    for _ in range(3):
        submit_case()
    with django_assert_max_num_queries(8) as few:
        assert economie.get("/api/v1/cases/").status_code == 200
    for _ in range(10):
        submit_case()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert economie.get("/api/v1/cases/?page_size=50").json()["count"] == 13
    assert Handoff.objects.count() == 0


def test_a_nul_character_in_a_filter_is_a_400_not_a_database_error(make_client):
    http = make_client(scopes=["companies:read"])
    response = http.get("/api/v1/companies/?name=a%00b")
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "name"


def test_a_far_time_zone_offset_in_a_filter_is_handled(make_client):
    http = make_client()
    response = http.get("/api/v1/cases/", {"created_after": "0631-11-10T22:53:44+22:28"})
    assert response.status_code == 200
    assert http.get("/api/v1/cases/", {"created_after": "0001-01-01T00:00:00+05:00"}).status_code in (
        200,
        400,
    )
