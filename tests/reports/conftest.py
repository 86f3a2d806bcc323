"""A small fixed data set around King's Day 2026 (Monday 27 April, after a weekend) with hand-computed figures.

Cases (topic Terrasvergunning of Vergunningen; deadlines set by hand; lead time in working days):
  A  in Thu 23-04, deadline Tue 28-04, answered Tue 28-04   on time   lead 2 (24, 28; the 27th is a holiday)
  B  in Thu 23-04, deadline Fri 24-04, answered Tue 28-04   late      lead 2
  C  in Fri 24-04, deadline Tue 28-04, answered Sat 25-04   on time   lead 0
  D  in Mon 20-04, deadline Fri 01-05, referred Wed 29-04   on time   lead 6
  E  in Thu 23-04, cancelled Tue 28-04                      (not in on time or lead time)
  F  in Tue 21-04, deadline Tue 05-05, answered Wed 22-04, reopened Thu 23-04, answered again Fri 24-04: on time,
     lead 3 (22, 23, 24)
  G  in Mon 20-04, deadline Fri 24-04, still in progress: overdue from Mon 27-04 on
Answered or referred in 20-04..30-04: A B C D F = 5, on time A C D F = 4 -> 80 %; leads 0 2 2 3 6 -> median 2,
p90 6 (nearest rank). Closed: 6 (with E), reopened 1 -> reopen rate 1/6.
KCC on Wed 22-04: 3 answered, 1 transferred -> first-contact resolution 75 %. Callbacks due Thu 23-04 12:00: one
done at 11:00 (on time), one at 14:00 (late) -> 50 %.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from followup.models import CallbackRequest, SatisfactionRating
from intake import services
from intake.models import Case
from intake.workflow import Status
from kcc.models import KccCall
from tests.factories import submit_case

AMS = ZoneInfo("Europe/Amsterdam")
D = dt.date


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=AMS)


def _submit(day, topic, deadline=None, channel="web"):
    with time_machine.travel(at(day), tick=False):
        case = submit_case(topic=topic, channel=channel).case
    if deadline:
        Case.objects.filter(pk=case.pk).update(deadline=deadline)
        case.refresh_from_db()
    return case


def _close(case, day, owner, to=Status.ANSWERED, hour=15):
    with time_machine.travel(at(day, hour), tick=False):
        case.refresh_from_db()
        if case.status == Status.NEW:
            services.case_transition(case=case, to=Status.IN_PROGRESS, actor=owner)
        services.case_transition(case=case, to=to, actor=owner)


@pytest.fixture
def dataset(teams, topics, owner, kcc_agent):
    terras = topics["terras"]
    cases = {}
    cases["A"] = _submit(D(2026, 4, 23), terras, D(2026, 4, 28))
    cases["B"] = _submit(D(2026, 4, 23), terras, D(2026, 4, 24))
    cases["C"] = _submit(D(2026, 4, 24), terras, D(2026, 4, 28))
    cases["D"] = _submit(D(2026, 4, 20), terras, D(2026, 5, 1))
    cases["E"] = _submit(D(2026, 4, 23), terras, D(2026, 5, 7))
    cases["F"] = _submit(D(2026, 4, 21), terras, D(2026, 5, 5))
    cases["G"] = _submit(D(2026, 4, 20), terras, D(2026, 4, 24))
    _close(cases["A"], D(2026, 4, 28), owner)
    _close(cases["B"], D(2026, 4, 28), owner)
    _close(cases["C"], D(2026, 4, 25), owner)
    _close(cases["D"], D(2026, 4, 29), owner, Status.REFERRED)
    _close(cases["E"], D(2026, 4, 28), owner, Status.CANCELLED)
    _close(cases["F"], D(2026, 4, 22), owner)
    with time_machine.travel(at(D(2026, 4, 23), 9), tick=False):
        cases["F"].refresh_from_db()
        services.case_reopen(case=cases["F"], actor=owner, reason="Toch nog een vraag")
    Case.objects.filter(pk=cases["F"].pk).update(deadline=D(2026, 5, 5))
    _close(cases["F"], D(2026, 4, 24), owner)
    with time_machine.travel(at(D(2026, 4, 20), 11), tick=False):
        services.case_transition(case=cases["G"], to=Status.IN_PROGRESS, actor=owner)
    for name in "ABCDEFG":
        cases[name].refresh_from_db()
    # Two ratings on 29-04: a 4 and a 1.
    for case, score in ((cases["A"], 4), (cases["B"], 1)):
        SatisfactionRating.objects.create(
            case=case, case_closed_at=case.closed_at, score=score, created_at=at(D(2026, 4, 29))
        )
    with time_machine.travel(at(D(2026, 4, 22)), tick=False):
        for outcome in ("answered", "answered", "answered", "transferred"):
            KccCall.objects.create(
                agent=kcc_agent,
                question="Vraag",
                outcome=outcome,
                topic=terras,
                team=teams["vergunningen"] if outcome == "transferred" else None,
            )
    due = at(D(2026, 4, 23), 12)
    for done_hour in (11, 14):
        CallbackRequest.objects.create(
            case=cases["G"],
            name="Marco",
            phone="0612345678",
            subject="Terras",
            team=teams["kcc"],
            due_at=due,
            created_at=at(D(2026, 4, 22)),
            status=CallbackRequest.Status.DONE,
            closed_at=at(D(2026, 4, 23), done_hour),
        )
    return cases
