"""The case list with rare and empty filter values (a team without cases, a search without hits) and the two
ways a page is read: by id for a filter that matches few cases, from an index in the page's order otherwise
(forced here with a tiny LIST_COUNT_CAP). The team filter is the union of a team's proposed cases and the
cases handed to it; on PostgreSQL each side is read from its own index (casework.filters.CaseFilter)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework import views
from intake.models import Case
from routing import services as routing
from tests.casework.test_list_scale import _walk
from tests.factories import submit_case

# The read by id (few cases) and the read from an index in the order (a cap below the number of cases).
CAPS = [pytest.param(views.LIST_COUNT_CAP, id="by-id"), pytest.param(1, id="by-index")]


@pytest.fixture
def team_cases(teams, owner):
    """Two cases proposed to omgeving, two handed to belastingen, one both proposed to and handed to markt."""
    made = {}
    for i, name in enumerate(["proposed-1", "proposed-2", "handed-1", "handed-2", "both"]):
        made[name] = submit_case(email=f"t{i}@t.test", kvk_number=f"{30000000 + i}").case
    Case.objects.filter(pk__in=[made["proposed-1"].pk, made["proposed-2"].pk]).update(
        proposed_team=teams["omgeving"]
    )
    Case.objects.filter(pk__in=[made["handed-1"].pk, made["handed-2"].pk]).update(proposed_team=None)
    for name in ("handed-1", "handed-2"):
        routing.case_hand_off(case=made[name], teams=[teams["belastingen"]], request_text="?", actor=owner)
    Case.objects.filter(pk=made["both"].pk).update(proposed_team=teams["markt"])
    routing.case_hand_off(case=made["both"], teams=[teams["markt"]], request_text="?", actor=owner)
    return made


def _listed(client, url) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/zaken/(\d+)/"', client.get(url).content.decode())]


@pytest.mark.parametrize("cap", CAPS)
def test_team_filter_lists_proposed_and_handed_off_cases_and_nothing_for_a_team_without_cases(
    client, teams, owner, team_cases, monkeypatch, cap
):
    monkeypatch.setattr(views, "LIST_COUNT_CAP", cap)
    client.force_login(owner)
    ids = {name: case.pk for name, case in team_cases.items()}
    empty = client.get(f"/zaken/?team={teams['kcc'].pk}")
    assert list(empty.context["page"]) == [] and int(empty.context["total"]) == 0
    assert "Geen vragen gevonden met deze filters." in empty.content.decode()
    assert sorted(_listed(client, f"/zaken/?team={teams['omgeving'].pk}")) == sorted(
        [ids["proposed-1"], ids["proposed-2"]]
    )
    assert sorted(_listed(client, f"/zaken/?team={teams['belastingen'].pk}")) == sorted(
        [ids["handed-1"], ids["handed-2"]]
    )
    assert _listed(client, f"/zaken/?team={teams['markt'].pk}") == [ids["both"]]  # once, not per side
    for sort in ("deadline", "-status", "reference"):
        assert _listed(client, f"/zaken/?team={teams['kcc'].pk}&sort={sort}&laatste=1") == []
        assert sorted(
            _listed(client, f"/zaken/?team={teams['belastingen'].pk}&sort={sort}&laatste=1")
        ) == sorted([ids["handed-1"], ids["handed-2"]])


@pytest.mark.parametrize("cap", CAPS)
@pytest.mark.parametrize("sort", ["", "sort=deadline", "sort=-deadline", "sort=status", "sort=reference"])
def test_team_pages_show_every_case_of_the_team_once_in_order(client, teams, owner, monkeypatch, sort, cap):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(views, "LIST_COUNT_CAP", cap)
    team = teams["omgeving"]
    today = timezone.localdate()
    cases = [submit_case(email=f"p{i}@t.test", kvk_number=f"{31000000 + i}").case for i in range(8)]
    for i, case in enumerate(cases):
        # proposed, handed off, both or neither; equal deadlines and some without one
        Case.objects.filter(pk=case.pk).update(
            proposed_team=team if i % 4 in (0, 2) else None,
            deadline=None if i in (2, 5) else today + timedelta(days=i % 2),
        )
        if i % 4 in (1, 2):
            routing.case_hand_off(case=case, teams=[team], request_text="?", actor=owner)
    client.force_login(owner)
    shown = _walk(client, f"/zaken/?team={team.pk}&{sort}")
    keys, descending = views._case_sort(sort.removeprefix("sort="))[1:]

    def key(case):
        values = []
        for name in keys:
            value = getattr(case, name)
            if name == "deadline":  # NULL is the greatest deadline
                value = (value is None, value or today)
            values.append(value)
        return values

    mine = [
        c
        for c in Case.objects.all()
        if c.proposed_team_id == team.pk or c.handoffs.filter(team=team).exists()
    ]
    assert len(mine) == 6
    assert shown == [c.pk for c in sorted(mine, key=key, reverse=descending)]


def test_a_filter_without_matches_shows_an_empty_list_without_reading_a_page(client, teams, owner):
    submit_case()
    client.force_login(owner)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/zaken/?q=xqzwvjk&sort=-deadline")
    assert list(response.context["page"]) == [] and int(response.context["total"]) == 0
    ordered = [q["sql"] for q in queries if 'FROM "intake_case"' in q["sql"] and "ORDER BY" in q["sql"]]
    assert ordered == []  # no case is looked for in an index in the page's order


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the UNION of ordered, limited parts")
@pytest.mark.parametrize("cap", CAPS)
def test_team_filter_reads_each_side_from_its_own_index_on_postgresql(
    client, teams, owner, team_cases, monkeypatch, cap
):
    """`proposed_team = X OR EXISTS (hand-off to X)` has no index: PostgreSQL guessed that it matched half the
    cases and, for a team without cases, read all million looking for a page (/zaken/?team=2 took a second).
    Each side is read from its own index, in a UNION; the OR may only narrow that union down."""
    monkeypatch.setattr(views, "LIST_COUNT_CAP", cap)
    client.force_login(owner)
    proposed_or_handed = re.compile(r'"proposed_team_id" = \d+ OR EXISTS')
    for team in ("kcc", "belastingen", "markt"):
        for sort in ("", "&sort=deadline", "&laatste=1"):
            with CaptureQueriesContext(connection) as queries:
                client.get(f"/zaken/?team={teams[team].pk}{sort}")
            cases = [q["sql"] for q in queries if 'FROM "intake_case"' in q["sql"]]
            assert any("UNION" in sql for sql in cases), cases
            assert all("UNION" in sql for sql in cases if proposed_or_handed.search(sql)), cases


def test_filter_form_renders_labels_ids_and_errors_without_crispy(client, teams, owner):
    submit_case()
    client.force_login(owner)
    html = client.get("/zaken/?team=999999&status=bogus&q=terras&overdue=true").content.decode()
    form = re.search(r'<form method="get" class="filters".*?</form>', html, re.S).group(0)
    for name in ("q", "topic", "team", "owner", "channel", "overdue", "triage"):
        assert f'<label for="id_{name}" class="form-label">' in form, name
        assert f'id="id_{name}"' in form, name
    assert re.search(r'<input type="text" name="q" value="terras" class="form-control" id="id_q">', form)
    assert re.search(r'<option value="true" selected>Ja</option>', form)  # overdue keeps its choice
    team = re.search(r'<select name="team"[^>]*>', form).group(0)
    assert (
        'aria-invalid="true"' in team and 'aria-describedby="id_team_error"' in team and "is-invalid" in team
    )
    assert re.search(
        r'<div id="id_team_error" class="invalid-feedback"><p id="error_1_id_team"><strong>', form
    )
    fieldset = re.search(r"<fieldset[^>]*>", form).group(0)
    assert 'aria-describedby="id_status_error"' in fieldset
    assert '<div id="id_status_error" class="invalid-feedback">' in form
    assert len(re.findall(r'<label for="id_status_\d" class="form-check-label">', form)) == 7
