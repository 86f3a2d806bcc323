"""Hardening for the open internet (issue 11): Content-Security-Policy without 'unsafe-inline', Permissions-Policy,
no caching of pages with personal data, no session for an anonymous visitor, the health endpoint, JSON logs
without personal data, `check --deploy` clean in production shape, and seed_demo only in development."""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.urls import reverse

from config.logmask import MaskSecretsFilter, json_formatter
from intake.models import Attachment
from tests.factories import submit_case

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "q7Vb2-Lw9xN4mT8rK1zP6sD3fG0hJ5cY-aE7uI2oW9tR4eQ1vB6nM3kL8jH5gF0d",
    "ALLOWED_HOSTS": "voordeur.gemeente.nl",
    "BEHIND_TLS_PROXY": "true",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


# --- Content-Security-Policy and Permissions-Policy -----------------------------------------------------------


def test_every_page_has_a_csp_without_unsafe_inline_and_a_permissions_policy(client, db):
    response = client.get(reverse("home"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\sstyle=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"<style", re.I), "<style> block"),
]
# E-mails are not web pages (no CSP; mail clients need inline styles). The privacy export's one <style> is allowed
# by its hash (test below).
EXEMPT = {"emails", "privacy/export.html"}


def test_no_template_has_inline_script_or_style():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        name = str(path.relative_to(TEMPLATES))
        if name in EXEMPT or name.split("/")[0] in EXEMPT:
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{name}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert not offenders, offenders


def test_the_municipality_colours_come_from_a_cacheable_stylesheet(client, settings):
    settings.MUNICIPALITY = {
        **settings.MUNICIPALITY,
        "primary_colour": "#123456",
        "primary_colour_dark": "red;}x{",
    }
    response = client.get(reverse("theme-css"))
    assert response["Content-Type"].startswith("text/css")
    assert "--vd-primary: #123456;" in response.content.decode()
    assert "x{" not in response.content.decode()  # only colour values get through
    assert response["Cache-Control"] == "public, max-age=3600"


def test_the_privacy_export_style_is_allowed_by_its_hash_only(client, verified_superuser):
    from privacy.views import EXPORT_CSS_SOURCE

    response = client.post(reverse("privacy:export"), {"query": "niemand@nergens.test", "format": "html"})
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert EXPORT_CSS_SOURCE in csp and "unsafe-inline" not in csp


# --- Caching ----------------------------------------------------------------------------------------------------


@pytest.fixture
def case_with_attachment(teams):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from intake.services import UploadData

    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 x", "application/pdf")
    submitted = submit_case(
        attachments=[UploadData(file=pdf, original_name="plan.pdf", content_type="application/pdf")]
    )
    return submitted.case, submitted.tracking_token, Attachment.objects.get(case=submitted.case)


def assert_no_store(response):
    assert "no-store" in response.get("Cache-Control", ""), response.get("Cache-Control")


