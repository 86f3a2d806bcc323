"""Secrets and personal data out of the logs: tracking links and e-mail addresses or phone numbers in URLs.

`mask_secrets` is used by gunicorn's access log (config/gunicorn.conf.py) and by Django's log handlers
(LOGGING in config/settings.py):
- `/volgen/<token>/`, the private tracking link (a bearer secret), becomes `/volgen/[verborgen]/`;
- a query value that looks like an e-mail address or a phone number (the KCC's `?zoek=`, for instance)
  becomes `[verborgen]`.
Pure Python: gunicorn loads it before Django.
"""

import logging
import re
from urllib.parse import unquote_plus

from gunicorn.glogging import Logger

HIDDEN = "[verborgen]"
TRACKING_PATH = re.compile(r"(/volgen/)[^/?#\s\"]+", re.IGNORECASE)
QUERY_VALUE = re.compile(r"(^|[?&;])([^=&?#\s\"]+=)([^&#\s\"]*)")
PHONE_CHARACTERS = re.compile(r"[\d\s+\-().]+")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _looks_personal(value: str) -> bool:
    value = value.strip()
    if "@" in value:
        return True
    digits = sum(c.isdigit() for c in value)
    return digits >= 6 and PHONE_CHARACTERS.fullmatch(value) is not None and not ISO_DATE.fullmatch(value)


def _mask_query_value(match: re.Match) -> str:
    lead, name, value = match.groups()
    try:
        readable = unquote_plus(value)
    except Exception:  # pragma: no cover - unquote_plus replaces bad escapes
        readable = value
    return lead + name + (HIDDEN if _looks_personal(readable) else value)


def mask_secrets(text: str) -> str:
    """The text with tracking tokens and personal query values replaced by `[verborgen]`."""
    if not text:
        return text
    text = TRACKING_PATH.sub(r"\1" + HIDDEN, text)
    return QUERY_VALUE.sub(_mask_query_value, text)


class MaskingGunicornLogger(Logger):
    """gunicorn's logger; every access-log field (request line, path, query, referer, ...) masked."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: mask_secrets(value) if isinstance(value, str) else value for key, value in atoms.items()}


class MaskSecretsFilter(logging.Filter):
    """For Django's log handlers: "Not Found: /volgen/<token>/" and the like are masked too."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
