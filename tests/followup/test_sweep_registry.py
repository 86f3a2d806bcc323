"""The sweep's registry: one module per action kind, each listed once, each counted in SweepResult."""

import dataclasses
import datetime as dt
import pkgutil

import pytest
from django.utils import timezone

import followup.sweep
from followup.sweep import ACTIONS, SweepResult
from followup.sweep.base import Context
from teams.deadlines import get_calendar

SHARED = {"base", "engine"}  # the machinery and helpers; every other module is an action kind


def test_every_action_module_is_listed_once():
    modules = {m.name for m in pkgutil.iter_modules(followup.sweep.__path__)} - SHARED
    listed = [build.__module__.rsplit(".", 1)[1] for _, build in ACTIONS]
    assert sorted(listed) == sorted(modules)
    assert len(set(listed)) == len(listed)


def test_every_action_has_a_count_in_the_sweep_result():
    fields = [f.name for f in dataclasses.fields(SweepResult) if f.name != "messages_queued"]
    assert [name for name, _ in ACTIONS] == fields


@pytest.mark.django_db
def test_each_action_claims_its_own_kind():
    now = timezone.now()
    ctx = Context.create(today=dt.date(2026, 12, 10), now=now, calendar=get_calendar())
    kinds = [build(ctx).kind for _, build in ACTIONS]
    assert len(set(kinds)) == len(kinds)
