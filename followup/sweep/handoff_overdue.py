"""Hand-off overdue: an open hand-off is past its deadline.

The case's account manager (else the owner team's mailbox) and every active coordinator of the department are
warned; once per hand-off and deadline.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from intake.outbox import OutboxMessage
from teams.models import Membership

from .base import HANDOFF_CONTEXT, OWNER_EMAIL, Context, handoff_joins, handoff_values, open_handoffs
from .engine import Action, Mail


def build(ctx: Context) -> Action:
    t = ctx.tables
    values = handoff_values(ctx.handoff_url, "h.id")
    return Action(
        kind="handoff_overdue",
        source="h",
        data_key="handoff",
        claim_from=lambda sql: open_handoffs(ctx, sql, f"h.deadline < {sql.date(ctx.today)}"),
        key="'handoff-overdue:' || CAST(h.id AS TEXT) || ':' || CAST(h.deadline AS TEXT)",
        case_id="h.case_id",
        object_id="h.id",
        due="h.deadline",
        effect_joins=handoff_joins(t),
        timeline=gettext_noop(
            "Uitzetting naar %(team)s is over de termijn (%(date)s): accountmanager en coördinator gewaarschuwd."
        ),
        timeline_params={"team": "[[TEAM]]", "date": "[[DATE]]"},
        timeline_values=values,
        event="overdue",
        mails=[
            Mail(  # the owner's link opens the case
                template="followup_handoff_overdue",
                audience=OutboxMessage.Audience.STAFF,
                to=OWNER_EMAIL,
                context=HANDOFF_CONTEXT,
                values=handoff_values(ctx.case_url, "c.id"),
            ),
            Mail(  # one mail per coordinator of the department; their link opens the hand-off
                template="followup_handoff_overdue",
                audience=OutboxMessage.Audience.STAFF,
                to="u.email",
                context=HANDOFF_CONTEXT,
                values=values,
                joins=(
                    f"JOIN {t['membership']} m ON m.team_id = h.team_id AND m.role = "
                    f"'{Membership.Role.COORDINATOR}' JOIN {t['user']} u ON u.id = m.user_id AND u.is_active"
                ),
                key_suffix="':coordinator:' || CAST(u.id AS TEXT)",
            ),
        ],
    )
