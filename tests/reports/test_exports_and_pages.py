"""Exports in Dutch notation, the pages per role, success stories and meeting agreements."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from intake.models import Message
from reports.aggregate import catch_up
from reports.exports import table_csv, table_xlsx
from reports.formats import nl_number
from reports.models import MeetingAgreement, SuccessStory
from reports.selectors import Filters, Period, Table, build_dashboard
from routing import services as routing
from tests.role_world import ROLES, build_world, client_for

D = dt.date
APRIL = Period("custom", D(2026, 4, 20), D(2026, 4, 30))


def test_dutch_numbers():
    assert nl_number(1234.5) == "1.234,5"
    assert nl_number(1234567) == "1.234.567"
    assert nl_number(None) == "–"


@pytest.mark.django_db
def test_csv_and_xlsx_in_dutch_notation(dataset):
    catch_up(since=D(2026, 4, 20), until=D(2026, 4, 30))
    board = build_dashboard(APRIL, Filters())
    rows = list(
        csv.reader(io.StringIO(table_csv(board, board.tables["teams"]).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][1] == "20-04-2026 – 30-04-2026"
    assert rows[2] == ["Vergunningen", "7", "5", "80,0", "2", "6"]
    board.tables["big"] = big = Table(
        "big", "Groot", ["Wat", "Getal", "Datum"], [["x", 1234.5, D(2026, 4, 27)]]
    )
    assert list(csv.reader(io.StringIO(table_csv(board, big).decode("utf-8-sig")), delimiter=";"))[2] == [
        "x",
        "1.234,5",
        "27-04-2026",
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(board, big))).active
    number, day = sheet["B4"], sheet["C4"]
    assert (number.value, number.number_format) == (1234.5, "#,##0.0")
    assert day.number_format == "dd-mm-yyyy" and day.value.date() == D(2026, 4, 27)
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(board, board.tables["teams"]))).active
    assert [c.value for c in sheet[4]] == ["Vergunningen", 7, 5, 80.0, 2, 6]
    assert sheet["D4"].number_format == "#,##0.0"


@pytest.fixture
def world(teams, topics, owner):
    return build_world(teams, topics, owner)


@pytest.mark.django_db
def test_pages_and_exports_render_for_those_allowed(world, client):
    catch_up(since=dt.date.today() - dt.timedelta(days=3))
    economie = client_for(type(client), world, "economie")
    page = economie.get(reverse("reports:dashboard"), {"periode": "quarter"})
    assert page.status_code == 200
    assert (
        b"<svg" in page.content
        and b'scope="col"' in page.content
        and b"style=" not in page.content.split(b"<main")[1]
    )
    for fmt, kind in (("csv", "text/csv"), ("xlsx", "spreadsheetml")):
        response = economie.get(reverse("reports:export"), {"tabel": "kanalen", "formaat": fmt})
        assert kind in response["Content-Type"]
    assert economie.get(reverse("reports:export"), {"tabel": "onbekend"}).status_code == 404
    assert economie.get(reverse("reports:monthly"), {"maand": "2026-04"}).status_code == 200
    department = client_for(type(client), world, "department")
    assert department.get(reverse("reports:dashboard")).status_code == 404
    assert department.get(reverse("reports:results")).status_code == 200


@pytest.mark.django_db
def test_success_story_by_team_economie(world, client, teams):
    economie = client_for(type(client), world, "economie")
    case = world.objects["case"]
    from intake.models import Case

    reference = Case.objects.get(pk=case).reference
    response = economie.post(
        reverse("reports:story-new"),
        {
            "title": "Terras in één week",
            "text": "Dankzij snelle hulp.",
            "teams": [teams["vergunningen"].pk],
            "cases": reference,
        },
    )
    assert response.status_code == 302
    story = SuccessStory.objects.get()
    assert list(story.cases.values_list("reference", flat=True)) == [reference]
    page = client_for(type(client), world, "department").get(reverse("reports:results"))
    assert "Terras in één week" in page.content.decode()


@pytest.mark.django_db
def test_agreement_goes_onto_the_timeline(world, client, teams, owner):
    from intake.models import Case

    case = Case.objects.get(pk=world.objects["case"])
    if not case.handoffs.filter(team=teams["vergunningen"]).exists():
        routing.case_hand_off(
            case=case, teams=[teams["vergunningen"]], request_text="Graag advies", actor=owner
        )
    coordinator = client_for(type(client), world, "department_coordinator")
    page = coordinator.get(reverse("reports:agenda"))
    assert case.reference in page.content.decode()
    response = coordinator.post(
        reverse("reports:agenda-agree"),
        {"team": teams["vergunningen"].pk, "case": case.pk, "text": "Vergunning vrijdag rond"},
    )
    assert response.status_code == 302
    assert MeetingAgreement.objects.filter(case=case).count() == 1
    entry = Message.objects.filter(case=case, kind=Message.Kind.NOTE).last()
    assert "Vergunning vrijdag rond" in entry.text and "Vergunningen" in entry.text
    # Another department may not record agreements for Vergunningen.
    other = client_for(type(client), world, "economie")
    assert (
        other.post(
            reverse("reports:agenda-agree"), {"team": teams["omgeving"].pk, "case": case.pk, "text": "x"}
        ).status_code
        == 404
    )
    assert len(ROLES) == 8
