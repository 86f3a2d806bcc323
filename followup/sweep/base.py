"""What several sweep actions share: the context a `build(ctx)` gets, the status sets, SQL joins and texts.

An action module reads like this: "claim these rows (`claim_from`), under this key; write this timeline entry;
send these mails". The helpers here keep those parts short. Names in the SQL are fixed aliases:

- ``a``: the action log row (``FollowupAction``) in the effects;
- ``h`` hand-off, ``c`` case, ``ct`` its contact, ``t`` a team, ``ou``/``ot`` the case owner and owner team.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from intake.outbox import OutboxMessage
from intake.workflow import OPEN, Status
from routing.models import Handoff
from teams.calendar import WorkingCalendar

from .engine import Mail, Sql, _tables, url_template

ACTIVE = sorted(OPEN - {Status.WAITING_ENTREPRENEUR})  # case statuses in which the clock runs
HANDOFF_OPEN = [str(s) for s in Handoff.OPEN_STATUSES]
OWNER_EMAIL = "COALESCE(NULLIF(ou.email, ''), ot.email)"  # the account manager, else the owner team's mailbox


@dataclass(frozen=True)
class Context:
    """One sweep's moment and the things every action needs; built once per sweep."""

    today: date
    now: datetime
    calendar: WorkingCalendar
    tables: dict[str, str]  # model -> database table, e.g. tables["case"]
    case_url: str  # absolute links with the placeholder [[ID]]
    handoff_url: str
    callback_url: str

    @classmethod
    def create(cls, *, today: date, now: datetime, calendar: WorkingCalendar) -> Context:
        return cls(
            today=today,
            now=now,
            calendar=calendar,
            tables=_tables(),
            case_url=url_template("casework:case-detail"),
            handoff_url=url_template("routing:handoff-detail"),
            callback_url=url_template("followup:callback-detail"),
        )


def latest_start_for(calendar: WorkingCalendar, today: date, days: int) -> date:
    """The last day d such that `days` working days after d have passed by `today`."""
    day = today
    while calendar.add_working_days(day, days) > today:
        day -= timedelta(days=1)
    return day


# ----------------------------------------------------------------------------------------------------------
# Hand-offs (source alias h)


def handoff_joins(t: dict) -> str:
    """From the action row to its hand-off, the department, the case and the case owner."""
    return (
        f"JOIN {t['handoff']} h ON h.id = a.object_id JOIN {t['team']} t ON t.id = h.team_id "
        f"JOIN {t['case']} c ON c.id = a.case_id LEFT JOIN {t['user']} ou ON ou.id = c.owner_id "
        f"JOIN {t['team']} ot ON ot.id = c.owner_team_id"
    )


def open_handoffs(ctx: Context, sql: Sql, extra: str) -> str:
    return f"FROM {ctx.tables['handoff']} h WHERE h.status IN {sql.in_(HANDOFF_OPEN)} AND {extra}"


HANDOFF_CONTEXT = {"ref": "[[REF]]", "team": "[[TEAM]]", "date": "[[DATE]]", "url": "[[URL]]"}


def handoff_values(url: str, url_id: str) -> Callable[[Sql], dict[str, str]]:
    """Placeholders of a hand-off text; the link is `url` with `url_id` (h.id or c.id) for [[ID]]."""
    return lambda sql: {
        "[[REF]]": "c.reference",
        "[[TEAM]]": "t.name",
        "[[DATE]]": sql.dmy("h.deadline"),
        "[[URL]]": sql.fill(url, {"[[ID]]": url_id}),
    }


# ----------------------------------------------------------------------------------------------------------
# Cases (source alias c)


def case_joins(t: dict) -> str:
    """From the action row to its case, the entrepreneur (contact) and the case owner."""
    return (
        f"JOIN {t['case']} c ON c.id = a.case_id JOIN {t['contact']} ct ON ct.id = c.contact_id "
        f"LEFT JOIN {t['user']} ou ON ou.id = c.owner_id JOIN {t['team']} ot ON ot.id = c.owner_team_id"
    )


def active_cases(ctx: Context, sql: Sql, extra: str) -> str:
    """Cases whose clock runs (open, not waiting on the entrepreneur), filtered by `extra`."""
    return f"FROM {ctx.tables['case']} c WHERE c.status IN {sql.in_(ACTIVE)} AND {extra}"


def later_handoff(ctx: Context, sql: Sql) -> str:
    """SQL condition: the case has an open hand-off due after the case's own deadline.

    The first part follows from the second and narrows the cases on the deadline's index before any hand-off
    is looked at: only deadlines before the last open hand-off deadline (one index lookup) can be missed.
    """
    return (
        f"c.deadline < (SELECT MAX(mh.deadline) FROM {ctx.tables['handoff']} mh "
        f"WHERE mh.status IN {sql.in_(HANDOFF_OPEN)}) "
        f"AND EXISTS (SELECT 1 FROM {ctx.tables['handoff']} lh WHERE lh.case_id = c.id "
        f"AND lh.status IN {sql.in_(HANDOFF_OPEN)} AND lh.deadline > c.deadline)"
    )


def waiting_cases(ctx: Context, sql: Sql, since: date) -> str:
    """Cases waiting on the entrepreneur since `since` or earlier."""
    return (
        f"FROM {ctx.tables['case']} c WHERE c.status = {sql.p(Status.WAITING_ENTREPRENEUR)} "
        f"AND c.paused_since <= {sql.date(since)}"
    )


CASE_CONTEXT = {
    "ref": "[[REF]]",
    "date": "[[DATE]]",
    "url": "[[URL]]",
    "name": "[[NAME]]",
    "handoff_date": "[[HDATE]]",
    "since": "[[SINCE]]",
    "expected": "[[EXPECTED]]",
}


def case_values(ctx: Context) -> Callable[[Sql], dict[str, str]]:
    """Placeholders of a case text (needs `case_joins`)."""

    def values(sql: Sql) -> dict[str, str]:
        return {
            "[[REF]]": "c.reference",
            "[[DATE]]": sql.dmy("c.deadline"),
            "[[URL]]": sql.fill(ctx.case_url, {"[[ID]]": "c.id"}),
            "[[NAME]]": "ct.name",
            "[[HDATE]]": sql.dmy(
                f"(SELECT MAX(h.deadline) FROM {ctx.tables['handoff']} h WHERE h.case_id = c.id "
                f"AND h.status IN {sql.in_(HANDOFF_OPEN)})"
            ),
            "[[SINCE]]": sql.dmy("c.paused_since"),
            "[[EXPECTED]]": sql.dmy("a.due"),
        }

    return values


def owner_mail(ctx: Context, template: str) -> Mail:
    """A case mail to its account manager (or the owner team's mailbox)."""
    return Mail(
        template=template,
        audience=OutboxMessage.Audience.STAFF,
        to=OWNER_EMAIL,
        context=CASE_CONTEXT,
        values=case_values(ctx),
    )


def entrepreneur_mail(ctx: Context, template: str) -> Mail:
    """A case mail to the entrepreneur who asked the question."""
    return Mail(
        template=template,
        audience=OutboxMessage.Audience.ENTREPRENEUR,
        to="ct.email",
        context=CASE_CONTEXT,
        values=case_values(ctx),
    )
