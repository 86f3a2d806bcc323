"""Issue 13: the lists at a big city's scale. Query budgets that do not grow with the rows, keyset pages that
visit every case exactly once, capped counts, and the search on SQLite (PostgreSQL's full text degrades to
icontains there)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework import views
from followup import services as followup
from intake.models import Case
from intake.selectors import CappedCount, capped_counts
from routing import services as routing
from tests.factories import submit_case

CASE_LIST_BUDGET = 12
CASE_PAGE_BUDGET = 12


def _cases(n, teams, owner, start=0):
    made = []
    for i in range(start, start + n):
        case = submit_case(
            email=f"o{i}@t.test", kvk_number=f"{20000000 + i}", company_name=f"Bakkerij {i}"
        ).case
        routing.case_hand_off(case=case, teams=[teams["vergunningen"]], request_text="?", actor=owner)
        followup.callback_create(case=case, name="Marco", phone="0612345678", subject="Bellen", actor=owner)
        made.append(case)
    return made


def _queries(client, url, django_assert_max_num_queries, budget):
    """The queries of one request, after a first one that filled the choice lists' cache."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    assert len(captured) <= budget, f"{url}: {len(captured)} queries"
    return len(captured)


def case_list_urls(teams, owner, case):
    return [
        "",
        "?status=waiting_department",
        "?status=new&status=in_progress",
        f"?team={teams['vergunningen'].pk}",
        f"?topic={case.topic_id or ''}",
        f"?owner={owner.pk}",
        "?channel=web",
        "?overdue=true",
        "?triage=true",
        "?aandacht=1",
        "?q=terras",
        "?q=Bakkerij+1",
        f"?q={case.reference}",
        f"?status=waiting_department&team={teams['vergunningen'].pk}&sort=deadline",
        "?sort=deadline",
        "?sort=-deadline",
        "?sort=status",
        "?sort=-reference",
        "?sort=created",
        "?laatste=1",
        "?laatste=1&sort=deadline",
    ]


def test_case_list_filters_and_sorts_keep_their_query_budget(
    client, teams, owner, django_assert_max_num_queries
):
    cases = _cases(2, teams, owner)
    client.force_login(owner)
    urls = case_list_urls(teams, owner, cases[0])
    before = {
        url: _queries(client, "/zaken/" + url, django_assert_max_num_queries, CASE_LIST_BUDGET)
        for url in urls
    }
    _cases(4, teams, owner, start=2)
    after = {
        url: _queries(client, "/zaken/" + url, django_assert_max_num_queries, CASE_LIST_BUDGET)
        for url in urls
    }
    assert after == before


@pytest.mark.parametrize(
    "name, user_fixture",
    [
        ("followup:deadlines", "owner"),
        ("followup:callbacks", "owner"),
        ("companies:company-list", "owner"),
        ("knowledge:list", "owner"),
        ("routing:inbox", "vergunningen_member"),
    ],
)
def test_list_pages_do_not_grow_with_the_rows(
    client, teams, owner, request, django_assert_max_num_queries, name, user_fixture
):
    user = request.getfixturevalue(user_fixture)
    _cases(2, teams, owner)
    Case.objects.update(deadline=timezone.localdate() - timedelta(days=1))  # every case on the overview
    client.force_login(user)
    before = _queries(client, reverse(name), django_assert_max_num_queries, CASE_LIST_BUDGET)
    _cases(4, teams, owner, start=2)
    Case.objects.update(deadline=timezone.localdate() - timedelta(days=1))
    after = _queries(client, reverse(name), django_assert_max_num_queries, CASE_LIST_BUDGET)
    assert after == before


def test_case_page_has_a_small_fixed_budget(client, teams, owner, django_assert_max_num_queries):
    from intake import services

    case = _cases(1, teams, owner)[0]
    client.force_login(owner)
    url = reverse("casework:case-detail", args=[case.pk])
    before = _queries(client, url, django_assert_max_num_queries, CASE_PAGE_BUDGET)
    for i in range(5):
        services.case_add_note(case=case, actor=owner, body=f"notitie {i}")
    routing.case_hand_off(case=case, teams=[teams["belastingen"]], request_text="?", actor=owner)
    assert _queries(client, url, django_assert_max_num_queries, CASE_PAGE_BUDGET) == before


# ----------------------------------------------------------------------------------------------------------
# Keyset pages


