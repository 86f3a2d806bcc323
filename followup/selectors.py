"""Follow-up reads, always scoped to the requesting user: callbacks, the deadline overview, the digest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
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


@dataclass(slots=True, frozen=True)
class Item:
    """What a row shows of its case or hand-off: read as plain values (up to 600 rows a page, and each model
    instance is five objects for the garbage collector to walk)."""

    pk: int
    reference: str  # the case's (of a hand-off: its case's)
    team_id: int | None = None  # a hand-off's team


@dataclass(slots=True)  # hundreds per page: no __dict__ each
class Row:
    kind: str  # "case" or "handoff"
    obj: Item
    deadline: date
    group: str
    reason: str
    # Ready to print: up to 600 rows, so the template does no look-up, translation or URL reversing per row.
    url: str = ""
    status: str = ""  # the case's status in words (case rows)
    owner: str = ""  # the case's account manager (hand-off rows)

    @property
    def deadline_text(self) -> str:
        return self.deadline.strftime("%d-%m-%Y")


def _url_for(name: str):
    """`pk -> reverse(name, args=[pk])`, reversing once: a page of rows links to the same view."""
    marker = "987654321"
    pattern = reverse(name, args=[int(marker)])
    return lambda pk: pattern.replace(marker, str(pk))


@dataclass
class Bucket:
    key: str
    title: str
    cases: list[Row] = field(default_factory=list)
    handoffs: list[Row] = field(default_factory=list)
    case_count: int = 0
    handoff_count: int = 0


def _d(value) -> str:
    return _day_month(timezone.localtime(value).date() if hasattr(value, "hour") else value, get_language())


@lru_cache(maxsize=1024)
def _day_month(day: date, language: str | None) -> str:
    """ "3 maart": formatted once per day and language (the overview writes hundreds of them)."""
    return date_format(day, "j F")


def case_reason(open_handoffs: list[tuple], owner, teams: dict) -> str:
    """Why a case is waiting: `open_handoffs` as (created_at, team_id), `owner` a user or None."""
    if open_handoffs:
        created_at, team_id = min(open_handoffs)
        others = len(open_handoffs) - 1
        text = _("wacht sinds %(date)s op %(team)s") % {"date": _d(created_at), "team": teams[team_id]}
        if others:
            text += " " + _("(en %(n)s andere teams)") % {"n": others}
        return text
    if owner is None:
        return _("nog geen accountmanager")
    return _("ligt bij accountmanager %(name)s") % {"name": display_name(owner)}


def handoff_reason(status: str, team, claimed_by, created_at) -> str:
    if status == Handoff.Status.INFO_REQUESTED:
        return _("%(team)s wacht op informatie van team economie") % {"team": team}
    if status == Handoff.Status.CLAIMED and claimed_by:
        return _("in behandeling bij %(name)s (%(team)s), uitgezet op %(date)s") % {
            "name": display_name(claimed_by),
            "team": team,
            "date": _d(created_at),
        }
    return _("wacht sinds %(date)s op %(team)s, nog niet opgepakt") % {"date": _d(created_at), "team": team}


def _teams_and_people(team_ids: set, people_ids: set) -> tuple[dict, dict]:
    """The teams and people the overview names, by id, in two small queries."""
    people_ids = people_ids - {None}
    teams = Team.objects.in_bulk(team_ids) if team_ids else {}
    people = (
        get_user_model().objects.only("first_name", "last_name", "username").in_bulk(people_ids)
        if people_ids
        else {}
    )
    return teams, people


def deadline_overview(user, *, today: date | None = None) -> list[Bucket]:
    """Overdue, due today and due later this week: cases by owner and hand-offs by team, with the reason.

    Seven queries whatever the numbers: two counts, the cases, their open hand-offs, the hand-offs, and the
    teams and people they name.
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
    # Plain values, not model instances: up to 300 cases and 300 hand-offs, with their teams and people read
    # by id afterwards (two small queries).
    cases = list(
        Case.objects.filter(case_filter)
        .order_by("deadline", "pk")
        .values_list("pk", "reference", "status", "deadline", "owner_team_id", "owner_id")[:OVERVIEW_LIMIT]
    )
    waiting_on: dict[int, list[tuple]] = {}
    for case_id, created_at, team_id in Handoff.objects.filter(
        case_id__in=[c[0] for c in cases], status__in=Handoff.OPEN_STATUSES
    ).values_list("case_id", "created_at", "team_id"):
        waiting_on.setdefault(case_id, []).append((created_at, team_id))
    handoffs = list(
        Handoff.objects.filter(handoff_filter)
        .order_by("deadline", "pk")
        .values_list(
            "pk",
            "status",
            "deadline",
            "created_at",
            "team_id",
            "claimed_by_id",
            "case__reference",
            "case__owner_id",
        )[:OVERVIEW_LIMIT]
    )
    teams, people = _teams_and_people(
        {c[4] for c in cases} | {h[4] for h in handoffs} | {t for w in waiting_on.values() for _c, t in w},
        {c[5] for c in cases} | {h[5] for h in handoffs} | {h[7] for h in handoffs},
    )
    case_url, statuses = (
        _url_for("casework:case-detail"),
        {k: str(v) for k, v in Case._meta.get_field("status").choices},
    )
    nobody = _("geen accountmanager")
    for pk, reference, status, deadline, team_id, owner_id in cases:
        owner = people.get(owner_id)
        buckets[bucket_of(deadline)].cases.append(
            Row(
                "case",
                Item(pk, reference),
                deadline,
                f"{teams[team_id]} · {display_name(owner) if owner else nobody}",
                case_reason(waiting_on.get(pk, []), owner, teams),
                url=case_url(pk),
                status=statuses.get(status, status),
            )
        )
    counts = Handoff.objects.filter(handoff_filter).aggregate(
        overdue=Count("pk", filter=Q(deadline__lt=today)),
        today=Count("pk", filter=Q(deadline=today)),
        week=Count("pk", filter=Q(deadline__gt=today)),
    )
    for key, value in counts.items():
        buckets[key].handoff_count = value
    handoff_url = _url_for("routing:handoff-detail")
    for pk, status, deadline, created_at, team_id, claimed_by_id, reference, owner_id in handoffs:
        team, owner = teams[team_id], people.get(owner_id)
        buckets[bucket_of(deadline)].handoffs.append(
            Row(
                "handoff",
                Item(pk, reference, team_id),
                deadline,
                str(team),
                handoff_reason(status, team, people.get(claimed_by_id), created_at),
                url=handoff_url(pk),
                owner=display_name(owner) if owner else "–",
            )
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
