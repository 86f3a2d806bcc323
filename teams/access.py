"""Who may open which staff page: one decorator, a predicate on the user's roles per kind of page.

Anyone who is not allowed gets a 404, not a 403: a page does not confirm that a case or hand-off exists.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from .selectors import StaffRoles, roles_for


def role_required(allowed: Callable[[StaffRoles], bool]):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not allowed(roles_for(request.user)):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def is_staff_member(roles: StaffRoles) -> bool:
    return roles.is_staff_member


def directs_cases(roles: StaffRoles) -> bool:
    """Team economie and the KCC: every case, the case pages and the KCC screen."""
    return roles.sees_all_cases


def handles_handoffs(roles: StaffRoles) -> bool:
    return roles.is_department or roles.is_owner


def sees_overviews(roles: StaffRoles) -> bool:
    """The deadline and callback overviews: team economie, the KCC and coordinators."""
    return roles.is_owner or roles.is_kcc or roles.is_coordinator


staff_member_required = role_required(is_staff_member)
case_directors_only = role_required(directs_cases)
