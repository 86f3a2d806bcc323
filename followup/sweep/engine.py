"""Set-based sweep actions: each action kind is a few INSERT ... SELECT statements per chunk of ids.

Why SQL and not a loop over rows: the sweep must handle a municipality's whole backlog (the benchmark seeds a
million open items) in seconds and with flat memory. So no rows travel to Python:

1. Claim. ``INSERT INTO followup_followupaction (key, ...) SELECT ... ON CONFLICT (key) DO NOTHING`` with a
   batch id. The key names the action and its deadline ("handoff-overdue:12:2026-12-17"); a second or
   concurrent sweep inserts nothing for a key that exists (PostgreSQL makes the loser wait for the winner's
   commit, then skip), so each action happens once per deadline.
2. Effects, for the rows of this batch only: one INSERT ... SELECT writing the case timeline entries
   (``Message.Kind.FOLLOWUP``) and one per kind of recipient writing outbox rows. E-mail texts come from the
   normal templates, rendered once with placeholders that SQL fills per row with ``replace()``. An action may
   also set case columns from its batch (``Action.set_case``): one UPDATE per chunk.

The claim and its effects share one transaction per chunk: all of them or none. The statements are portable
between PostgreSQL and SQLite (3.35+: ON CONFLICT, RETURNING); the few differences are in ``Sql``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from followup.models import CallbackRequest, FollowupAction
from intake.models import Case, Contact, Message
from intake.outbox import OutboxMessage, render_text
from routing.models import Handoff
from teams.models import Membership, Team

ID_MARK = "999999999"


def _tables() -> dict[str, str]:
    return {
        "case": Case._meta.db_table,
        "contact": Contact._meta.db_table,
        "message": Message._meta.db_table,
        "handoff": Handoff._meta.db_table,
        "team": Team._meta.db_table,
        "membership": Membership._meta.db_table,
        "user": get_user_model()._meta.db_table,
        "callback": CallbackRequest._meta.db_table,
        "action": FollowupAction._meta.db_table,
        "outbox": OutboxMessage._meta.db_table,
    }


class Sql:
    """One statement's named parameters, and the few expressions that differ between databases."""

    def __init__(self) -> None:
        self.params: dict[str, object] = {}
        self.postgres = connection.vendor == "postgresql"

    def p(self, value: object) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"

    def date(self, value: date) -> str:
        if self.postgres:
            return f"CAST({self.p(value)} AS date)"
        return self.p(connection.ops.adapt_datefield_value(value))

    def moment(self, value: datetime) -> str:
        if self.postgres:
            return f"CAST({self.p(value)} AS timestamptz)"
        return self.p(connection.ops.adapt_datetimefield_value(value))

    def text(self, expr: str) -> str:
        return f"CAST({expr} AS TEXT)"

    def dmy(self, expr: str) -> str:
        """A date column as dd-mm-yyyy."""
        if self.postgres:
            return f"to_char({expr}, 'DD-MM-YYYY')"
        return f"strftime('%%d-%%m-%%Y', {expr})"

    def json(self, expr: str) -> str:
        return f"CAST({expr} AS jsonb)" if self.postgres else expr

    def json_object(self, pairs: list[tuple[str, str]]) -> str:
        """A JSON object built by the database from (key, SQL expression) pairs: values are escaped for us."""
        function = "json_build_object" if self.postgres else "json_object"
        return f"{function}(" + ", ".join(f"{self.text(self.p(key))}, {expr}" for key, expr in pairs) + ")"

    def in_(self, values: Iterable[str]) -> str:
        return "(" + ", ".join(self.p(str(v)) for v in values) + ")"

    def fill(self, template: str, values: dict[str, str]) -> str:
        """`template` with each placeholder replaced by an SQL expression, per row."""
        expr = f"CAST({self.p(template)} AS TEXT)"
        for placeholder, value_sql in values.items():
            if placeholder in template:
                expr = f"replace({expr}, {self.p(placeholder)}, COALESCE({self.text(value_sql)}, ''))"
        return expr


