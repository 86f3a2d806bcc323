"""Retention: per kind of data, how long it is kept and what happens after (docs/privacy.md has the table).

`plan(now)` says per kind how many rows are due and what would happen (the dry run); `apply(now)` does it.
Cases go one transaction each, so a long first run can be stopped and started again; the nightly Celery beat
task (privacy.tasks) and `manage.py privacy_retention` both call `apply`.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Q, QuerySet
from django.utils import timezone

from followup.models import CallbackRequest
from intake.models import Attachment, Case, Message, StagedUpload
from intake.outbox import OutboxMessage
from intake.staging import purge_staged_uploads
from intake.workflow import CLOSED
from kcc.models import KccCall
from knowledge.models import KnowledgeGap
from routing.models import Handoff, LabelledExample
from teams.audit import Action, AuditEvent, record

from .anonymise import ANONYMISED, KCC_CLEAR, KCC_REPLACE, case_anonymise, scrub
from .models import AnonymisedCase


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (31 March minus one month is 28/29 February)."""
    years, month_index = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + years, month_index + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


@dataclass
class Kind:
    key: str
    label: str  # what the row is, in the table (English: the command is for administrators)
    action: str
    due: Callable[[datetime], int]
    apply: Callable[[datetime, Callable[[Iterable], Iterable]], int] | None  # None: counted under another row


# -- closed cases -------------------------------------------------------------------------------------------


def due_cases(now: datetime) -> QuerySet[Case]:
    cutoff = months_before(now, settings.PRIVACY_CLOSED_CASE_MONTHS)
    return Case.objects.filter(status__in=CLOSED, closed_at__lt=cutoff, anonymised__isnull=True)


def _apply_cases(now, progress) -> int:
    ids = list(due_cases(now).order_by("closed_at").values_list("pk", flat=True))
    n = 0
    for case in progress(Case.objects.filter(pk__in=ids).iterator()):
        case_anonymise(case, reason=AnonymisedCase.Reason.RETENTION)
        n += 1
    return n


def _with_due_cases(count: Callable[[QuerySet], int]) -> Callable[[datetime], int]:
    return lambda now: count(due_cases(now).values("pk"))


def _history_rows(cases: QuerySet) -> int:
    return (
        Case.history.model.objects.filter(id__in=cases).count()
        + Handoff.history.model.objects.filter(case_id__in=cases).count()
        + CallbackRequest.history.model.objects.filter(case_id__in=cases).count()
    )


def _related(model, path: str) -> Callable[[QuerySet], int]:
    return lambda cases: model.objects.filter(**{f"{path}__in": cases}).count()


# -- rows without a case, the outbox, uploads, sessions, the audit trail ------------------------------------


def _unlinked_cutoff(now: datetime) -> datetime:
    return months_before(now, settings.PRIVACY_UNLINKED_RECORD_MONTHS)


def due_unlinked_calls(now: datetime) -> QuerySet[KccCall]:
    return KccCall.objects.filter(case__isnull=True, created_at__lt=_unlinked_cutoff(now)).exclude(
        question=ANONYMISED
    )


def _apply_unlinked_calls(now, progress) -> int:
    return scrub(due_unlinked_calls(now), replace=KCC_REPLACE, clear=KCC_CLEAR)


def due_unlinked_gaps(now: datetime) -> QuerySet[KnowledgeGap]:
    return KnowledgeGap.objects.filter(
        case__isnull=True, call__case__isnull=True, created_at__lt=_unlinked_cutoff(now)
    ).exclude(question=ANONYMISED)


def _apply_unlinked_gaps(now, progress) -> int:
    return scrub(due_unlinked_gaps(now), replace=("question",))


def due_outbox_bodies(now: datetime) -> QuerySet[OutboxMessage]:
    cutoff = now - timedelta(days=settings.PRIVACY_OUTBOX_BODY_DAYS)
    done = OutboxMessage.Status
    return OutboxMessage.objects.filter(
        Q(status=done.SENT, sent_at__lt=cutoff)
        | Q(status__in=[done.SKIPPED, done.FAILED], created_at__lt=cutoff)
    ).exclude(body_text="", body_html="")


def _apply_outbox_bodies(now, progress) -> int:
    return due_outbox_bodies(now).update(body_text="", body_html="", tracking_token_encrypted="")


def _staged_cutoff() -> timedelta:
    return timedelta(hours=settings.STAGED_UPLOAD_MAX_AGE_HOURS)


def _due_staged(now: datetime) -> int:
    return StagedUpload.objects.filter(created_at__lt=now - _staged_cutoff()).count()


