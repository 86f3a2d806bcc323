"""Set-based sweep actions: each action kind is one SELECT into a work table, then a few INSERT ... SELECT
statements per chunk of that table.

Why SQL and not a loop over rows: the sweep must handle a municipality's whole backlog (the benchmark seeds a
million open items) in seconds and with flat memory. So no rows travel to Python:

0. Select, once per action: the rows the action applies to (``Action.claim_from``), with their keys, minus the
   keys already in the action log, go into the session's temporary table ``followup_sweep_todo``, numbered in
   key order. The chunks below are slices of those numbers: only rows with work, and the selection (with its
   subqueries, e.g. the delay notice's) runs once and not per chunk.
1. Claim. ``INSERT INTO followup_followupaction (key, ...) SELECT ... ON CONFLICT (key) DO NOTHING`` with a
   batch id. The key names the action and its deadline ("handoff-overdue:12:2026-12-17"); a second or
   concurrent sweep inserts nothing for a key that exists (PostgreSQL makes the loser wait for the winner's
   commit, then skip), so each action happens once per deadline. A row selected in step 0 that a concurrent
   sweep claimed in the meantime is skipped here.
2. Effects, for the rows of this batch only: one INSERT ... SELECT writing the case timeline entries
   (``Message.Kind.FOLLOWUP``) and one per kind of recipient writing outbox rows. E-mail texts come from the
   normal templates, rendered once with placeholders; SQL fills them per row by concatenating the fixed parts
   and the values (``Sql.fill``). An action may also set case columns from its batch (``Action.set_case``):
   one UPDATE per chunk.

The claim and its effects share one transaction per chunk: all of them or none. The statements are portable
between PostgreSQL and SQLite (3.35+: ON CONFLICT, RETURNING, MATERIALIZED); the few differences are in
``Sql``.
"""

from __future__ import annotations

import re
import time
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
        function = "jsonb_build_object" if self.postgres else "json_object"  # jsonb: no json text to parse
        return f"{function}(" + ", ".join(f"{self.text(self.p(key))}, {expr}" for key, expr in pairs) + ")"

    def in_(self, values: Iterable[str]) -> str:
        return "(" + ", ".join(self.p(str(v)) for v in values) + ")"

    def fill(self, template: str, values: dict[str, str]) -> str:
        """`template` with each placeholder replaced by an SQL expression, per row.

        One concatenation of the template's fixed parts and the values (NULL as ''), not a replace() per
        placeholder over the whole text: the database copies the text once, and a value that happens to contain
        a placeholder stays as it is.
        """
        used = [placeholder for placeholder in values if placeholder in template]
        if not used:
            return f"CAST({self.p(template)} AS TEXT)"
        parts = re.split("(" + "|".join(re.escape(placeholder) for placeholder in used) + ")", template)
        exprs = [
            self.text(values[part]) if i % 2 else f"CAST({self.p(part)} AS TEXT)"
            for i, part in enumerate(parts)
            if i % 2 or part
        ]
        if self.postgres:  # concat() skips NULLs
            return "concat(" + ", ".join(exprs) + ")"
        return "(" + " || ".join(f"COALESCE({expr}, '')" for expr in exprs) + ")"


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
    source: str  # alias of the source row in `claim_from`, which `key`, `case_id`, ... refer to
    data_key: str  # the timeline entry's data names the object: {"handoff": 12} (the department sees it)
    claim_from: Callable[[Sql], str]  # FROM ... WHERE ...: the rows the action applies to (done or not)
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
    prelude: Callable[[Sql], str] | None = None  # a WITH clause `claim_from` needs (e.g. a calendar table)
    # Case columns to set from this batch's action rows: column -> aggregate over `a`, e.g.
    # {"expected_date": "MAX(a.due)"}. One UPDATE per chunk, like the other effects.
    set_case: dict[str, str] = field(default_factory=dict)
    after: Callable[[list[int]], None] | None = None  # per-row work for the claimed case ids (rare)


@dataclass
class ActionResult:
    actions: int = 0
    messages: list[tuple[int, str]] = field(default_factory=list)  # (outbox id, status)
    message_count: int = 0
    chunks: int = 0
    # Seconds per phase ("build", "select", "claim", "timeline", "mails", "case", "after", "commit"), for the
    # benchmark's table (followup_benchmark) and whoever passes `on_action` to the sweep.
    seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, phase: str, started: float) -> float:
        """Add the time since `started` to `phase`; returns now, the start of the next phase."""
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - started
        return now


TODO = "followup_sweep_todo"  # the session's temporary table of one action's rows to do
WORK_MEM = "64MB"  # per sort or hash of a sweep statement (one sweep runs at a time per worker)


def run_action(action: Action, *, now: datetime, chunk: int, collect_ids: bool = True) -> ActionResult:
    """Claim and carry out `action` for every row it applies to, chunk by chunk (one transaction each).

    The rows to do are selected once, into a temporary table numbered in key order, leaving out keys already
    in the action log; the chunks are slices of that table. So the selection (for the delay notice with its
    per-case subqueries) runs once per action and not per chunk, and only rows with work make chunks.
    """
    result = ActionResult()
    started = time.perf_counter()
    with transaction.atomic():
        _tune_transaction()
        total = _select(action)
    started = result.timed("select", started)
    for low in range(1, total + 1, chunk):
        with transaction.atomic():
            _tune_transaction()
            result.chunks += 1
            claimed, batch = _claim(action, now=now, low=low, high=low + chunk - 1)
            started = result.timed("claim", started)
            if claimed:
                result.actions += claimed
                started = _effects(action, now=now, batch=batch, result=result, collect_ids=collect_ids)
        started = result.timed("commit", started)
    return result


