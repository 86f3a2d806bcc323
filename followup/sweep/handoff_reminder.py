"""Hand-off reminder: an open hand-off is due today or on the next working day.

The department's team mailbox gets a reminder; once per hand-off and deadline.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from intake.outbox import OutboxMessage

from .base import HANDOFF_CONTEXT, Context, handoff_joins, handoff_values, open_handoffs
from .engine import Action, Mail


def build(ctx: Context) -> Action:
    until = ctx.calendar.add_working_days(ctx.today, 1)
    values = handoff_values(ctx.handoff_url, "h.id")
    return Action(
        kind="handoff_reminder",
        source="h",
        data_key="handoff",
        claim_from=lambda sql: open_handoffs(
            ctx, sql, f"h.deadline >= {sql.date(ctx.today)} AND h.deadline <= {sql.date(until)}"
        ),
        key="'handoff-reminder:' || CAST(h.id AS TEXT) || ':' || CAST(h.deadline AS TEXT)",
        case_id="h.case_id",
        object_id="h.id",
        due="h.deadline",
        effect_joins=handoff_joins(ctx.tables),
        timeline=gettext_noop(
            "Herinnering aan %(team)s: de uitzetting moet uiterlijk %(date)s beantwoord zijn."
        ),
        timeline_params={"team": "[[TEAM]]", "date": "[[DATE]]"},
        timeline_values=values,
        event="reminder",
        mails=[
            Mail(
                template="followup_handoff_reminder",
                audience=OutboxMessage.Audience.TEAM,
                to="t.email",
                context=HANDOFF_CONTEXT,
                values=values,
            )
        ],
    )
