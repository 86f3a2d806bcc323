"""Every write to a case. One transaction per service: the change, its timeline entry, its history row and
its outgoing notifications are stored together or not at all.

Statuses change only through `case_transition`, which checks the table in `intake.workflow` first.
"""

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from intake.outbox import OutboxMessage, queue_email
from teams.deadlines import case_deadline, get_calendar
from teams.models import Team, Topic
from teams.selectors import owner_team

from .models import Attachment, Case, Company, Contact, Message, ReferenceSequence, Resolution
from .selectors import account_manager_for
from .timeline import Text
from .workflow import CLOSED, Status, check_transition

User = AbstractBaseUser


@dataclass(frozen=True)
class SubmittedCase:
    case: Case
    tracking_token: str  # shown once, on the confirmation page and in the receipt; only its hash is stored


@dataclass(frozen=True)
class UploadData:
    """A checked upload: content already validated by intake.forms.validate_upload."""

    file: UploadedFile
    original_name: str
    content_type: str


# ----------------------------------------------------------------------------------------------------------
# Intake

# What happens to every new question right after it is stored, in the same transaction, added by the layers
# above at start-up: routing registers its router (routing/apps.py). So intake's entry points route a question
# without intake importing routing (docs/decisions/0007).
_AFTER_SUBMIT: list[Callable[[Case], object]] = []


def register_after_submit(step: Callable[[Case], object]) -> None:
    if step not in _AFTER_SUBMIT:
        _AFTER_SUBMIT.append(step)


def after_submit(case: Case) -> None:
    for step in _AFTER_SUBMIT:
        step(case)


def next_reference(year: int | None = None) -> str:
    """OND-2026-00042. The per-year row is locked, so concurrent submissions never share a number."""
    year = year or timezone.localdate().year
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReferenceSequence.objects.get_or_create(year=year)
        except IntegrityError:  # created concurrently: fine, lock it below
            pass
        sequence = ReferenceSequence.objects.select_for_update().get(year=year)
        ReferenceSequence.objects.filter(pk=year).update(last_number=F("last_number") + 1)
        return f"OND-{year}-{sequence.last_number + 1:05d}"


def find_or_create_company(*, kvk_number: str, name: str, email: str) -> Company | None:
    """Match on KVK number first, then on a known contact's e-mail; create only when we have something."""
    if kvk_number:
        company, created = Company.objects.get_or_create(kvk_number=kvk_number, defaults={"name": name})
        if not created and name and not company.name:
            company.name = name
            company.save(update_fields=["name"])
        return company
    if email:
        contact = Contact.objects.filter(email__iexact=email, company__isnull=False).select_related("company")
        match = contact.order_by("-created_at").first()
        if match:
            return match.company
    if name:
        return Company.objects.create(name=name)
    return None


def find_or_create_contact(*, company: Company | None, name: str, email: str, phone: str) -> Contact:
    contact = None
    if email:
        contact = Contact.objects.filter(email__iexact=email, company=company).order_by("-created_at").first()
    elif phone:
        contact = Contact.objects.filter(phone=phone, company=company).order_by("-created_at").first()
    if contact is None:
        return Contact.objects.create(company=company, name=name, email=email, phone=phone)
    changed = [f for f, v in (("name", name), ("phone", phone)) if v and getattr(contact, f) != v]
    for field in changed:
        setattr(contact, field, {"name": name, "phone": phone}[field])
    if changed:
        contact.save(update_fields=changed)
    return contact


def tracking_url(token: str) -> str:
    return settings.SITE_URL + reverse("intake:track", args=[token])