def _walk(client, url):
    """Follow "Volgende" from the first page; the cases in the order they were shown."""
    import re
    from html import unescape

    seen = []
    while url:
        html = client.get(url).content.decode()
        seen += [int(pk) for pk in re.findall(r'href="/zaken/(\d+)/"', html)]
        found = re.search(r'href="(\?[^"]*)" rel="next"', html)
        url = "/zaken/" + unescape(found.group(1)) if found else None
    return seen


@pytest.mark.parametrize(
    "sort", ["", "sort=deadline", "sort=-deadline", "sort=status", "sort=-created", "sort=reference"]
)
def test_keyset_pages_show_every_case_once_in_order(client, teams, owner, monkeypatch, sort):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    cases = _cases(7, teams, owner)
    today = timezone.localdate()
    for i, case in enumerate(cases):  # equal deadlines, and two without a deadline
        Case.objects.filter(pk=case.pk).update(
            deadline=None if i in (2, 5) else today + timedelta(days=i % 2)
        )
    client.force_login(owner)
    shown = _walk(client, f"/zaken/?{sort}")
    assert sorted(shown) == sorted(c.pk for c in cases)
    keys, descending = views._case_sort(sort.removeprefix("sort="))[1:]
    rows = list(Case.objects.all())

    def key(case):
        values = []
        for name in keys:
            value = getattr(case, name)
            if name == "deadline":  # NULL is the greatest deadline
                value = (value is None, value or today)
            values.append(value)
        return values

    assert shown == [c.pk for c in sorted(rows, key=key, reverse=descending)]


def test_last_page_and_previous_pages(client, teams, owner, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    cases = _cases(5, teams, owner)
    client.force_login(owner)
    newest_first = [c.pk for c in sorted(cases, key=lambda c: (c.created_at, c.pk), reverse=True)]
    last = client.get("/zaken/?laatste=1")
    assert list(last.context["page"]) == [Case.objects.get(pk=pk) for pk in newest_first[-2:]]
    assert not last.context["page"].has_next and last.context["page"].has_previous
    previous = client.get(f"/zaken/?voor={last.context['page'].previous_cursor}")
    assert [c.pk for c in previous.context["page"]] == newest_first[1:3]


def test_a_broken_cursor_shows_the_first_page(client, teams, owner):
    _cases(1, teams, owner)
    client.force_login(owner)
    for cursor in ["abc", "W10", "WyJ4Il0", "%%%", "WzEsMiwzLDRd"]:
        response = client.get(f"/zaken/?na={cursor}")
        assert response.status_code == 200
        assert len(response.context["page"]) == 1


# ----------------------------------------------------------------------------------------------------------
# Counts


def test_counts_stop_at_the_cap(teams, owner):
    _cases(3, teams, owner)
    counts = capped_counts(Case.objects.all(), {"all": Q(), "none": Q(pk=-1)}, cap=2)
    assert counts["all"].capped and int(counts["all"]) == 3 and str(counts["all"]) == "meer dan 2"
    assert counts["none"] == 0 and not counts["none"]
    assert str(CappedCount(1234, 10_000)) in {"1.234", "1,234"}


def test_case_list_heading_says_more_than_past_the_cap(client, teams, owner, monkeypatch):
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 2)
    _cases(3, teams, owner)
    client.force_login(owner)
    assert "meer dan 2 vragen" in client.get("/zaken/").content.decode()


def test_search_finds_reference_company_contact_and_text_on_sqlite(client, teams, owner):
    case = _cases(2, teams, owner)[1]
    client.force_login(owner)
    for q in [case.reference, "Bakkerij 1", "terras", "o1@t.test"]:
        html = client.get("/zaken/", {"q": q}).content.decode()
        assert f"/zaken/{case.pk}/" in html, q


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search (Dutch stemming)")
def test_search_uses_dutch_stemming_and_the_generated_column_on_postgresql(client, teams, owner):
    case = _cases(1, teams, owner)[0]
    Case.objects.filter(pk=case.pk).update(subject="Terrassen aan de gracht")
    assert Case.objects.filter(pk=case.pk, search_document__isnull=False).exists()
    client.force_login(owner)
    for q in ["terras", "gracht", case.reference[-4:]]:
        assert f"/zaken/{case.pk}/" in client.get("/zaken/", {"q": q}).content.decode(), q
    assert f"/zaken/{case.pk}/" not in client.get("/zaken/", {"q": "parkeren"}).content.decode()
