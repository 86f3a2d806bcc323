"""Follow-up reads, always scoped to the requesting user: callbacks, the deadline overview, the digest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from intake.models import Case
from intake.workflow import CLOCK_RUNNING, overdue_q
from routing.models import Handoff
from teams.access import roles_for, sees_overviews
from teams.models import Team
from teams.selectors import display_name

from .models import CallbackRequest, SatisfactionRating

OVERVIEW_LIMIT = 300


def callbacks_for(user) -> QuerySet[CallbackRequest]:
    """Team economie and the KCC see all; a department member or coordinator their team's or their own."""
    roles = roles_for(user)
    base = CallbackRequest.objects.select_related("case", "team", "assignee", "created_by")
    if roles.sees_all_overviews:
        return base
    if roles.is_department:
        return base.filter(Q(team_id__in=roles.department_team_ids) | Q(assignee=user))
    if user.is_authenticated:
        return base.filter(assignee=user)
    return base.none()


def open_callbacks_for(user) -> QuerySet[CallbackRequest]:
    return callbacks_for(user).filter(status=CallbackRequest.Status.OPEN).order_by("due_at", "pk")


def callback_for(user, pk: int) -> CallbackRequest:
    try:
        return callbacks_for(user).prefetch_related("attempts__actor").get(pk=pk)
    except CallbackRequest.DoesNotExist as exc:
        raise Http404 from exc


@dataclass
class TeamCallbacks:
    team: Team | None
    callbacks: list[CallbackRequest] = field(default_factory=list)
    overdue: int = 0
    closed_30d: int = 0
    on_time_30d: int = 0

    @property
    def on_time_rate(self) -> int | None:
        return round(100 * self.on_time_30d / self.closed_30d) if self.closed_30d else None


def callback_overview(user, *, now=None) -> list[TeamCallbacks]:
    """Open callbacks per team (overdue first, then by deadline) and each team's on-time rate over 30 days.

    Two queries whatever the number of callbacks (the list is capped; the counts are not).
    """
    now = now or timezone.now()
    open_callbacks = list(open_callbacks_for(user)[:OVERVIEW_LIMIT])
    rates = (
        callbacks_for(user)
        .filter(status=CallbackRequest.Status.DONE, closed_at__gte=now - timedelta(days=30))
        .values("team_id")
        .annotate(closed=Count("pk"), on_time=Count("pk", filter=Q(closed_at__lte=F("due_at"))))
    )
    groups: dict[int | None, TeamCallbacks] = {}
    for callback in open_callbacks:
        group = groups.setdefault(callback.team_id, TeamCallbacks(team=callback.team))
        callback.is_overdue = callback.due_at < now
        group.callbacks.append(callback)
        group.overdue += callback.is_overdue
    teams = {}
    missing = [row["team_id"] for row in rates if row["team_id"] not in groups and row["team_id"]]
    if missing:
        teams = Team.objects.in_bulk(missing)
    for row in rates:
        group = groups.setdefault(row["team_id"], TeamCallbacks(team=teams.get(row["team_id"])))
        group.closed_30d, group.on_time_30d = row["closed"], row["on_time"]
    return sorted(groups.values(), key=lambda g: (-g.overdue, g.team.name if g.team else ""))


# ----------------------------------------------------------------------------------------------------------
# The deadline overview


@dataclass
class Row:
    kind: str  # "case" or "handoff"
    obj: Case | Handoff
    deadline: date
    group: str
    reason: str


@dataclass
class Bucket:
    key: str
    title: str
    cases: list[Row] = field(default_factory=list)
    handoffs: list[Row] = field(default_factory=list)
    case_count: int = 0
    handoff_count: int = 0


def _d(value) -> str:
    return date_format(timezone.localtime(value).date() if hasattr(value, "hour") else value, "j F")


def case_reason(case: Case) -> str:
    handoffs = getattr(case, "open_handoffs", [])
    if handoffs:
        oldest = min(handoffs, key=lambda h: h.created_at)
        others = len(handoffs) - 1
        text = _("wacht sinds %(date)s op %(team)s") % {"date": _d(oldest.created_at), "team": oldest.team}
        if others:
            text += " " + _("(en %(n)s andere teams)") % {"n": others}
        return text
    if case.owner is None:
        return _("nog geen accountmanager")
    return _("ligt bij accountmanager %(name)s") % {"name": display_name(case.owner)}


def handoff_reason(handoff: Handoff) -> str:
    if handoff.status == Handoff.Status.INFO_REQUESTED:
        return _("%(team)s wacht op informatie van team economie") % {"team": handoff.team}
    if handoff.status == Handoff.Status.CLAIMED and handoff.claimed_by:
        return _("in behandeling bij %(name)s (%(team)s), uitgezet op %(date)s") % {
            "name": display_name(handoff.claimed_by),
            "team": handoff.team,
            "date": _d(handoff.created_at),
        }
    return _("wacht sinds %(date)s op %(team)s, nog niet opgepakt") % {
        "date": _d(handoff.created_at),
        "team": handoff.team,
    }


