"""Follow-up: the periodic sweep that makes sure no case or hand-off passes its deadline unnoticed.

Each action happens once per deadline, however often the sweep runs and however many workers run it at once:
the conditional UPDATE in the mark_* services lets exactly one caller through, and the outbox key is unique.
"""

from dataclasses import asdict, dataclass
from datetime import date

from django.db.models import F
from django.utils import timezone

from intake.models import Case
from intake.services import case_mark_overdue
from intake.workflow import OPEN, Status
from routing.models import Handoff
from routing.services import handoff_mark_overdue


@dataclass
class SweepResult:
    cases_overdue: int = 0
    handoffs_overdue: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def sweep(today: date | None = None) -> SweepResult:
    today = today or timezone.localdate()
    result = SweepResult()
    # Waiting on the entrepreneur pauses the clock, so those cases are not overdue.
    cases = (
        Case.objects.filter(status__in=OPEN - {Status.WAITING_ENTREPRENEUR}, deadline__lt=today)
        .exclude(overdue_notified_for=F("deadline"))
        .values_list("pk", "deadline")
    )
    for case_id, deadline in cases.iterator(chunk_size=2000):
        result.cases_overdue += case_mark_overdue(case_id=case_id, deadline=deadline)
    handoffs = (
        Handoff.objects.filter(status__in=Handoff.OPEN_STATUSES, deadline__lt=today)
        .exclude(overdue_notified_for=F("deadline"))
        .values_list("pk", "deadline")
    )
    for handoff_id, deadline in handoffs.iterator(chunk_size=2000):
        result.handoffs_overdue += handoff_mark_overdue(handoff_id=handoff_id, deadline=deadline)
    return result
