"""Issue 16: a department's own system works its hand-offs over the API, scoped like the department's staff."""

import pytest

from routing import services as routing
from routing.models import Handoff
from tests.factories import submit_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed_off(owner, teams, topics):
    case = submit_case().case
    vergunningen, belastingen = routing.case_hand_off(
        case=case,
        actor=owner,
        requests={teams["vergunningen"]: "Mag dit terras er staan?", teams["belastingen"]: "Precario?"},
    )
    return case, vergunningen, belastingen


def test_department_system_claims_and_answers_end_to_end(make_client, handed_off):
    case, mine, _theirs = handed_off
    http = make_client(name="Vergunningensysteem", scopes=["handoffs:vergunningen"])
    listed = http.get("/api/v1/handoffs/?open=true").json()
    assert [h["id"] for h in listed["results"]] == [mine.pk]
    detail = http.get(f"/api/v1/handoffs/{mine.pk}/").json()
    assert detail["request_text"] == "Mag dit terras er staan?"
    assert detail["question"] == case.question
    assert all(e["kind"] != "note" for e in detail["thread"])

    claimed = http.post(f"/api/v1/handoffs/{mine.pk}/claim/")
    assert claimed.status_code == 200, claimed.content
    assert claimed.json()["status"] == "claimed"
    assert claimed.json()["claimed_by"] == "API: Vergunningensysteem"
    answered = http.post(
        f"/api/v1/handoffs/{mine.pk}/answer/", {"answer": "Ja, met een vergunning."}, format="json"
    )
    assert answered.status_code == 200
    mine.refresh_from_db()
    assert mine.status == Handoff.Status.ANSWERED and mine.answer == "Ja, met een vergunning."
    timeline = list(case.messages.values_list("body", flat=True))
    assert any("Vergunningensysteem" in body for body in timeline)
    # Answering twice is a conflict with the service's own Dutch message.
    again = http.post(f"/api/v1/handoffs/{mine.pk}/answer/", {"answer": "Nog eens"}, format="json")
    assert again.status_code == 409
    assert again.json()["detail"].startswith("U kunt deze uitzetting niet beantwoorden")


def test_return_and_ask_back(make_client, handed_off):
    _case, mine, theirs = handed_off
    http = make_client(name="Belastingsysteem", scopes=["handoffs:belastingen"])
    asked = http.post(
        f"/api/v1/handoffs/{theirs.pk}/request-information/", {"question": "Welk adres?"}, format="json"
    )
    assert asked.json()["status"] == "info_requested"
    vergunningen = make_client(name="Vergunningensysteem", scopes=["handoffs:vergunningen"])
    returned = vergunningen.post(
        f"/api/v1/handoffs/{mine.pk}/return/", {"reason": "Niet voor ons."}, format="json"
    )
    assert returned.json()["status"] == "returned"
    empty = vergunningen.post(f"/api/v1/handoffs/{mine.pk}/return/", {}, format="json")
    assert empty.status_code == 404 or empty.json()["invalid_params"][0]["name"] == "reason"


def test_a_client_cannot_see_or_touch_another_teams_handoff(make_client, handed_off):
    _case, _mine, theirs = handed_off
    http = make_client(name="Vergunningensysteem", scopes=["handoffs:vergunningen"])
    for response in (
        http.get(f"/api/v1/handoffs/{theirs.pk}/"),
        http.post(f"/api/v1/handoffs/{theirs.pk}/claim/"),
        http.post(f"/api/v1/handoffs/{theirs.pk}/answer/", {"answer": "x"}, format="json"),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["title"] == "Niet gevonden."
    theirs.refresh_from_db()
    assert theirs.status == Handoff.Status.OPEN
    # Without any hand-off scope the whole resource is forbidden.
    assert make_client(name="Zonder", scopes=["cases:read"]).get("/api/v1/handoffs/").status_code == 403


def test_companies_by_kvk_and_catalogue(make_client, topics):
    from intake.models import Company

    Company.objects.create(kvk_number="87654321", name="Bakkerij Brood")
    http = make_client(scopes=["companies:read", "catalogue:read"])
    assert http.get("/api/v1/companies/87654321/").json()["name"] == "Bakkerij Brood"
    assert http.get("/api/v1/companies/11111111/").status_code == 404
    assert http.get("/api/v1/companies/?name=bakkerij").json()["count"] == 1
    slugs = {t["slug"] for t in http.get("/api/v1/topics/").json()["results"]}
    assert "terrasvergunning" in slugs
    assert http.get("/api/v1/articles/").status_code == 200


def test_hand_off_list_uses_a_constant_number_of_queries(
    make_client, owner, teams, topics, django_assert_max_num_queries
):
    http = make_client(name="Vergunningensysteem", scopes=["handoffs:vergunningen"])

    def hand_off(n):
        for _ in range(n):
            case = submit_case().case
            routing.case_hand_off(case=case, actor=owner, teams=[teams["vergunningen"]], request_text="Graag")

    hand_off(2)
    with django_assert_max_num_queries(10) as few:
        assert http.get("/api/v1/handoffs/").json()["count"] == 2
    hand_off(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert http.get("/api/v1/handoffs/").json()["count"] == 10
