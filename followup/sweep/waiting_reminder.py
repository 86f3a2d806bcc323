"""Waiting reminder: a case has waited FOLLOWUP_WAITING_REMINDER_DAYS working days on the entrepreneur.

The entrepreneur is reminded that we wait for information; once per pause.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_noop

from .base import Context, case_joins, case_values, entrepreneur_mail, latest_start_for, waiting_cases
from .engine import Action


def build(ctx: Context) -> Action:
    since = latest_start_for(ctx.calendar, ctx.today, settings.FOLLOWUP_WAITING_REMINDER_DAYS)
    return Action(
        kind="waiting_reminder",
        source="c",
        data_key="case",
        claim_from=lambda sql: waiting_cases(ctx, sql, since),
        key="'waiting-reminder:' || CAST(c.id AS TEXT) || ':' || CAST(c.paused_since AS TEXT)",
        case_id="c.id",
        object_id="c.id",
        due="c.paused_since",
        effect_joins=case_joins(ctx.tables),
        timeline=gettext_noop("Herinnering aan de ondernemer: wij wachten sinds %(since)s op informatie."),
        timeline_params={"since": "[[SINCE]]"},
        timeline_values=case_values(ctx),
        event="waiting_reminder",
        mails=[entrepreneur_mail(ctx, "followup_waiting_reminder")],
    )
