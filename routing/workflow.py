"""The one table of hand-off statuses and the transitions between them.

Only `routing.services` changes a hand-off's status, always through its `_move` helper and so through
`check_handoff_transition`: a forbidden move is refused with a clear message before anything is written.
"""

from django.utils.translation import gettext_lazy as _

from .models import Handoff

Status = Handoff.Status

OPEN = frozenset(Handoff.OPEN_STATUSES)
CLOSED = frozenset(set(Status) - OPEN)

ALLOWED: dict[Status, frozenset[Status]] = {
    # Claimed, answered, returned or sent back to the owner with a question; withdrawn when the case closes.
    Status.OPEN: frozenset(
        {Status.CLAIMED, Status.ANSWERED, Status.RETURNED, Status.INFO_REQUESTED, Status.WITHDRAWN}
    ),
    # Claimed -> claimed: a colleague in the team takes it over.
    Status.CLAIMED: frozenset(
        {Status.CLAIMED, Status.ANSWERED, Status.RETURNED, Status.INFO_REQUESTED, Status.WITHDRAWN}
    ),
    # The owner answers the question: back to whoever had it (claimed) or to the team (open).
    Status.INFO_REQUESTED: frozenset({Status.CLAIMED, Status.OPEN, Status.RETURNED, Status.WITHDRAWN}),
    Status.ANSWERED: frozenset(),
    Status.RETURNED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}


class HandoffNotAllowed(Exception):
    """A hand-off action that does not fit its current state; the message is user-facing."""


class HandoffTransitionNotAllowed(HandoffNotAllowed):
    """Raised before any write when a status change is not in the table; the message is user-facing."""


def check_handoff_transition(current: str, target: str) -> None:
    current_status, target_status = Status(current), Status(target)
    if target_status not in ALLOWED[current_status]:
        raise HandoffTransitionNotAllowed(
            _("Een uitzetting met status “%(current)s” kan niet naar “%(target)s”.")
            % {"current": current_status.label, "target": target_status.label}
        )


def is_open(status: str) -> bool:
    return Status(status) in OPEN