@transaction.atomic
def case_submit(
    *,
    question: str,
    contact_name: str,
    email: str = "",
    phone: str = "",
    preferred_contact: str = "email",
    subject: str = "",
    topic: Topic | None = None,
    company_name: str = "",
    kvk_number: str = "",
    channel: str = "web",
    attachments: Sequence[UploadData] = (),
    created_by: User | None = None,
    company: Company | None = None,
) -> SubmittedCase:
    """`company`: a known company (KCC screen, company visit); otherwise it is found or created."""
    company = company or find_or_create_company(kvk_number=kvk_number, name=company_name, email=email)
    contact = find_or_create_contact(company=company, name=contact_name, email=email, phone=phone)
    token = secrets.token_urlsafe(32)
    deadline = case_deadline(topic)
    case = Case(
        reference=next_reference(),
        channel=channel,
        subject=subject,
        question=question,
        company=company,
        contact=contact,
        preferred_contact=preferred_contact,
        topic=topic,
        owner_team=owner_team(),
        owner=account_manager_for(company),  # the company's own, else by company, sector or area rules
        created_by=created_by,
        deadline=deadline.due,
        deadline_policy=deadline.policy,
        tracking_token_hash=Case.hash_token(token),
    )
    case._history_user = created_by
    case.save()
    message = Message.objects.create(
        case=case,
        kind=Message.Kind.QUESTION,
        is_public=True,
        author=created_by,
        author_name=contact.name,
        body=question,
        data={"channel": channel},
    )
    _store_attachments(case, message, attachments)
    queue_email(
        key=f"receipt:{case.pk}",
        to=contact.email,
        template="receipt",
        context={"case": case, "contact": contact, "tracking_url": tracking_url(token)},
        audience=OutboxMessage.Audience.ENTREPRENEUR,
        case=case,
    )
    return SubmittedCase(case=case, tracking_token=token)


def _store_attachments(case: Case, message: Message | None, uploads: Sequence[UploadData]) -> None:
    for upload in uploads:
        attachment = Attachment(
            case=case,
            message=message,
            stored_name=uuid.uuid4().hex,
            original_name=upload.original_name[:255],
            content_type=upload.content_type,
            size=upload.file.size,
        )
        upload.file.seek(0)
        attachment.file.save(attachment.stored_name, upload.file, save=False)
        attachment.save()


# ----------------------------------------------------------------------------------------------------------
# The one write path for statuses, and the timeline


def add_timeline_entry(
    *,
    case: Case,
    kind: str,
    body: str | Text = "",
    actor: User | None = None,
    is_public: bool = False,
    data: dict | None = None,
) -> Message:
    """How every app writes on a case's timeline (no other code creates Message rows). A `Text` body is stored
    as what happened (message id and parameters) and shown in the reader's language (intake.timeline)."""
    data = dict(data or {})
    if isinstance(body, Text):
        data["text"] = body.as_data()
        body = body.render_stored()
    return Message.objects.create(
        case=case,
        kind=kind,
        body=body,
        author=actor,
        author_name=display_name(actor),
        is_public=is_public,
        data=data,
    )


def display_name(user: User | None) -> str:
    """Kept for existing callers; the one definition is `teams.selectors.display_name`."""
    from teams.selectors import display_name as one_definition

    return one_definition(user)


def case_transition(*, case: Case, to: str, actor: User | None, reason: str | Text = "") -> Case:
    """Change the status (checked against the table) and write who, when, from, to and why."""
    check_transition(case.status, to)
    previous = case.status
    case.status = to
    fields = ["status", "updated_at"]
    if to in CLOSED:
        case.closed_at = timezone.now()
        fields.append("closed_at")
    elif previous in CLOSED:
        case.closed_at = None
        case.resolution = ""
        fields += ["closed_at", "resolution"]
    case._history_user = actor
    case.save(update_fields=fields)
    add_timeline_entry(
        case=case,
        kind=Message.Kind.STATUS,
        body=reason,
        actor=actor,
        data={"from": previous, "to": to},
    )
    return case


def _lock(case: Case) -> Case:
    """Re-read the case under a row lock so two staff members cannot move it at the same time."""
    return Case.objects.select_for_update().get(pk=case.pk)


def _notify_entrepreneur(case: Case, *, key: str, template: str, context: dict | None = None) -> None:
    contact = case.contact
    queue_email(
        key=key,
        to=contact.email,
        template=template,
        context={"case": case, "contact": contact, **(context or {})},
        audience=OutboxMessage.Audience.ENTREPRENEUR,
        case=case,
    )


def notify_owner(case: Case, *, key: str, template: str, context: dict | None = None) -> None:
    """Tell the case owner (or, without one, team economie's mailbox)."""
    to = case.owner.email if case.owner and case.owner.email else case.owner_team.email
    queue_email(
        key=key,
        to=to,
        template=template,
        context={
            "case": case,
            "case_url": settings.SITE_URL + reverse("casework:case-detail", args=[case.pk]),
            **(context or {}),
        },
        audience=OutboxMessage.Audience.STAFF,
        case=case,
    )


