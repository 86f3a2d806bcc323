"""One test per business rule that has exactly one definition: every place that applies the rule agrees."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.template import Context, Template

from casework.filters import CaseFilter
from followup.selectors import deadline_overview
from intake import normalise
from intake.forms import normalise_kvk, normalise_phone
from intake.models import Case
from intake.selectors import case_counts
from intake.workflow import CLOCK_RUNNING, OPEN, Status
from teams import access
from teams.selectors import display_name, staff_users, team_members
from tests.conftest import make_user
from tests.factories import submit_case

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = dt.date(2026, 11, 18)


def test_clock_runs_for_open_cases_except_waiting_on_the_entrepreneur():
    assert OPEN - {Status.WAITING_ENTREPRENEUR} == CLOCK_RUNNING
    assert Status.NEW in CLOCK_RUNNING and Status.WAITING_DEPARTMENT in CLOCK_RUNNING


def test_overdue_is_the_same_in_the_list_filter_the_count_tile_and_the_deadline_overview(owner):
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, tzinfo=AMS), tick=False):
        paused = submit_case(kvk_number="11111111").case
        running = submit_case(kvk_number="22222222").case
        closed = submit_case(kvk_number="33333333").case
    past = TODAY - dt.timedelta(days=2)
    Case.objects.filter(pk=paused.pk).update(status=Status.WAITING_ENTREPRENEUR, deadline=past)
    Case.objects.filter(pk=running.pk).update(status=Status.IN_PROGRESS, deadline=past)
    Case.objects.filter(pk=closed.pk).update(status=Status.ANSWERED, deadline=past)

    with time_machine.travel(dt.datetime(2026, 11, 18, 10, tzinfo=AMS), tick=False):
        listed = CaseFilter({"overdue": "true"}, queryset=Case.objects.all(), owners=staff_users()).qs
        not_listed = CaseFilter({"overdue": "false"}, queryset=Case.objects.all(), owners=staff_users()).qs
        tiles = case_counts(owner)
        overview = {b.key: b for b in deadline_overview(owner)}
        marker = Template("{% load case_tags %}{% if case|overdue:today %}late{% endif %}")
        marked = {
            c.pk: marker.render(Context({"case": c, "today": TODAY})) == "late"
            for c in Case.objects.filter(pk__in=[paused.pk, running.pk, closed.pk])
        }

    assert {c.pk for c in listed} == {running.pk}
    assert {paused.pk, closed.pk} <= {c.pk for c in not_listed}
    assert tiles["overdue"] == 1
    assert overview["overdue"].case_count == 1
    assert [row.obj.pk for row in overview["overdue"].cases] == [running.pk]
    assert marked == {paused.pk: False, running.pk: True, closed.pk: False}


def test_display_name_full_name_else_username_else_voordeur(db):
    user_model = get_user_model()
    assert (
        display_name(user_model(username="jdevries", first_name="Jan", last_name="de Vries"))
        == "Jan de Vries"
    )
    assert display_name(user_model(username="jdevries")) == "jdevries"
    assert display_name(None) == "Voordeur"
    rendered = Template(
        '{% load teams_tags %}{{ a|display_name }}|{{ b|display_name:"–" }}|{{ b|display_name }}'
    )
    assert rendered.render(Context({"a": user_model(username="piet"), "b": None})) == "piet|–|Voordeur"
    from intake import services as intake_services

    assert intake_services.display_name(user_model(username="kees", first_name="Kees")) == "Kees"


@pytest.mark.parametrize("raw", ["06-12345678", "+31 6 1234 5678", "0612345678", " 06 12 34 56 78 "])
def test_phone_numbers_become_e164(raw):
    assert normalise.phone_e164(raw) == "+31612345678"
    assert normalise_phone(raw) == "+31612345678"


@pytest.mark.parametrize("raw", ["nonsense", "12", "06-1234", ""])
def test_phone_nonsense_is_refused(raw):
    from django import forms

    assert normalise.phone_e164(raw) is None
    if raw:
        with pytest.raises(forms.ValidationError):
            normalise_phone(raw)
    else:
        assert normalise_phone(raw) == ""  # an empty optional field stays empty


def test_kvk_numbers_are_eight_digits():
    from django import forms

    assert normalise.kvk_number(" 1234 5678 ") == "12345678"
    assert normalise.kvk_number("1234.5678") == "12345678"
    assert normalise.kvk_number("1234567") is None
    assert normalise.kvk_number("123456789") is None
    assert normalise.kvk_number("abcdefgh") is None
    assert normalise_kvk(" 1234 5678 ") == "12345678"
    assert normalise_kvk("  ") == ""
    with pytest.raises(forms.ValidationError):
        normalise_kvk("1234567")


def test_postcodes():
    assert normalise.postcode("1234ab") == "1234 AB"
    assert normalise.postcode("1234 AB") == "1234 AB"
    assert normalise.postcode(" 1234  ab ") == "1234 AB"
    assert normalise.postcode(" Brussel ") == "BRUSSEL"
    assert normalise.postcode_digits("1234 AB") == 1234
    assert normalise.postcode_digits("12") is None


def test_staff_users_are_team_economie_and_team_members_are_any_active_team(
    teams, owner, vergunningen_member
):
    outsider = make_user("outsider")
    assert list(staff_users()) == [owner]
    members = set(team_members())
    assert {owner, vergunningen_member} <= members
    assert outsider not in members


def test_who_may_do_what(teams, owner, kcc_agent, vergunningen_member):
    from teams.models import Membership

    coordinator = make_user("coco", teams["belastingen"], Membership.Role.COORDINATOR)
    roles = {u.username: access.roles_for(u) for u in (owner, kcc_agent, vergunningen_member, coordinator)}
    o, k, v, c = (roles[u.username] for u in (owner, kcc_agent, vergunningen_member, coordinator))
    assert [access.sees_overviews(r) for r in (o, k, v, c)] == [True, True, False, True]
    assert [access.handles_handoffs(r) for r in (o, k, v, c)] == [True, False, True, True]
    assert [access.directs_cases(r) for r in (o, k, v, c)] == [True, True, False, False]
    assert [r.starts_at_kcc_screen for r in (o, k, v, c)] == [False, True, False, False]
    assert o.may_edit_article(teams["vergunningen"].pk) and k.may_edit_article(None)
    assert v.may_edit_article(teams["vergunningen"].pk) and not v.may_edit_article(teams["afval"].pk)
