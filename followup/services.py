"""Follow-up writes: callback requests, satisfaction ratings, the owner's decisions after waiting, and the
daily digest. The sweep lives in `followup.sweep`."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from intake import services as intake_services
from intake.models import Case, Message, Resolution
from intake.outbox import OutboxMessage, queue_email
from intake.selectors import Delivery
from intake.timeline import Text
from intake.workflow import CLOSED, Status
from routing import services as routing_services
from teams.deadlines import callback_deadline, get_calendar
from teams.models import Membership, Team
from teams.selectors import display_name

from .models import CallbackAttempt, CallbackRequest, FollowupAction, SatisfactionRating
from .workflow import FollowupNotAllowed, check_callback_transition

logger = logging.getLogger(__name__)
User = AbstractBaseUser

# `FollowupNotAllowed` lives in `followup.workflow` (its transition error subclasses it); views keep catching
# `followup.services.FollowupNotAllowed`.


# ----------------------------------------------------------------------------------------------------------
# The owner's decision after waiting on the entrepreneur too long


@transaction.atomic
def case_close_no_reply(*, case: Case, actor: User) -> Case:
    """Close a case that waited too long on the entrepreneur, and tell them (once) why."""
    if case.status != Status.WAITING_ENTREPRENEUR:
        raise FollowupNotAllowed(_("Deze vraag wacht niet op de ondernemer."))
    case = routing_services.case_close_cancelled(
        case=case,
        actor=actor,
        resolution=Resolution.WITHDRAWN,
        reason=Text(gettext_noop("Geen reactie van de ondernemer op onze vraag om informatie")),
    )
    queue_email(
        key=f"closed-no-reply:{case.pk}:{case.closed_at:%Y%m%d%H%M%S}",
        to=case.contact.email,
        template="followup_closed_no_reply",
        context={"ref": case.reference, "name": case.contact.name},
        audience=OutboxMessage.Audience.ENTREPRENEUR,
        case=case,
    )
    return case


@transaction.atomic
def case_resume_after_waiting(*, case: Case, actor: User) -> Case:
    if case.status != Status.WAITING_ENTREPRENEUR:
        raise FollowupNotAllowed(_("Deze vraag wacht niet op de ondernemer."))
    return intake_services.case_resume(
        case=case,
        actor=actor,
        reason=Text(gettext_noop("Weer in behandeling zonder reactie van de ondernemer")),
    )


# ----------------------------------------------------------------------------------------------------------
# Callback requests


def _callback_timeline(callback: CallbackRequest, body: str, actor: User | None, event: str) -> Message:
    return intake_services.add_timeline_entry(
        case=callback.case,
        kind=Message.Kind.FOLLOWUP,
        body=body,
        actor=actor,
        data={"callback": callback.pk, "event": event},
    )


def _callback_move(
    callback: CallbackRequest, to: str, actor: User | None, fields: dict | None = None
) -> None:
    """The only place a callback request's status changes: check the table, then set `fields` and save."""
    check_callback_transition(callback.status, to)
    fields = fields or {}
    callback.status = to
    for name, value in fields.items():
        setattr(callback, name, value)
    callback._history_user = actor
    callback.save(update_fields=["status", *fields])


@transaction.atomic
def callback_create(
    *,
    case: Case,
    name: str,
    phone: str,
    subject: str,
    team: Team | None = None,
    assignee: User | None = None,
    preferred_moment: str = "",
    moment: str = "",
    closes_case: bool = False,
    actor: User,
) -> CallbackRequest:
    """Record a promise to call back. Its deadline follows the team's policy, in office hours, or the part of
    day the caller asked for (`moment`, a teams.deadlines.CallbackMoment). `closes_case`: the case exists only
    for this callback (the KCC's), so reaching the caller closes it."""
    if not name.strip() or not phone.strip() or not subject.strip():
        raise FollowupNotAllowed(_("Vul naam, telefoonnummer en onderwerp in."))
    now = timezone.now()
    deadline = callback_deadline(team, start=now, moment=moment)
    callback = CallbackRequest(
        case=case,
        name=name.strip()[:200],
        phone=phone.strip()[:30],
        subject=subject.strip()[:300],
        team=team,
        assignee=assignee,
        preferred_moment=preferred_moment.strip()[:120],
        closes_case=closes_case,
        due_at=deadline.due,
        deadline_policy=deadline.policy[:120],
        created_by=actor,
        created_at=now,
    )
    callback._history_user = actor
    callback.save()
    who = ", ".join(str(x) for x in (team, display_name(assignee) if assignee else None) if x) or "–"
    _callback_timeline(
        callback,
        Text(
            gettext_noop(
                "Terugbelverzoek: %(name)s (%(phone)s) over “%(subject)s”, voor %(who)s, vóór %(due)s."
            ),
            name=callback.name,
            phone=callback.phone,
            subject=callback.subject,
            who=who,
            due=timezone.localtime(callback.due_at).strftime("%d-%m-%Y %H:%M"),
        ),
        actor,
        "created",
    )
    return callback


