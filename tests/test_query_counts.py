"""Lists run a constant number of queries whatever their length."""

import pytest
from django.urls import reverse

from routing import services as routing
from tests.factories import submit_case


def make_cases(n, teams, owner):
    for i in range(n):
        case = submit_case(email=f"o{i}@t.test", kvk_number=f"{10000000 + i}").case
        routing.case_hand_off(case=case, teams=[teams["vergunningen"]], request_text="?", actor=owner)


@pytest.mark.parametrize("n", [3, 30])
def test_case_list_queries_do_not_grow_with_the_list(client, teams, owner, django_assert_max_num_queries, n):
    make_cases(n, teams, owner)
    client.force_login(owner)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("casework:case-list"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_department_inbox_queries_do_not_grow(
    client, teams, owner, vergunningen_member, django_assert_max_num_queries, n
):
    make_cases(n, teams, owner)
    client.force_login(vergunningen_member)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("routing:inbox"))
    assert response.content.decode().count("<tr>") == n + 1


@pytest.mark.parametrize("n", [2, 20])
def test_case_page_queries_do_not_grow_with_the_timeline(
    client, teams, owner, django_assert_max_num_queries, n
):
    from intake import services

    case = submit_case().case
    for i in range(n):
        services.case_add_note(case=case, actor=owner, body=f"notitie {i}")
    client.force_login(owner)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("casework:case-detail", args=[case.pk]))
    assert response.content.decode().count("notitie ") >= n
