"""Every API route x every kind of client, from one explicit table (like tests/test_route_role_matrix.py for
staff roles). A new API route without a row fails this test.

Columns: no token; a client without scopes; cases (cases:create + cases:read); team economie (cases:read as
owner team); a department (handoffs:vergunningen); another department (handoffs:belastingen); reader
(companies:read + catalogue:read + events:subscribe). Each cell is the status of a GET with real arguments
(POST-only actions: a GET is 405 for any hand-off client, before the hand-off is looked up, as for staff;
tests/api/test_handoffs.py shows that a POST to another team's hand-off is 404).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from api import services
from intake.models import Company
from routing import services as routing
from tests.factories import submit_case

COLUMNS = ["none", "noscope", "cases", "economie", "dept", "other", "reader"]

# fmt: off
EXPECTED = {
    # route name                        none noscope cases eco  dept other reader
    "api:case-list":                   "401  403  200  200  403  403  403",
    "api:case-detail":                 "401  403  200  200  403  403  403",
    "api:handoff-list":                "401  403  403  403  200  200  403",
    "api:handoff-detail":              "401  403  403  403  200  404  403",
    "api:handoff-claim":               "401  403  403  403  405  405  403",
    "api:handoff-answer":              "401  403  403  403  405  405  403",
    "api:handoff-return":              "401  403  403  403  405  405  403",
    "api:handoff-request-information": "401  403  403  403  405  405  403",
    "api:company-list":                "401  403  403  403  403  403  200",
    "api:company-detail":              "401  403  403  403  403  403  200",
    "api:topic-list":                  "401  403  403  403  403  403  200",
    "api:topic-detail":                "401  403  403  403  403  403  200",
    "api:article-list":                "401  403  403  403  403  403  200",
    "api:article-detail":              "401  403  403  403  403  403  404",
    "api:subscription-list":           "401  403  403  403  403  403  200",
    "api:subscription-detail":         "401  403  403  403  403  403  404",
    "api:schema":                      "200  200  200  200  200  200  200",
    "api:docs":                        "200  200  200  200  200  200  200",
    "api:not-found":                   "404  404  404  404  404  404  404",
}
# fmt: on


def api_routes() -> set[str]:
    def walk(patterns, namespace="", prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, inner, route)
            elif isinstance(entry, URLPattern) and route.startswith("api/"):
                yield f"{namespace}{entry.name}"

    return set(walk(get_resolver().url_patterns))


def test_every_api_route_has_a_row():
    assert api_routes() == set(EXPECTED)


@pytest.mark.django_db
def test_scope_matrix(teams, topics, owner):
    def client(name, scopes, team=None):
        http = APIClient()
        if name:
            issued = services.client_create(
                name=name, contact_email="x@gemeente.test", scopes=scopes, team=team
            )
            http.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.token}")
            http.issued = issued
        return http

    clients = {
        "none": client("", []),
        "noscope": client("Leeg", []),
        "cases": client("Zaken", ["cases:create", "cases:read"]),
        "economie": client("Economie", ["cases:read"], teams["economie"]),
        "dept": client("Vergunningen", ["handoffs:vergunningen"]),
        "other": client("Belastingen", ["handoffs:belastingen"]),
        "reader": client("Lezer", ["companies:read", "catalogue:read", "events:subscribe"]),
    }
    case = submit_case().case
    case.created_by = clients["cases"].issued.client.user
    case.save(update_fields=["created_by"])
    handoff = routing.case_hand_off(
        case=case, actor=owner, teams=[teams["vergunningen"]], request_text="Graag"
    )[0]
    Company.objects.get_or_create(kvk_number="12345678", defaults={"name": "Café"})
    urls = {
        "api:case-list": "/api/v1/cases/",
        "api:case-detail": f"/api/v1/cases/{case.reference}/",
        "api:handoff-list": "/api/v1/handoffs/",
        "api:handoff-detail": f"/api/v1/handoffs/{handoff.pk}/",
        "api:handoff-claim": f"/api/v1/handoffs/{handoff.pk}/claim/",
        "api:handoff-answer": f"/api/v1/handoffs/{handoff.pk}/answer/",
        "api:handoff-return": f"/api/v1/handoffs/{handoff.pk}/return/",
        "api:handoff-request-information": f"/api/v1/handoffs/{handoff.pk}/request-information/",
        "api:company-list": "/api/v1/companies/",
        "api:company-detail": "/api/v1/companies/12345678/",
        "api:topic-list": "/api/v1/topics/",
        "api:topic-detail": "/api/v1/topics/terrasvergunning/",
        "api:article-list": "/api/v1/articles/",
        "api:article-detail": "/api/v1/articles/999999/",
        "api:subscription-list": "/api/v1/subscriptions/",
        "api:subscription-detail": "/api/v1/subscriptions/999999/",
        "api:schema": "/api/v1/schema/",
        "api:docs": "/api/v1/docs/",
        "api:not-found": "/api/v1/bestaat-niet/",
    }
    mismatches = []
    for name, row in EXPECTED.items():
        for column, expected in zip(COLUMNS, row.split(), strict=True):
            got = clients[column].get(urls[name]).status_code
            if got != int(expected):
                mismatches.append(f"{name} as {column}: expected {expected}, got {got}")
    assert not mismatches, "\n".join(mismatches)
