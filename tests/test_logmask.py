"""No tracking token, e-mail address or phone number from a URL in the access log or Django's log."""

import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from gunicorn.config import Config

from config.logmask import MaskingGunicornLogger, MaskSecretsFilter, mask_secrets

TOKEN = "Qm9vZGVyLXRva2VuLXZvb3JiZWVsZC0xMjM0NTY3ODkw"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"GET /volgen/{TOKEN}/ HTTP/1.1", "GET /volgen/[verborgen]/ HTTP/1.1"),
        (f"POST /volgen/{TOKEN}/bijlage/3/ HTTP/1.1", "POST /volgen/[verborgen]/bijlage/3/ HTTP/1.1"),
        (f"https://voordeur.test/volgen/{TOKEN}/", "https://voordeur.test/volgen/[verborgen]/"),
        ("GET /kcc/?zoek=sara%40zon.test HTTP/1.1", "GET /kcc/?zoek=[verborgen] HTTP/1.1"),
        ("zoek=06+12345678&pagina=2", "zoek=[verborgen]&pagina=2"),
        ("/kcc/?zoek=%2B31612345678", "/kcc/?zoek=[verborgen]"),
        ("/kcc/?zoek=010-1234567", "/kcc/?zoek=[verborgen]"),
        ("/kcc/?zoek=Bakkerij+Zon", "/kcc/?zoek=Bakkerij+Zon"),  # a company name stays readable
        ("/overzichten/?van=2026-01-05&pagina=2", "/overzichten/?van=2026-01-05&pagina=2"),
        ("/vraag/?onderwerp=terrasvergunning", "/vraag/?onderwerp=terrasvergunning"),
        ("", ""),
    ],
)
def test_mask_secrets(text, masked):
    assert mask_secrets(text) == masked


def access_line(logger_class) -> str:
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", runpy.run_path(str(GUNICORN_CONF))["access_log_format"])
    logger = logger_class(cfg)
    records = []
    logger.access_log.handlers = [logging.Handler()]
    logger.access_log.handlers[0].emit = lambda record: records.append(record.getMessage())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/volgen/{TOKEN}/?zoek=sara@zon.test",
        "PATH_INFO": f"/volgen/{TOKEN}/",
        "QUERY_STRING": "zoek=sara@zon.test",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://voordeur.test/volgen/{TOKEN}/",
        "REMOTE_ADDR": "10.0.0.1",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    return records[0]


GUNICORN_CONF = Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"


def test_the_gunicorn_config_uses_the_masking_logger():
    conf = runpy.run_path(str(GUNICORN_CONF))
    assert conf["logger_class"] is MaskingGunicornLogger
    assert conf["wsgi_app"] == "config.wsgi"


def test_the_access_log_masks_token_and_search():
    line = access_line(MaskingGunicornLogger)
    assert TOKEN not in line and "sara@zon.test" not in line
    assert '"GET /volgen/[verborgen]/?zoek=[verborgen] HTTP/1.1"' in line
    assert '"https://voordeur.test/volgen/[verborgen]/"' in line  # the referer too


def test_djangos_log_lines_are_masked_too(caplog):
    log_filter = MaskSecretsFilter()
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/volgen/{TOKEN}/",), None
    )
    assert log_filter.filter(record)
    assert record.getMessage() == "Not Found: /volgen/[verborgen]/"
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["mask_secrets"]
