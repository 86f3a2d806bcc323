"""The case list sorts by its column headers through a whitelisted `sort` parameter."""

import pytest
from django.urls import reverse

from tests.factories import submit_case


@pytest.fixture
def three_cases(teams):
    return [submit_case(question=f"Vraag {i}", contact_name=f"Ondernemer {i}").case for i in range(3)]


def _references(response):
    return [case.reference for case in response.context["page"]]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("reference", [0, 1, 2]), ("-reference", [2, 1, 0]), ("created", [0, 1, 2]), ("-created", [2, 1, 0])],
)
def test_case_list_sorts_by_whitelisted_columns(client, owner, three_cases, sort, expected):
    client.force_login(owner)
    response = client.get(reverse("casework:case-list"), {"sort": sort})
    assert _references(response) == [three_cases[i].reference for i in expected]
    assert response.context["sort"] == sort


def test_sorting_by_deadline_and_status_works_and_marks_the_header(client, owner, three_cases):
    client.force_login(owner)
    for sort in ("deadline", "-deadline", "status", "-status"):
        response = client.get(reverse("casework:case-list"), {"sort": sort})
        assert response.status_code == 200 and len(_references(response)) == 3
    html = client.get(reverse("casework:case-list"), {"sort": "-deadline"}).content.decode()
    assert 'aria-sort="descending"' in html
    assert "sort=deadline" in html  # clicking again sorts ascending


def test_unknown_sort_values_are_ignored(client, owner, three_cases):
    client.force_login(owner)
    response = client.get(reverse("casework:case-list"), {"sort": "contact__email"})
    assert response.status_code == 200
    assert response.context["sort"] == ""
    assert len(_references(response)) == 3


def test_filters_survive_sorting_and_paging(client, owner, three_cases):
    client.force_login(owner)
    html = client.get(reverse("casework:case-list"), {"status": "new", "sort": "reference"}).content.decode()
    assert "status=new&amp;sort=-reference" in html
