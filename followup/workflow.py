"""The one table of callback-request statuses and the transitions between them.

Only `followup.services` changes a callback request's status, always through `check_callback_transition`, so a
forbidden move is refused with a clear message before anything is written.
"""

from django.utils.translation import gettext_lazy as _

from .models import CallbackRequest

Status = CallbackRequest.Status

OPEN = frozenset({Status.OPEN})
CLOSED = frozenset(set(Status) - OPEN)

ALLOWED: dict[Status, frozenset[Status]] = {
    # Reached (or the entrepreneur was asked to call us) closes it as done; otherwise it lapses.
    Status.OPEN: frozenset({Status.DONE, Status.CANCELLED}),
    Status.DONE: frozenset(),
    Status.CANCELLED: frozenset(),
}


class FollowupNotAllowed(Exception):
    """An action that does not fit the current state; the message is user-facing (Dutch)."""


class CallbackTransitionNotAllowed(FollowupNotAllowed):
    """Raised before any write when a status change is not in the table; the message is user-facing."""


def check_callback_transition(current: str, target: str) -> None:
    current_status, target_status = Status(current), Status(target)
    if target_status not in ALLOWED[current_status]:
        raise CallbackTransitionNotAllowed(
            _("Een terugbelverzoek met status “%(current)s” kan niet naar “%(target)s”.")
            % {"current": current_status.label, "target": target_status.label}
        )


def is_open(status: str) -> bool:
    return Status(status) in OPEN