def url_template(name: str) -> str:
    """An absolute URL with the placeholder [[ID]] for the object's id."""
    return settings.SITE_URL + reverse(name, args=[int(ID_MARK)]).replace(ID_MARK, "[[ID]]")


@dataclass
class Mail:
    """One kind of recipient of an action: who, which template, and how to fill its placeholders."""

    template: str
    audience: str
    to: str  # SQL expression of the address
    context: dict[str, str]  # template variable -> placeholder; values() of `values` fill it
    values: Callable[[Sql], dict[str, str]]  # placeholder -> SQL expression
    joins: str = ""  # extra joins for this recipient (e.g. all coordinators of a team)
    key_suffix: str = "''"  # SQL: makes the outbox key unique per recipient


@dataclass
class Action:
    kind: str
    source: str  # alias of the source table in `claim_from` (its id is chunked)
    data_key: str  # the timeline entry's data names the object: {"handoff": 12} (the department sees it)
    claim_from: Callable[[Sql], str]  # FROM ... WHERE ... (without the id range)
    key: str  # SQL on the source row: the unique key, including the deadline
    case_id: str
    object_id: str
    due: str
    effect_joins: str  # joins from the action row `a` to what the texts need
    timeline: str  # the timeline line's msgid (marked with gettext_noop), with %(name)s parameters
    timeline_params: dict[str, str]  # parameter -> placeholder, e.g. {"team": "[[TEAM]]"}
    timeline_values: Callable[[Sql], dict[str, str]]  # placeholder -> SQL expression
    event: str
    mails: list[Mail] = field(default_factory=list)
    public: bool = False
    prelude: Callable[[Sql], str] | None = None  # a WITH clause the claim needs (a calendar table)
    # Case columns to set from this batch's action rows: column -> aggregate over `a`, e.g.
    # {"expected_date": "MAX(a.due)"}. One UPDATE per chunk, like the other effects.
    set_case: dict[str, str] = field(default_factory=dict)
    after: Callable[[list[int]], None] | None = None  # per-row work for the claimed case ids (rare)


@dataclass
class ActionResult:
    actions: int = 0
    messages: list[tuple[int, str]] = field(default_factory=list)  # (outbox id, status)
    message_count: int = 0


def run_action(action: Action, *, now: datetime, chunk: int, collect_ids: bool = True) -> ActionResult:
    """Claim and carry out `action` for every source row, chunk by chunk (one transaction each)."""
    result = ActionResult()
    bounds = _bounds(action)
    if bounds is None:
        return result
    low, high = bounds
    start = low
    while start <= high:
        end = start + chunk - 1
        with transaction.atomic():
            claimed, batch = _claim(action, now=now, low=start, high=end)
            if claimed:
                result.actions += claimed
                _effects(action, now=now, batch=batch, result=result, collect_ids=collect_ids)
        start = end + 1
    return result


def _bounds(action: Action) -> tuple[int, int] | None:
    sql = Sql()
    prelude = action.prelude(sql) if action.prelude else ""
    query = f"{prelude} SELECT MIN({action.source}.id), MAX({action.source}.id) {action.claim_from(sql)}"
    with connection.cursor() as cursor:
        cursor.execute(query, sql.params)
        low, high = cursor.fetchone()
    return None if low is None else (low, high)


