"""The error pages (templates/400.html, 403.html, 404.html, 500.html): Dutch, in the municipality's style, and
shown without the database.

400/403/404 use the request's context (staff keep their menu) and fall back to a context without the request
when the database is down (the roles in the menu come from the database). 500 never uses the request's context:
it is shown exactly when the database, the session or a context processor may be what broke.
"""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)


def _render(template: str, status: int, request=None) -> HttpResponse:
    context = {"municipality": settings.MUNICIPALITY}
    if request is not None:
        try:
            return HttpResponse(loader.render_to_string(template, context, request), status=status)
        except DatabaseError:
            logger.warning("Error page %s shown without the request's context", status, exc_info=True)
    return HttpResponse(loader.render_to_string(template, context), status=status)


def bad_request(request, exception=None):
    return _render("400.html", 400, request)


def permission_denied(request, exception=None):
    return _render("403.html", 403, request)


def page_not_found(request, exception=None):
    return _render("404.html", 404, request)


def server_error(request):
    return _render("500.html", 500)
