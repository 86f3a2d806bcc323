"""Writes of the routing app: hand-offs and their answers, and the router's proposal for a case."""

import re
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from intake import services as intake_services
from intake.models import Case, Message
from intake.outbox import OutboxMessage, queue_email
from intake.timeline import Text
from intake.workflow import Status
from teams.deadlines import handoff_deadline
from teams.models import Team, Topic
from teams.selectors import display_name

from .models import Handoff, LabelledExample
from .router import Proposal, best_topic_of_team, case_text, propose
from .selectors import ATTENTION_STATUSES, asks_attention, unfinished_handoffs
from .workflow import HandoffNotAllowed, check_handoff_transition

User = AbstractBaseUser

# `HandoffNotAllowed` lives in `routing.workflow` (its transition error subclasses it); views keep catching
# `routing.services.HandoffNotAllowed`.


# ----------------------------------------------------------------------------------------------------------
# Routing


def route_case(*, case: Case) -> Case:
    """Ask the router for a proposal and store it on the case (explicit topic, rules, then classifier).

    Below the confidence threshold the case waits for triage with the top suggestions; above it the hand-off
    is prepared (and sent, when ROUTING_AUTO_SEND is on) to the proposed department(s).
    """
    proposal = propose(case)
    fields = routing_fields(proposal)
    case = intake_services.case_record_routing(
        case=case,
        topic=fields["topic"],
        team=fields["proposed_team"],
        confidence=fields["routing_confidence"],
        reason=proposal.reason,
        suggestions=fields["routing_suggestions"],
        needs_triage=fields["needs_triage"],
    )
    _send_when_confident(case, proposal)
    return case


def routing_fields(proposal: Proposal) -> dict:
    """The proposal as the case's routing fields (intake.services.ROUTING_FIELDS, plus "topic")."""
    confident = not proposal.needs_triage
    return {
        "topic": proposal.topic if confident else None,
        "proposed_team": proposal.team if confident else None,
        "routing_confidence": proposal.confidence,
        "routing_reason": proposal.reason,
        "routing_suggestions": list(proposal.suggestions)
        + [{"team": t.slug, "team_name": t.name, "split": True} for t in proposal.extra_teams],
        "needs_triage": proposal.needs_triage,
    }


def _send_when_confident(case: Case, proposal: Proposal) -> None:
    if (
        not proposal.needs_triage
        and settings.ROUTING_AUTO_SEND
        and proposal.team
        and proposal.team.kind == Team.Kind.DEPARTMENT
    ):
        case_hand_off(
            case=case,
            requests={team: case.question for team in [proposal.team, *proposal.extra_teams]},
            actor=None,
        )


def propose_for_new_case(case: Case) -> dict:
    """intake's before-insert step (routing/apps.py): the router's proposal for the unsaved case, as fields of
    the INSERT. The proposal stays on the case object for route_new_case."""
    proposal = propose(case)
    case._routing_proposal = proposal
    return routing_fields(proposal)


def route_new_case(case: Case) -> Case:
    """intake's after-submit step (routing/apps.py): routed in the INSERT already (propose_for_new_case), only
    the hand-off is left; else (an entry point that does not propose first) the proposal is stored now."""
    proposal = getattr(case, "_routing_proposal", None)
    if proposal is None:
        return route_case(case=case)
    _send_when_confident(case, proposal)
    return case


@transaction.atomic
def case_correct_topic(*, case: Case, topic: Topic, actor: User) -> Case:
    """A person sets the topic; when it differs from the router's, the question becomes training data."""
    predicted = case.topic
    case = intake_services.case_set_topic(case=case, topic=topic, actor=actor)
    if predicted is None or predicted.pk != topic.pk:
        LabelledExample.objects.update_or_create(
            case=case,
            source=LabelledExample.Source.CORRECTION,
            defaults={
                "text": _example_text(case),
                "topic": topic,
                "predicted_topic": predicted,
                "created_by": actor,
            },
        )
    return case