# ----------------------------------------------------------------------------------------------------------
# Team economie's actions


@transaction.atomic
def case_take_ownership(*, case: Case, actor: User, owner: User | None = None) -> Case:
    case = _lock(case)
    new_owner = owner or actor
    case.owner = new_owner
    case._history_user = actor
    case.save(update_fields=["owner", "updated_at"])
    add_timeline_entry(
        case=case,
        kind=Message.Kind.SYSTEM,
        actor=actor,
        body=Text(gettext_noop("Accountmanager: %(name)s"), name=display_name(new_owner)),
    )
    if case.status == Status.NEW:
        case_transition(
            case=case, to=Status.IN_PROGRESS, actor=actor, reason=Text(gettext_noop("In behandeling genomen"))
        )
    return case


@transaction.atomic
def case_set_topic(*, case: Case, topic: Topic, actor: User | None) -> Case:
    """A person sets or corrects the topic: the proposed team follows, the deadline follows the topic."""
    case = _lock(case)
    previous = case.topic
    case.topic = topic
    case.proposed_team = topic.team
    case.needs_triage = False
    deadline = case_deadline(topic, start=timezone.localtime(case.created_at).date())
    case.deadline, case.deadline_policy = deadline.due, deadline.policy
    case._history_user = actor
    case.save(
        update_fields=["topic", "proposed_team", "needs_triage", "deadline", "deadline_policy", "updated_at"]
    )
    add_timeline_entry(
        case=case,
        kind=Message.Kind.ROUTING,
        actor=actor,
        body=Text(
            gettext_noop("Onderwerp gewijzigd van “%(old)s” naar “%(new)s”"),
            old=previous or Text(gettext_noop("geen")),
            new=topic,
        ),
        data={"from_topic": previous.slug if previous else None, "to_topic": topic.slug},
    )
    return case


@transaction.atomic
def case_record_routing(
    *,
    case: Case,
    topic: Topic | None,
    team: Team | None,
    confidence: float | None,
    reason: str,
    suggestions: list[dict],
    needs_triage: bool,
) -> Case:
    """Store the router's proposal on the case; routing calls this, so the case page needs no routing import."""
    case = _lock(case)
    if topic is not None and case.topic_id is None:
        case.topic = topic
        deadline = case_deadline(topic, start=timezone.localtime(case.created_at).date())
        case.deadline, case.deadline_policy = deadline.due, deadline.policy
    case.proposed_team = team
    case.routing_confidence = confidence
    case.routing_reason = reason[:200]
    case.routing_suggestions = suggestions
    case.needs_triage = needs_triage
    case.save()
    add_timeline_entry(
        case=case,
        kind=Message.Kind.ROUTING,
        body=Text(
            gettext_noop("Voorstel: %(team)s (%(reason)s)"),
            team=team or Text(gettext_noop("geen team")),
            reason=reason,
        ),
        data={
            "topic": topic.slug if topic else None,
            "team": team.slug if team else None,
            "confidence": confidence,
            "needs_triage": needs_triage,
        },
    )
    return case


@transaction.atomic
def case_add_note(*, case: Case, actor: User, body: str) -> Message:
    return add_timeline_entry(case=case, kind=Message.Kind.NOTE, body=body, actor=actor)


@transaction.atomic
def case_request_information(*, case: Case, actor: User, body: str) -> Case:
    case = _lock(case)
    if case.status == Status.NEW:
        case_transition(
            case=case, to=Status.IN_PROGRESS, actor=actor, reason=Text(gettext_noop("In behandeling genomen"))
        )
    case_transition(
        case=case,
        to=Status.WAITING_ENTREPRENEUR,
        actor=actor,
        reason=Text(gettext_noop("Informatie gevraagd")),
    )
    case.paused_since = timezone.localdate()
    case.save(update_fields=["paused_since"])
    message = add_timeline_entry(
        case=case, kind=Message.Kind.INFO_REQUEST, body=body, actor=actor, is_public=True
    )
    _notify_entrepreneur(
        case, key=f"info-request:{message.pk}", template="info_request", context={"body": body}
    )
    return case


