"""Reads of hand-offs, scoped: a department member sees only hand-offs to their own teams. Also the router's
hints for a text as it is typed."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from intake.models import Case, Message
from teams.access import roles_for
from teams.models import Team, Topic

from . import router
from .models import Handoff


def handoffs_for(user) -> QuerySet[Handoff]:
    roles = roles_for(user)
    base = Handoff.objects.select_related(
        "case__contact", "case__company", "case__owner", "team", "claimed_by"
    )
    if roles.is_owner:
        return base
    if roles.department_team_ids:
        return base.filter(team_id__in=roles.department_team_ids)
    return base.none()


# What the inbox shows of a hand-off: up to 200 rows, so not the whole case (its texts, its search document).
INBOX_COLUMNS = (
    "status",
    "request_text",
    "deadline",
    "created_at",
    "closed_at",
    "team",
    "team__name",
    "claimed_by",
    "claimed_by__first_name",
    "claimed_by__last_name",
    "claimed_by__username",
    "case",
    "case__reference",
    "case__company",
    "case__company__name",
    "case__company__kvk_number",
)


def inbox_for(user, *, show: str = "open") -> QuerySet[Handoff]:
    handoffs = (
        handoffs_for(user)
        .select_related(None)
        .select_related("case__company", "team", "claimed_by")
        .only(*INBOX_COLUMNS)
    )
    if show == "open":
        return handoffs.filter(status__in=Handoff.OPEN_STATUSES).order_by("deadline", "pk")
    return handoffs.exclude(status__in=Handoff.OPEN_STATUSES).order_by("-closed_at", "-pk")


def handoff_for(user, pk: int) -> Handoff:
    try:
        return handoffs_for(user).get(pk=pk)
    except Handoff.DoesNotExist as exc:
        raise Http404 from exc


# ----------------------------------------------------------------------------------------------------------
# Hand-offs that need team economie: the one definition, for the case page, the list and closing


ATTENTION_STATUSES = (Handoff.Status.INFO_REQUESTED, Handoff.Status.RETURNED)


def asks_attention(handoff: Handoff, case_handoffs, *, case_open: bool) -> bool:
    """The one rule of "vraagt uw aandacht": the case is open and the department asks back (info requested),
    or returned the hand-off and nobody followed that up yet (no hand-off of the case created after the return).

    `case_handoffs`: the case's hand-offs (for the follow-up test). routing.services keeps the result on each
    hand-off (`Handoff.asks_attention`, see `refresh_attention`); every read below uses that marker.
    """
    if not case_open or handoff.status not in ATTENTION_STATUSES:
        return False
    if handoff.status == Handoff.Status.INFO_REQUESTED or handoff.closed_at is None:
        return True
    return not any(h.created_at > handoff.closed_at for h in case_handoffs)


def attention_q() -> Q:
    """Hand-offs that ask for attention now (`asks_attention`; an open case only)."""
    return Q(asks_attention=True)


def unfinished_q() -> Q:
    """What closing an open case would leave behind: an open or unanswered hand-off, or a return not followed
    up (a returned hand-off still asking for attention)."""
    return Q(status__in=Handoff.OPEN_STATUSES) | Q(status=Handoff.Status.RETURNED, asks_attention=True)


def case_attention() -> Exists:
    """True for a case with a hand-off that asks for attention; use in annotate or a filter."""
    return Exists(Handoff.objects.filter(case=OuterRef("pk"), asks_attention=True))


def needs_attention_q() -> Q:
    """The same cases as `case_attention`, as a filter driven from the hand-offs: `pk IN (the few case ids in
    the partial index handoff_asks_attention)`. Use it to filter or count over many cases; `case_attention`
    per row would test every case."""
    return Q(pk__in=Handoff.objects.filter(asks_attention=True).values("case_id"))


def attention_case_ids(limit: int = 5000) -> list[int]:
    """The ids of the cases that ask for attention (a few hundred, even at a million cases): the case list
    filters on this list, which keeps its query a lookup by id (no plan joining every case first). Read from
    the partial index alone."""
    ids = Handoff.objects.filter(asks_attention=True).order_by("case_id").values_list("case_id", flat=True)
    return list(ids.distinct()[:limit])


def mark_attention(cases: list[Case]) -> list[Case]:
    """Set `needs_attention` on a page of cases with one query over their ids (the partial index)."""
    ids = [case.pk for case in cases]
    marked = (
        set(Handoff.objects.filter(case_id__in=ids, asks_attention=True).values_list("case_id", flat=True))
        if ids
        else set()
    )
    for case in cases:
        case.needs_attention = case.pk in marked
    return cases


def with_attention(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate `needs_attention` on every case in one query (no query per row)."""
    return cases.annotate(needs_attention=case_attention())