EMAIL_RE = re.compile(r"[^\s@]+@[^\s@]+")
PHONE_RE = re.compile(r"(?<!\w)\+?\d[\d\s().-]{7,}\d")


def _example_text(case: Case) -> str:
    """The question as training data, without the asker's name and contact details (the public form's consent
    text promises this): the contact's name, e-mail addresses and phone numbers are left out."""
    text = f"{case.subject}\n{case.question}".strip()
    name = (case.contact.name or "").strip()
    if len(name) >= 3:
        text = re.sub(re.escape(name), "[naam]", text, flags=re.IGNORECASE)
    text = EMAIL_RE.sub("[e-mail]", text)
    return PHONE_RE.sub("[telefoon]", text)


def _record_team_correction(case: Case, teams: Sequence[Team], actor: User | None) -> None:
    """Handing off to another team than the router proposed is a correction: learn the chosen team's topic."""
    if actor is None or case.proposed_team_id is None or any(t.pk == case.proposed_team_id for t in teams):
        return
    chosen = teams[0]
    topic = (
        case.topic
        if case.topic and case.topic.team_id == chosen.pk
        else best_topic_of_team(case_text(case), chosen)
    )
    if topic is None:
        return
    LabelledExample.objects.update_or_create(
        case=case,
        source=LabelledExample.Source.CORRECTION,
        defaults={
            "text": _example_text(case),
            "topic": topic,
            "predicted_topic": case.topic,
            "created_by": actor,
        },
    )


def record_confirmed_topic(*, case: Case) -> None:
    """On closing, the topic a person left standing counts as confirmed."""
    if case.topic_id:
        LabelledExample.objects.get_or_create(
            case=case,
            source=LabelledExample.Source.CONFIRMATION,
            defaults={"text": _example_text(case), "topic_id": case.topic_id},
        )


# ----------------------------------------------------------------------------------------------------------
# Hand-offs


def _handoff_url(handoff: Handoff) -> str:
    return settings.SITE_URL + reverse("routing:handoff-detail", args=[handoff.pk])


def _timeline(handoff: Handoff, body: str, actor: User | None, event: str) -> Message:
    return intake_services.add_timeline_entry(
        case=handoff.case,
        kind=Message.Kind.HANDOFF,
        body=body,
        actor=actor,
        data={"handoff": handoff.pk, "team": handoff.team.slug, "event": event},
    )


@transaction.atomic
def case_hand_off(
    *,
    case: Case,
    actor: User | None,
    requests: Mapping[Team, str] | None = None,
    teams: Sequence[Team] = (),
    request_text: str = "",
) -> list[Handoff]:
    """Hand the case to one or more departments at once (a split question: one hand-off per team).

    `requests` maps each team to its own request text, so a department reads only its own part. The shorthand
    `teams` + `request_text` sends the same text to every team.
    """
    requests = dict(requests) if requests is not None else dict.fromkeys(teams, request_text)
    teams = list(requests)
    case = Case.objects.select_for_update(of=("self",)).select_related("contact").get(pk=case.pk)
    if not case.is_open:
        raise HandoffNotAllowed(_("Deze vraag is afgesloten. Heropen de vraag eerst."))
    if not teams:
        raise HandoffNotAllowed(_("Kies ten minste één team."))
    already = set(case.handoffs.filter(status__in=Handoff.OPEN_STATUSES).values_list("team_id", flat=True))
    duplicate = [t.name for t in teams if t.pk in already]
    if duplicate:
        raise HandoffNotAllowed(
            _("Er loopt al een uitzetting naar: %(teams)s.") % {"teams": ", ".join(duplicate)}
        )
    if case.owner_id is None and actor is not None:
        case = intake_services.case_take_ownership(case=case, actor=actor)
    _record_team_correction(case, teams, actor)
    if case.status == Status.NEW:
        intake_services.case_transition(
            case=case, to=Status.IN_PROGRESS, actor=actor, reason=Text(gettext_noop("In behandeling"))
        )
    if case.status != Status.WAITING_DEPARTMENT:
        intake_services.case_transition(
            case=case,
            to=Status.WAITING_DEPARTMENT,
            actor=actor,
            reason=Text(gettext_noop("Uitgezet naar %(teams)s"), teams=", ".join(t.name for t in teams)),
        )
    handoffs = []
    for team in teams:
        request_text = requests[team]
        deadline = handoff_deadline(team, case_due=case.deadline)
        handoff = Handoff(
            case=case,
            team=team,
            request_text=request_text,
            created_by=actor,
            deadline=deadline.due,
            deadline_policy=deadline.policy,
        )
        handoff._history_user = actor
        handoff.save()
        _timeline(
            handoff,
            Text(gettext_noop("Uitgezet naar %(team)s: %(text)s"), team=team, text=request_text),
            actor,
            "created",
        )
        queue_email(
            key=f"handoff-new:{handoff.pk}",
            to=team.email,
            template="handoff_new",
            context={"handoff": handoff, "case": case, "url": _handoff_url(handoff)},
            audience=OutboxMessage.Audience.TEAM,
            case=case,
        )
        handoffs.append(handoff)
    refresh_attention(case)  # a new hand-off follows up the case's earlier returns
    return handoffs


