"""One inbound e-mail, stored in one transaction: a new case, a message on a case, or a refusal.

The rules (docs/configuration.md, "Inbound e-mail"):

- Automatic mail (auto-replies, out-of-office, bounces, mailing lists, our own mail coming back) gets no receipt
  and creates no case; when it belongs to a case, staff see a line on that case's timeline.
- A reply finds its case by In-Reply-To/References (the Message-IDs of our outgoing e-mail), else by the
  reference in its subject (`[OND-2026-00042]`). It is added to that case only when it comes from the case's
  contact address and SPF/DKIM/DMARC did not fail; otherwise it becomes a new case marked for checking.
- A reply to a closed case reopens it within MAIL_REOPEN_DAYS of closing; later, it becomes a new case linked
  to the old one.
- A colleague (a staff user's address or MAIL_INTERNAL_DOMAINS) forwarding a mail makes a case for the original
  sender, with "doorgestuurd door <colleague>" on the timeline.
- Attachments pass the same content checks as uploads (intake.forms.validate_upload); a refused one is listed
  on the case with its reason, and the sender is told in a separate e-mail. The original message is kept as
  an .eml attachment that staff can download.
- More than MAIL_RATE_LIMIT_PER_HOUR messages from one sender in an hour, or a message over MAIL_MAX_BYTES, is
  refused (kept in MAIL_REFUSED_FOLDER); the sender of a too-large message is told once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from intake.forms import validate_upload
from intake.models import Case, Channel, Message
from intake.outbox import OutboxMessage, message_id_for, queue_email
from intake.services import (
    SubmittedCase,
    UploadData,
    add_timeline_entry,
    after_submit,
    case_add_entrepreneur_reply,
    case_reopen,
    case_submit,
)
from intake.timeline import Text
from intake.workflow import CLOSED
from teams.selectors import display_name

from . import parse
from .models import InboundMail, OutgoingMessageId

Outcome = InboundMail.Outcome


@dataclass(frozen=True)
class Refused:
    name: str
    reason: str
    code: str


def _submission_key(message_id: str) -> str:
    """Case.submission_key of the case a message created: the same message never makes two cases."""
    return "mail:" + hashlib.sha256(message_id.encode()).hexdigest()[:48]


# ----------------------------------------------------------------------------------------------------------
# Entry points (called by mail.fetch, one transaction each)


@transaction.atomic
def store_mail(*, mailbox: str, uid_validity: str, uid: str, raw: bytes) -> tuple[InboundMail, bool]:
    """Store one message. Returns its row and whether this call stored it (False: it was stored before)."""
    mail = parse.parse(raw, authserv_id=settings.MAIL_AUTHSERV_ID)
    inbound, created = _claim(mail, mailbox=mailbox, uid_validity=uid_validity, uid=uid, size=len(raw))
    if not created:
        return inbound, False
    if mail.automatic:
        _store_automatic(inbound, mail)
    elif _rate_limited(mail.from_email, inbound):
        inbound.outcome = Outcome.RATE_LIMITED
    else:
        _store_for_a_person(inbound, mail, raw)
    inbound.save(update_fields=["outcome", "case", "needs_check", "automatic"])
    return inbound, True


@transaction.atomic
def store_too_large(
    *, mailbox: str, uid_validity: str, uid: str, headers: bytes, size: int
) -> tuple[InboundMail, bool]:
    """A message over MAIL_MAX_BYTES: only its headers are read. It is refused and its sender told (once, and
    never an automatic sender or one over the rate limit)."""
    message = parse.parse_headers(headers)
    name, address = parse.sender_of(message)
    mail = parse.ParsedMail(
        message_id=parse.message_id_of(message, headers),
        from_name=name,
        from_email=address,
        subject=" ".join(str(message.get("Subject", "") or "").split())[:200],
        text="",
        in_reply_to=[],
        references=[],
        automatic=parse.automatic_kind(message),
    )
    inbound, created = _claim(mail, mailbox=mailbox, uid_validity=uid_validity, uid=uid, size=size)
    if not created:
        return inbound, False
    inbound.outcome, inbound.automatic = Outcome.TOO_LARGE, mail.automatic
    inbound.save(update_fields=["outcome", "automatic"])
    if address and not mail.automatic and not _rate_limited(address, inbound):
        queue_email(
            key=f"mail-too-large:{inbound.pk}",
            to=address,
            template="mail_too_large",
            context={
                "subject": mail.subject,
                "size": f"{size / 1_048_576:.1f}".replace(".", ","),
                "max": settings.MAIL_MAX_BYTES // 1_048_576,
            },
            audience=OutboxMessage.Audience.ENTREPRENEUR,
        )
    return inbound, True


def _claim(mail: parse.ParsedMail, *, mailbox: str, uid_validity: str, uid: str, size: int):
    """Insert the row first: a second worker reading the same message waits on the unique index and then
    finds this one (IntegrityError), so the message is handled once."""
    existing = InboundMail.objects.filter(
        Q(message_id=mail.message_id) | Q(mailbox=mailbox, uid_validity=uid_validity, uid=uid)
    ).first()
    if existing is not None:
        return existing, False
    inbound = InboundMail(
        mailbox=mailbox[:300],
        uid_validity=uid_validity,
        uid=uid[:200],
        message_id=mail.message_id,
        from_email=mail.from_email[:254],
        from_name=mail.from_name[:200],
        subject=mail.subject[:200],
        size=size,
        outcome=Outcome.NEW_CASE,
        auth=mail.auth,
    )
    try:
        with transaction.atomic():
            inbound.save()
    except IntegrityError:
        return InboundMail.objects.get(Q(message_id=mail.message_id) | Q(mailbox=mailbox, uid=uid)), False
    return inbound, True


def _rate_limited(address: str, inbound: InboundMail) -> bool:
    if not address:
        return False
    since = timezone.now() - timedelta(hours=1)
    earlier = (
        InboundMail.objects.filter(from_email=address, received_at__gte=since)
        .exclude(pk=inbound.pk)
        .exclude(outcome__in=[Outcome.AUTOMATIC, Outcome.RATE_LIMITED])
        .count()
    )
    return earlier >= settings.MAIL_RATE_LIMIT_PER_HOUR


# ----------------------------------------------------------------------------------------------------------
# Automatic mail


def _store_automatic(inbound: InboundMail, mail: parse.ParsedMail) -> None:
    inbound.outcome, inbound.automatic = Outcome.AUTOMATIC, mail.automatic
    case, _how = match_case(mail)
    if case is None:
        return
    inbound.case = case
    add_timeline_entry(
        case=case,
        kind=Message.Kind.SYSTEM,
        body=Text(
            gettext_noop("Automatisch bericht ontvangen van %(sender)s (%(kind)s): “%(subject)s”"),
            sender=mail.from_email,
            kind=Text.of_label(AUTOMATIC_LABELS.get(mail.automatic, AUTOMATIC_LABELS["auto_reply"])),
            subject=mail.subject,
        ),
        data={"event": "mail_automatic", "inbound_mail": inbound.pk, "automatic": mail.automatic},
    )


AUTOMATIC_LABELS = {
    "auto_reply": gettext_noop("automatisch antwoord"),
    "bounce": gettext_noop("onbestelbaar"),
    "list": gettext_noop("mailinglijst"),
    "loop": gettext_noop("eigen bericht teruggekomen"),
}


# ----------------------------------------------------------------------------------------------------------
# Mail from a person


def _store_for_a_person(inbound: InboundMail, mail: parse.ParsedMail, raw: bytes) -> None:
    accepted, refused = check_attachments(mail.attachments)
    original = _original_eml(raw, mail)
    forwarded = parse.forwarded_original(mail) if _is_forward_candidate(mail) else None
    colleague = _colleague_name(mail) if forwarded else None
    if forwarded and colleague is not None:
        case = _new_case(
            inbound,
            mail,
            [*accepted, original],
            contact_name=forwarded.name or forwarded.email.split("@")[0],
            email=forwarded.email,
            question=mail.text,
            subject=forwarded.subject or _strip_forward_prefix(mail.subject),
        )
        inbound.outcome = Outcome.FORWARDED
        add_timeline_entry(
            case=case,
            kind=Message.Kind.ROUTING,
            body=Text(
                gettext_noop(
                    "Doorgestuurd door %(name)s (%(email)s). Afzender van het oorspronkelijke bericht: %(sender)s."
                ),
                name=colleague,
                email=mail.from_email,
                sender=forwarded.email,
            ),
            data={"event": "forwarded", "forwarded_by_email": mail.from_email, "channel": Channel.EMAIL},
        )
        _record_attachments_refused(case, inbound, refused, to=forwarded.email)
        return
    case, how = match_case(mail)
    if case is not None and not _from_case_contact(case, mail):
        new = _new_case(inbound, mail, [*accepted, original])
        inbound.outcome, inbound.needs_check = Outcome.CHECK, True
        add_timeline_entry(
            case=new,
            kind=Message.Kind.SYSTEM,
            body=Text(
                gettext_noop(
                    "Controleren: deze e-mail hoort volgens %(how)s bij %(reference)s, maar komt niet van de "
                    "contactpersoon van die vraag of de afzender is niet bevestigd. Daarom is een nieuwe vraag "
                    "gemaakt en is de e-mail niet aan %(reference)s toegevoegd."
                ),
                how=Text(MATCH_LABELS[how]),
                reference=case.reference,
            ),
            data={"event": "mail_check", "claimed_case": case.pk, "claimed_reference": case.reference},
        )
        _record_attachments_refused(new, inbound, refused, to=mail.from_email)
        return
    if case is not None:
        _add_reply(inbound, case, mail, [*accepted, original], refused)
        return
    new = _new_case(inbound, mail, [*accepted, original])
    _record_attachments_refused(new, inbound, refused, to=mail.from_email)


MATCH_LABELS = {
    "thread": gettext_noop("de berichtkoppen (In-Reply-To/References)"),
    "subject": gettext_noop("het kenmerk in het onderwerp"),
}


def _from_case_contact(case: Case, mail: parse.ParsedMail) -> bool:
    contact_email = (case.contact.email or "").strip().lower()
    return bool(contact_email) and contact_email == mail.from_email and not mail.auth_failed


def _add_reply(
    inbound: InboundMail,
    case: Case,
    mail: parse.ParsedMail,
    uploads: list[UploadData],
    refused: list[Refused],
) -> None:
    body = parse.latest_reply(mail.text) or mail.text or mail.subject
    if case.status in CLOSED:
        closed_at = case.closed_at or case.updated_at
        if closed_at < timezone.now() - timedelta(days=settings.MAIL_REOPEN_DAYS):
            new = _new_case(inbound, mail, uploads, question=body)
            inbound.outcome = Outcome.FOLLOW_UP
            for on, other in ((new, case), (case, new)):
                add_timeline_entry(
                    case=on,
                    kind=Message.Kind.SYSTEM,
                    body=Text(
                        gettext_noop(
                            "Gekoppeld aan %(reference)s: een reactie per e-mail op een gesloten vraag."
                        ),
                        reference=other.reference,
                    ),
                    data={
                        "event": "mail_follow_up",
                        "linked_case": other.pk,
                        "linked_reference": other.reference,
                    },
                )
            _record_attachments_refused(new, inbound, refused, to=mail.from_email)
            return
        case = case_reopen(
            case=case,
            actor=None,
            reason=Text(gettext_noop("Heropend: de ondernemer reageerde per e-mail")),
        )
        inbound.outcome = Outcome.REOPENED
    else:
        inbound.outcome = Outcome.REPLY
    inbound.case = case
    case_add_entrepreneur_reply(case=case, body=body, attachments=uploads)
    _record_received(case, inbound, mail)
    _record_attachments_refused(case, inbound, refused, to=mail.from_email)


def _new_case(
    inbound: InboundMail,
    mail: parse.ParsedMail,
    uploads: list[UploadData],
    *,
    contact_name: str = "",
    email: str = "",
    question: str = "",
    subject: str | None = None,
) -> Case:
    email = email or mail.from_email
    with translation.override(settings.LANGUAGE_CODE):
        empty = translation.gettext("(lege e-mail)")
    submitted: SubmittedCase = case_submit(
        submission_key=_submission_key(mail.message_id),
        question=(question or mail.text or mail.subject or empty)[:50_000],
        subject=(mail.subject if subject is None else subject)[:200],
        contact_name=(contact_name or mail.from_name or email.split("@")[0])[:200],
        email=email,
        preferred_contact="email",
        channel=Channel.EMAIL,
        attachments=uploads,
    )
    case = submitted.case
    inbound.case = case
    if submitted.created:
        after_submit(case)  # the router, as for the web form
    _record_received(case, inbound, mail)
    return case


def _record_received(case: Case, inbound: InboundMail, mail: parse.ParsedMail) -> None:
    """The sender and the SPF/DKIM/DMARC result on the timeline; a failed check is marked, not trusted."""
    auth = ", ".join(f"{name.upper()} {result}" for name, result in sorted(mail.auth.items()))
    failed = mail.auth_failed
    if failed:
        body = Text(
            gettext_noop(
                "E-mail van %(sender)s. Let op: afzender niet bevestigd (%(failed)s mislukt). Controleer de "
                "afzender voordat u gegevens deelt."
            ),
            sender=mail.from_email,
            failed=", ".join(name.upper() for name in failed),
        )
    elif auth:
        body = Text(gettext_noop("E-mail van %(sender)s (%(auth)s)."), sender=mail.from_email, auth=auth)
    else:
        body = Text(
            gettext_noop("E-mail van %(sender)s (geen SPF/DKIM/DMARC-uitslag bekend)."),
            sender=mail.from_email,
        )
    add_timeline_entry(
        case=case,
        kind=Message.Kind.SYSTEM,
        body=body,
        data={
            "event": "mail_received",
            "inbound_mail": inbound.pk,
            "message_id": mail.message_id,
            "from": mail.from_email,
            "auth": mail.auth,
            "auth_failed": failed,
        },
    )


# ----------------------------------------------------------------------------------------------------------
# Finding the case of a reply


def match_case(mail: parse.ParsedMail) -> tuple[Case | None, str]:
    """The case a mail answers: by In-Reply-To/References first, then by the reference in the subject."""
    ids = mail.thread_ids
    if ids:
        known = (
            OutgoingMessageId.objects.filter(message_id__in=ids, case__isnull=False)
            .select_related("case__contact")
            .first()
        )
        if known is not None:
            return known.case, "thread"
        case = _match_outbox_by_recipient(ids, mail.from_email)
        if case is not None:
            return case, "thread"
        earlier = (
            InboundMail.objects.filter(message_id__in=ids, case__isnull=False)
            .select_related("case__contact")
            .first()
        )
        if earlier is not None:
            return earlier.case, "thread"
    reference = mail.subject_reference
    if reference:
        case = Case.objects.select_related("contact").filter(reference=reference).first()
        if case is not None:
            return case, "subject"
    return None, ""


def _match_outbox_by_recipient(ids: list[str], address: str) -> Case | None:
    """Outbox rows queued without a save signal (in bulk) have no OutgoingMessageId: compare the Message-IDs
    of the latest rows sent to this address."""
    if not address or not any("@voordeur." in value for value in ids):
        return None
    wanted = set(ids)
    rows = (
        OutboxMessage.objects.filter(to_email__iexact=address, case__isnull=False)
        .order_by("-pk")
        .values_list("key", "case_id")[:200]
    )
    for key, case_id in rows:
        if message_id_for(key) in wanted:
            return Case.objects.select_related("contact").get(pk=case_id)
    return None


# ----------------------------------------------------------------------------------------------------------
# Forwarding by a colleague


def _is_forward_candidate(mail: parse.ParsedMail) -> bool:
    return (
        bool(mail.attached_messages)
        or bool(parse.FORWARD_SUBJECT.match(mail.subject))
        or bool(parse.FORWARD_MARKERS.search(mail.text))
    )


def _colleague_name(mail: parse.ParsedMail) -> str | None:
    """The colleague's name when the sender is staff (an active user's address or an internal domain)."""
    address = mail.from_email
    if not address:
        return None
    user = get_user_model().objects.filter(email__iexact=address, is_active=True).first()
    if user is not None:
        return display_name(user) or mail.from_name or address
    domain = address.rpartition("@")[2]
    if domain and domain in {d.lower().lstrip("@") for d in settings.MAIL_INTERNAL_DOMAINS}:
        return mail.from_name or address
    return None


def _strip_forward_prefix(subject: str) -> str:
    return parse.FORWARD_SUBJECT.sub("", subject, count=1).strip()


# ----------------------------------------------------------------------------------------------------------
# Attachments


def check_attachments(parts: list[parse.MailPart]) -> tuple[list[UploadData], list[Refused]]:
    """The same content checks as the web form's uploads; a refused file keeps its name and the reason."""
    accepted, refused = [], []
    for part in parts:
        upload = SimpleUploadedFile(part.filename[:200] or "bijlage", part.content, part.content_type)
        try:
            accepted.append(validate_upload(upload))
        except forms.ValidationError as error:
            with translation.override(settings.LANGUAGE_CODE):
                reason = " ".join(str(message) for message in error.messages)
            refused.append(Refused(name=upload.name, reason=reason, code=error.code or "refused"))
    return accepted, refused


def _original_eml(raw: bytes, mail: parse.ParsedMail) -> UploadData:
    """The whole message as it arrived (quoted history, signature, all parts), for staff to download."""
    return UploadData(
        file=ContentFile(raw, name="bericht.eml"),
        original_name="oorspronkelijke-e-mail.eml",
        content_type="message/rfc822",
    )


def _record_attachments_refused(case: Case, inbound: InboundMail, refused: list[Refused], *, to: str) -> None:
    if not refused:
        return
    for item in refused:
        add_timeline_entry(
            case=case,
            kind=Message.Kind.SYSTEM,
            body=Text(
                gettext_noop("Bijlage “%(name)s” uit de e-mail is niet aangenomen: %(reason)s"),
                name=item.name,
                reason=item.reason,
            ),
            data={
                "event": "mail_attachment_refused",
                "name": item.name,
                "code": item.code,
                "inbound_mail": inbound.pk,
            },
        )
    queue_email(
        key=f"mail-attachments-refused:{inbound.pk}",
        to=to,
        template="mail_attachments_refused",
        context={"case": case, "contact": case.contact, "refused": refused},
        audience=OutboxMessage.Audience.ENTREPRENEUR,
        case=case,
    )
