"""Anonymising and erasing a case with everything that hangs off it, history rows included.

Anonymising keeps every row countable: status, dates, channel, team, topic, resolution, deadlines, scores and
outcomes stay, so reports still add up. Names, e-mail addresses, phone numbers and free text are replaced by
ANONYMISED (or emptied where a field is too short for it), in the rows themselves and in their
django-simple-history rows. Attachment files and the training texts (LabelledExample) are deleted: a file
or a training text without its content means nothing.

Writes use QuerySet.update(), so no new history row is made (and no timestamp changes): a history row with
the old text is exactly what must go.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet

from companies.models import CompanyNote, CompanyVisit, VisitAction
from followup.models import CallbackAttempt, CallbackRequest, SatisfactionRating
from intake.models import Case, Company, Contact, Message
from intake.outbox import OutboxMessage
from intake.timeline import Text
from kcc.models import KccCall
from knowledge.models import KnowledgeGap
from routing.models import Handoff, LabelledExample

from .models import AnonymisedCase

ANONYMISED = "[geanonimiseerd]"

# Keys of Message.data whose text values say what happened, not who: kept. Every other text value goes.
SAFE_DATA_KEYS = frozenset(
    {"event", "channel", "from", "to", "from_topic", "to_topic", "team", "organisation", "url", "msgid"}
)


@dataclass
class Counts:
    """How many rows of each kind were anonymised or deleted (for the erasure summary and the command)."""

    rows: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int) -> None:
        if n:
            self.rows[kind] = self.rows.get(kind, 0) + n


def scrub(qs: QuerySet, *, replace: tuple[str, ...] = (), clear: tuple[str, ...] = ()) -> int:
    """Replace the non-empty text fields in `replace` with ANONYMISED and empty the fields in `clear`."""
    changed = 0
    for name in replace:
        changed = max(
            changed, qs.exclude(**{name: ""}).exclude(**{name: ANONYMISED}).update(**{name: ANONYMISED})
        )
    if clear:
        condition = Q()
        for name in clear:
            condition |= ~Q(**{name: ""})
        changed = max(changed, qs.filter(condition).update(**dict.fromkeys(clear, "")))
    return changed


def history(model) -> type:
    return model.history.model


def scrub_data(value, key: str | None = None):
    """Message.data without personal data: a stored Text keeps its msgid, its text parameters are replaced."""
    if isinstance(value, dict):
        if "msgid" in value:
            params = value.get("params") or {}
            return {"msgid": value["msgid"], "params": {k: _scrub_param(v) for k, v in params.items()}}
        return {k: scrub_data(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_data(v, key) for v in value]
    if isinstance(value, str):
        return value if key in SAFE_DATA_KEYS else ANONYMISED
    return value


def _scrub_param(value):
    if isinstance(value, dict) and "msgid" in value:
        return scrub_data(value)
    if isinstance(value, str):
        return ANONYMISED
    return value


def _message_body(data: dict) -> str:
    try:
        return Text.from_data(data["text"]).render_stored()
    except (KeyError, TypeError, ValueError):
        return ANONYMISED


CASE_REPLACE = ("question",)
CASE_CLEAR = ("subject", "claimed_kvk_number", "routing_reason")
HANDOFF_REPLACE = ("request_text", "answer", "return_reason", "info_question")
CALLBACK_REPLACE = ("name", "subject", "answer", "preferred_moment")
CALLBACK_CLEAR = ("phone",)
KCC_REPLACE = ("question", "caller_name")
KCC_CLEAR = ("caller_phone", "caller_email")
CONTACT_REPLACE = ("name",)
CONTACT_CLEAR = ("email", "phone")


def scrub_messages(messages: QuerySet) -> int:
    n = 0
    for message in messages.only("pk", "body", "data"):
        data = scrub_data(message.data or {})
        body = _message_body(data) if "text" in data else (ANONYMISED if message.body else "")
        Message.objects.filter(pk=message.pk).update(body=body, data=data, author_name="")
        n += 1
    return n


def delete_attachments(attachments: QuerySet) -> int:
    n = 0
    for attachment in attachments:
        if attachment.file:
            attachment.file.delete(save=False)
        attachment.delete()
        n += 1
    return n


def scrub_outbox(qs: QuerySet) -> int:
    return qs.update(
        to_email="",
        subject=ANONYMISED,
        body_text="",
        body_html="",
        tracking_token_encrypted="",
        last_error="",
    )


def scrub_kcc_calls(calls: QuerySet, counts: Counts) -> None:
    call_ids = list(calls.values_list("pk", flat=True))
    counts.add(
        "kcc_calls", scrub(KccCall.objects.filter(pk__in=call_ids), replace=KCC_REPLACE, clear=KCC_CLEAR)
    )
    counts.add(
        "knowledge_gaps", scrub(KnowledgeGap.objects.filter(call_id__in=call_ids), replace=("question",))
    )


def contact_anonymise(contact_id: int, counts: Counts) -> None:
    counts.add(
        "contacts", scrub(Contact.objects.filter(pk=contact_id), replace=CONTACT_REPLACE, clear=CONTACT_CLEAR)
    )
    counts.add(
        "history_rows",
        scrub(history(Contact).objects.filter(id=contact_id), replace=CONTACT_REPLACE, clear=CONTACT_CLEAR),
    )


@transaction.atomic
def case_anonymise(case: Case, *, reason: str, counts: Counts | None = None) -> Counts:
    """Anonymise one case and everything on it; its contact too once none of their cases holds data."""
    counts = counts if counts is not None else Counts()
    case = Case.objects.select_for_update().get(pk=case.pk)
    scrub(Case.objects.filter(pk=case.pk), replace=CASE_REPLACE, clear=CASE_CLEAR)
    counts.add("cases", 1)
    counts.add(
        "history_rows",
        scrub(history(Case).objects.filter(id=case.pk), replace=CASE_REPLACE, clear=CASE_CLEAR),
    )
    counts.add("messages", scrub_messages(case.messages.all()))
    counts.add("attachments", delete_attachments(case.attachments.all()))

    handoff_ids = list(case.handoffs.values_list("pk", flat=True))
    counts.add("handoffs", scrub(Handoff.objects.filter(pk__in=handoff_ids), replace=HANDOFF_REPLACE))
    counts.add(
        "history_rows", scrub(history(Handoff).objects.filter(id__in=handoff_ids), replace=HANDOFF_REPLACE)
    )

    callback_ids = list(case.callbacks.values_list("pk", flat=True))
    callbacks = CallbackRequest.objects.filter(pk__in=callback_ids)
    counts.add("callbacks", scrub(callbacks, replace=CALLBACK_REPLACE, clear=CALLBACK_CLEAR))
    counts.add(
        "history_rows",
        scrub(
            history(CallbackRequest).objects.filter(id__in=callback_ids),
            replace=CALLBACK_REPLACE,
            clear=CALLBACK_CLEAR,
        ),
    )
    scrub(CallbackAttempt.objects.filter(callback_id__in=callback_ids), replace=("note",))
    counts.add("ratings", scrub(SatisfactionRating.objects.filter(case=case), replace=("comment",)))

    scrub_kcc_calls(KccCall.objects.filter(case=case), counts)
    counts.add("knowledge_gaps", scrub(KnowledgeGap.objects.filter(case=case), replace=("question",)))
    counts.add("labelled_examples", LabelledExample.objects.filter(case=case).delete()[0])
    counts.add("outbox", scrub_outbox(OutboxMessage.objects.filter(case=case)))

    AnonymisedCase.objects.update_or_create(case=case, defaults={"reason": reason})
    holds_data = Case.objects.filter(contact_id=case.contact_id, anonymised__isnull=True).exists()
    if not holds_data:
        contact_anonymise(case.contact_id, counts)
    return counts


@transaction.atomic
def case_erase(case: Case, *, counts: Counts | None = None) -> Counts:
    """Delete a case completely: its files, timeline, hand-offs, callbacks, outbox rows and history rows.

    Rows that outlive a case by design (its KCC call, knowledge gaps: their foreign key is SET_NULL) are
    anonymised first. The contact goes too when no other case refers to them.
    """
    counts = counts if counts is not None else Counts()
    case_anonymise(case, reason=AnonymisedCase.Reason.REQUEST, counts=counts)
    case = Case.objects.get(pk=case.pk)
    handoff_ids = list(case.handoffs.values_list("pk", flat=True))
    callback_ids = list(case.callbacks.values_list("pk", flat=True))
    contact_id = case.contact_id
    counts.add("outbox", OutboxMessage.objects.filter(case=case).delete()[0])
    case_pk = case.pk
    case.delete()  # cascades: messages, attachments (files already gone), hand-offs, callbacks, ratings
    # Deleting made "-" history rows of its own; every history row of these objects goes now.
    counts.add("history_rows", history(Case).objects.filter(id=case_pk).delete()[0])
    counts.add("history_rows", history(Handoff).objects.filter(id__in=handoff_ids).delete()[0])
    counts.add("history_rows", history(CallbackRequest).objects.filter(id__in=callback_ids).delete()[0])
    if not Case.objects.filter(contact_id=contact_id).exists():
        Contact.objects.filter(pk=contact_id).delete()
        counts.add("history_rows", history(Contact).objects.filter(id=contact_id).delete()[0])
    return counts


COMPANY_REPLACE = ("name",)
COMPANY_CLEAR = ("address", "postcode", "city", "email", "phone", "branch_number")


def company_anonymise(company_id: int, counts: Counts) -> None:
    """A company (a sole trader is a person): contact details, notes and visit reports; the sector stays."""
    for qs in (Company.objects.filter(pk=company_id), history(Company).objects.filter(id=company_id)):
        kind = "companies" if qs.model is Company else "history_rows"
        counts.add(kind, scrub(qs, replace=COMPANY_REPLACE, clear=COMPANY_CLEAR))
        qs.update(kvk_number=None)
    counts.add("company_notes", scrub(CompanyNote.objects.filter(company_id=company_id), replace=("body",)))
    visits = CompanyVisit.objects.filter(company_id=company_id)
    counts.add("visits", scrub(visits, replace=("purpose", "notes"), clear=("alderman",)))
    scrub(
        history(CompanyVisit).objects.filter(company_id=company_id),
        replace=("purpose", "notes"),
        clear=("alderman",),
    )
    scrub(VisitAction.objects.filter(visit__company_id=company_id), replace=("description",))
