"""Delay notice: tell the entrepreneur, before the deadline passes, that the answer will be late, and when it comes.

The rule (the "deadline" below is the case's promised date: its deadline, or a later expected date an earlier
notice gave, ``Case.expected_date``):

- A case whose clock runs (open, not waiting on the entrepreneur) **will miss** its deadline when
  (a) an open hand-off is due after the deadline; the notice then goes out on the **last working day before
  the deadline** (the first sweep on a day whose next working day is the deadline or later), not before, so
  a hand-off that is answered early causes no notice; or
  (b) the deadline is today (or passed: a sweep that did not run catches up) and the case is not answered.
- The new date: (a) the last open hand-off's deadline (or today, if later) plus FOLLOWUP_DELAY_MARGIN_DAYS
  working days (the time team economie needs to turn the department's answer into the reply);
  (b) today plus FOLLOWUP_DELAY_EXTRA_DAYS working days.
- The new date is stored on the case (``Case.expected_date``, one UPDATE per chunk) and the tracking page
  shows it (intake.selectors.expected_answer_date). From then on that date is the deadline for this rule, so
  a second notice follows only when the new date will be missed as well.
- Once per case and new date, and at most one notice per FOLLOWUP_DELAY_NOTICE_MIN_DAYS days.

The working-day arithmetic happens in Python, once per sweep: a small table ``cal (d, nd, nx)`` from each
possible start day d (today up to the last open hand-off deadline) to d plus the margin (nd) and d plus the
extra days (nx), joined in SQL. The cases to notify are selected once per sweep (``engine.run_action``), not
once per chunk.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_noop

from routing.models import Handoff

from .base import ACTIVE, HANDOFF_OPEN, Context, case_joins, case_values, entrepreneur_mail
from .engine import Action, Sql

# The promised date of a case: its deadline, or the later date of a delay notice.
PROMISED = "CASE WHEN c.expected_date > c.deadline THEN c.expected_date ELSE c.deadline END"
# The new date for a claimed row of `dc`: after the hand-off (a), or extra days from today (b).
NEW_DATE = "CASE WHEN dc.hd > dc.promised THEN cal.nd ELSE cal.nx END"


def build(ctx: Context) -> Action:
    t, today = ctx.tables, ctx.today
    last_deadline = (
        Handoff.objects.filter(status__in=Handoff.OPEN_STATUSES, deadline__gte=today)
        .order_by("-deadline")
        .values_list("deadline", flat=True)
        .first()
    ) or today
    last_deadline = min(last_deadline, today + timedelta(days=3 * 366))
    calendar = ctx.calendar
    expected = {
        day: (
            calendar.add_working_days(day, settings.FOLLOWUP_DELAY_MARGIN_DAYS),
            calendar.add_working_days(day, settings.FOLLOWUP_DELAY_EXTRA_DAYS),
        )
        for day in (today + timedelta(days=i) for i in range((last_deadline - today).days + 1))
    }
    # Today is the last working day before a deadline on or before the next working day.
    horizon = calendar.add_working_days(today, 1)
    week_ago = ctx.now - timedelta(days=settings.FOLLOWUP_DELAY_NOTICE_MIN_DAYS)

    def prelude(sql: Sql) -> str:
        # cal: the new dates per start day. dc: the cases whose promised date is at most one working day away
        # (the deadline is then too: the promised date is never earlier, and the deadline has an index), with
        # hd, their last open hand-off's deadline. MATERIALIZED: the per-case subquery runs once per case, not
        # once per place the key, the new date and the conditions below use hd.
        rows = ", ".join(
            f"({sql.date(d)}, {sql.date(nd)}, {sql.date(nx)})" for d, (nd, nx) in expected.items()
        )
        return (
            f"WITH cal (d, nd, nx) AS (VALUES {rows}), "
            f"dc AS MATERIALIZED (SELECT c.id AS id, {PROMISED} AS promised, (SELECT MAX(h.deadline) "
            f"FROM {t['handoff']} h WHERE h.case_id = c.id AND h.status IN {sql.in_(HANDOFF_OPEN)}) AS hd "
            f"FROM {t['case']} c WHERE c.status IN {sql.in_(ACTIVE)} AND c.deadline <= {sql.date(horizon)} "
            f"AND {PROMISED} <= {sql.date(horizon)})"
        )

    def delay_from(sql: Sql) -> str:
        # (a) a hand-off due after the promised date, or (b) the promised date is today or passed; and no notice
        # in the last FOLLOWUP_DELAY_NOTICE_MIN_DAYS days.
        return (
            f"FROM dc JOIN cal ON cal.d = CASE WHEN dc.hd > {sql.date(today)} THEN dc.hd "
            f"ELSE {sql.date(today)} END "
            f"WHERE (dc.hd > dc.promised OR dc.promised <= {sql.date(today)}) "
            f"AND NOT EXISTS (SELECT 1 FROM {t['action']} pa WHERE pa.case_id = dc.id "
            f"AND pa.kind = 'delay_notice' AND pa.created_at > {sql.moment(week_ago)})"
        )

    return Action(
        kind="delay_notice",
        source="dc",
        data_key="case",
        prelude=prelude,
        claim_from=delay_from,
        key=f"'delay-notice:' || CAST(dc.id AS TEXT) || ':' || CAST({NEW_DATE} AS TEXT)",
        case_id="dc.id",
        object_id="dc.id",
        due=NEW_DATE,
        effect_joins=case_joins(t),
        # Public: the entrepreneur reads it on the tracking page, which then shows the new date.
        timeline=gettext_noop("Uw vraag kost meer tijd dan verwacht. U krijgt uiterlijk %(date)s antwoord."),
        timeline_params={"date": "[[EXPECTED]]"},
        timeline_values=case_values(ctx),
        event="delay_notice",
        mails=[entrepreneur_mail(ctx, "followup_delay_notice")],
        public=True,
        set_case={"expected_date": "MAX(a.due)"},
    )
