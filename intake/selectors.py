"""Reads of cases, always scoped to what the requesting user may see. Views never build case querysets."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from followup.outbox import OutboxMessage
from teams.selectors import roles_for

from .models import Attachment, Case, Message


def cases_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """Team economie and the KCC see every case; a department only cases handed to one of its teams."""
    roles = roles_for(user)
    base = Case.objects.select_related("company", "contact", "topic", "owner", "owner_team", "proposed_team")
    if roles.sees_all_cases:
        return base
    if roles.department_team_ids:
        return base.filter(handoffs__team_id__in=roles.department_team_ids).distinct()
    return base.none()


def case_list_for(user) -> QuerySet[Case]:
    """The dashboard's list: only for those who direct or log cases."""
    if not roles_for(user).sees_all_cases:
        return Case.objects.none()
    return cases_for(user)


def case_detail_for(user, pk: int) -> Case:
    """The full case page (with internal notes) is for team economie and the KCC; others get a 404."""
    try:
        return (
            case_list_for(user)
            .prefetch_related(
                Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at")),
                "handoffs__team",
                "handoffs__claimed_by",
            )
            .get(pk=pk)
        )
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def case_by_token(token: str) -> Case:
    try:
        return Case.objects.select_related("contact", "topic", "company").get(
            tracking_token_hash=Case.hash_token(token)
        )
    except Case.DoesNotExist as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str
    message: Message | None = None
    notification: OutboxMessage | None = None


def case_timeline(case: Case, *, public_only: bool = False) -> list[TimelineItem]:
    """Messages and (for staff) notifications sent, in time order, in two queries whatever their number."""
    messages = case.messages.select_related("author").prefetch_related("attachments")
    if public_only:
        messages = messages.filter(is_public=True)
    items = [TimelineItem(at=m.created_at, kind=m.kind, message=m) for m in messages]
    if not public_only:
        items += [
            TimelineItem(at=n.created_at, kind="notification", notification=n)
            for n in OutboxMessage.objects.filter(case=case).defer("body_html")
        ]
    return sorted(items, key=lambda item: item.at)


def attachment_for_staff(user, pk: int) -> Attachment:
    try:
        return Attachment.objects.select_related("case").get(pk=pk, case__in=cases_for(user))
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc


def attachment_for_token(token: str, pk: int) -> Attachment:
    case = case_by_token(token)
    try:
        return case.attachments.get(Q(message__is_public=True) | Q(message__isnull=True), pk=pk)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc


def public_topic_by_slug(slug: str):
    from teams.selectors import public_topics

    return public_topics().filter(slug=slug).first()


def case_counts(user) -> dict[str, int]:
    """The dashboard's counters in one query."""
    from django.db.models import Count
    from django.utils import timezone

    from .workflow import OPEN, Status

    today = timezone.localdate()
    return case_list_for(user).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN)),
        new=Count("pk", filter=Q(status=Status.NEW)),
        triage=Count("pk", filter=Q(status__in=OPEN, needs_triage=True)),
        overdue=Count("pk", filter=Q(status__in=OPEN, deadline__lt=today)),
        waiting_department=Count("pk", filter=Q(status=Status.WAITING_DEPARTMENT)),
    )


def expected_answer_date(case: Case):
    """The date the entrepreneur may expect an answer: the deadline, or the later date of a delay notice."""
    from datetime import date

    notice = (
        case.messages.filter(kind=Message.Kind.FOLLOWUP, is_public=True, data__event="delay_notice")
        .order_by("-created_at", "-pk")
        .values_list("data", flat=True)
        .first()
    )
    try:
        announced = date.fromisoformat(str(notice["due"])[:10]) if notice else None
    except (KeyError, TypeError, ValueError):
        announced = None
    if announced and (case.deadline is None or announced > case.deadline):
        return announced
    return case.deadline
