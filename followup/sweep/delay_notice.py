"""Delay notice: a case whose clock runs is late, or will be (an open hand-off is due after its deadline).

The entrepreneur is told a new date: the last open hand-off's deadline (or today, if later) plus
FOLLOWUP_DELAY_MARGIN_DAYS working days. The timeline entry is public, so the tracking page shows the new date.
Once per case and new date, and at most one notice per FOLLOWUP_DELAY_NOTICE_MIN_DAYS days.

The working-day arithmetic happens in Python, once per sweep: a small table ``cal (d, nd)`` from each possible
start day d (today up to the last open hand-off deadline) to its new date nd, joined in SQL.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_noop

from routing.models import Handoff

from .base import ACTIVE, HANDOFF_OPEN, Context, case_joins, case_values, entrepreneur_mail, later_handoff
from .engine import Action, Sql


def build(ctx: Context) -> Action:
    t, today = ctx.tables, ctx.today
    last_deadline = (
        Handoff.objects.filter(status__in=Handoff.OPEN_STATUSES, deadline__gte=today)
        .order_by("-deadline")
        .values_list("deadline", flat=True)
        .first()
    ) or today
    last_deadline = min(last_deadline, today + timedelta(days=3 * 366))
    expected = {
        today + timedelta(days=i): ctx.calendar.add_working_days(
            today + timedelta(days=i), settings.FOLLOWUP_DELAY_MARGIN_DAYS
        )
        for i in range((last_deadline - today).days + 1)
    }
    week_ago = ctx.now - timedelta(days=settings.FOLLOWUP_DELAY_NOTICE_MIN_DAYS)

    def expected_dates(sql: Sql) -> str:
        rows = ", ".join(f"({sql.date(d)}, {sql.date(nd)})" for d, nd in expected.items())
        return f"WITH cal (d, nd) AS (VALUES {rows})"

    def delay_from(sql: Sql) -> str:
        # dc: the late cases with hd, their last open hand-off deadline; the new date starts from hd or today.
        return (
            f"FROM (SELECT c.id AS id, (SELECT MAX(h.deadline) FROM {t['handoff']} h WHERE h.case_id = c.id "
            f"AND h.status IN {sql.in_(HANDOFF_OPEN)}) AS hd FROM {t['case']} c "
            f"WHERE c.status IN {sql.in_(ACTIVE)} AND (c.deadline < {sql.date(today)} "
            f"OR {later_handoff(ctx, sql)})) dc "
            f"JOIN cal ON cal.d = CASE WHEN dc.hd > {sql.date(today)} THEN dc.hd ELSE {sql.date(today)} END "
            f"WHERE NOT EXISTS (SELECT 1 FROM {t['action']} pa WHERE pa.case_id = dc.id "
            f"AND pa.kind = 'delay_notice' AND pa.created_at > {sql.moment(week_ago)})"
        )

    return Action(
        kind="delay_notice",
        source="dc",
        data_key="case",
        prelude=expected_dates,
        claim_from=delay_from,
        key="'delay-notice:' || CAST(dc.id AS TEXT) || ':' || CAST(cal.nd AS TEXT)",
        case_id="dc.id",
        object_id="dc.id",
        due="cal.nd",
        effect_joins=case_joins(t),
        # Public: the entrepreneur reads it on the tracking page, which then shows the new date.
        timeline=gettext_noop("Uw vraag kost meer tijd dan verwacht. U krijgt uiterlijk %(date)s antwoord."),
        timeline_params={"date": "[[EXPECTED]]"},
        timeline_values=case_values(ctx),
        event="delay_notice",
        mails=[entrepreneur_mail(ctx, "followup_delay_notice")],
        public=True,
    )
