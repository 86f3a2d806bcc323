"""The periodic sweep: every reminder, escalation and notice happens once per deadline, however often it runs
and however many workers run it at once. Each action first claims a unique key in the action log (set-based
SQL, `engine.py`), and only the claimer writes the timeline entry and queues the e-mails.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from followup.models import CallbackRequest
from intake import services as intake_services
from intake.models import Case
from intake.outbox import OutboxMessage, _enqueue_delivery
from intake.workflow import OPEN, Status
from routing.models import Handoff
from teams.calendar import WorkingCalendar
from teams.deadlines import get_calendar
from teams.models import Membership, Team

from .engine import Action, Mail, Sql, _tables, run_action, url_template

logger = logging.getLogger(__name__)

ACTIVE = sorted(OPEN - {Status.WAITING_ENTREPRENEUR})  # the clock runs
HANDOFF_OPEN = [str(s) for s in Handoff.OPEN_STATUSES]
ENQUEUE_DIRECTLY = 1000  # more new e-mails than this go out through the periodic re-queue


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
        from intake.tasks import requeue_stuck_outbox

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
    case_url, handoff_url = url_template("casework:case-detail"), url_template("routing:handoff-detail")
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
