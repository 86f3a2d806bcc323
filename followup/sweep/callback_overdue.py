"""Callback overdue: an open callback request (a promise to phone back) is past its due moment.

The team's mailbox (else the assignee) and every active KCC coordinator are warned; once per callback request.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from followup.models import CallbackRequest
from intake.outbox import OutboxMessage
from teams.models import Membership, Team

from .base import Context
from .engine import Action, Mail, Sql

CALLBACK_CONTEXT = {
    "ref": "[[REF]]",
    "name": "[[NAME]]",
    "phone": "[[PHONE]]",
    "subject": "[[SUBJECT]]",
    "team": "[[TEAM]]",
    "date": "[[DATE]]",
    "url": "[[URL]]",
}


def build(ctx: Context) -> Action:
    t = ctx.tables

    def values(sql: Sql) -> dict[str, str]:
        return {
            "[[REF]]": "c.reference",
            "[[NAME]]": "cb.name",
            "[[PHONE]]": "cb.phone",
            "[[SUBJECT]]": "cb.subject",
            "[[TEAM]]": "COALESCE(t.name, '–')",
            "[[DATE]]": sql.dmy("cb.due_at"),
            "[[URL]]": sql.fill(ctx.callback_url, {"[[ID]]": "cb.id"}),
        }

    return Action(
        kind="callback_overdue",
        source="cb",
        data_key="callback",
        claim_from=lambda sql: (
            f"FROM {t['callback']} cb WHERE cb.status = {sql.p(CallbackRequest.Status.OPEN)} "
            f"AND cb.due_at < {sql.moment(ctx.now)}"
        ),
        key="'callback-overdue:' || CAST(cb.id AS TEXT)",
        case_id="cb.case_id",
        object_id="cb.id",
        due="NULL",
        effect_joins=(
            f"JOIN {t['callback']} cb ON cb.id = a.object_id JOIN {t['case']} c ON c.id = a.case_id "
            f"LEFT JOIN {t['team']} t ON t.id = cb.team_id LEFT JOIN {t['user']} au ON au.id = cb.assignee_id"
        ),
        timeline=gettext_noop(
            "Terugbelverzoek voor %(name)s (%(team)s) is over de termijn: KCC-coördinator en team gewaarschuwd."
        ),
        timeline_params={"name": "[[NAME]]", "team": "[[TEAM]]"},
        timeline_values=values,
        event="callback_overdue",
        mails=[
            Mail(
                template="followup_callback_overdue",
                audience=OutboxMessage.Audience.TEAM,
                to="COALESCE(NULLIF(t.email, ''), au.email)",
                context=CALLBACK_CONTEXT,
                values=values,
                key_suffix="':team'",
            ),
            Mail(  # one mail per KCC coordinator
                template="followup_callback_overdue",
                audience=OutboxMessage.Audience.STAFF,
                to="k.email",
                context=CALLBACK_CONTEXT,
                values=values,
                joins=(
                    f"CROSS JOIN (SELECT DISTINCT ku.id AS id, ku.email AS email FROM {t['membership']} km "
                    f"JOIN {t['team']} kt ON kt.id = km.team_id JOIN {t['user']} ku ON ku.id = km.user_id "
                    f"WHERE kt.kind = '{Team.Kind.KCC}' AND kt.is_active AND ku.is_active "
                    f"AND km.role = '{Membership.Role.COORDINATOR}') k"
                ),
                key_suffix="':kcc:' || CAST(k.id AS TEXT)",
            ),
        ],
    )