def _lock(handoff: Handoff) -> Handoff:
    return Handoff.objects.select_for_update(of=("self",)).select_related("case", "team").get(pk=handoff.pk)


def _require(handoff: Handoff, allowed: Sequence[str], action: str) -> None:
    if handoff.status not in allowed:
        raise HandoffNotAllowed(
            _("U kunt deze uitzetting niet %(action)s: de status is “%(status)s”.")
            % {"action": action, "status": handoff.get_status_display()}
        )


def _move(handoff: Handoff, to: str, actor: User | None, fields: dict | None = None) -> None:
    """The only place a hand-off's status changes: check the table, then set `fields` and save."""
    check_handoff_transition(handoff.status, to)
    fields = fields or {}
    handoff.status = to
    for name, value in fields.items():
        setattr(handoff, name, value)
    # It moves now, so no hand-off of the case can be newer than its return: the rule needs only it and its case.
    handoff.asks_attention = to in ATTENTION_STATUSES and asks_attention(
        handoff, (), case_open=handoff.case.is_open
    )
    handoff._history_user = actor
    handoff.save(update_fields=["status", "asks_attention", *fields])


def refresh_attention(case: Case) -> None:
    """Set `Handoff.asks_attention` on the case's hand-offs by the rule (routing.selectors.asks_attention):
    after a new hand-off (it follows up earlier returns) and when the case closes or reopens. One query to
    read, one per changed value to write."""
    handoffs = list(
        case.handoffs.order_by().only("pk", "status", "created_at", "closed_at", "asks_attention")
    )
    is_open = case.is_open
    changed: dict[bool, list[int]] = {True: [], False: []}
    for handoff in handoffs:
        value = asks_attention(handoff, handoffs, case_open=is_open)
        if value != handoff.asks_attention:
            changed[value].append(handoff.pk)
    for value, pks in changed.items():
        if pks:
            Handoff.objects.filter(pk__in=pks).update(asks_attention=value)


def case_saved(
    sender, instance: Case, created: bool = False, raw: bool = False, update_fields=None, **kwargs
):
    """post_save of a case (connected in routing/apps.py): a case that closes no longer asks for attention, a
    reopened one may again. intake.services.case_transition saves `closed_at` exactly when a case closes or
    reopens; other saves leave the marker alone."""
    if created or raw or not update_fields or "closed_at" not in update_fields:
        return
    if instance.is_open:
        refresh_attention(instance)
    else:
        Handoff.objects.filter(case_id=instance.pk, asks_attention=True).update(asks_attention=False)


