"""Waiting expired: no reply from the entrepreneur within FOLLOWUP_WAITING_REMINDER_DAYS +
FOLLOWUP_WAITING_DECISION_DAYS working days.

The account manager (else the owner team's mailbox) is told; once per pause. With
FOLLOWUP_WAITING_EXPIRED_ACTION = "resume" the case also goes back to in progress (`resume_cases`, per row);
otherwise the account manager decides (close with a message, or resume).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from intake import services as intake_services
from intake.models import Case
from intake.workflow import Status

from .base import Context, case_joins, case_values, latest_start_for, owner_mail, waiting_cases
from .engine import Action


def build(ctx: Context) -> Action:
    since = latest_start_for(
        ctx.calendar,
        ctx.today,
        settings.FOLLOWUP_WAITING_REMINDER_DAYS + settings.FOLLOWUP_WAITING_DECISION_DAYS,
    )
    resume = settings.FOLLOWUP_WAITING_EXPIRED_ACTION == "resume"
    return Action(
        kind="waiting_expired",
        source="c",
        data_key="case",
        claim_from=lambda sql: waiting_cases(ctx, sql, since),
        key="'waiting-expired:' || CAST(c.id AS TEXT) || ':' || CAST(c.paused_since AS TEXT)",
        case_id="c.id",
        object_id="c.id",
        due="c.paused_since",
        effect_joins=case_joins(ctx.tables),
        timeline=(
            gettext_noop("Geen reactie van de ondernemer sinds %(since)s: de vraag is weer in behandeling.")
            if resume
            else gettext_noop(
                "Geen reactie van de ondernemer sinds %(since)s: de accountmanager beslist "
                "(sluiten met bericht, of weer in behandeling)."
            )
        ),
        timeline_params={"since": "[[SINCE]]"},
        timeline_values=case_values(ctx),
        event="waiting_expired",
        mails=[owner_mail(ctx, "followup_waiting_expired")],
        after=resume_cases if resume else None,
    )


def resume_cases(case_ids: list[int]) -> None:
    """FOLLOWUP_WAITING_EXPIRED_ACTION = "resume": back to in progress, the clock runs again."""
    for case in Case.objects.filter(pk__in=case_ids, status=Status.WAITING_ENTREPRENEUR):
        intake_services.case_resume(
            case=case, actor=None, reason=_("Geen reactie van de ondernemer binnen de termijn")
        )
