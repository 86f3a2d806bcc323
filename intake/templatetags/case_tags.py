"""Small display helpers for case pages."""

from django import template

from intake import workflow
from intake.workflow import Status

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """The Dutch label of a status code stored in a timeline entry (e.g. "in_progress" → "In behandeling")."""
    try:
        return Status(value).label
    except ValueError:
        return value


@register.filter
def overdue(case, today) -> bool:
    """`{% if case|overdue:today %}`: the same rule as the overdue filter and counters (`workflow.overdue_q`)."""
    return workflow.is_overdue(case.status, case.deadline, today)
