"""The agenda of a meeting (overleg) with one department: its running hand-offs to discuss."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from routing.models import Handoff
from teams.deadlines import get_calendar
from teams.models import Team

from .models import MeetingAgreement

WAITING_LONG_WORKING_DAYS = 10
RETURNED_WITHIN_DAYS = 30


@dataclass
class Section:
    key: str
    title: str
    handoffs: list = field(default_factory=list)


def agenda_for(team: Team, *, today: date | None = None) -> list[Section]:
    today = today or timezone.localdate()
    long_ago = get_calendar().subtract_working_days(today, WAITING_LONG_WORKING_DAYS)
    sections = {
        "overdue": Section("overdue", _("Te laat")),
        "waiting": Section(
            "waiting", _("Wachten lang (meer dan %(n)s werkdagen)") % {"n": WAITING_LONG_WORKING_DAYS}
        ),
        "returned": Section("returned", _("Teruggestuurd (verkeerd team)")),
        "running": Section("running", _("Overige lopende uitzettingen")),
    }
    running = (
        Handoff.objects.filter(team=team, status__in=Handoff.OPEN_STATUSES)
        .select_related("case", "claimed_by")
        .order_by("deadline", "pk")
    )
    returned = (
        Handoff.objects.filter(
            team=team,
            status=Handoff.Status.RETURNED,
            closed_at__date__gte=today - timedelta(days=RETURNED_WITHIN_DAYS),
        )
        .select_related("case")
        .order_by("-closed_at")
    )
    handoffs = list(running) + list(returned)
    agreements: dict[int, list[MeetingAgreement]] = {}
    for agreement in MeetingAgreement.objects.filter(
        team=team, case__in=[h.case_id for h in handoffs]
    ).order_by("created_at"):
        agreements.setdefault(agreement.case_id, []).append(agreement)
    for handoff in handoffs:
        handoff.agreements = agreements.get(handoff.case_id, [])
        if handoff.status == Handoff.Status.RETURNED:
            key = "returned"
        elif handoff.deadline < today:
            key = "overdue"
        elif timezone.localtime(handoff.created_at).date() <= long_ago:
            key = "waiting"
        else:
            key = "running"
        sections[key].handoffs.append(handoff)
    return list(sections.values())
