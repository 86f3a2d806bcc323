"""Issue 16: the committed OpenAPI document matches the code, and the live API matches the document.

The schemathesis run calls every operation through the WSGI app (no server needed) with the schema's
examples and generated input, at most 10 examples per operation, and checks: no server error, status codes,
content types, headers and bodies as documented.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.schema import SCHEMA_FILE, openapi_yaml


def test_docs_openapi_yaml_matches_the_code():
    assert SCHEMA_FILE.read_text() == openapi_yaml(), (
        "docs/openapi.yaml is out of date: run `manage.py api_schema`"
    )


def test_reference_page_needs_no_cdn(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "//unpkg" not in html and "jsdelivr" not in html


schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request (`close_old_connections`), which
    would end the test's transaction on PostgreSQL; Django's own test client switches that off the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(db, teams, topics, _keep_the_test_connection):
    """One client with every scope, acting for team economie, and something to read."""
    from api import services
    from intake.models import Company
    from tests.factories import submit_case

    issued = services.client_create(
        name="Schemathesis",
        contact_email="st@gemeente.test",
        scopes=[
            "cases:create",
            "cases:read",
            "companies:read",
            "catalogue:read",
            "events:subscribe",
            "handoffs:vergunningen",
        ],
        team=teams["economie"],
        rate_limit="1000000/minute",
    )
    Company.objects.create(kvk_number="12345678", name="Café De Hoek")
    submit_case()
    return issued.token


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays repeatable (run locally without it to explore)
    database=None,  # no .hypothesis/ directory in the work tree
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_live_api_conforms_to_its_schema(case, api_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {api_token}"}, checks=CHECKS)
