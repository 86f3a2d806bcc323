"""Follow-up writes: the periodic sweep, callback requests, satisfaction ratings and the daily digest.

The sweep makes every reminder, escalation and notice happen once per deadline, however often it runs and
however many workers run it at once: each action first claims a unique key in the action log
(followup.actions, set-based SQL), and only the claimer writes the timeline entry and queues the e-mails.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from intake import services as intake_services
from intake.models import Case, Message, Resolution
from intake.workflow import CLOSED, OPEN, Status
from routing import services as routing_services
from routing.models import Handoff
from teams.models import Membership, Team

from .actions import Action, Mail, Sql, _tables, run_action, url_template
from .calendar import WorkingCalendar
from .deadlines import callback_deadline, get_calendar
from .models import CallbackAttempt, CallbackRequest, FollowupAction, SatisfactionRating
from .outbox import OutboxMessage, _enqueue_delivery, queue_email

logger = logging.getLogger(__name__)
User = AbstractBaseUser

ACTIVE = sorted(OPEN - {Status.WAITING_ENTREPRENEUR})  # the clock runs
HANDOFF_OPEN = [str(s) for s in Handoff.OPEN_STATUSES]
ENQUEUE_DIRECTLY = 1000  # more new e-mails than this go out through the periodic re-queue


class FollowupNotAllowed(Exception):
    """An action that does not fit the current state; the message is user-facing (Dutch)."""


# ----------------------------------------------------------------------------------------------------------
# The sweep


@dataclass
class SweepResult:
    handoff_reminders: int = 0
    handoffs_overdue: int = 0
    cases_will_miss: int = 0
    cases_overdue: int = 0
    delay_notices: int = 0
    waiting_reminders: int = 0
    waiting_expired: int = 0
    callbacks_overdue: int = 0
    messages_queued: int = 0

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def actions(self) -> int:
        return sum(v for k, v in self.as_dict().items() if k != "messages_queued")


def latest_start_for(calendar: WorkingCalendar, today: date, days: int) -> date:
    """The last day d such that `days` working days after d have passed by `today`."""
    day = today
    while calendar.add_working_days(day, days) > today:
        day -= timedelta(days=1)
    return day


def sweep(today: date | None = None, *, now: datetime | None = None, enqueue: bool = True) -> SweepResult:
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    calendar = get_calendar()
    result = SweepResult()
    new_messages: list[int] = []
    for name, action in _sweep_actions(today=today, now=now, calendar=calendar):
        done = run_action(action, now=now, chunk=settings.FOLLOWUP_SWEEP_CHUNK, collect_ids=enqueue)
        setattr(result, name, done.actions)
        result.messages_queued += done.message_count
        new_messages += [pk for pk, status in done.messages if status == OutboxMessage.Status.QUEUED]
    if enqueue and new_messages:
        transaction.on_commit(lambda: _enqueue(new_messages))
    return result


def _enqueue(message_ids: list[int]) -> None:
    for message_id in message_ids[:ENQUEUE_DIRECTLY]:
        _enqueue_delivery(message_id)
    if len(message_ids) > ENQUEUE_DIRECTLY:
        from .tasks import requeue_stuck_outbox

        try:
            requeue_stuck_outbox.delay()
        except Exception:  # broker down: beat's re-queue picks them up
            logger.warning("Could not enqueue the outbox re-queue", exc_info=True)


def _handoff_joins(t: dict) -> str:
    return (
        f"JOIN {t['handoff']} h ON h.id = a.object_id JOIN {t['team']} t ON t.id = h.team_id "
        f"JOIN {t['case']} c ON c.id = a.case_id LEFT JOIN {t['user']} ou ON ou.id = c.owner_id "
        f"JOIN {t['team']} ot ON ot.id = c.owner_team_id"
    )


def _case_joins(t: dict) -> str:
    return (
        f"JOIN {t['case']} c ON c.id = a.case_id JOIN {t['contact']} ct ON ct.id = c.contact_id "
        f"LEFT JOIN {t['user']} ou ON ou.id = c.owner_id JOIN {t['team']} ot ON ot.id = c.owner_team_id"
    )


OWNER_EMAIL = "COALESCE(NULLIF(ou.email, ''), ot.email)"


def _sweep_actions(*, today: date, now: datetime, calendar: WorkingCalendar) -> list[tuple[str, Action]]:
    t = _tables()
    case_url, handoff_url = url_template("intake:case-detail"), url_template("routing:handoff-detail")
    callback_url = url_template("followup:callback-detail")
    reminder_until = calendar.add_working_days(today, 1)
    waiting_reminder_from = latest_start_for(calendar, today, settings.FOLLOWUP_WAITING_REMINDER_DAYS)
    waiting_expired_from = latest_start_for(
        calendar, today, settings.FOLLOWUP_WAITING_REMINDER_DAYS + settings.FOLLOWUP_WAITING_DECISION_DAYS
    )

    def handoff_values(url: str) -> callable:
        return lambda sql: {
            "[[REF]]": "c.reference",
            "[[TEAM]]": "t.name",
            "[[DATE]]": sql.dmy("h.deadline"),
            "[[URL]]": sql.fill(url, {"[[ID]]": "h.id" if url == handoff_url else "c.id"}),
        }

    handoff_context = {"ref": "[[REF]]", "team": "[[TEAM]]", "date": "[[DATE]]", "url": "[[URL]]"}

    def open_handoffs(sql: Sql, extra: str) -> str:
        return f"FROM {t['handoff']} h WHERE h.status IN {sql.in_(HANDOFF_OPEN)} AND {extra}"

    reminder = Action(
        kind="handoff_reminder",
        source="h",
        data_key="handoff",
        claim_from=lambda sql: open_handoffs(
            sql, f"h.deadline >= {sql.date(today)} AND h.deadline <= {sql.date(reminder_until)}"
        ),
        key="'handoff-reminder:' || CAST(h.id AS TEXT) || ':' || CAST(h.deadline AS TEXT)",
        case_id="h.case_id",
        object_id="h.id",
        due="h.deadline",
        effect_joins=_handoff_joins(t),
        timeline=_("Herinnering aan %(team)s: de uitzetting moet uiterlijk %(date)s beantwoord zijn.")
        % {"team": "[[TEAM]]", "date": "[[DATE]]"},
        timeline_values=handoff_values(handoff_url),
        event="reminder",
        mails=[
            Mail(
                template="followup_handoff_reminder",
                audience=OutboxMessage.Audience.TEAM,
                to="t.email",
                context=handoff_context,
                values=handoff_values(handoff_url),
            )
        ],
    )
    handoff_overdue = Action(
        kind="handoff_overdue",
        source="h",
        data_key="handoff",
        claim_from=lambda sql: open_handoffs(sql, f"h.deadline < {sql.date(today)}"),
        key="'handoff-overdue:' || CAST(h.id AS TEXT) || ':' || CAST(h.deadline AS TEXT)",
        case_id="h.case_id",
        object_id="h.id",
        due="h.deadline",
        effect_joins=_handoff_joins(t),
        timeline=_(
            "Uitzetting naar %(team)s is over de termijn (%(date)s): accountmanager en coördinator gewaarschuwd."
        )
        % {"team": "[[TEAM]]", "date": "[[DATE]]"},
        timeline_values=handoff_values(handoff_url),
        event="overdue",
        mails=[
            Mail(
                template="followup_handoff_overdue",
                audience=OutboxMessage.Audience.STAFF,
                to=OWNER_EMAIL,
                context=handoff_context,
                values=handoff_values(case_url),
            ),
            Mail(
                template="followup_handoff_overdue",
                audience=OutboxMessage.Audience.STAFF,
                to="u.email",
                context=handoff_context,
                values=handoff_values(handoff_url),
                joins=(
                    f"JOIN {t['membership']} m ON m.team_id = h.team_id AND m.role = "
                    f"'{Membership.Role.COORDINATOR}' JOIN {t['user']} u ON u.id = m.user_id AND u.is_active"
                ),
                key_suffix="':coordinator:' || CAST(u.id AS TEXT)",
            ),
        ],
    )

    def case_values(sql: Sql) -> dict:
        return {
            "[[REF]]": "c.reference",
            "[[DATE]]": sql.dmy("c.deadline"),
            "[[URL]]": sql.fill(case_url, {"[[ID]]": "c.id"}),
            "[[NAME]]": "ct.name",
            "[[HDATE]]": sql.dmy(
                f"(SELECT MAX(h.deadline) FROM {t['handoff']} h WHERE h.case_id = c.id "
                f"AND h.status IN {sql.in_(HANDOFF_OPEN)})"
            ),
            "[[SINCE]]": sql.dmy("c.paused_since"),
            "[[EXPECTED]]": sql.dmy("a.due"),
        }

    case_context = {
        "ref": "[[REF]]",
        "date": "[[DATE]]",
        "url": "[[URL]]",
        "name": "[[NAME]]",
        "handoff_date": "[[HDATE]]",
        "since": "[[SINCE]]",
        "expected": "[[EXPECTED]]",
    }

    def owner_mail(template: str) -> Mail:
        return Mail(
            template=template,
            audience=OutboxMessage.Audience.STAFF,
            to=OWNER_EMAIL,
            context=case_context,
            values=case_values,
        )

    def entrepreneur_mail(template: str) -> Mail:
        return Mail(
            template=template,
            audience=OutboxMessage.Audience.ENTREPRENEUR,
            to="ct.email",
            context=case_context,
            values=case_values,
        )

    def active_cases(sql: Sql, extra: str) -> str:
        return f"FROM {t['case']} c WHERE c.status IN {sql.in_(ACTIVE)} AND {extra}"

    def later_handoff(sql: Sql) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {t['handoff']} lh WHERE lh.case_id = c.id "
            f"AND lh.status IN {sql.in_(HANDOFF_OPEN)} AND lh.deadline > c.deadline)"
        )

    will_miss = Action(
        kind="case_will_miss",
        source="c",
        data_key="case",
        claim_from=lambda sql: active_cases(sql, f"c.deadline >= {sql.date(today)} AND {later_handoff(sql)}"),
        key="'case-will-miss:' || CAST(c.id AS TEXT) || ':' || CAST(c.deadline AS TEXT)",
        case_id="c.id",
        object_id="c.id",
        due="c.deadline",
        effect_joins=_case_joins(t),
        timeline=_(
            "Termijn %(date)s wordt niet gehaald: een uitzetting loopt tot %(handoff_date)s. "
            "Accountmanager gewaarschuwd."
        )
        % {"date": "[[DATE]]", "handoff_date": "[[HDATE]]"},
        timeline_values=case_values,
        event="will_miss",
        mails=[owner_mail("followup_case_will_miss")],
    )
    case_overdue = Action(
        kind="case_overdue",
        source="c",
        data_key="case",
        claim_from=lambda sql: active_cases(sql, f"c.deadline < {sql.date(today)}"),
        key="'case-overdue:' || CAST(c.id AS TEXT) || ':' || CAST(c.deadline AS TEXT)",
        case_id="c.id",
        object_id="c.id",
        due="c.deadline",
        effect_joins=_case_joins(t),
        timeline=_("Termijn verstreken (%(date)s): accountmanager gewaarschuwd.") % {"date": "[[DATE]]"},
        timeline_values=case_values,
        event="overdue",
        mails=[owner_mail("followup_case_overdue")],
    )

    # The delay notice promises a new date: the last open hand-off's deadline (or today) plus a margin.
    last_deadline = (
        Handoff.objects.filter(status__in=Handoff.OPEN_STATUSES, deadline__gte=today)
        .order_by("-deadline")
        .values_list("deadline", flat=True)
        .first()
    ) or today
    last_deadline = min(last_deadline, today + timedelta(days=3 * 366))
    expected = {
        today + timedelta(days=i): calendar.add_working_days(
            today + timedelta(days=i), settings.FOLLOWUP_DELAY_MARGIN_DAYS
        )
        for i in range((last_deadline - today).days + 1)
    }
    week_ago = now - timedelta(days=settings.FOLLOWUP_DELAY_NOTICE_MIN_DAYS)

    def expected_dates(sql: Sql) -> str:
        rows = ", ".join(f"({sql.date(d)}, {sql.date(nd)})" for d, nd in expected.items())
        return f"WITH cal (d, nd) AS (VALUES {rows})"

    def delay_from(sql: Sql) -> str:
        return (
            f"FROM (SELECT c.id AS id, (SELECT MAX(h.deadline) FROM {t['handoff']} h WHERE h.case_id = c.id "
            f"AND h.status IN {sql.in_(HANDOFF_OPEN)}) AS hd FROM {t['case']} c "
            f"WHERE c.status IN {sql.in_(ACTIVE)} AND (c.deadline < {sql.date(today)} OR {later_handoff(sql)})) dc "
            f"JOIN cal ON cal.d = CASE WHEN dc.hd > {sql.date(today)} THEN dc.hd ELSE {sql.date(today)} END "
            f"WHERE NOT EXISTS (SELECT 1 FROM {t['action']} pa WHERE pa.case_id = dc.id "
            f"AND pa.kind = 'delay_notice' AND pa.created_at > {sql.moment(week_ago)})"
        )

    delay_notice = Action(
        kind="delay_notice",
        source="dc",
        data_key="case",
        prelude=expected_dates,
        claim_from=delay_from,
        key="'delay-notice:' || CAST(dc.id AS TEXT) || ':' || CAST(cal.nd AS TEXT)",
        case_id="dc.id",
        object_id="dc.id",
        due="cal.nd",
        effect_joins=_case_joins(t),
        # Public: the entrepreneur reads it on the tracking page, which then shows the new date.
        timeline=_("Uw vraag kost meer tijd dan verwacht. U krijgt uiterlijk %(date)s antwoord.")
        % {"date": "[[EXPECTED]]"},
        timeline_values=case_values,
        event="delay_notice",
        mails=[entrepreneur_mail("followup_delay_notice")],
        public=True,
    )

    def waiting(sql: Sql, since: date) -> str:
        return (
            f"FROM {t['case']} c WHERE c.status = {sql.p(Status.WAITING_ENTREPRENEUR)} "
            f"AND c.paused_since <= {sql.date(since)}"
        )

    waiting_reminder = Action(
        kind="waiting_reminder",
        source="c",
        data_key="case",
        claim_from=lambda sql: waiting(sql, waiting_reminder_from),
        key="'waiting-reminder:' || CAST(c.id AS TEXT) || ':' || CAST(c.paused_since AS TEXT)",
        case_id="c.id",
        object_id="c.id",
        due="c.paused_since",
        effect_joins=_case_joins(t),
        timeline=_("Herinnering aan de ondernemer: wij wachten sinds %(since)s op informatie.")
        % {"since": "[[SINCE]]"},
        timeline_values=case_values,
        event="waiting_reminder",
        mails=[entrepreneur_mail("followup_waiting_reminder")],
    )
    resume = settings.FOLLOWUP_WAITING_EXPIRED_ACTION == "resume"
    waiting_expired = Action(
        kind="waiting_expired",
        source="c",
        data_key="case",
        claim_from=lambda sql: waiting(sql, waiting_expired_from),
        key="'waiting-expired:' || CAST(c.id AS TEXT) || ':' || CAST(c.paused_since AS TEXT)",
        case_id="c.id",
        object_id="c.id",
        due="c.paused_since",
        effect_joins=_case_joins(t),
        timeline=(
            _("Geen reactie van de ondernemer sinds %(since)s: de vraag is weer in behandeling.")
            if resume
            else _(
                "Geen reactie van de ondernemer sinds %(since)s: de accountmanager beslist "
                "(sluiten met bericht, of weer in behandeling)."
            )
        )
        % {"since": "[[SINCE]]"},
        timeline_values=case_values,
        event="waiting_expired",
        mails=[owner_mail("followup_waiting_expired")],
        after=_resume_cases if resume else None,
    )

    def callback_values(sql: Sql) -> dict:
        return {
            "[[REF]]": "c.reference",
            "[[NAME]]": "cb.name",
            "[[PHONE]]": "cb.phone",
            "[[SUBJECT]]": "cb.subject",
            "[[TEAM]]": "COALESCE(t.name, '–')",
            "[[DATE]]": sql.dmy("cb.due_at"),
            "[[URL]]": sql.fill(callback_url, {"[[ID]]": "cb.id"}),
        }

    callback_context = {
        "ref": "[[REF]]",
        "name": "[[NAME]]",
        "phone": "[[PHONE]]",
        "subject": "[[SUBJECT]]",
        "team": "[[TEAM]]",
        "date": "[[DATE]]",
        "url": "[[URL]]",
    }
    callback_overdue = Action(
        kind="callback_overdue",
        source="cb",
        data_key="callback",
        claim_from=lambda sql: (
            f"FROM {t['callback']} cb WHERE cb.status = {sql.p(CallbackRequest.Status.OPEN)} "
            f"AND cb.due_at < {sql.moment(now)}"
        ),
        key="'callback-overdue:' || CAST(cb.id AS TEXT)",
        case_id="cb.case_id",
        object_id="cb.id",
        due="NULL",
        effect_joins=(
            f"JOIN {t['callback']} cb ON cb.id = a.object_id JOIN {t['case']} c ON c.id = a.case_id "
            f"LEFT JOIN {t['team']} t ON t.id = cb.team_id LEFT JOIN {t['user']} au ON au.id = cb.assignee_id"
        ),
        timeline=_(
            "Terugbelverzoek voor %(name)s (%(team)s) is over de termijn: KCC-coördinator en team gewaarschuwd."
        )
        % {"name": "[[NAME]]", "team": "[[TEAM]]"},
        timeline_values=callback_values,
        event="callback_overdue",
        mails=[
            Mail(
                template="followup_callback_overdue",
                audience=OutboxMessage.Audience.TEAM,
                to="COALESCE(NULLIF(t.email, ''), au.email)",
                context=callback_context,
                values=callback_values,
                key_suffix="':team'",
            ),
            Mail(
                template="followup_callback_overdue",
                audience=OutboxMessage.Audience.STAFF,
                to="k.email",
                context=callback_context,
                values=callback_values,
                joins=(
                    f"CROSS JOIN (SELECT DISTINCT ku.id AS id, ku.email AS email FROM {t['membership']} km "
                    f"JOIN {t['team']} kt ON kt.id = km.team_id JOIN {t['user']} ku ON ku.id = km.user_id "
                    f"WHERE kt.kind = '{Team.Kind.KCC}' AND kt.is_active AND ku.is_active "
                    f"AND km.role = '{Membership.Role.COORDINATOR}') k"
                ),
                key_suffix="':kcc:' || CAST(k.id AS TEXT)",
            ),
        ],
    )
    return [
        ("handoff_reminders", reminder),
        ("handoffs_overdue", handoff_overdue),
        ("cases_will_miss", will_miss),
        ("cases_overdue", case_overdue),
        ("delay_notices", delay_notice),
        ("waiting_reminders", waiting_reminder),
        ("waiting_expired", waiting_expired),
        ("callbacks_overdue", callback_overdue),
    ]


def _resume_cases(case_ids: list[int]) -> None:
    """FOLLOWUP_WAITING_EXPIRED_ACTION = "resume": back to in progress, the clock runs again."""
    for case in Case.objects.filter(pk__in=case_ids, status=Status.WAITING_ENTREPRENEUR):
        intake_services.case_resume(
            case=case, actor=None, reason=_("Geen reactie van de ondernemer binnen de termijn")
        )


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
        reason=_("Geen reactie van de ondernemer op onze vraag om informatie"),
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
        case=case, actor=actor, reason=_("Weer in behandeling zonder reactie van de ondernemer")
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
    actor: User,
) -> CallbackRequest:
    """Record a promise to call back. Its deadline follows the team's policy, in office hours."""
    if not name.strip() or not phone.strip() or not subject.strip():
        raise FollowupNotAllowed(_("Vul naam, telefoonnummer en onderwerp in."))
    now = timezone.now()
    deadline = callback_deadline(team, start=now)
    callback = CallbackRequest(
        case=case,
        name=name.strip()[:200],
        phone=phone.strip()[:30],
        subject=subject.strip()[:300],
        team=team,
        assignee=assignee,
        preferred_moment=preferred_moment.strip()[:120],
        due_at=deadline.due,
        deadline_policy=deadline.policy[:120],
        created_by=actor,
        created_at=now,
    )
    callback._history_user = actor
    callback.save()
    who = ", ".join(str(x) for x in (team, assignee.get_full_name() if assignee else None) if x) or "–"
    _callback_timeline(
        callback,
        _("Terugbelverzoek: %(name)s (%(phone)s) over “%(subject)s”, voor %(who)s, vóór %(due)s.")
        % {
            "name": callback.name,
            "phone": callback.phone,
            "subject": callback.subject,
            "who": who,
            "due": timezone.localtime(callback.due_at).strftime("%d-%m-%Y %H:%M"),
        },
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
    attempt = CallbackAttempt.objects.create(
        callback=callback, outcome=outcome, note=note.strip(), actor=actor, created_at=now
    )
    fields = ["failed_attempts"]
    if outcome == CallbackAttempt.Outcome.REACHED:
        callback.status, callback.result, callback.closed_at = (
            CallbackRequest.Status.DONE,
            CallbackRequest.Result.REACHED,
            now,
        )
        fields += ["status", "result", "closed_at"]
    else:
        callback.failed_attempts += 1
    callback._history_user = actor
    callback.save(update_fields=fields)
    label = CallbackAttempt.Outcome(outcome).label
    _callback_timeline(
        callback,
        _("Belpoging %(name)s: %(outcome)s.") % {"name": callback.name, "outcome": label}
        + (f" {attempt.note}" if attempt.note else ""),
        actor,
        "attempt",
    )
    if (
        outcome != CallbackAttempt.Outcome.REACHED
        and callback.failed_attempts >= settings.FOLLOWUP_CALLBACK_MAX_FAILED
    ):
        _callback_failed(callback, actor, now)
    return attempt


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
        callback.status, callback.result, callback.closed_at = (
            CallbackRequest.Status.DONE,
            CallbackRequest.Result.ASKED_TO_CALL_BACK,
            now,
        )
        callback._history_user = actor
        callback.save(update_fields=["status", "result", "closed_at"])
        body = _("%(n)s keer niet bereikt: de ondernemer is per e-mail gevraagd ons terug te bellen.")
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
        body = _("%(n)s keer niet bereikt: het team is gevraagd het opnieuw te proberen.")
    _callback_timeline(callback, body % {"n": callback.failed_attempts}, None, "failed")


@transaction.atomic
def callback_cancel(*, callback: CallbackRequest, actor: User, reason: str) -> CallbackRequest:
    callback = CallbackRequest.objects.select_for_update().get(pk=callback.pk)
    if not callback.is_open:
        raise FollowupNotAllowed(_("Dit terugbelverzoek is al afgehandeld."))
    callback.status, callback.result, callback.closed_at = (
        CallbackRequest.Status.CANCELLED,
        CallbackRequest.Result.CANCELLED,
        timezone.now(),
    )
    callback._history_user = actor
    callback.save(update_fields=["status", "result", "closed_at"])
    _callback_timeline(
        callback, _("Terugbelverzoek vervallen: %(reason)s") % {"reason": reason}, actor, "cancelled"
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
        body=_("Beoordeling door de ondernemer: %(score)s van 5.") % {"score": rating.score}
        + (f" “{rating.comment}”" if rating.comment else ""),
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
    reason = _("Heropend na beoordeling %(score)s van 5") % {"score": rating.score}
    if rating.comment:
        reason += f": {rating.comment}"
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
            context={"team": team, "today": today, "items": items, "name": membership.user.get_full_name()},
            audience=OutboxMessage.Audience.STAFF,
        )
        count += 1
    return count