def handoffs_needing_attention(case: Case) -> list[Handoff]:
    if not case.is_open:
        return []
    return list(
        case.handoffs.filter(attention_q()).select_related("team", "created_by").order_by("created_at", "pk")
    )


def unfinished_handoffs(case: Case) -> list[Handoff]:
    """The parts a close would leave unfinished; closing with any of them needs a confirmation and a reason."""
    if not case.is_open:
        return []
    return list(case.handoffs.filter(unfinished_q()).select_related("team").order_by("created_at", "pk"))


@dataclass(frozen=True)
class CaseHandoffs:
    attention: list[Handoff]
    unfinished: list[Handoff]
    answer_draft: str


def case_handoffs(case: Case) -> CaseHandoffs:
    """The case page's three views of its hand-offs from one list, the case's prefetched hand-offs (one query
    instead of three): `attention_q`, `unfinished_q` and `answer_draft`, with the same definitions in Python
    (both read the `asks_attention` marker)."""
    handoffs = sorted(case.handoffs.all(), key=lambda h: (h.created_at, h.pk))
    is_open = case.is_open
    answered = [h for h in handoffs if h.status == Handoff.Status.ANSWERED]
    return CaseHandoffs(
        attention=[h for h in handoffs if is_open and h.asks_attention],
        unfinished=[
            h
            for h in handoffs
            if is_open
            and (
                h.status in Handoff.OPEN_STATUSES
                or (h.status == Handoff.Status.RETURNED and h.asks_attention)
            )
        ],
        answer_draft="\n\n".join(f"{h.team.name}: {h.answer.strip()}" for h in answered),
    )


def answer_draft(case: Case) -> str:
    """The final answer's starting text: every department's answer under its team's name."""
    answered = case.handoffs.filter(status=Handoff.Status.ANSWERED).select_related("team")
    return "\n\n".join(f"{h.team.name}: {h.answer.strip()}" for h in answered.order_by("created_at", "pk"))


def handoff_thread(handoff: Handoff) -> QuerySet[Message]:
    """What a department may read of the case: the public conversation and this hand-off's own events.

    Once the hand-off is closed (answered, returned, withdrawn), the conversation stops at that moment: what
    the entrepreneur and team economie say afterwards is no longer the department's business.
    """
    from django.db.models import Q

    public = Q(is_public=True)
    if handoff.closed_at is not None:
        public &= Q(created_at__lte=handoff.closed_at)
    return (
        handoff.case.messages.filter(
            public | Q(kind__in=[Message.Kind.HANDOFF, Message.Kind.FOLLOWUP], data__handoff=handoff.pk)
        )
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


def handoff_attachments(handoff: Handoff):
    """The entrepreneur's public attachments, up to the moment the hand-off closed (as the thread)."""
    attachments = handoff.case.attachments.filter(message__is_public=True)
    if handoff.closed_at is not None:
        attachments = attachments.filter(message__created_at__lte=handoff.closed_at)
    return attachments


@dataclass(frozen=True)
class RouterHint:
    """The router's idea of topic and team for a text, for the KCC screen."""

    topic: Topic
    team: Team
    probability: float


# ----------------------------------------------------------------------------------------------------------
# The router's topics (the KCC screen's suggestions as the agent types)


def router_topics(text: str, k: int = 3) -> list[tuple[str, float]]:
    """The router's top topic slugs with probability ([] without a trained model)."""
    if not text.strip():
        return []
    current = router.loaded_router()  # cached model, no database access per call
    if current is None:
        return []
    topics, _teams = router.rank_slugs(current, text)
    return topics[:k]


def router_hints(text: str, k: int = 3) -> list[RouterHint]:
    ranked = router_topics(text, k)
    if not ranked:
        return []
    topics = {
        t.slug: t for t in Topic.objects.filter(slug__in=[s for s, _p in ranked]).select_related("team")
    }
    return [RouterHint(topics[s], topics[s].team, p) for s, p in ranked if s in topics]
