"""The one table of case statuses and the transitions between them.

Only `intake.services` changes a case's status, and always through `check_transition`, so a forbidden move is
refused with a clear message before anything is written.
"""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("Nieuw")
    IN_PROGRESS = "in_progress", _("In behandeling")
    WAITING_DEPARTMENT = "waiting_department", _("Wacht op vakafdeling")
    WAITING_ENTREPRENEUR = "waiting_entrepreneur", _("Wacht op ondernemer")
    ANSWERED = "answered", _("Beantwoord")
    REFERRED = "referred", _("Doorverwezen")
    CANCELLED = "cancelled", _("Vervallen")


CLOSED = frozenset({Status.ANSWERED, Status.REFERRED, Status.CANCELLED})
OPEN = frozenset(set(Status) - CLOSED)
# The deadline clock runs for every open case except one waiting on the entrepreneur (the clock is paused).
CLOCK_RUNNING = frozenset(OPEN - {Status.WAITING_ENTREPRENEUR})

ALLOWED: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.ANSWERED, Status.REFERRED, Status.CANCELLED}),
    Status.IN_PROGRESS: frozenset(
        {
            Status.WAITING_DEPARTMENT,
            Status.WAITING_ENTREPRENEUR,
            Status.ANSWERED,
            Status.REFERRED,
            Status.CANCELLED,
        }
    ),
    Status.WAITING_DEPARTMENT: frozenset(
        {Status.IN_PROGRESS, Status.WAITING_ENTREPRENEUR, Status.ANSWERED, Status.CANCELLED}
    ),
    Status.WAITING_ENTREPRENEUR: frozenset({Status.IN_PROGRESS, Status.ANSWERED, Status.CANCELLED}),
    Status.ANSWERED: frozenset({Status.IN_PROGRESS}),
    Status.REFERRED: frozenset({Status.IN_PROGRESS}),
    Status.CANCELLED: frozenset({Status.IN_PROGRESS}),
}

# What the entrepreneur reads on the tracking page: plain Dutch, no internal jargon.
PUBLIC_LABELS: dict[Status, str] = {
    Status.NEW: _("Ontvangen"),
    Status.IN_PROGRESS: _("In behandeling"),
    Status.WAITING_DEPARTMENT: _("In behandeling bij een specialist van de gemeente"),
    Status.WAITING_ENTREPRENEUR: _("Wij wachten op informatie van u"),
    Status.ANSWERED: _("Beantwoord"),
    Status.REFERRED: _("Doorverwezen naar een andere organisatie"),
    Status.CANCELLED: _("Gesloten"),
}


class TransitionNotAllowed(Exception):
    """Raised before any write when a status change is not in the table; the message is user-facing."""


def check_transition(current: str, target: str) -> None:
    current_status, target_status = Status(current), Status(target)
    if target_status not in ALLOWED[current_status]:
        raise TransitionNotAllowed(
            _("Een vraag met status “%(current)s” kan niet naar “%(target)s”.")
            % {"current": current_status.label, "target": target_status.label}
        )


def is_open(status: str) -> bool:
    return Status(status) in OPEN


def clock_running(status: str) -> bool:
    return Status(status) in CLOCK_RUNNING


def overdue_q(today: date, prefix: str = "") -> Q:
    """The one definition of an overdue case: open, its clock running, and its deadline before `today`.

    `prefix` is a lookup path to the case (e.g. "case__") for querying related models.
    """
    return Q(**{f"{prefix}status__in": CLOCK_RUNNING, f"{prefix}deadline__lt": today})


def is_overdue(status: str, deadline: date | None, today: date) -> bool:
    """`overdue_q` for one case already in memory (e.g. to mark a date red on a page)."""
    return deadline is not None and clock_running(status) and deadline < today