def test_pages_and_downloads_with_personal_data_are_never_cached(client, owner, case_with_attachment):
    case, token, attachment = case_with_attachment
    for url in (
        reverse("home"),
        reverse("intake:ask"),
        reverse("intake:track", args=[token]),
        reverse("intake:track-attachment", args=[token, attachment.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response)
    client.force_login(owner)
    assert_no_store(client.get(reverse("casework:case-list")))
    assert_no_store(client.get(reverse("casework:case-detail", args=[case.pk])))


def test_static_assets_and_views_that_choose_their_own_caching_keep_it(rf):
    from django.http import HttpResponse

    from config.middleware import PrivateByDefaultMiddleware

    def view(cache_control=None):
        def get_response(request):
            response = HttpResponse("x")
            if cache_control:
                response["Cache-Control"] = cache_control
            return response

        return PrivateByDefaultMiddleware(get_response)

    static = view("max-age=315360000, public, immutable")(rf.get("/static/css/voordeur.abc123.css"))
    assert static["Cache-Control"] == "max-age=315360000, public, immutable"
    assert "Cache-Control" not in view()(rf.get("/static/css/voordeur.css"))  # whatever whitenoise says
    assert view("public, max-age=3600")(rf.get("/huisstijl.css"))["Cache-Control"] == "public, max-age=3600"
    assert "no-store" in view()(rf.get("/zaken/1/"))["Cache-Control"]


# --- No session for a visitor who only looks --------------------------------------------------------------------


def test_an_anonymous_get_writes_no_session(client, teams, topics):
    token = submit_case().tracking_token
    before = Session.objects.count()
    for url in (reverse("home"), reverse("intake:ask"), reverse("intake:track", args=[token])):
        assert client.get(url).status_code == 200
    assert Session.objects.count() == before
    assert "sessionid" not in client.cookies


# --- Health -------------------------------------------------------------------------------------------------------


def test_the_health_endpoint_checks_database_and_cache(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/gezondheid/?format=json")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert set(body) == {"Database(alias='default')", "Cache(alias='default')"}
    assert "no-cache" in response["Cache-Control"]


def test_with_redis_the_health_endpoint_also_checks_redis_and_the_celery_workers(settings):
    from health_check.contrib.celery import Ping
    from health_check.contrib.redis import Redis

    from config.health import health_checks

    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    checks = [check[0] if isinstance(check, tuple) else check for check in health_checks()]
    assert Redis in checks and Ping in checks


def test_a_failing_check_makes_the_endpoint_answer_500(client, db, settings, monkeypatch):
    from health_check.checks import Database
    from health_check.exceptions import ServiceUnavailable

    def broken(self):
        raise ServiceUnavailable("database down")

    settings.REDIS_URL = ""
    monkeypatch.setattr(Database, "run", broken)
    assert client.get("/gezondheid/?format=json").status_code == 500


# --- Logs ------------------------------------------------------------------------------------------------------


def test_every_log_handler_masks_personal_data():
    """Every handler of the configured loggers (settings.LOGGING: the root and Django's, which the worker uses
    too) masks; handlers that test tools add to other loggers during a run are not production's."""
    from django.conf import settings

    handlers = set(logging.getLogger().handlers)
    for name in settings.LOGGING["loggers"]:
        handlers.update(logging.getLogger(name).handlers)
    ours = [
        h
        for h in handlers
        if not type(h).__module__.startswith("_pytest") and not isinstance(h, logging.NullHandler)
    ]
    assert ours
    for handler in ours:
        assert any(isinstance(f, MaskSecretsFilter) for f in handler.filters), handler


def test_a_json_log_line_has_no_email_phone_or_tracking_token():
    handler = logging.StreamHandler()
    handler.addFilter(MaskSecretsFilter())
    handler.setFormatter(json_formatter())
    try:
        raise ValueError("bounce from jan@bakkerij.test")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "intake", logging.WARNING, __file__, 1, "Mail to %s (%s) for %s failed", None, exc_info
    )
    record.args = ("jan@bakkerij.test", "06-12345678", "/volgen/Abc123SecretToken456/")
    assert handler.filter(record)
    line = handler.format(record)
    data = json.loads(line)
    assert data["level"] == "WARNING" and data["logger"] == "intake"
    assert "jan@bakkerij.test" not in line and "12345678" not in line and "Abc123SecretToken456" not in line
    assert data["message"] == "Mail to [verborgen] ([verborgen]) for /volgen/[verborgen]/ failed"


def test_production_logs_are_json(settings):
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.LOG_FORMAT)"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", **PRODUCTION_ENV},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "json", result.stderr


# --- Production shape ------------------------------------------------------------------------------------------


def test_check_deploy_is_clean_in_production_shape(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            **PRODUCTION_ENV,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")


def test_seed_demo_runs_with_debug(db, settings, teams, capsys):
    settings.DEBUG = True
    submit_case()
    call_command("seed_demo")  # the database has questions: it says so and stops
    assert "Er staan al vragen" in capsys.readouterr().out