@transaction.atomic
def callback_log_attempt(
    *, callback: CallbackRequest, outcome: str, note: str = "", actor: User
) -> CallbackAttempt:
    """Log one call. Reached closes the request; after too many failed calls the configured follow-up runs."""
    if outcome not in CallbackAttempt.Outcome.values:
        raise FollowupNotAllowed(_("Kies het resultaat van de belpoging."))
    callback = (
        CallbackRequest.objects.select_for_update(of=("self",))
        .select_related("case__contact", "team")
        .get(pk=callback.pk)
    )
    if not callback.is_open:
        raise FollowupNotAllowed(_("Dit terugbelverzoek is al afgehandeld."))
    now = timezone.now()
    if outcome == CallbackAttempt.Outcome.REACHED:
        _callback_move(
            callback,
            CallbackRequest.Status.DONE,
            actor,
            {"result": CallbackRequest.Result.REACHED, "closed_at": now},
        )
    else:
        callback.failed_attempts += 1
        callback._history_user = actor
        callback.save(update_fields=["failed_attempts"])
    attempt = CallbackAttempt.objects.create(
        callback=callback, outcome=outcome, note=note.strip(), actor=actor, created_at=now
    )
    label = Text.of_label(CallbackAttempt.Outcome(outcome).label)
    _callback_timeline(
        callback,
        Text(
            gettext_noop("Belpoging %(name)s: %(outcome)s. %(note)s"),
            name=callback.name,
            outcome=label,
            note=attempt.note,
        ),
        actor,
        "attempt",
    )
    if (
        outcome == CallbackAttempt.Outcome.REACHED
        and callback.purpose == CallbackRequest.Purpose.DELIVER_ANSWER
    ):
        _answer_delivered_by_phone(callback, actor)
    elif outcome == CallbackAttempt.Outcome.REACHED and callback.closes_case:
        _kcc_question_answered_by_phone(callback, attempt, actor)
    if (
        outcome != CallbackAttempt.Outcome.REACHED
        and callback.failed_attempts >= settings.FOLLOWUP_CALLBACK_MAX_FAILED
    ):
        _callback_failed(callback, actor, now)
    return attempt


# ----------------------------------------------------------------------------------------------------------
# An answer delivered by phone: the entrepreneur asked for it, or has no e-mail address
# (intake.selectors.answer_delivery decides; casework's answer action calls case_answer_by_phone then).


@transaction.atomic
def case_answer_by_phone(
    *, case: Case, actor: User, body: str, resolution: str = Resolution.ANSWERED, override_reason: str = ""
) -> CallbackRequest:
    """The final answer is ready but must be read out: a callback request "antwoord telefonisch doorgeven"
    for the owner, with the answer. The case stays open; it closes as answered when the call is reached."""
    case = Case.objects.select_for_update(of=("self",)).select_related("contact", "owner").get(pk=case.pk)
    if case.status in CLOSED:
        raise FollowupNotAllowed(_("Deze vraag is al afgesloten."))
    if resolution not in (Resolution.ANSWERED, Resolution.NOT_POSSIBLE):
        raise ValueError(resolution)
    if not case.contact.phone:
        raise FollowupNotAllowed(_("Er is geen telefoonnummer bekend om het antwoord door te geven."))
    if case.callbacks.filter(
        purpose=CallbackRequest.Purpose.DELIVER_ANSWER, status=CallbackRequest.Status.OPEN
    ).exists():
        raise FollowupNotAllowed(
            _("Er staat al een terugbelverzoek klaar om het antwoord telefonisch door te geven.")
        )
    callback = callback_create(
        case=case,
        name=case.contact.name,
        phone=case.contact.phone,
        subject=_("Antwoord telefonisch doorgeven"),
        assignee=case.owner or actor,
        actor=actor,
    )
    callback.purpose = CallbackRequest.Purpose.DELIVER_ANSWER
    callback.answer, callback.answer_resolution = body, resolution
    callback._history_user = actor
    callback.save(update_fields=["purpose", "answer", "answer_resolution"])
    if override_reason:  # closing with unfinished hand-offs was confirmed; they are withdrawn when it closes
        intake_services.add_timeline_entry(
            case=case,
            kind=Message.Kind.SYSTEM,
            actor=actor,
            body=Text(
                gettext_noop("Antwoord klaargezet met onafgeronde uitzettingen: %(reason)s"),
                reason=override_reason,
            ),
        )
    return callback