def deadline_overview(user, *, today: date | None = None) -> list[Bucket]:
    """Overdue, due today and due later this week: cases by owner and hand-offs by team, with the reason.

    Five queries whatever the numbers: two counts, the cases (with their open hand-offs) and the hand-offs.
    """
    roles = roles_for(user)
    if not sees_overviews(roles):
        return []
    today = today or timezone.localdate()
    week_end = today + timedelta(days=6 - today.weekday())
    buckets = {
        "overdue": Bucket("overdue", _("Te laat")),
        "today": Bucket("today", _("Vandaag")),
        "week": Bucket("week", _("Deze week")),
    }

    def bucket_of(deadline: date) -> str:
        return "overdue" if deadline < today else "today" if deadline == today else "week"

    case_filter = Q(status__in=CLOCK_RUNNING, deadline__lte=week_end)
    handoff_filter = Q(status__in=Handoff.OPEN_STATUSES, deadline__lte=week_end)
    if not roles.sees_all_overviews:  # a department coordinator: their teams' hand-offs and those cases only
        team_ids = roles.department_team_ids
        handed_to_team = Handoff.objects.filter(team_id__in=team_ids, status__in=Handoff.OPEN_STATUSES)
        case_filter &= Q(pk__in=handed_to_team.values("case_id"))
        handoff_filter &= Q(team_id__in=team_ids)
    counts = Case.objects.filter(case_filter).aggregate(
        overdue=Count("pk", filter=overdue_q(today)),
        today=Count("pk", filter=Q(deadline=today)),
        week=Count("pk", filter=Q(deadline__gt=today)),
    )
    for key, value in counts.items():
        buckets[key].case_count = value
    cases = (
        Case.objects.filter(case_filter)
        .select_related("owner", "owner_team")
        .prefetch_related(
            Prefetch(
                "handoffs",
                queryset=Handoff.objects.filter(status__in=Handoff.OPEN_STATUSES).select_related("team"),
                to_attr="open_handoffs",
            )
        )
        .order_by("deadline", "pk")[:OVERVIEW_LIMIT]
    )
    for case in cases:
        owner = display_name(case.owner) if case.owner else _("geen accountmanager")
        buckets[bucket_of(case.deadline)].cases.append(
            Row("case", case, case.deadline, f"{case.owner_team} · {owner}", case_reason(case))
        )
    counts = Handoff.objects.filter(handoff_filter).aggregate(
        overdue=Count("pk", filter=Q(deadline__lt=today)),
        today=Count("pk", filter=Q(deadline=today)),
        week=Count("pk", filter=Q(deadline__gt=today)),
    )
    for key, value in counts.items():
        buckets[key].handoff_count = value
    handoffs = (
        Handoff.objects.filter(handoff_filter)
        .select_related("team", "claimed_by", "case__owner")
        .order_by("deadline", "pk")[:OVERVIEW_LIMIT]
    )
    for handoff in handoffs:
        buckets[bucket_of(handoff.deadline)].handoffs.append(
            Row("handoff", handoff, handoff.deadline, str(handoff.team), handoff_reason(handoff))
        )
    for bucket in buckets.values():
        bucket.cases.sort(key=lambda r: (r.group, r.deadline, r.obj.pk))
        bucket.handoffs.sort(key=lambda r: (r.group, r.deadline, r.obj.pk))
    return list(buckets.values())


# ----------------------------------------------------------------------------------------------------------
# What the case page and the tracking page show


def case_callbacks(case: Case) -> list[CallbackRequest]:
    return list(case.callbacks.select_related("team", "assignee").order_by("-created_at", "-pk"))


def case_ratings(case: Case) -> list[SatisfactionRating]:
    return list(case.ratings.select_related("reopened_by").order_by("-created_at"))


def rating_for_closing(case: Case) -> SatisfactionRating | None:
    if case.closed_at is None:
        return None
    return case.ratings.filter(case_closed_at=case.closed_at).first()


def team_digest_items(team: Team, today: date) -> dict:
    """What a team's daily digest lists: its open and overdue hand-offs, cases and callbacks."""
    now = timezone.now()
    items: dict = {"handoffs": [], "cases": [], "callbacks": [], "total": 0}
    handoffs = Handoff.objects.filter(team=team, status__in=Handoff.OPEN_STATUSES)
    items["handoff_open"] = handoffs.count()
    items["handoff_overdue"] = handoffs.filter(deadline__lt=today).count()
    items["handoffs"] = list(handoffs.select_related("case").order_by("deadline", "pk")[:20])
    if team.kind == Team.Kind.OWNER:
        cases = Case.objects.filter(owner_team=team, status__in=CLOCK_RUNNING)
        items["case_open"] = cases.count()
        items["case_overdue"] = cases.filter(overdue_q(today)).count()
        items["cases"] = list(cases.select_related("owner").order_by("deadline", "pk")[:20])
    else:
        items["case_open"] = items["case_overdue"] = 0
    callbacks = CallbackRequest.objects.filter(team=team, status=CallbackRequest.Status.OPEN)
    items["callback_open"] = callbacks.count()
    items["callback_overdue"] = callbacks.filter(due_at__lt=now).count()
    items["callbacks"] = list(callbacks.select_related("case").order_by("due_at", "pk")[:20])
    items["total"] = items["handoff_open"] + items["case_open"] + items["callback_open"]
    return items