@transaction.atomic
def handoff_claim(*, handoff: Handoff, actor: User) -> Handoff:
    handoff = _lock(handoff)
    _require(handoff, (Handoff.Status.OPEN, Handoff.Status.CLAIMED), _("oppakken"))
    _move(handoff, Handoff.Status.CLAIMED, actor, {"claimed_by": actor})
    _timeline(
        handoff,
        Text(
            gettext_noop("Opgepakt door %(name)s (%(team)s)"),
            name=display_name(actor),
            team=handoff.team,
        ),
        actor,
        "claimed",
    )
    return handoff


@transaction.atomic
def handoff_answer(*, handoff: Handoff, actor: User, answer: str) -> Handoff:
    handoff = _lock(handoff)
    _require(handoff, (Handoff.Status.OPEN, Handoff.Status.CLAIMED), _("beantwoorden"))
    _move(
        handoff,
        Handoff.Status.ANSWERED,
        actor,
        {"answer": answer, "claimed_by": handoff.claimed_by or actor, "closed_at": timezone.now()},
    )
    _timeline(
        handoff,
        Text(gettext_noop("Antwoord van %(team)s: %(answer)s"), team=handoff.team, answer=answer),
        actor,
        "answered",
    )
    _after_handoff_closed(handoff, actor)
    return handoff


@transaction.atomic
def handoff_return(*, handoff: Handoff, actor: User, reason: str) -> Handoff:
    handoff = _lock(handoff)
    _require(handoff, Handoff.OPEN_STATUSES, _("terugsturen"))
    _move(handoff, Handoff.Status.RETURNED, actor, {"return_reason": reason, "closed_at": timezone.now()})
    _timeline(
        handoff,
        Text(gettext_noop("Teruggestuurd door %(team)s: %(reason)s"), team=handoff.team, reason=reason),
        actor,
        "returned",
    )
    if handoff.case.handoffs.filter(status__in=Handoff.OPEN_STATUSES).exists():
        # Other departments are still working: tell whoever handed it off now, not only when all are done.
        intake_services.notify_owner(
            handoff.case,
            key=f"handoff-returned:{handoff.pk}",
            template="handoff_returned",
            context={"handoff": handoff, "reason": reason},
            recipient=handoff.created_by,
        )
    _after_handoff_closed(handoff, actor)
    return handoff


@transaction.atomic
def handoff_request_information(*, handoff: Handoff, actor: User, question: str) -> Handoff:
    handoff = _lock(handoff)
    _require(handoff, (Handoff.Status.OPEN, Handoff.Status.CLAIMED), _("om informatie vragen"))
    _move(
        handoff,
        Handoff.Status.INFO_REQUESTED,
        actor,
        {"claimed_by": handoff.claimed_by or actor, "info_question": question},
    )
    message = _timeline(
        handoff,
        Text(gettext_noop("%(team)s vraagt regie om informatie: %(q)s"), team=handoff.team, q=question),
        actor,
        "info_requested",
    )
    intake_services.notify_owner(
        handoff.case,
        key=f"handoff-info:{message.pk}",
        template="handoff_info_requested",
        context={"handoff": handoff, "question": question},
        recipient=handoff.created_by,
    )
    return handoff


@transaction.atomic
def handoff_provide_information(*, handoff: Handoff, actor: User, body: str) -> Handoff:
    """The owner answers a department's question; the hand-off goes back to the department."""
    handoff = _lock(handoff)
    _require(handoff, (Handoff.Status.INFO_REQUESTED,), _("aanvullen"))
    _move(handoff, Handoff.Status.CLAIMED if handoff.claimed_by_id else Handoff.Status.OPEN, actor)
    message = _timeline(
        handoff,
        Text(gettext_noop("Regie vult aan voor %(team)s: %(body)s"), team=handoff.team, body=body),
        actor,
        "info_provided",
    )
    queue_email(
        key=f"handoff-info-provided:{message.pk}",
        to=handoff.claimed_by.email
        if handoff.claimed_by and handoff.claimed_by.email
        else handoff.team.email,
        template="handoff_info_provided",
        context={"handoff": handoff, "case": handoff.case, "body": body, "url": _handoff_url(handoff)},
        audience=OutboxMessage.Audience.TEAM,
        case=handoff.case,
    )
    return handoff


