"""Small display helpers for case pages."""

from django import template

from intake.workflow import Status

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """The Dutch label of a status code stored in a timeline entry (e.g. "in_progress" → "In behandeling")."""
    try:
        return Status(value).label
    except ValueError:
        return value