def _answer_delivered_by_phone(callback: CallbackRequest, actor: User) -> None:
    """The call was reached, so the answer was given: close the case as answered (if it is still open)."""
    case = callback.case
    case.refresh_from_db()
    if case.status in CLOSED:
        return
    routing_services.case_close_with_answer(
        case=case,
        actor=actor,
        body=callback.answer,
        resolution=callback.answer_resolution or Resolution.ANSWERED,
        delivered_by=Delivery.PHONE,
    )


def _kcc_question_answered_by_phone(callback: CallbackRequest, attempt: CallbackAttempt, actor: User) -> None:
    """A KCC callback reached: the question was dealt with in that call, so its case closes as answered (if it is
    still open), and does not wait as "Nieuw" in team economie's queue."""
    case = callback.case
    case.refresh_from_db()
    if case.status in CLOSED:
        return
    _callback_timeline(
        callback,
        Text(gettext_noop("De beller is teruggebeld en bereikt: de vraag is telefonisch afgehandeld.")),
        actor,
        "case_closed",
    )
    routing_services.case_close_with_answer(
        case=case,
        actor=actor,
        body=attempt.note or _("U bent teruggebeld en uw vraag is telefonisch beantwoord."),
        resolution=Resolution.ANSWERED,
        delivered_by=Delivery.PHONE,
    )


def claim_action(*, key: str, kind: str, case: Case | None = None, object_id: int | None = None) -> bool:
    """Record that an action happened; True only for the first caller (the key is unique)."""
    try:
        with transaction.atomic():
            FollowupAction.objects.create(
                key=key, kind=kind, case=case, object_id=object_id, created_at=timezone.now()
            )
    except IntegrityError:
        return False
    return True


def _callback_failed(callback: CallbackRequest, actor: User, now: datetime) -> None:
    """Once per request: ask the entrepreneur to call us (and close it), or tell the team to keep trying."""
    if not claim_action(
        key=f"callback-failed:{callback.pk}",
        kind="callback_failed",
        case=callback.case,
        object_id=callback.pk,
    ):
        return
    contact = callback.case.contact
    action = settings.FOLLOWUP_CALLBACK_FAILED_ACTION
    # An answer to deliver by phone stays with the team: asking the entrepreneur to call would close the
    # request while the answer is still undelivered.
    if callback.purpose == CallbackRequest.Purpose.DELIVER_ANSWER:
        action = "team"
    if action == "email_entrepreneur" and contact.email:
        phone = (
            callback.team.phone if callback.team and callback.team.phone else ""
        ) or settings.MUNICIPALITY["phone"]
        queue_email(
            key=f"callback-failed:{callback.pk}",
            to=contact.email,
            template="followup_callback_failed",
            context={"name": contact.name, "ref": callback.case.reference, "phone": phone},
            audience=OutboxMessage.Audience.ENTREPRENEUR,
            case=callback.case,
        )
        _callback_move(
            callback,
            CallbackRequest.Status.DONE,
            actor,
            {"result": CallbackRequest.Result.ASKED_TO_CALL_BACK, "closed_at": now},
        )
        body = gettext_noop(
            "%(n)s keer niet bereikt: de ondernemer is per e-mail gevraagd ons terug te bellen."
        )
    else:
        to = (callback.team.email if callback.team else "") or (
            callback.assignee.email if callback.assignee else ""
        )
        queue_email(
            key=f"callback-failed:{callback.pk}",
            to=to,
            template="followup_callback_failed_team",
            context={
                "name": callback.name,
                "phone": callback.phone,
                "ref": callback.case.reference,
                "count": callback.failed_attempts,
                "url": settings.SITE_URL + reverse("followup:callback-detail", args=[callback.pk]),
            },
            audience=OutboxMessage.Audience.TEAM,
            case=callback.case,
        )
        body = gettext_noop("%(n)s keer niet bereikt: het team is gevraagd het opnieuw te proberen.")
    _callback_timeline(callback, Text(body, n=callback.failed_attempts), None, "failed")


@transaction.atomic
def callback_cancel(*, callback: CallbackRequest, actor: User, reason: str) -> CallbackRequest:
    callback = CallbackRequest.objects.select_for_update().get(pk=callback.pk)
    if not callback.is_open:
        raise FollowupNotAllowed(_("Dit terugbelverzoek is al afgehandeld."))
    _callback_move(
        callback,
        CallbackRequest.Status.CANCELLED,
        actor,
        {"result": CallbackRequest.Result.CANCELLED, "closed_at": timezone.now()},
    )
    _callback_timeline(
        callback,
        Text(gettext_noop("Terugbelverzoek vervallen: %(reason)s"), reason=reason),
        actor,
        "cancelled",
    )
    return callback


