"""The staff knowledge-base search page answers every search (it gave a 500: issue 10)."""

import pytest
from django.db import connection
from django.urls import reverse

from knowledge import demo as knowledge_demo


@pytest.fixture
def articles(catalogue):
    knowledge_demo.seed()


@pytest.mark.parametrize("query", ["terras", "terasvergunning", "evenement vergunning", "xyzzy", "de"])
def test_searching_the_knowledge_base_shows_hits(client, owner, articles, query):
    client.raise_request_exception = True
    client.force_login(owner)
    response = client.get(reverse("knowledge:list"), {"q": query})
    assert response.status_code == 200
    if query.startswith("ter"):
        assert "Terras bij uw café of restaurant" in response.content.decode()


def test_a_department_member_searches_within_their_team(client, vergunningen_member, articles):
    client.force_login(vergunningen_member)
    response = client.get(reverse("knowledge:list"), {"q": "terras", "team": "", "status": ""})
    assert response.status_code == 200
    assert "Terras bij uw café of restaurant" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text and trigram search")
@pytest.mark.parametrize("query", ["terasvergunning", "terras & café's", "terras:* | !(x)"])
def test_searching_on_postgres_shows_hits(client, owner, articles, query):
    client.raise_request_exception = True
    client.force_login(owner)
    response = client.get(reverse("knowledge:list"), {"q": query})
    assert response.status_code == 200
    assert "Terras bij uw café of restaurant" in response.content.decode()