def _after_handoff_closed(handoff: Handoff, actor: User | None) -> None:
    """When the last open hand-off is answered or returned, the case goes back to the owner."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("owner", "owner_team")
        .get(pk=handoff.case_id)
    )
    if case.handoffs.filter(status__in=Handoff.OPEN_STATUSES).exists():
        return
    if case.status == Status.WAITING_DEPARTMENT:
        intake_services.case_transition(
            case=case,
            to=Status.IN_PROGRESS,
            actor=actor,
            reason=Text(gettext_noop("Alle uitzettingen afgerond")),
        )
    intake_services.notify_owner(
        case,
        key=f"handoffs-done:{case.pk}:{handoff.pk}",
        template="handoffs_done",
        context={"handoffs": list(case.handoffs.select_related("team").order_by("created_at"))},
        recipient=handoff.created_by,
    )


@transaction.atomic
def handoffs_withdraw_open(*, case: Case, actor: User | None) -> int:
    """When a case closes, its open hand-offs are withdrawn so they leave the departments' inboxes."""
    count = 0
    for handoff in case.handoffs.select_for_update(of=("self",)).filter(status__in=Handoff.OPEN_STATUSES):
        _move(handoff, Handoff.Status.WITHDRAWN, actor, {"closed_at": timezone.now()})
        _timeline(
            handoff,
            Text(gettext_noop("Uitzetting naar %(team)s ingetrokken"), team=handoff.team),
            actor,
            "withdrawn",
        )
        count += 1
    return count


def _record_close_override(case: Case, actor: User, reason: str) -> None:
    """Closing with unfinished parts was confirmed: the parts and the reason go on the timeline."""
    parts = unfinished_handoffs(case)
    if not parts and not reason:
        return
    intake_services.add_timeline_entry(
        case=case,
        kind=Message.Kind.SYSTEM,
        actor=actor,
        body=Text(
            gettext_noop("Toch afgesloten met onafgeronde uitzettingen (%(teams)s): %(reason)s"),
            teams=", ".join(h.team.name for h in parts) or "–",
            reason=reason,
        ),
        data={"event": "close_override"},
    )


@transaction.atomic
def case_close_with_answer(
    *,
    case: Case,
    actor: User,
    body: str,
    resolution: str,
    override_reason: str = "",
    delivered_by: str = "",
) -> Case:
    """Send the final answer: open hand-offs are withdrawn first, and the topic counts as confirmed.

    `override_reason`: why the owner closes although hand-offs are unfinished (routing.selectors).
    `delivered_by`: see `intake.services.case_answer` (followup passes "phone" once the call is reached).
    """
    if override_reason:
        _record_close_override(case, actor, override_reason)
    handoffs_withdraw_open(case=case, actor=actor)
    case = intake_services.case_answer(
        case=case, actor=actor, body=body, resolution=resolution, delivered_by=delivered_by
    )
    record_confirmed_topic(case=case)
    return case


@transaction.atomic
def case_close_with_referral(
    *, case: Case, actor: User, organisation: str, url: str, body: str, override_reason: str = ""
) -> Case:
    if override_reason:
        _record_close_override(case, actor, override_reason)
    handoffs_withdraw_open(case=case, actor=actor)
    case = intake_services.case_refer(case=case, actor=actor, organisation=organisation, url=url, body=body)
    record_confirmed_topic(case=case)
    return case


@transaction.atomic
def case_close_cancelled(
    *, case: Case, actor: User, resolution: str, reason: str, override_reason: str = ""
) -> Case:
    if override_reason:
        _record_close_override(case, actor, override_reason)
    handoffs_withdraw_open(case=case, actor=actor)
    return intake_services.case_cancel(case=case, actor=actor, resolution=resolution, reason=reason)
