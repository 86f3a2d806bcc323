"""The KCC's outcomes for a call, each one service (one transaction): the call is logged (KccCall) for the
KCC report and the company timeline. An answer, a callback request and a question for team economie get a case
(through case_submit, the outcome on its timeline); a warm transfer is only a call-log entry, so it leaves no
case behind in team economie's queue.

Knowledge (the article used, a knowledge gap), routing and callback requests live in the layers below; the
outcome services here compose them, so the view calls one service per outcome.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from followup.services import callback_create
from intake.models import Case, Channel, Company, Contact, Message, Resolution
from intake.services import add_timeline_entry, case_answer, case_submit
from intake.timeline import Text
from knowledge import services as knowledge_services
from knowledge.models import KnowledgeArticle
from routing.services import route_case
from teams.deadlines import CallbackMoment
from teams.models import Team, Topic

from .models import KccCall

User = AbstractBaseUser


@dataclass(frozen=True)
class Call:
    """What the KCC agent typed about the caller and the question."""

    question: str
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    company: Company | None = None
    contact: Contact | None = None
    topic: Topic | None = None
    could_not_answer: bool = False
    channel: str = Channel.PHONE
    submission_key: str | None = (
        None  # the call form's one-time key: one outcome per form, however often posted
    )


class AlreadyRecorded(Exception):
    """The call with this submission key was recorded before (or by a parallel post we waited for)."""


def _once(call: Call, record: Callable[[], KccCall]) -> KccCall:
    """Record an outcome once per submission key: a repeated or parallel post returns the first call."""
    if not call.submission_key:
        return record()
    if earlier := KccCall.objects.filter(submission_key=call.submission_key).first():
        return earlier
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves no case, callback or gap behind
            return record()
    except (IntegrityError, AlreadyRecorded):
        if earlier := KccCall.objects.filter(submission_key=call.submission_key).first():
            return earlier
        raise


def _caller_name(call: Call) -> str:
    if call.contact_name:
        return call.contact_name
    if call.contact is not None:
        return call.contact.name
    return _("Beller (naam onbekend)")


def _phone(call: Call) -> str:
    """Typed, else the chosen contact's, else the company's general number."""
    return (
        call.phone
        or (call.contact.phone if call.contact else "")
        or (call.company.phone if call.company else "")
    )


def _email(call: Call) -> str:
    return (
        call.email
        or (call.contact.email if call.contact else "")
        or (call.company.email if call.company else "")
    )


def _open_case(call: Call, actor: User) -> Case:
    email, phone = _email(call), _phone(call)
    submitted = case_submit(
        question=call.question,
        contact_name=_caller_name(call),
        email=email,
        phone=phone,
        preferred_contact="phone" if phone and not email else "email",
        topic=call.topic,
        channel=call.channel,
        company=call.company,
        created_by=actor,
        submission_key=call.submission_key,
    )
    if not submitted.created:
        raise AlreadyRecorded
    return submitted.case


def _log(call: Call, case: Case | None, actor: User, outcome: str, team: Team | None = None) -> KccCall:
    """Log the call for the KCC report; a question the KCC could not answer is a knowledge gap."""
    topic = call.topic or (case.topic if case else None)
    logged = KccCall.objects.create(
        agent=actor,
        company=case.company if case else call.company,
        contact=case.contact if case else call.contact,
        case=case,
        question=call.question,
        topic=topic,
        team=team,
        outcome=outcome,
        channel=call.channel,
        could_not_answer=call.could_not_answer,
        caller_name=(call.contact_name or (call.contact.name if call.contact else ""))[:200],
        caller_phone=_phone(call)[:30],
        caller_email=_email(call),
        submission_key=call.submission_key,
    )
    if call.could_not_answer:
        knowledge_services.record_gap(
            topic=topic, question=call.question, actor=actor, case=case, call=logged
        )
    return logged


@transaction.atomic
def kcc_answer_on_the_spot(*, call: Call, actor: User, article: KnowledgeArticle) -> KccCall:
    """Answered at first contact from a knowledge article: the case is created and closed in one go."""
    return _once(call, lambda: _answer_on_the_spot(call=call, actor=actor, article=article))


def _answer_on_the_spot(*, call: Call, actor: User, article: KnowledgeArticle) -> KccCall:
    if call.topic is None:
        call = replace(call, topic=article.topic)
    case = _open_case(call, actor)
    add_timeline_entry(
        case=case,
        kind=Message.Kind.NOTE,
        actor=actor,
        body=Text(
            gettext_noop("Beantwoord door het KCC met kennisartikel “%(title)s”."), title=article.title
        ),
        data={"kcc_outcome": KccCall.Outcome.ANSWERED, "article": article.title},
    )
    case_answer(
        case=case, actor=actor, body=article.public_answer, resolution=Resolution.ANSWERED_FIRST_CONTACT
    )
    logged = _log(call, case, actor, KccCall.Outcome.ANSWERED)
    knowledge_services.record_use(article=article, actor=actor, case=case, call=logged)
    return logged


@transaction.atomic
def kcc_transfer(*, call: Call, team: Team, actor: User) -> KccCall:
    """A warm transfer to a team's direct number: the team takes the question in that call, so there is no
    case, only the call-log entry (the KCC report and the company timeline show it)."""
    return _once(call, lambda: _log(call, None, actor, KccCall.Outcome.TRANSFERRED, team))


@transaction.atomic
def kcc_callback(
    *, call: Call, team: Team | None, moment: str = CallbackMoment.ASAP, note: str = "", actor: User
) -> KccCall:
    """A callback request: its case (routed like any other) and the promise to call back in office hours, by
    the end of the part of day the caller asked for (`moment`, a CallbackMoment; `note` for "anders").
    Reaching the caller closes the case (followup.services.callback_log_attempt)."""
    return _once(call, lambda: _callback(call=call, team=team, moment=moment, note=note, actor=actor))


def _callback(*, call: Call, team: Team | None, moment: str, note: str, actor: User) -> KccCall:
    case = route_case(case=_open_case(call, actor))
    label = str(CallbackMoment(moment).label) if moment and moment != CallbackMoment.OTHER else ""
    callback_create(
        case=case,
        name=call.contact_name or (call.contact.name if call.contact else ""),
        phone=_phone(call),
        subject=call.question[:300],
        team=team,
        preferred_moment=": ".join(part for part in (label, note.strip()) if part),
        moment=moment,
        closes_case=True,
        actor=actor,
    )
    return _log(call, case, actor, KccCall.Outcome.CALLBACK, team)


@transaction.atomic
def kcc_to_owner(*, call: Call, actor: User) -> KccCall:
    """Handed to team economie for regie: a plain case, with a line saying the KCC passed it on."""
    return _once(call, lambda: _to_owner(call=call, actor=actor))


def _to_owner(*, call: Call, actor: User) -> KccCall:
    case = _open_case(call, actor)
    add_timeline_entry(
        case=case,
        kind=Message.Kind.ROUTING,
        actor=actor,
        body=Text(gettext_noop("Door het KCC doorgezet naar team economie voor regie.")),
        data={"kcc_outcome": KccCall.Outcome.REGIE},
    )
    route_case(case=case)
    return _log(call, case, actor, KccCall.Outcome.REGIE)
