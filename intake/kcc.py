"""The KCC's outcomes for a call, each one service (one transaction): the case is created through
case_submit, the outcome is on its timeline, and the call is logged (KccCall) for the KCC report.

Knowledge (the article used, a knowledge gap) and callback requests live in routing and followup; the view
records them in the same transaction (views may call services of every app: docs/decisions/0001).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.models import Team, Topic

from .models import Case, Channel, Company, Contact, KccCall, Message, Resolution
from .services import add_timeline_entry, case_answer, case_submit

User = AbstractBaseUser


@dataclass(frozen=True)
class Call:
    """What the KCC agent typed about the caller and the question."""

    question: str
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    company: Company | None = None
    contact: Contact | None = None
    topic: Topic | None = None
    could_not_answer: bool = False
    channel: str = Channel.PHONE


def _caller_name(call: Call) -> str:
    if call.contact_name:
        return call.contact_name
    if call.contact is not None:
        return call.contact.name
    return _("Beller (naam onbekend)")


def _open_case(call: Call, actor: User) -> Case:
    email = call.email or (call.contact.email if call.contact else "")
    phone = call.phone or (call.contact.phone if call.contact else "")
    submitted = case_submit(
        question=call.question,
        contact_name=_caller_name(call),
        email=email,
        phone=phone,
        preferred_contact="phone" if phone and not email else "email",
        topic=call.topic,
        channel=call.channel,
        company=call.company,
        created_by=actor,
    )
    return submitted.case


def _log(call: Call, case: Case, actor: User, outcome: str, team: Team | None = None) -> KccCall:
    return KccCall.objects.create(
        agent=actor,
        company=case.company,
        contact=case.contact,
        case=case,
        question=call.question,
        topic=call.topic or case.topic,
        team=team,
        outcome=outcome,
        could_not_answer=call.could_not_answer,
    )


@transaction.atomic
def kcc_answer_on_the_spot(*, call: Call, actor: User, answer: str, article_title: str = "") -> KccCall:
    """Answered at first contact: the case is created and closed as answered in one go."""
    case = _open_case(call, actor)
    if article_title:
        add_timeline_entry(
            case=case,
            kind=Message.Kind.NOTE,
            actor=actor,
            body=_("Beantwoord door het KCC met kennisartikel “%(title)s”.") % {"title": article_title},
            data={"kcc_outcome": KccCall.Outcome.ANSWERED, "article": article_title},
        )
    case_answer(case=case, actor=actor, body=answer, resolution=Resolution.ANSWERED_FIRST_CONTACT)
    return _log(call, case, actor, KccCall.Outcome.ANSWERED)


@transaction.atomic
def kcc_transfer(*, call: Call, team: Team, actor: User) -> KccCall:
    """Put through to a team's direct number; team economie owns the case, the transfer is on its timeline."""
    case = _open_case(call, actor)
    add_timeline_entry(
        case=case,
        kind=Message.Kind.ROUTING,
        actor=actor,
        body=_("Door het KCC doorverbonden met %(team)s (%(phone)s).")
        % {"team": team.name, "phone": team.phone or _("geen direct nummer")},
        data={"kcc_outcome": KccCall.Outcome.TRANSFERRED, "team": team.slug},
    )
    return _log(call, case, actor, KccCall.Outcome.TRANSFERRED, team)


@transaction.atomic
def kcc_callback_case(*, call: Call, team: Team | None, actor: User) -> tuple[Case, KccCall]:
    """The case for a callback request; the view adds the request itself (followup.services.callback_create)."""
    case = _open_case(call, actor)
    return case, _log(call, case, actor, KccCall.Outcome.CALLBACK, team)


@transaction.atomic
def kcc_to_owner(*, call: Call, actor: User) -> KccCall:
    """Handed to team economie for regie: a plain case, with a line saying the KCC passed it on."""
    case = _open_case(call, actor)
    add_timeline_entry(
        case=case,
        kind=Message.Kind.ROUTING,
        actor=actor,
        body=_("Door het KCC doorgezet naar team economie voor regie."),
        data={"kcc_outcome": KccCall.Outcome.REGIE},
    )
    return _log(call, case, actor, KccCall.Outcome.REGIE)


# ----------------------------------------------------------------------------------------------------------
# The KCC report (reads)


@dataclass
class WeekRow:
    week: date
    calls: int = 0
    answered: int = 0
    transferred: int = 0
    callbacks: int = 0
    regie: int = 0
    could_not_answer: int = 0
    transfers_per_team: dict[str, int] | None = None
    gaps: int = 0
    callbacks_due: int = 0
    callbacks_on_time: int = 0

    @property
    def first_contact_rate(self) -> float | None:
        return self.answered / self.calls if self.calls else None

    @property
    def callbacks_on_time_rate(self) -> float | None:
        return self.callbacks_on_time / self.callbacks_due if self.callbacks_due else None

    def bar_segments(self, scale: int) -> list[tuple[str, int, float]]:
        """(outcome, count, width in % of the busiest week) for the report's bar chart."""
        outcomes = (
            ("answered", self.answered),
            ("transferred", self.transferred),
            ("callbacks", self.callbacks),
            ("regie", self.regie),
        )
        return [(name, count, 100 * count / scale if scale else 0.0) for name, count in outcomes]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def kcc_weekly_calls(*, weeks: int = 8, today: date | None = None) -> list[WeekRow]:
    """Calls, outcomes and transfers per team per ISO week: two grouped queries, whatever the volume."""
    today = today or timezone.localdate()
    first = week_start(today) - timedelta(weeks=weeks - 1)
    rows = {first + timedelta(weeks=i): WeekRow(week=first + timedelta(weeks=i)) for i in range(weeks)}
    calls = KccCall.objects.filter(created_at__date__gte=first).annotate(week=TruncWeek("created_at"))
    for row in calls.values("week").annotate(
        calls=Count("pk"),
        answered=Count("pk", filter=Q(outcome=KccCall.Outcome.ANSWERED)),
        transferred=Count("pk", filter=Q(outcome=KccCall.Outcome.TRANSFERRED)),
        callbacks=Count("pk", filter=Q(outcome=KccCall.Outcome.CALLBACK)),
        regie=Count("pk", filter=Q(outcome=KccCall.Outcome.REGIE)),
        could_not_answer=Count("pk", filter=Q(could_not_answer=True)),
    ):
        target = rows.get(_as_date(row["week"]))
        if target:
            for key in ("calls", "answered", "transferred", "callbacks", "regie", "could_not_answer"):
                setattr(target, key, row[key])
    for row in (
        calls.filter(outcome=KccCall.Outcome.TRANSFERRED)
        .values("week", "team__name")
        .annotate(count=Count("pk"))
        .order_by("team__name")
    ):
        target = rows.get(_as_date(row["week"]))
        if target:
            target.transfers_per_team = (target.transfers_per_team or {}) | {
                row["team__name"] or "-": row["count"]
            }
    return [rows[w] for w in sorted(rows, reverse=True)]


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
