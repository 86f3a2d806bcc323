"""Follow-up sections shown on pages of other apps (the case page, the tracking page) without their views
having to know about follow-up: each tag runs a constant number of queries."""

from django import template

from intake.workflow import Status

from .. import selectors, services
from ..forms import CallbackForm, RatingForm
from ..models import FollowupAction

register = template.Library()


@register.inclusion_tag("followup/_case_section.html", takes_context=True)
def case_followup(context, case):
    waiting_expired = (
        case.status == Status.WAITING_ENTREPRENEUR
        and case.paused_since is not None
        and FollowupAction.objects.filter(case=case, kind="waiting_expired", due=case.paused_since).exists()
    )
    return {
        "case": case,
        "callbacks": selectors.case_callbacks(case),
        "ratings": selectors.case_ratings(case),
        "callback_form": CallbackForm(
            initial={"name": case.contact.name, "phone": case.contact.phone},
            lists=context.get("choice_lists"),
        ),
        "waiting_expired": waiting_expired,
        "owns_case": getattr(context.get("roles"), "owns_cases", False),  # the owner's decisions
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "today": context.get("today"),
    }


@register.inclusion_tag("followup/_rating_section.html", takes_context=True)
def satisfaction_section(context, case, token):
    return {
        "case": case,
        "token": token,
        "can_rate": services.can_rate(case),
        "rating": selectors.rating_for_closing(case),
        "form": RatingForm(),
        "csrf_token": context.get("csrf_token"),
    }