# ----------------------------------------------------------------------------------------------------------
# Satisfaction


RATEABLE = frozenset({Status.ANSWERED, Status.REFERRED})


def can_rate(case: Case) -> bool:
    """Answered (or referred) and not yet rated for this closing."""
    return (
        case.status in RATEABLE
        and case.closed_at is not None
        and not SatisfactionRating.objects.filter(case=case, case_closed_at=case.closed_at).exists()
    )


@transaction.atomic
def rating_submit(*, case: Case, score: int, comment: str = "") -> SatisfactionRating:
    """The entrepreneur rates the answer, once per closing. A low score tells the owner."""
    case = Case.objects.select_for_update(of=("self",)).select_related("owner", "owner_team").get(pk=case.pk)
    if case.status not in RATEABLE or case.closed_at is None:
        raise FollowupNotAllowed(_("U kunt een antwoord beoordelen nadat u het heeft ontvangen."))
    if not 1 <= int(score) <= 5:
        raise FollowupNotAllowed(_("Kies een cijfer van 1 tot en met 5."))
    try:
        with transaction.atomic():
            rating = SatisfactionRating.objects.create(
                case=case,
                case_closed_at=case.closed_at,
                score=int(score),
                comment=comment.strip(),
                created_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise FollowupNotAllowed(_("U heeft dit antwoord al beoordeeld. Dank u wel.")) from exc
    intake_services.add_timeline_entry(
        case=case,
        kind=Message.Kind.FOLLOWUP,
        body=Text(
            gettext_noop("Beoordeling door de ondernemer: %(score)s van 5. %(comment)s"),
            score=rating.score,
            comment=f"“{rating.comment}”" if rating.comment else "",
        ),
        data={"rating": rating.pk, "score": rating.score, "event": "rating"},
    )
    if rating.is_low:
        intake_services.notify_owner(
            case,
            key=f"rating-low:{rating.pk}",
            template="followup_rating_low",
            context={"ref": case.reference, "score": rating.score, "comment": rating.comment},
        )
    return rating


@transaction.atomic
def rating_reopen(*, rating: SatisfactionRating, actor: User) -> Case:
    """Turn a low rating into a reopened case, with the rating as the reason."""
    rating = (
        SatisfactionRating.objects.select_for_update(of=("self",)).select_related("case").get(pk=rating.pk)
    )
    if rating.reopened_at is not None:
        raise FollowupNotAllowed(_("Deze vraag is naar aanleiding van deze beoordeling al heropend."))
    if rating.case.status not in CLOSED:
        raise FollowupNotAllowed(_("Deze vraag is al open."))
    reason = (
        Text(
            gettext_noop("Heropend na beoordeling %(score)s van 5: %(comment)s"),
            score=rating.score,
            comment=rating.comment,
        )
        if rating.comment
        else Text(gettext_noop("Heropend na beoordeling %(score)s van 5"), score=rating.score)
    )
    case = intake_services.case_reopen(case=rating.case, actor=actor, reason=reason)
    rating.reopened_at, rating.reopened_by = timezone.now(), actor
    rating.save(update_fields=["reopened_at", "reopened_by"])
    return case


# ----------------------------------------------------------------------------------------------------------
# The daily digest per team


def digest_send(*, today: date | None = None) -> int:
    """One e-mail per team member (who wants it) with the team's open and overdue items; once per day."""
    today = today or timezone.localdate()
    if not get_calendar().is_working_day(today):
        return 0
    sent = 0
    for team in Team.objects.filter(is_active=True).order_by("pk"):
        sent += _digest_team(team, today)
    return sent


@transaction.atomic
def _digest_team(team: Team, today: date) -> int:
    from .selectors import team_digest_items

    items = team_digest_items(team, today)
    if not items["total"]:
        return 0
    if not claim_action(key=f"digest:{team.pk}:{today.isoformat()}", kind="digest", object_id=team.pk):
        return 0
    members = (
        Membership.objects.filter(team=team, receives_digest=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    count = 0
    for membership in members:
        queue_email(
            key=f"digest:{team.pk}:{today.isoformat()}:{membership.user_id}",
            to=membership.user.email,
            template="followup_digest",
            context={"team": team, "today": today, "items": items, "name": display_name(membership.user)},
            audience=OutboxMessage.Audience.STAFF,
        )
        count += 1
    return count