def _claim(action: Action, *, now: datetime, low: int, high: int) -> tuple[int, str]:
    t = _tables()
    sql = Sql()
    batch = uuid.uuid4().hex
    prelude = action.prelude(sql) if action.prelude else ""
    query = (
        # The WITH clause goes after the column list: SQLite reports no row count for a statement that starts
        # with WITH.
        f"INSERT INTO {t['action']} (key, kind, case_id, object_id, due, batch, created_at) {prelude} "
        f"SELECT {action.key}, {sql.p(action.kind)}, {action.case_id}, {action.object_id}, {action.due}, "
        f"{sql.p(batch)}, {sql.moment(now)} {action.claim_from(sql)} "
        f"AND {action.source}.id BETWEEN {sql.p(low)} AND {sql.p(high)} "
        # The same order in every sweep: concurrent sweeps wait for each other instead of deadlocking.
        f"ORDER BY 1 ON CONFLICT (key) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, sql.params)
        return cursor.rowcount, batch


def _effects(action: Action, *, now: datetime, batch: str, result: ActionResult, collect_ids: bool) -> None:
    t = _tables()
    sql = Sql()
    # The body in the site's language (for search and the admin); the data keep the msgid and its parameters,
    # so the line is shown in the reader's language (intake.timeline), as for every other timeline entry.
    with translation.override(settings.LANGUAGE_CODE):
        body = gettext(action.timeline) % action.timeline_params
    values = action.timeline_values(sql)
    params = [
        (name, f"COALESCE({sql.text(values[placeholder])}, '')")
        for name, placeholder in action.timeline_params.items()
    ]
    text = sql.json_object([("msgid", sql.text(sql.p(action.timeline))), ("params", sql.json_object(params))])
    data = sql.json_object(
        [
            ("event", sql.text(sql.p(action.event))),
            (action.data_key, "a.object_id"),
            ("due", f"COALESCE({sql.text('a.due')}, '')"),
            ("text", text),
        ]
    )
    query = (
        f"INSERT INTO {t['message']} (case_id, kind, is_public, author_id, author_name, body, data, created_at) "
        f"SELECT a.case_id, {sql.p(Message.Kind.FOLLOWUP)}, {'true' if action.public else 'false'}, NULL, "
        f"{sql.p('Voordeur')}, {sql.fill(body, values)}, {sql.json(data)}, "
        f"{sql.moment(now)} FROM {t['action']} a {action.effect_joins} WHERE a.batch = {sql.p(batch)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, sql.params)
    for mail in action.mails:
        sql = Sql()
        subject, text = render_text(mail.template, mail.context)
        values = mail.values(sql)
        to = f"COALESCE({mail.to}, '')"
        query = (
            f"INSERT INTO {t['outbox']} (key, case_id, audience, template, to_email, subject, body_text, "
            f"body_html, status, attempts, last_error, next_attempt_at, created_at) "
            f"SELECT a.key || {mail.key_suffix}, a.case_id, {sql.p(mail.audience)}, {sql.p(mail.template)}, {to}, "
            f"substr({sql.fill(subject, values)}, 1, 250), {sql.fill(text, values)}, '', "
            f"CASE WHEN {to} <> '' THEN {sql.p(OutboxMessage.Status.QUEUED)} "
            f"ELSE {sql.p(OutboxMessage.Status.SKIPPED)} END, 0, '', {sql.moment(now)}, {sql.moment(now)} "
            f"FROM {t['action']} a {action.effect_joins} {mail.joins} WHERE a.batch = {sql.p(batch)} "
            f"ORDER BY 1 ON CONFLICT (key) DO NOTHING RETURNING id, status"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, sql.params)
            rows = cursor.fetchall()
            result.message_count += len(rows)
            if collect_ids:
                result.messages += [tuple(row) for row in rows]
    if action.set_case:
        assignments = ", ".join(
            f"{column} = (SELECT {expr} FROM {t['action']} a WHERE a.batch = %(batch)s "
            f"AND a.case_id = {t['case']}.id)"
            for column, expr in action.set_case.items()
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {t['case']} SET {assignments} "
                f"WHERE id IN (SELECT case_id FROM {t['action']} WHERE batch = %(batch)s)",
                {"batch": batch},
            )
    if action.after:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT case_id FROM {t['action']} WHERE batch = %(batch)s ORDER BY case_id",
                {"batch": batch},
            )
            action.after([row[0] for row in cursor.fetchall()])
