"""Settings for the django-helpdesk baseline of the load test, in production shape as far as it matters here.

The environment (set by demo/management/commands/loadtest.py):
- LOADTEST_HELPDESK_DATABASE_URL: postgres://user[:password]@host[:port]/name (the load test drops and creates
  voordeur_load_helpdesk);
- SECRET_KEY, and MEDIA_ROOT (ticket attachments; none are posted).

As in django-helpdesk's installation docs and its demo project: contrib.admin, auth, contenttypes, sessions,
messages, staticfiles, sites and humanize, rest_framework (its API, on by default) and helpdesk; teams mode off
(it would need pinax-teams; docs/teams.rst); the public portal on with the public ticket form at
/tickets/submit/. E-mail goes to the in-memory backend: helpdesk still renders and "sends" its new-ticket
e-mails inside the request, as it does in production.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "helpdesk_site.urls"
WSGI_APPLICATION = "helpdesk_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_db = urlsplit(os.environ["LOADTEST_HELPDESK_DATABASE_URL"])
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _db.path.lstrip("/"),
        "USER": unquote(_db.username or ""),
        "PASSWORD": unquote(_db.password or ""),
        "HOST": _db.hostname or "",
        "PORT": str(_db.port or ""),
        "CONN_MAX_AGE": 60,  # persistent connections, like Voordeur in the load test
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

SITE_ID = 1
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(BASE_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))

# The same fake SMTP server as Voordeur's worker sends to (the load test's), so both sides pay for delivering
# their e-mails: django-helpdesk in the request, Voordeur in its Celery worker. Without it: in memory.
if os.environ.get("LOADTEST_SMTP_PORT"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = "127.0.0.1", int(os.environ["LOADTEST_SMTP_PORT"])
else:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = SERVER_EMAIL = "helpdesk@load.test"

# django-helpdesk: the public portal and its ticket form, for anonymous visitors, without pinax-teams.
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_REDIRECT_TO_LOGIN_BY_DEFAULT = False
HELPDESK_ANON_ACCESS_RAISES_404 = False
HELPDESK_VIEW_A_TICKET_PUBLIC = True
HELPDESK_SUBMIT_A_TICKET_PUBLIC = True
LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:home"

# Errors (a 500's traceback) to stderr, that is gunicorn's log in the load test's temp directory.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "ERROR"}},
}
