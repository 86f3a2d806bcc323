"""Data subject requests (AVG art. 15 and 17): find everything held about one person or company, export it,
or erase it.

A person is found by e-mail address or phone number (intake.normalise.phone_e164), a company by KVK number.
What is found is what belongs to that person or company and nothing of others: a person's search returns their
own cases, not every case of the company they work for; a company's search returns the company's cases,
contacts, notes and visits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from companies.models import CompanyNote, CompanyVisit
from followup.models import CallbackRequest, SatisfactionRating
from intake import normalise
from intake.models import Attachment, Case, Company, Contact, Message
from intake.outbox import OutboxMessage
from kcc.models import KccCall
from knowledge.models import KnowledgeGap
from routing.models import Handoff, LabelledExample
from teams import audit
from teams.selectors import display_name

from .anonymise import (
    CALLBACK_CLEAR,
    CALLBACK_REPLACE,
    Counts,
    case_anonymise,
    company_anonymise,
    contact_anonymise,
    history,
    scrub,
    scrub_kcc_calls,
    scrub_outbox,
)
from .models import AnonymisedCase, ErasureRequest


@dataclass
class Subject:
    kind: str  # "email", "phone" or "kvk"
    value: str  # normalised
    contacts: list = field(default_factory=list)
    companies: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    kcc_calls: list = field(default_factory=list)
    callbacks: list = field(default_factory=list)
    outbox: list = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(
            self.contacts or self.companies or self.cases or self.kcc_calls or self.callbacks or self.outbox
        )

    @property
    def emails(self) -> set[str]:
        found = {c.email.lower() for c in [*self.contacts, *self.companies] if c.email}
        return found | ({self.value} if self.kind == "email" else set())


def recognise(query: str) -> tuple[str, str] | None:
    text = (query or "").strip()
    if kvk := normalise.kvk_number(text):
        return "kvk", kvk
    if "@" in text:
        return "email", text.lower()
    if phone := normalise.phone_e164(text):
        return "phone", phone
    return None


def find(query: str) -> Subject | None:
    """Everything held about the person or company `query` names; None when it is no e-mail/phone/KVK."""
    recognised = recognise(query)
    if recognised is None:
        return None
    kind, value = recognised
    if kind == "kvk":
        companies = Company.objects.filter(kvk_number=value)
        contacts = Contact.objects.filter(company__in=companies)
    elif kind == "email":
        companies = Company.objects.filter(email__iexact=value)
        contacts = Contact.objects.filter(email__iexact=value)
    else:
        companies = Company.objects.filter(phone=value)
        contacts = Contact.objects.filter(phone=value)
    subject = Subject(kind, value, contacts=list(contacts), companies=list(companies))
    cases = Case.objects.filter(Q(contact__in=subject.contacts) | Q(company__in=subject.companies))
    subject.cases = list(
        cases.select_related("topic", "owner_team", "company", "contact").order_by("created_at")
    )
    calls = Q(contact__in=subject.contacts) | Q(company__in=subject.companies) | Q(case__in=subject.cases)
    callbacks = Q(case__in=subject.cases)
    if kind == "phone":
        calls |= Q(caller_phone=value)
        callbacks |= Q(phone=value)
    if kind == "email":
        calls |= Q(caller_email__iexact=value)
    subject.kcc_calls = list(
        KccCall.objects.filter(calls).select_related("topic", "team").order_by("created_at")
    )
    subject.callbacks = list(CallbackRequest.objects.filter(callbacks).prefetch_related("attempts"))
    mine = Q(case__in=subject.cases)
    for email in subject.emails:  # e-mail addresses compare case-insensitively
        mine |= Q(to_email__iexact=email)
    subject.outbox = list(
        OutboxMessage.objects.filter(mine, audience=OutboxMessage.Audience.ENTREPRENEUR).order_by(
            "created_at"
        )
    )
    return subject


def _when(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def export(subject: Subject) -> dict:
    """Everything held about the subject, as plain data (the JSON download and the HTML summary)."""
    case_ids = [c.pk for c in subject.cases]
    call_ids = [c.pk for c in subject.kcc_calls]
    return {
        "search": {"kind": subject.kind},
        "exported_at": _when(timezone.now()),
        "contacts": [
            {
                "name": c.name,
                "email": c.email,
                "phone": c.phone,
                "company": str(c.company or ""),
                "created_at": _when(c.created_at),
            }
            for c in subject.contacts
        ],
        "companies": [
            {
                "name": c.name,
                "kvk_number": c.kvk_number,
                "branch_number": c.branch_number,
                "sbi_codes": c.sbi_codes,
                "address": c.address,
                "postcode": c.postcode,
                "city": c.city,
                "email": c.email,
                "phone": c.phone,
                "account_manager": display_name(c.account_manager) if c.account_manager else "",
                "notes": [
                    {
                        "body": n.body,
                        "author": display_name(n.author) if n.author else "",
                        "created_at": _when(n.created_at),
                    }
                    for n in CompanyNote.objects.filter(company=c).select_related("author")
                ],
                "visits": [
                    {
                        "planned_for": _when(v.planned_for),
                        "status": v.get_status_display(),
                        "purpose": v.purpose,
                        "notes": v.notes,
                        "alderman": v.alderman,
                        "actions": [a.description for a in v.actions.all()],
                    }
                    for v in CompanyVisit.objects.filter(company=c).prefetch_related("actions")
                ],
            }
            for c in subject.companies
        ],
        "cases": [_case(c) for c in subject.cases],
        "callbacks": [
            {
                "case": cb.case.reference,
                "name": cb.name,
                "phone": cb.phone,
                "subject": cb.subject,
                "status": cb.get_status_display(),
                "due_at": _when(cb.due_at),
                "created_at": _when(cb.created_at),
                "answer": cb.answer,
                "attempts": [
                    {"at": _when(a.created_at), "outcome": a.get_outcome_display(), "note": a.note}
                    for a in cb.attempts.all()
                ],
            }
            for cb in subject.callbacks
        ],
        "ratings": [
            {
                "case": r.case.reference,
                "score": r.score,
                "comment": r.comment,
                "created_at": _when(r.created_at),
            }
            for r in SatisfactionRating.objects.filter(case_id__in=case_ids).select_related("case")
        ],
        "kcc_calls": [
            {
                "at": _when(k.created_at),
                "outcome": k.get_outcome_display(),
                "question": k.question,
                "caller_name": k.caller_name,
                "caller_phone": k.caller_phone,
                "caller_email": k.caller_email,
                "topic": str(k.topic or ""),
                "team": str(k.team or ""),
            }
            for k in subject.kcc_calls
        ],
        "knowledge_gaps": [
            {"question": g.question, "created_at": _when(g.created_at)}
            for g in KnowledgeGap.objects.filter(Q(case_id__in=case_ids) | Q(call_id__in=call_ids)).distinct()
        ],
        "training_texts": [
            {"text": e.text, "topic": str(e.topic)}
            for e in LabelledExample.objects.filter(case_id__in=case_ids).select_related("topic")
        ],
        "emails_sent": [
            {
                "to": o.to_email,
                "subject": o.subject,
                "status": o.get_status_display(),
                "created_at": _when(o.created_at),
                "sent_at": _when(o.sent_at),
                "body": o.body_text,
            }
            for o in subject.outbox
        ],
    }


def _case(case: Case) -> dict:
    return {
        "reference": case.reference,
        "received": _when(case.created_at),
        "closed": _when(case.closed_at),
        "channel": case.get_channel_display(),
        "status": case.get_status_display(),
        "resolution": case.get_resolution_display(),
        "topic": str(case.topic or ""),
        "team": str(case.owner_team),
        "subject": case.subject,
        "question": case.question,
        "contact": case.contact.name,
        "company": str(case.company or ""),
        "timeline": [
            {
                "at": _when(m.created_at),
                "kind": m.get_kind_display(),
                "visible_to_entrepreneur": m.is_public,
                "author": m.author_name,
                "text": m.text,
            }
            for m in Message.objects.filter(case=case).order_by("created_at", "pk")
        ],
        "attachments": [
            {
                "name": a.original_name,
                "type": a.content_type,
                "size": a.size,
                "uploaded_at": _when(a.uploaded_at),
            }
            for a in Attachment.objects.filter(case=case)
        ],
        "handoffs": [
            {
                "team": str(h.team),
                "status": h.get_status_display(),
                "request": h.request_text,
                "answer": h.answer,
                "created_at": _when(h.created_at),
                "closed_at": _when(h.closed_at),
            }
            for h in Handoff.objects.filter(case=case).select_related("team")
        ],
    }


@transaction.atomic
def erase(subject: Subject, *, ground: str, note: str, actor) -> ErasureRequest:
    """Anonymise everything found (AVG art. 17); the request is kept with its ground and counts, without
    personal data, and audit-logged."""
    counts = Counts()
    for case in subject.cases:
        case_anonymise(case, reason=AnonymisedCase.Reason.REQUEST, counts=counts)
    for contact in subject.contacts:
        contact_anonymise(contact.pk, counts)
    scrub_kcc_calls(KccCall.objects.filter(pk__in=[k.pk for k in subject.kcc_calls]), counts)
    callback_ids = [cb.pk for cb in subject.callbacks]
    counts.add(
        "callbacks",
        scrub(
            CallbackRequest.objects.filter(pk__in=callback_ids),
            replace=CALLBACK_REPLACE,
            clear=CALLBACK_CLEAR,
        ),
    )
    scrub(
        history(CallbackRequest).objects.filter(id__in=callback_ids),
        replace=CALLBACK_REPLACE,
        clear=CALLBACK_CLEAR,
    )
    counts.add("outbox", scrub_outbox(OutboxMessage.objects.filter(pk__in=[o.pk for o in subject.outbox])))
    for company in subject.companies:
        company_anonymise(company.pk, counts)
    request = ErasureRequest.objects.create(user=actor, ground=ground, note=note[:200], counts=counts.rows)
    audit.record(user=actor, action=audit.Action.ERASE, obj=request, detail=f"ground={ground}")
    return request