def _resume_clock(case: Case) -> None:
    """Waiting on the entrepreneur pauses the deadline: move it by the working days it was paused."""
    if case.paused_since and case.deadline:
        case.deadline = get_calendar().shift_by_working_days_paused(
            case.deadline, case.paused_since, timezone.localdate()
        )
    case.paused_since = None
    case.save(update_fields=["deadline", "paused_since"])


@transaction.atomic
def case_add_entrepreneur_reply(*, case: Case, body: str, attachments: Sequence[UploadData] = ()) -> Message:
    case = _lock(case)
    message = Message.objects.create(
        case=case,
        kind=Message.Kind.REPLY,
        is_public=True,
        author_name=case.contact.name,
        body=body,
    )
    _store_attachments(case, message, attachments)
    if case.status == Status.WAITING_ENTREPRENEUR:
        case_transition(
            case=case,
            to=Status.IN_PROGRESS,
            actor=None,
            reason=Text(gettext_noop("Ondernemer heeft gereageerd")),
        )
        _resume_clock(case)
    notify_owner(case, key=f"reply:{message.pk}", template="owner_reply", context={"body": body})
    return message


@transaction.atomic
def case_resume(*, case: Case, actor: User | None, reason: str) -> Case:
    """Back from waiting on the entrepreneur without a reply (the owner decides, or the follow-up's
    reminder period is over): the case is in progress again and its clock runs again."""
    case = _lock(case)
    case_transition(case=case, to=Status.IN_PROGRESS, actor=actor, reason=reason)
    _resume_clock(case)
    return case


@transaction.atomic
def case_answer(*, case: Case, actor: User, body: str, resolution: str = Resolution.ANSWERED) -> Case:
    """Send the final answer (one voice to the outside) and close the case."""
    case = _lock(case)
    if resolution not in (Resolution.ANSWERED, Resolution.ANSWERED_FIRST_CONTACT, Resolution.NOT_POSSIBLE):
        raise ValueError(resolution)
    case_transition(
        case=case, to=Status.ANSWERED, actor=actor, reason=Text.of_label(Resolution(resolution).label)
    )
    case.resolution = resolution
    case.save(update_fields=["resolution"])
    message = add_timeline_entry(case=case, kind=Message.Kind.ANSWER, body=body, actor=actor, is_public=True)
    _notify_entrepreneur(case, key=f"answer:{message.pk}", template="answer", context={"body": body})
    return case


@transaction.atomic
def case_refer(*, case: Case, actor: User, organisation: str, url: str = "", body: str) -> Case:
    case = _lock(case)
    if case.status == Status.WAITING_DEPARTMENT:
        case_transition(
            case=case,
            to=Status.IN_PROGRESS,
            actor=actor,
            reason=Text(gettext_noop("Uitzettingen afgesloten")),
        )
    case_transition(case=case, to=Status.REFERRED, actor=actor, reason=organisation)
    case.resolution = Resolution.REFERRED
    case.save(update_fields=["resolution"])
    message = add_timeline_entry(
        case=case,
        kind=Message.Kind.ANSWER,
        body=body,
        actor=actor,
        is_public=True,
        data={"organisation": organisation, "url": url},
    )
    _notify_entrepreneur(
        case,
        key=f"referred:{message.pk}",
        template="referred",
        context={"body": body, "organisation": organisation, "url": url},
    )
    return case


@transaction.atomic
def case_cancel(*, case: Case, actor: User, resolution: str, reason: str) -> Case:
    if resolution not in (Resolution.WITHDRAWN, Resolution.DUPLICATE):
        raise ValueError(resolution)
    case = _lock(case)
    case_transition(case=case, to=Status.CANCELLED, actor=actor, reason=reason)
    case.resolution = resolution
    case.save(update_fields=["resolution"])
    return case


@transaction.atomic
def case_reopen(*, case: Case, actor: User, reason: str) -> Case:
    """Reopening starts a new deadline, counted from today."""
    case = _lock(case)
    case_transition(case=case, to=Status.IN_PROGRESS, actor=actor, reason=reason)
    deadline = case_deadline(case.topic)
    case.deadline, case.deadline_policy = deadline.due, deadline.policy + " (heropend)"
    case.save(update_fields=["deadline", "deadline_policy"])
    return case
