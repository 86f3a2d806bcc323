"""The company-visit status table: allowed moves pass, a forbidden one is refused before anything is written."""

from datetime import timedelta
from itertools import product

import pytest
from django.urls import reverse
from django.utils import timezone

from companies import services, workflow
from companies.models import CompanyVisit
from tests.factories import submit_case

Status = CompanyVisit.Status
ALLOWED_PAIRS = [(c, t) for c, targets in workflow.ALLOWED.items() for t in targets] + [
    (s, s) for s in Status
]
FORBIDDEN_PAIRS = [(c, t) for c, t in product(Status, Status) if t != c and t not in workflow.ALLOWED[c]]


@pytest.fixture
def visit(teams, owner):
    return services.visit_plan(
        company=submit_case().case.company,
        actor=owner,
        planned_for=timezone.now() + timedelta(days=3),
        purpose="Kennismaking",
        visitors=[owner],
    )


def update(visit, actor, status, **overrides):
    values = {
        "planned_for": visit.planned_for,
        "purpose": visit.purpose,
        "visitors": [actor],
        "alderman": visit.alderman,
        "notes": visit.notes,
        "status": status,
    }
    values.update(overrides)
    return services.visit_update(visit=visit, actor=actor, **values)


def test_the_table():
    assert set(workflow.ALLOWED) == set(Status)
    assert set(FORBIDDEN_PAIRS) == {
        (Status.DONE, Status.PLANNED),
        (Status.DONE, Status.CANCELLED),
        (Status.CANCELLED, Status.DONE),
    }


@pytest.mark.parametrize(("current", "target"), ALLOWED_PAIRS)
def test_every_allowed_transition_passes(current, target):
    workflow.check_visit_transition(current, target)


@pytest.mark.parametrize(("current", "target"), FORBIDDEN_PAIRS)
def test_every_forbidden_transition_is_refused(current, target):
    with pytest.raises(workflow.VisitTransitionNotAllowed) as error:
        workflow.check_visit_transition(current, target)
    assert str(Status(current).label) in str(error.value) and str(Status(target).label) in str(error.value)


@pytest.mark.parametrize(("current", "target"), FORBIDDEN_PAIRS)
def test_a_forbidden_update_writes_nothing(visit, owner, current, target):
    CompanyVisit.objects.filter(pk=visit.pk).update(status=current)
    history = visit.history.count()
    with pytest.raises(workflow.VisitTransitionNotAllowed):
        update(visit, owner, target, notes="Nieuw verslag", purpose="Ander doel")
    visit.refresh_from_db()
    assert (visit.status, visit.notes, visit.purpose, visit.done_at) == (current, "", "Kennismaking", None)
    assert visit.history.count() == history


def test_cancelled_then_replanned_then_done(visit, owner):
    visit = update(visit, owner, Status.CANCELLED)
    visit = update(visit, owner, Status.PLANNED, planned_for=visit.planned_for + timedelta(days=7))
    assert visit.done_at is None
    visit = update(visit, owner, Status.DONE, notes="Goed gesprek.")
    assert visit.status == Status.DONE and visit.done_at
    done_at = visit.done_at
    visit = update(visit, owner, Status.DONE, notes="Goed gesprek, met actiepunten.")  # edit keeps status
    visit.refresh_from_db()
    assert (visit.status, visit.done_at, visit.notes) == (
        Status.DONE,
        done_at,
        "Goed gesprek, met actiepunten.",
    )


def test_marking_a_cancelled_visit_done_is_a_form_error(client, visit, owner):
    update(visit, owner, Status.CANCELLED)
    client.force_login(owner)
    response = client.post(
        reverse("companies:visit-detail", args=[visit.pk]),
        {
            "visit-planned_for": "2026-03-02T10:00",
            "visit-purpose": "Kennismaking",
            "visit-visitors": [owner.pk],
            "visit-alderman": "",
            "visit-status": "done",
            "visit-notes": "Goed gesprek.",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["status"] == [
        "Een bedrijfsbezoek met status “Geannuleerd” kan niet naar “Afgelegd”."
    ]
    assert "kan niet naar" in response.content.decode()
    visit.refresh_from_db()
    assert (visit.status, visit.notes, visit.done_at) == (Status.CANCELLED, "", None)


def test_status_is_read_only_in_the_admin(client, visit, verified_superuser):
    response = client.get(reverse("admin:companies_companyvisit_change", args=[visit.pk]))
    assert response.status_code == 200
    adminform = response.context["adminform"]
    assert "status" not in adminform.form.fields and "status" in adminform.readonly_fields
    assert client.get(reverse("admin:companies_companyvisit_changelist")).status_code == 200
    assert client.get(reverse("admin:companies_companyvisit_add")).status_code == 200
