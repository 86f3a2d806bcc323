"""Every GET page, as every role that may open it, with realistic and garbage query parameters: never a 500.

The pages and who may open them come from the route x role table (tests/test_route_role_matrix.py); the
query strings try every search box, filter, sort and page number, and the nonsense people and bots send.
"""

import pytest
from django.test import Client

from tests.role_world import ROLES, build_world, client_for
from tests.test_route_role_matrix import EXPECTED, all_routes, url_for

QUERIES = [
    "",
    # search boxes
    "?q=terras",
    "?q=terrasvergunning+caf%C3%A9+OND-2026",
    "?q=%25%27%22%3C%3E%5C",
    "?zoek=12345678",
    "?zoek=Caf%C3%A9+De+Leeuw",
    "?zoek=1234+AB",
    "?zoek=06-12345678",
    "?zoek=" + "x" * 3000,
    # filters and sorting
    "?status=new&status=in_progress",
    "?status=handed_off&overdue=true&triage=true",
    "?channel=phone&team=1&topic=1&owner=1",
    "?aandacht=1",
    "?te_herzien=on&status=draft",
    "?status=planned",
    "?toon=afgerond",
    "?sort=deadline",
    "?sort=-status",
    "?sort=reference&page=2",
    "?weken=4",
    "?onderwerp=terrasvergunning",
    "?onderwerp=1",
    "?bedrijf=1&contact=1",
    "?query=12345678",
    # page numbers, in and out of range
    "?page=1",
    "?page=2",
    "?page=999999",
    "?page=-1",
    # garbage
    "?page=abc&status=xx&team=999999&topic=-1",
    "?sort=--deadline&owner=abc&channel=zzz&overdue=maybe",
    "?weken=abc",
    "?weken=-5&klaar=999999999999999999999",
    "?bedrijf=abc&contact=-1&klaar=abc",
    "?onderwerp=-1&zoek=%00",
    "?team=abc&te_herzien=xyz&status=&q=",
    "?page=1e9&topic=1.5&team=%00",
]


@pytest.fixture
def world(teams, topics, owner):
    return build_world(teams, topics, owner)


@pytest.mark.django_db
def test_no_page_gives_a_500(world, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    clients = {role: client_for(Client, world, role) for role in ROLES}
    for client in clients.values():
        client.raise_request_exception = False
    errors = []
    for name, _route, params in all_routes():
        codes = dict(zip(ROLES, EXPECTED.get(name, "").split(), strict=False))
        for role in ROLES:
            if codes.get(role) in ("405", "404", None) and name in EXPECTED:
                continue  # refused before the query string is read (the matrix checks that)
            tokens = [None] if "token" not in params else [world.token, world.closed_token]
            for token in tokens:
                url = url_for(name, params, world, token=token)
                for query in QUERIES:
                    status = clients[role].get(url + query).status_code
                    if status >= 500:
                        errors.append(f"{status} {name} as {role}: {url}{query[:80]}")
    assert not errors, "\n".join(errors)