def _apply_staged(now, progress) -> int:
    return purge_staged_uploads(_staged_cutoff())  # intake.staging: the file and the row


def _due_sessions(now: datetime) -> int:
    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return 0  # cookie, cache and file sessions expire by themselves
    return Session.objects.filter(expire_date__lt=now).count()


def _apply_sessions(now, progress) -> int:
    due = _due_sessions(now)
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()  # what `manage.py clearsessions` does
    return due


def due_audit_events(now: datetime) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(at__lt=months_before(now, settings.PRIVACY_AUDIT_EVENT_MONTHS))


def _apply_audit_events(now, progress) -> int:
    return due_audit_events(now).delete()[0]


def kinds() -> list[Kind]:
    months = settings.PRIVACY_CLOSED_CASE_MONTHS
    with_case = "anonymise with their case"
    return [
        Kind(
            "cases",
            f"closed cases (closed > {months} months ago)",
            "anonymise",
            _with_due_cases(lambda c: c.count()),
            _apply_cases,
        ),
        Kind(
            "messages",
            "  timeline entries of those cases",
            with_case,
            _with_due_cases(_related(Message, "case")),
            None,
        ),
        Kind(
            "attachments",
            "  attachments of those cases",
            "delete files and rows",
            _with_due_cases(_related(Attachment, "case")),
            None,
        ),
        Kind(
            "history",
            "  history rows (case, hand-offs, callbacks)",
            with_case,
            _with_due_cases(_history_rows),
            None,
        ),
        Kind(
            "outbox_case",
            "  outbox rows of those cases",
            with_case,
            _with_due_cases(_related(OutboxMessage, "case")),
            None,
        ),
        Kind(
            "kcc_calls_case",
            "  KCC calls of those cases",
            with_case,
            _with_due_cases(_related(KccCall, "case")),
            None,
        ),
        Kind(
            "gaps_case",
            "  knowledge gaps of those cases",
            with_case,
            _with_due_cases(_related(KnowledgeGap, "case")),
            None,
        ),
        Kind(
            "labelled_examples",
            "  training texts of those cases",
            "delete with their case",
            _with_due_cases(_related(LabelledExample, "case")),
            None,
        ),
        Kind(
            "kcc_calls",
            f"KCC calls without a case (> {settings.PRIVACY_UNLINKED_RECORD_MONTHS} months)",
            "anonymise",
            lambda now: due_unlinked_calls(now).count(),
            _apply_unlinked_calls,
        ),
        Kind(
            "knowledge_gaps",
            f"knowledge gaps without a case (> {settings.PRIVACY_UNLINKED_RECORD_MONTHS} months)",
            "anonymise",
            lambda now: due_unlinked_gaps(now).count(),
            _apply_unlinked_gaps,
        ),
        Kind(
            "outbox_bodies",
            f"outbox bodies (sent > {settings.PRIVACY_OUTBOX_BODY_DAYS} days ago)",
            "empty the body",
            lambda now: due_outbox_bodies(now).count(),
            _apply_outbox_bodies,
        ),
        Kind(
            "staged_uploads",
            f"staged uploads (> {settings.STAGED_UPLOAD_MAX_AGE_HOURS} hours)",
            "delete file and row",
            _due_staged,
            _apply_staged,
        ),
        Kind("sessions", "expired sessions", "delete (clearsessions)", _due_sessions, _apply_sessions),
        Kind(
            "audit_events",
            f"audit events (> {settings.PRIVACY_AUDIT_EVENT_MONTHS} months)",
            "delete",
            lambda now: due_audit_events(now).count(),
            _apply_audit_events,
        ),
    ]


@dataclass
class Row:
    key: str
    label: str
    due: int
    action: str
    done: int | None = None


def _no_progress(items: Iterable) -> Iterable:
    return items


def plan(now: datetime | None = None) -> list[Row]:
    now = now or timezone.now()
    return [Row(k.key, k.label, k.due(now), k.action) for k in kinds()]


def apply(
    now: datetime | None = None, *, progress: Callable[[Iterable, int], Iterable] | None = None
) -> list[Row]:
    """Apply every retention period; `progress(items, total)` may wrap the case loop (a progress bar)."""
    now = now or timezone.now()
    rows = []
    for kind in kinds():
        due = kind.due(now)
        wrap = (lambda items, total=due: progress(items, total)) if progress else _no_progress
        done = kind.apply(now, wrap) if kind.apply and due else None
        rows.append(Row(kind.key, kind.label, due, kind.action, done if kind.apply else None))
    summary = ", ".join(f"{r.key}={r.done}" for r in rows if r.done)
    record(user=None, action=Action.RETENTION, detail=summary or "nothing due")
    return rows
