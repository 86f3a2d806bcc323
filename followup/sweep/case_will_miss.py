"""Case will miss its deadline: the deadline has not passed, but an open hand-off is due after it.

The account manager (else the owner team's mailbox) is warned; once per case and deadline.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from .base import Context, active_cases, case_joins, case_values, later_handoff, owner_mail
from .engine import Action


def build(ctx: Context) -> Action:
    return Action(
        kind="case_will_miss",
        source="c",
        data_key="case",
        claim_from=lambda sql: active_cases(
            ctx, sql, f"c.deadline >= {sql.date(ctx.today)} AND {later_handoff(ctx, sql)}"
        ),
        key="'case-will-miss:' || CAST(c.id AS TEXT) || ':' || CAST(c.deadline AS TEXT)",
        case_id="c.id",
        object_id="c.id",
        due="c.deadline",
        effect_joins=case_joins(ctx.tables),
        timeline=gettext_noop(
            "Termijn %(date)s wordt niet gehaald: een uitzetting loopt tot %(handoff_date)s. "
            "Accountmanager gewaarschuwd."
        ),
        timeline_params={"date": "[[DATE]]", "handoff_date": "[[HDATE]]"},
        timeline_values=case_values(ctx),
        event="will_miss",
        mails=[owner_mail(ctx, "followup_case_will_miss")],
    )
