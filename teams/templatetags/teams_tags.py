"""Template helpers for people: `{{ user|display_name }}` names anyone the way every page, timeline and message
does (`teams.selectors.display_name`)."""

import re

from django import template
from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from teams import selectors

register = template.Library()


@register.filter
def display_name(user, nobody: str | None = None) -> str:
    """Full name, else username. Without a user: `nobody` if given (e.g. `|display_name:"–"`), else "Voordeur"."""
    if not user:
        return nobody if nobody is not None else selectors.display_name(None)
    return selectors.display_name(user)


@register.filter(needs_autoescape=True)
def link_own_urls(text, autoescape=True):
    """E-mail HTML: only links to this site (SITE_URL, e.g. the tracking link) become clickable. Anything else
    stays plain text, so a question that quotes "https://evil.example" never turns into a link in a receipt
    that carries the municipality's name (unlike `urlize`)."""
    escaped = conditional_escape(text) if autoescape else str(text)
    own = re.compile(re.escape(conditional_escape(settings.SITE_URL)) + r"/[^\s<>\"']*")
    return mark_safe(own.sub(lambda m: format_html('<a href="{0}">{0}</a>', mark_safe(m.group(0))), escaped))
