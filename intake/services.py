"""Every write to a case. One transaction per service: the change, its timeline entry, its history row and
its outgoing notifications are stored together or not at all.

Statuses change only through `case_transition`, which checks the table in `intake.workflow` first.
"""

import re
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from intake.outbox import OutboxMessage, case_email_context, queue_email
from teams.deadlines import case_deadline, get_calendar
from teams.models import Team, Topic
from teams.selectors import owner_team

from . import normalise
from .models import (
    Attachment,
    Case,
    Channel,
    Company,
    Contact,
    Message,
    Portefeuillehouder,
    ReferenceSequence,
    Resolution,
)
from .selectors import Delivery, account_manager_for, answer_delivery
from .timeline import Text
from .workflow import CLOSED, Status, TransitionNotAllowed, check_transition

User = AbstractBaseUser


@dataclass(frozen=True)
class SubmittedCase:
    case: Case
    tracking_token: str  # shown once, on the confirmation page and in the receipt; only its hash is stored
    # False when the submission key was used before: `case` is the earlier case, `tracking_token` is "".
    created: bool = True


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


# What the layers above propose for a new question *before* it is stored, so the case is written once: routing
# registers its router (routing/apps.py). A proposer gets the unsaved case and returns the routing fields
# (ROUTING_FIELDS: "topic", "proposed_team", "routing_confidence", "routing_reason", "routing_suggestions",
# "needs_triage"); `case_submit(..., propose=True)` sets them in the INSERT and writes the proposal's timeline
# entry. The after-submit steps still run afterwards (routing's only sends the hand-off then).
ROUTING_FIELDS = (
    "proposed_team",
    "routing_confidence",
    "routing_reason",
    "routing_suggestions",
    "needs_triage",
)
_PROPOSERS: list[Callable[[Case], dict]] = []


def register_proposer(proposer: Callable[[Case], dict]) -> None:
    if proposer not in _PROPOSERS:
        _PROPOSERS.append(proposer)


def _apply_proposals(case: Case) -> dict | None:
    """Run the proposers on the unsaved case and set their fields; the proposal, or None without proposers."""
    if not _PROPOSERS:
        return None
    proposed: dict = {}
    for proposer in _PROPOSERS:
        proposed.update(proposer(case) or {})
    topic = proposed.get("topic")
    if topic is not None and case.topic_id is None:
        case.topic = topic
        deadline = case_deadline(topic)
        case.deadline, case.deadline_policy = deadline.due, deadline.policy
    for field in ROUTING_FIELDS:
        if field in proposed:
            setattr(case, field, proposed[field])
    case.routing_reason = (case.routing_reason or "")[:200]
    return proposed


