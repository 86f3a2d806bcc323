"""Template helpers for people: `{{ user|display_name }}` names anyone the way every page, timeline and message
does (`teams.selectors.display_name`)."""

from django import template

from teams import selectors

register = template.Library()


@register.filter
def display_name(user, nobody: str | None = None) -> str:
    """Full name, else username. Without a user: `nobody` if given (e.g. `|display_name:"–"`), else "Voordeur"."""
    if not user:
        return nobody if nobody is not None else selectors.display_name(None)
    return selectors.display_name(user)
