"""API fixtures: clients with scopes, and a DRF test client that sends their bearer token."""

import pytest
from rest_framework.test import APIClient

from api import services as api_services


@pytest.fixture
def make_client(teams):
    def make(name="Zaaksysteem", scopes=("cases:create", "cases:read"), team=None, rate_limit=""):
        issued = api_services.client_create(
            name=name,
            contact_email=f"{name.lower()}@gemeente.test",
            scopes=list(scopes),
            team=team,
            rate_limit=rate_limit,
        )
        http = APIClient()
        http.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.token}")
        http.api_client = issued.client
        http.token = issued.token
        return http

    return make


@pytest.fixture
def question():
    return {
        "question": "Mag ik een terras plaatsen voor mijn café aan de Markt?",
        "subject": "Terras",
        "company_name": "Café De Hoek",
        "kvk_number": "12345678",
        "contact_name": "Sanne de Vries",
        "email": "sanne@dehoek.test",
        "preferred_contact": "email",
        "consent": True,
    }
