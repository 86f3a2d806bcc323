"""Template tags for the public start page of the loket."""

from django import template

from intake.selectors import public_account_managers as _public_account_managers

register = template.Library()


@register.simple_tag
def public_account_managers():
    return _public_account_managers()
