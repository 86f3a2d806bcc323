"""The one table of company-visit statuses and the transitions between them.

Only `companies.services` changes a visit's status, always through `check_visit_transition`, so a forbidden
move is refused with a clear message before anything is written. Saving a visit without changing its status
(editing the report, the date) is always allowed.
"""

from django.utils.translation import gettext_lazy as _

from .models import CompanyVisit

Status = CompanyVisit.Status

ALLOWED: dict[Status, frozenset[Status]] = {
    Status.PLANNED: frozenset({Status.DONE, Status.CANCELLED}),
    # A done visit stays done: its report and follow-up actions belong to a visit that took place.
    Status.DONE: frozenset(),
    # A cancelled visit can be planned again (re-planned); it has to take place before it is done.
    Status.CANCELLED: frozenset({Status.PLANNED}),
}


class VisitTransitionNotAllowed(Exception):
    """Raised before any write when a status change is not in the table; the message is user-facing."""


def check_visit_transition(current: str, target: str) -> None:
    current_status, target_status = Status(current), Status(target)
    if target_status != current_status and target_status not in ALLOWED[current_status]:
        raise VisitTransitionNotAllowed(
            _("Een bedrijfsbezoek met status “%(current)s” kan niet naar “%(target)s”.")
            % {"current": current_status.label, "target": target_status.label}
        )
