"""Every API error as RFC 9457 problem details (application/problem+json), in Dutch.

A validation error lists its problems per field in `invalid_params` (RFC 9457 §3's example extension), so a
client can show each message next to its own field.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from intake.workflow import TransitionNotAllowed
from routing.workflow import HandoffNotAllowed

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://voordeur.gemeente.example/api/problemen/"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: ("ongeldige-invoer", _("De invoer is niet geldig.")),
        401: ("niet-aangemeld", _("Niet aangemeld.")),
        403: ("geen-toegang", _("Geen toegang.")),
        404: ("niet-gevonden", _("Niet gevonden.")),
        405: ("methode-niet-toegestaan", _("Deze methode is hier niet toegestaan.")),
        406: ("niet-aanvaardbaar", _("Dit antwoordformaat wordt niet ondersteund.")),
        409: ("conflict", _("Deze handeling past niet bij de huidige toestand.")),
        412: ("voorwaarde-mislukt", _("Niet aan de voorwaarde voldaan.")),
        415: ("mediatype-niet-ondersteund", _("Dit mediatype wordt niet ondersteund.")),
        422: ("onverwerkbaar", _("De invoer kan niet worden verwerkt.")),
        429: ("te-veel-verzoeken", _("Te veel verzoeken.")),
        500: ("serverfout", _("Er ging iets mis aan onze kant.")),
    }


def problem(status_code: int, detail: str = "", *, instance: str = "", **extra) -> dict:
    slug, title = _titles().get(status_code, ("fout", _("Er ging iets mis.")))
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status_code}
    if detail:
        body["detail"] = str(detail)
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def _flatten(errors, prefix: str = "") -> list[dict]:
    """DRF's nested error structure as a flat list of {name, reason}; non-field errors have name ''."""
    items = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = (
                "" if key in ("non_field_errors", "__all__") else (f"{prefix}.{key}" if prefix else str(key))
            )
            items += _flatten(value, name)
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if isinstance(value, dict | list):
                items += _flatten(value, f"{prefix}[{index}]" if prefix else str(index))
            else:
                items.append(
                    {"name": prefix, "reason": str(value), "code": getattr(value, "code", "invalid")}
                )
    else:
        items.append({"name": prefix, "reason": str(errors), "code": getattr(errors, "code", "invalid")})
    return items


def problem_response(status_code: int, body: dict, headers: dict | None = None) -> Response:
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def problem_handler(exc, context):
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, HandoffNotAllowed | TransitionNotAllowed):
        exc = Conflict(str(exc))
    if not isinstance(exc, exceptions.APIException):
        logger.exception("API error", exc_info=exc)
        set_rollback()
        return problem_response(500, problem(500, instance=instance))
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            400,
            _("Een of meer velden zijn niet goed ingevuld."),
            instance=instance,
            invalid_params=_flatten(exc.detail),
        )
        return problem_response(400, body, headers)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if isinstance(exc, exceptions.Throttled):
        detail = _("Te veel verzoeken van deze koppeling. Probeer het over %(seconds)s seconden opnieuw.") % {
            "seconds": int(exc.wait or 1)
        }
    return problem_response(exc.status_code, problem(exc.status_code, detail, instance=instance), headers)
