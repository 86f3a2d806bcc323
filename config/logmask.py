"""Secrets and personal data out of the logs: tracking links and e-mail addresses or phone numbers in URLs.

`mask_secrets` is used by gunicorn's access log (config/gunicorn.conf.py) and, with `mask_personal`, by every
Django log handler and formatter (LOGGING in config/settings.py):
- `/volgen/<token>/`, the private tracking link (a bearer secret), becomes `/volgen/[verborgen]/`;
- a query value that looks like an e-mail address or a phone number (the KCC's `?zoek=`, for instance)
  becomes `[verborgen]`;
- in application log lines also any e-mail address or phone number (`mask_personal`).
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


# Anywhere in an application log line (not only in a URL's query): e-mail addresses and phone numbers (Dutch
# numbers start with 0, international ones with + or 00; separators allowed). Times and dates do not match.
EMAIL_ANYWHERE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE_ANYWHERE = re.compile(r"(?<![\w/+.:-])(?:\+\d|0)(?:[\s\-().]{0,2}\d){8,14}(?![\w:-])")


def mask_personal(text: str) -> str:
    """mask_secrets, and every e-mail address or phone number in the text replaced by `[verborgen]`."""
    if not text:
        return text
    text = mask_secrets(text)
    text = EMAIL_ANYWHERE.sub(HIDDEN, text)
    return PHONE_ANYWHERE.sub(HIDDEN, text)


class MaskSecretsFilter(logging.Filter):
    """On every Django log handler: "Not Found: /volgen/<token>/", an e-mail address or a phone number in a
    message (and in its exception text) is masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_personal(logging.Formatter().formatException(record.exc_info))
        return True


class MaskingFormatter(logging.Formatter):
    """Plain text lines (LOG_FORMAT=text), masked once more as a whole (extra fields, stack traces)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal(super().format(record))


def _json_formatter_class():
    from pythonjsonlogger.json import JsonFormatter

    class MaskingJsonFormatter(JsonFormatter):
        """One JSON object per line (LOG_FORMAT=json, production), masked as a whole."""

        def format(self, record: logging.LogRecord) -> str:
            return mask_personal(super().format(record))

    return MaskingJsonFormatter


def json_formatter(**kwargs) -> logging.Formatter:
    """The production formatter (LOGGING in config/settings.py): timestamp, level, logger and message."""
    return _json_formatter_class()(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        datefmt="%Y-%m-%dT%H:%M:%S%z",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        **kwargs,
    )