def drop_todo() -> None:
    """Drop the temporary table (the end of a sweep); it would otherwise live as long as the connection."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TODO}")


def _tune_transaction() -> None:
    """PostgreSQL, for this transaction only (SET LOCAL): more memory to sort and hash, and no wait for the disk.

    work_mem: with the default (4 MB) the sorts in key order and the hashes over all open hand-offs spill to
    disk.

    synchronous_commit = off: the commit returns before its WAL is on disk. A crash of the database server
    (not of the worker) can then lose the commits of the last fraction of a second (at most 3 x
    wal_writer_delay); the database stays consistent. Safe for the sweep because a chunk's claims and effects
    (timeline entries, outbox rows, case dates) are lost together, never one without the other, and the next
    sweep finds those keys free and does them again: the action log makes the sweep idempotent. The e-mails
    are handed to the workers only after the sweep, and a worker's own (synchronous) commit makes all earlier
    WAL durable, the sweep's included; sending twice needs the server to crash between a worker's SMTP
    send and its commit, as for any outbox message.

    Constraints immediate: Django's foreign keys are checked at commit (deferred), which queues an event per
    inserted row (hundreds of thousands per chunk) and fires them all at the end; checked per statement they
    cost the same look-ups without the queue.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _select(action: Action) -> int:
    """Fill the temporary table with the rows `action` applies to and has not done yet; returns their number."""
    t = _tables()
    sql = Sql()
    prelude = action.prelude(sql) if action.prelude else ""
    due = f"CAST({action.due} AS date)" if sql.postgres else action.due  # "NULL" has no type of its own
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {TODO} "
            "(n bigint, key varchar(200), case_id bigint, object_id bigint, due date)"
        )
        cursor.execute(f"TRUNCATE {TODO}" if sql.postgres else f"DELETE FROM {TODO}")
        cursor.execute(
            # The WITH clause goes after the column list: SQLite reports no row count for a statement that
            # starts with WITH.
            f"INSERT INTO {TODO} (n, key, case_id, object_id, due) {prelude} "
            f"SELECT ROW_NUMBER() OVER (ORDER BY todo.key), todo.key, todo.case_id, todo.object_id, todo.due "
            f"FROM (SELECT {action.key} AS key, {action.case_id} AS case_id, {action.object_id} AS object_id, "
            f"{due} AS due {action.claim_from(sql)}) todo "
            f"WHERE NOT EXISTS (SELECT 1 FROM {t['action']} done WHERE done.key = todo.key)",
            sql.params,
        )
        return cursor.rowcount


def _claim(action: Action, *, now: datetime, low: int, high: int) -> tuple[int, str]:
    t = _tables()
    sql = Sql()
    batch = uuid.uuid4().hex
    query = (
        f"INSERT INTO {t['action']} (key, kind, case_id, object_id, due, batch, created_at) "
        f"SELECT key, {sql.p(action.kind)}, case_id, object_id, due, {sql.p(batch)}, {sql.moment(now)} "
        f"FROM {TODO} WHERE n BETWEEN {sql.p(low)} AND {sql.p(high)} "
        # In key order in every sweep: concurrent sweeps wait for each other instead of deadlocking.
        f"ORDER BY n ON CONFLICT (key) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, sql.params)
        return cursor.rowcount, batch


def _effects(action: Action, *, now: datetime, batch: str, result: ActionResult, collect_ids: bool) -> float:
    started = time.perf_counter()
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
    started = result.timed("timeline", started)
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
            f"ORDER BY 1 ON CONFLICT (key) DO NOTHING{' RETURNING id, status' if collect_ids else ''}"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, sql.params)
            if collect_ids:
                rows = cursor.fetchall()
                result.message_count += len(rows)
                result.messages += [tuple(row) for row in rows]
            else:
                result.message_count += cursor.rowcount
        started = result.timed("mails", started)
    if action.set_case:
        # One UPDATE ... FROM the batch's rows grouped per case (PostgreSQL, SQLite 3.33+), in the order of the
        # case ids: neighbouring rows and index entries are written one after another.
        columns = list(action.set_case)
        aggregates = ", ".join(f"{expr} AS {column}" for column, expr in action.set_case.items())
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {t['case']} SET {', '.join(f'{column} = s.{column}' for column in columns)} "
                f"FROM (SELECT a.case_id AS case_id, {aggregates} FROM {t['action']} a "
                f"WHERE a.batch = %(batch)s GROUP BY a.case_id ORDER BY a.case_id) s WHERE {t['case']}.id = s.case_id",
                {"batch": batch},
            )
        started = result.timed("case", started)
    if action.after:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT case_id FROM {t['action']} WHERE batch = %(batch)s ORDER BY case_id",
                {"batch": batch},
            )
            action.after([row[0] for row in cursor.fetchall()])
        started = result.timed("after", started)
    return started
