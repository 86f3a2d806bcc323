"""Case overdue: a case whose clock runs is past its deadline.

The account manager (else the owner team's mailbox) is warned; once per case and deadline.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from .base import Context, active_cases, case_joins, case_values, owner_mail
from .engine import Action


def build(ctx: Context) -> Action:
    return Action(
        kind="case_overdue",
        source="c",
        data_key="case",
        claim_from=lambda sql: active_cases(ctx, sql, f"c.deadline < {sql.date(ctx.today)}"),
        key="'case-overdue:' || CAST(c.id AS TEXT) || ':' || CAST(c.deadline AS TEXT)",
        case_id="c.id",
        object_id="c.id",
        due="c.deadline",
        effect_joins=case_joins(ctx.tables),
        timeline=gettext_noop("Termijn verstreken (%(date)s): accountmanager gewaarschuwd."),
        timeline_params={"date": "[[DATE]]"},
        timeline_values=case_values(ctx),
        event="overdue",
        mails=[owner_mail(ctx, "followup_case_overdue")],
    )