def _routing_timeline_entry(
    case: Case, *, topic: Topic | None, team: Team | None, confidence, reason: str, needs_triage: bool
) -> Message:
    return add_timeline_entry(
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


def next_reference(year: int | None = None) -> str:
    """OND-2026-00042: unique, in order of drawing, with gaps tolerated.

    On PostgreSQL a sequence per year (`case_reference_2026`, created on first use) hands out the number:
    nextval never waits for another transaction, so concurrent submissions are not serialised on one row.
    A number drawn by a transaction that rolls back (a duplicate submission key, an error) is not reused, so
    there can be gaps; nobody relies on the numbers being consecutive. Before a year's sequence exists it
    starts after that year's ReferenceSequence row, so numbers drawn before the switch are never drawn again.

    On other databases (SQLite in development and tests) the per-year ReferenceSequence row is locked for
    the rest of the transaction, which is as correct but serialises submissions.
    """
    year = year or timezone.localdate().year
    if connection.vendor == "postgresql":
        return f"OND-{year}-{_next_from_sequence(year):05d}"
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReferenceSequence.objects.get_or_create(year=year)
        except IntegrityError:  # created concurrently: fine, lock it below
            pass
        sequence = ReferenceSequence.objects.select_for_update().get(year=year)
        ReferenceSequence.objects.filter(pk=year).update(last_number=F("last_number") + 1)
        return f"OND-{year}-{sequence.last_number + 1:05d}"


def _next_from_sequence(year: int) -> int:
    name = f"case_reference_{int(year)}"
    with connection.cursor() as cursor:
        # One statement when the sequence exists: nextval(NULL) is NULL, so a missing one costs no error (and
        # no savepoint); a sequence created in a transaction that rolled back is simply created again.
        cursor.execute("SELECT nextval(to_regclass(%s))", [name])
        number = cursor.fetchone()[0]
        if number is not None:
            return number
        start = (
            ReferenceSequence.objects.filter(year=year).values_list("last_number", flat=True).first() or 0
        ) + 1
        try:
            with transaction.atomic():  # a savepoint: a parallel first use may collide in the catalogue
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {int(start)}")
        except (IntegrityError, ProgrammingError):  # created by that parallel first use: use theirs
            pass
        cursor.execute("SELECT nextval(%s)", [name])
        return cursor.fetchone()[0]


@dataclass(frozen=True)
class Requester:
    """Who asked, as far as an unverified form lets us know: the company (or None), the contact, and a KVK
    number typed for a company we already know but that this person is not known at (a claim to confirm)."""

    company: Company | None
    contact: Contact
    claimed_kvk_number: str = ""


def find_requester(*, kvk_number: str, company_name: str, name: str, email: str, phone: str) -> Requester:
    """What a public form (later the API and e-mail) may do with companies and contacts: never change them.

    - A known contact is joined only when the e-mail address matches (case-insensitive); their name and
      phone stay as they are. Otherwise a new contact is created.
    - A KVK number of a company we already know links the case only when the matched contact belongs to
      that company; else it is recorded as a claim that staff confirm (`case_confirm_kvk_claim`).
    - A new KVK number (or only a name) creates a new company: it has no data to take over.
    """
    known = None
    if email:
        known = (
            Contact.objects.filter(email__iexact=email)
            .select_related("company")
            .order_by("-created_at")
            .first()
        )
    claim = ""
    if kvk_number:
        company, created = Company.objects.get_or_create(
            kvk_number=kvk_number, defaults={"name": company_name}
        )
        if not created and not (known and known.company_id == company.pk):
            company, claim = (known.company if known else None), kvk_number
    elif known and known.company_id:
        company = known.company
    elif company_name:
        company = Company.objects.create(name=company_name)
    else:
        company = None
    contact = known or Contact.objects.create(company=company, name=name, email=email, phone=phone)
    return Requester(company=company, contact=contact, claimed_kvk_number=claim)


def find_or_create_contact(*, company: Company, name: str, email: str, phone: str) -> Contact:
    """A staff path that chose the company itself (KCC screen, company visit): a contact of that company with
    the same e-mail address (or, without one, the same phone number), else a new one. Never changed here."""
    contacts = Contact.objects.filter(company=company).order_by("-created_at")
    contact = None
    if email:
        contact = contacts.filter(email__iexact=email).first()
    elif phone:
        contact = contacts.filter(phone=phone).first()
    return contact or Contact.objects.create(company=company, name=name, email=email, phone=phone)


def tracking_url(token: str) -> str:
    return settings.SITE_URL + reverse("intake:track", args=[token])


def _submitted_before(submission_key: str) -> SubmittedCase | None:
    case = Case.objects.filter(submission_key=submission_key).first()
    return SubmittedCase(case=case, tracking_token="", created=False) if case else None


def case_submit(
    *, submission_key: str | None = None, run_after_submit: bool = False, **fields
) -> SubmittedCase:
    """Store a new question (the fields: `_case_create`). `submission_key`: the form's one-time key (later the
    API's Idempotency-Key). A key that was used before returns the earlier case (`created` False) and stores
    nothing; parallel posts with one key wait for each other on the unique index, and all but the first get
    the first one's case. `propose=True`: the registered proposers (the router) decide the routing fields
    before the single INSERT (register_proposer). `run_after_submit=True`: the after-submit steps (the
    router's hand-off) run in the same transaction.

    Called outside a transaction (the web form, the API) this is the transaction, and a repeated key rolls it
    back; inside a caller's transaction a savepoint does that. Either way a duplicate leaves no company,
    contact or number behind."""
    if not submission_key:
        with transaction.atomic(savepoint=False):
            return _case_create_then(run_after_submit, fields)
    try:
        with transaction.atomic():
            return _case_create_then(run_after_submit, {**fields, "submission_key": submission_key})
    except IntegrityError:
        # Used before, or committed by the parallel post we waited for on the index.
        if earlier := _submitted_before(submission_key):
            return earlier
        raise


def _case_create_then(run_after_submit: bool, fields: dict) -> SubmittedCase:
    submitted = _case_create(**fields)
    if run_after_submit:
        after_submit(submitted.case)
    return submitted


def _case_create(
    *,
    submission_key: str | None = None,
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
    propose: bool = False,
    administrative_recipient: Portefeuillehouder | None = None,
) -> SubmittedCase:
    """`company`: a company staff chose (KCC screen, company visit); otherwise `find_requester` decides, and
    never changes an existing company or contact. `administrative_recipient`: the wethouder, council or
    college who received an administrative question (kept only for Channel.ADMINISTRATIVE)."""
    if channel != Channel.ADMINISTRATIVE:
        administrative_recipient = None
    if company is not None:
        requester = Requester(
            company=company,
            contact=find_or_create_contact(company=company, name=contact_name, email=email, phone=phone),
        )
    else:
        requester = find_requester(
            kvk_number=kvk_number, company_name=company_name, name=contact_name, email=email, phone=phone
        )
    company, contact = requester.company, requester.contact
    token = secrets.token_urlsafe(32)
    deadline = case_deadline(topic)
    case = Case(
        reference=next_reference(),
        channel=channel,
        subject=subject,
        question=question,
        company=company,
        claimed_kvk_number=requester.claimed_kvk_number,
        contact=contact,
        administrative_recipient=administrative_recipient,
        preferred_contact=preferred_contact,
        topic=topic,
        owner_team=owner_team(),
        owner=account_manager_for(company),  # the company's own, else by company, sector or area rules
        created_by=created_by,
        deadline=deadline.due,
        deadline_policy=deadline.policy,
        tracking_token_hash=Case.hash_token(token),
        language=normalise.detect_language(f"{subject}\n{question}"),
        submission_key=submission_key or None,
    )
    proposal = _apply_proposals(case) if propose else None
    case._history_user = created_by
    case.save()
    message = Message.objects.create(
        case=case,
        kind=Message.Kind.QUESTION,
        is_public=True,
        author=created_by,
        author_name=contact_name or contact.name,  # as typed; a known contact is not renamed
        body=question,
        data={"channel": channel},
    )
    _store_attachments(case, message, attachments)
    if administrative_recipient is not None:
        add_timeline_entry(
            case=case,
            kind=Message.Kind.SYSTEM,
            body=Text(
                gettext_noop("Bestuurlijke vraag, binnengekomen via %(recipient)s."),
                recipient=str(administrative_recipient),
            ),
            actor=created_by,
            data={"administrative_recipient": administrative_recipient.pk},
        )
    _record_what_was_typed(case, contact=contact, name=contact_name, phone=phone, claim=requester)
    if proposal is not None:
        _routing_timeline_entry(
            case,
            topic=proposal.get("topic"),
            team=case.proposed_team,
            confidence=case.routing_confidence,
            reason=proposal.get("routing_reason", ""),
            needs_triage=case.needs_triage,
        )
    queue_email(
        key=f"receipt:{case.pk}",
        to=contact.email,
        template="receipt",
        context=case_email_context(case, token),
        audience=OutboxMessage.Audience.ENTREPRENEUR,
        case=case,
        tracking_token=token,  # stored encrypted only; the stored body holds a placeholder
        language=case.language,
        check_existing=False,  # the case is new, so is its key
        render_at_delivery=True,  # the worker renders it, not the request
    )
    return SubmittedCase(case=case, tracking_token=token)


def _record_what_was_typed(case: Case, *, contact: Contact, name: str, phone: str, claim: Requester) -> None:
    """Nothing typed is lost: details that differ from the known contact, and a KVK claim, go on the timeline
    for staff (the contact itself is not changed)."""
    differs = [
        value for value, known in ((name, contact.name), (phone, contact.phone)) if value and value != known
    ]
    if differs:
        add_timeline_entry(
            case=case,
            kind=Message.Kind.SYSTEM,
            body=Text(
                gettext_noop(
                    "Opgegeven gegevens wijken af van de bekende contactpersoon (niet overgenomen): %(typed)s"
                ),
                typed=", ".join(differs),
            ),
            data={"typed_name": name, "typed_phone": phone},
        )
    if claim.claimed_kvk_number:
        add_timeline_entry(
            case=case,
            kind=Message.Kind.SYSTEM,
            body=Text(
                gettext_noop(
                    "KVK %(kvk)s opgegeven, nog niet bevestigd: de vraag is nog niet aan dat bedrijf gekoppeld."
                ),
                kvk=claim.claimed_kvk_number,
            ),
            data={"event": "kvk_claim", "kvk": claim.claimed_kvk_number},
        )


@transaction.atomic
def case_forward(
    *,
    question: str,
    contact_name: str,
    channel: str,
    actor: User,
    email: str = "",
    phone: str = "",
    company_name: str = "",
    submission_key: str | None = None,
) -> SubmittedCase:
    """A question that reached a colleague by mistake (phone, mail, counter), forwarded to team economie.

    It is submitted like any other question (the receipt, the account manager, the registered steps such as
    the router) and the timeline records who forwarded it and how it came in. A repeated post (the same
    `submission_key`) returns the earlier case and changes nothing.
    """
    submitted = case_submit(
        submission_key=submission_key,
        question=question,
        contact_name=contact_name,
        email=email,
        phone=phone,
        preferred_contact="email" if email else "phone",
        company_name=company_name,
        channel=channel,
        created_by=actor,
    )
    if not submitted.created:
        return submitted
    add_timeline_entry(
        case=submitted.case,
        kind=Message.Kind.ROUTING,
        body=Text(
            gettext_noop("Doorgestuurd naar team economie door %(name)s. Binnengekomen via: %(channel)s."),
            name=display_name(actor),
            channel=Text.of_label(Channel(channel).label),
        ),
        actor=actor,
        data={"event": "forwarded", "forwarded_by": actor.pk, "channel": channel},
    )
    after_submit(submitted.case)
    return submitted


def stored_suffix(upload: UploadData) -> str:
    """The file's extension on disk: that of its name, which validate_upload set to the detected type."""
    suffix = PurePath(upload.original_name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z]{3,4}", suffix) else ""


def _store_attachments(case: Case, message: Message | None, uploads: Sequence[UploadData]) -> None:
    for upload in uploads:
        attachment = Attachment(
            case=case,
            message=message,
            stored_name=uuid.uuid4().hex + stored_suffix(upload),
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
        language=case.language,  # an English question gets English mail
    )


def notify_owner(
    case: Case, *, key: str, template: str, context: dict | None = None, recipient: User | None = None
) -> None:
    """Tell `recipient` (e.g. whoever made a hand-off), else the case owner, else team economie's mailbox."""
    to = next(
        (u.email for u in (recipient, case.owner) if u is not None and u.email),
        case.owner_team.email,
    )
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
def case_confirm_kvk_claim(*, case: Case, actor: User) -> Case:
    """Staff confirm the KVK number the entrepreneur typed: the case joins that company (and so its timeline).
    A contact without a company joins it too. The company and the contact's details are not changed."""
    case = _lock(case)
    kvk = case.claimed_kvk_number
    if not kvk:
        raise TransitionNotAllowed(_("Bij deze vraag is geen KVK-nummer te bevestigen."))
    company, _created = Company.objects.get_or_create(kvk_number=kvk)
    case.company, case.claimed_kvk_number = company, ""
    fields = ["company", "claimed_kvk_number", "updated_at"]
    manager = account_manager_for(company) if case.owner_id is None else None
    if manager is not None:
        case.owner = manager
        fields.append("owner")
    case._history_user = actor
    case.save(update_fields=fields)
    contact = case.contact
    if contact.company_id is None:
        contact.company = company
        contact._history_user = actor
        contact.save(update_fields=["company"])
    add_timeline_entry(
        case=case,
        kind=Message.Kind.SYSTEM,
        actor=actor,
        body=Text(
            gettext_noop("KVK %(kvk)s bevestigd: de vraag hoort bij %(company)s."),
            kvk=kvk,
            company=str(company),
        ),
        data={"event": "kvk_confirmed", "kvk": kvk, "company": company.pk},
    )
    if manager is not None:
        add_timeline_entry(
            case=case,
            kind=Message.Kind.SYSTEM,
            actor=actor,
            body=Text(gettext_noop("Accountmanager: %(name)s"), name=display_name(manager)),
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
    _routing_timeline_entry(
        case, topic=topic, team=team, confidence=confidence, reason=reason, needs_triage=needs_triage
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
def case_answer(
    *,
    case: Case,
    actor: User,
    body: str,
    resolution: str = Resolution.ANSWERED,
    delivered_by: str = "",
) -> Case:
    """Record the final answer (one voice to the outside) and close the case.

    `delivered_by` is how the answer reached the entrepreneur: "email" (it is mailed now), "phone" (it was
    read out on the phone: followup closes a phone answer when the call is reached) or "none"; by default
    `answer_delivery(case)` decides. Only an e-mail delivery queues an e-mail.
    """
    case = _lock(case)
    if resolution not in (Resolution.ANSWERED, Resolution.ANSWERED_FIRST_CONTACT, Resolution.NOT_POSSIBLE):
        raise ValueError(resolution)
    delivered_by = delivered_by or answer_delivery(case)
    case_transition(
        case=case, to=Status.ANSWERED, actor=actor, reason=Text.of_label(Resolution(resolution).label)
    )
    case.resolution = resolution
    case.save(update_fields=["resolution"])
    message = add_timeline_entry(
        case=case,
        kind=Message.Kind.ANSWER,
        body=body,
        actor=actor,
        is_public=True,
        data={"delivered_by": delivered_by},
    )
    if delivered_by == Delivery.EMAIL:
        _notify_entrepreneur(case, key=f"answer:{message.pk}", template="answer", context={"body": body})
    _copy_to_administrative_recipient(case, message)
    return case


def _copy_to_administrative_recipient(case: Case, message: Message) -> None:
    """An administrative question's final answer, for information, to the wethouder (council, college) who
    received it: they follow the route instead of arranging things personally. One e-mail per answer."""
    recipient = case.administrative_recipient if case.channel == Channel.ADMINISTRATIVE else None
    if recipient is None or not recipient.email:
        return
    queue_email(
        key=f"administrative_copy:{message.pk}",
        to=recipient.email,
        template="administrative_copy",
        context={"case": case, "recipient": recipient, "body": message.body},
        audience=OutboxMessage.Audience.STAFF,
        case=case,
    )


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
    _copy_to_administrative_recipient(case, message)
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
