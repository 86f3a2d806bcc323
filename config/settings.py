"""Voordeur settings: one module, configured only through environment variables.

Every variable has a safe development default so `make demo` works on a fresh machine; production
(DEBUG off) refuses to start with the default secret key. See docs/configuration.md.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEFAULT_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEFAULT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # full-text and trigram search; harmless on SQLite
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "teams",
    "intake",
    "routing",
    "knowledge",
    "followup",
    "casework",
    "kcc",
    "companies",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",  # Dutch unless chosen otherwise (not Accept-Language)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "teams.context_processors.municipality",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for the writer instead of failing with "database is locked" when the demo is busy.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "casework:staff-home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"  # never served publicly: attachments go through a permission-checked view

# Uploads: size and type are checked by content in intake.forms.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_COUNT = 3
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail: EMAIL_URL (e.g. smtp+tls://user:pass@smtp.example.nl:587) or the console in development.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Voordeur gemeente <voordeur@gemeente.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with REDIS_URL, a real broker; without, tasks run in-process (eager) so the demo needs no Redis.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "deliver-stuck-outbox": {"task": "intake.tasks.requeue_stuck_outbox", "schedule": 120.0},
    "deadline-sweep": {
        "task": "followup.tasks.sweep_deadlines",
        "schedule": float(env.int("FOLLOWUP_SWEEP_SECONDS", default=300)),
    },
    "team-digest": {
        "task": "followup.tasks.send_team_digests",
        "schedule": crontab(hour=env.int("FOLLOWUP_DIGEST_HOUR", default=7), minute=30),
    },
    "retrain-router-nightly": {
        "task": "routing.tasks.retrain_classifier",
        "schedule": crontab(hour=2, minute=30),
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
CRISPY_FAIL_SILENTLY = not DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", False) else None
# Behind a TLS proxy the whole site is HTTPS: redirect plain HTTP and tell browsers to remember it (HSTS).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=env.bool("BEHIND_TLS_PROXY", False))
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_SSL_REDIRECT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # a municipality's other subdomains are not ours to decide
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]  # the two HSTS choices above and no preload list
SECURE_REFERRER_POLICY = "same-origin"  # tracking links must not leak to other sites via Referer

# The municipality: name, contact details and colours shown on every page (see teams.context_processors).
MUNICIPALITY = {
    "name": env.str("MUNICIPALITY_NAME", default="Gemeente Voorbeeldstad"),
    "phone": env.str("MUNICIPALITY_PHONE", default="14 0123"),
    "email": env.str("MUNICIPALITY_EMAIL", default="ondernemersloket@gemeente.example"),
    "primary_colour": env.str("MUNICIPALITY_COLOUR", default="#00566e"),
    # Hover and pressed states; keep white text on both at a contrast of at least 4.5:1 (WCAG AA).
    "primary_colour_dark": env.str("MUNICIPALITY_COLOUR_DARK", default="#003d4f"),
    # The logo in the header: a URL (https://…) or a path under the static files (img/logo.svg). Shown on the
    # header colour, so use a light version. Empty: a circle with the first letter of the name.
    "logo": env.str("MUNICIPALITY_LOGO", default=""),
}

# Working days and deadlines (teams.calendar).
DEFAULT_CASE_DEADLINE_DAYS = env.int("DEFAULT_CASE_DEADLINE_DAYS", default=10)
DEFAULT_HANDOFF_DEADLINE_DAYS = env.int("DEFAULT_HANDOFF_DEADLINE_DAYS", default=5)
LIBERATION_DAY_EVERY_YEAR = env.bool("LIBERATION_DAY_EVERY_YEAR", default=True)
OUTBOX_STUCK_AFTER_SECONDS = env.int("OUTBOX_STUCK_AFTER_SECONDS", default=300)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# Follow-up (followup/): office hours for deadlines in hours, reminders and what happens when nobody reacts.
FOLLOWUP_OFFICE_HOURS = (
    env.str("FOLLOWUP_OFFICE_HOURS_START", default="08:30"),
    env.str("FOLLOWUP_OFFICE_HOURS_END", default="17:00"),
)
FOLLOWUP_WAITING_REMINDER_DAYS = env.int("FOLLOWUP_WAITING_REMINDER_DAYS", default=5)
FOLLOWUP_WAITING_DECISION_DAYS = env.int("FOLLOWUP_WAITING_DECISION_DAYS", default=5)
FOLLOWUP_WAITING_EXPIRED_ACTION = env.str(
    "FOLLOWUP_WAITING_EXPIRED_ACTION", default="notify_owner"
)  # or resume
FOLLOWUP_DELAY_MARGIN_DAYS = env.int("FOLLOWUP_DELAY_MARGIN_DAYS", default=1)
FOLLOWUP_DELAY_NOTICE_MIN_DAYS = env.int("FOLLOWUP_DELAY_NOTICE_MIN_DAYS", default=7)
FOLLOWUP_CALLBACK_MAX_FAILED = env.int("FOLLOWUP_CALLBACK_MAX_FAILED", default=3)
FOLLOWUP_CALLBACK_FAILED_ACTION = env.str(
    "FOLLOWUP_CALLBACK_FAILED_ACTION", default="email_entrepreneur"
)  # or notify_team
FOLLOWUP_LOW_RATING = env.int("FOLLOWUP_LOW_RATING", default=2)
FOLLOWUP_SWEEP_CHUNK = env.int("FOLLOWUP_SWEEP_CHUNK", default=20000)

# Routing: auto-route above this classifier confidence; send the prepared hand-off automatically or not.
ROUTING_AUTO_THRESHOLD = env.float("ROUTING_AUTO_THRESHOLD", default=0.85)
ROUTING_AUTO_SEND = env.bool("ROUTING_AUTO_SEND", default=False)
# Propose a second or third team too (a split question) when its probability is at least this.
ROUTING_SPLIT_THRESHOLD = env.float("ROUTING_SPLIT_THRESHOLD", default=0.25)

# Knowledge base: an article not reviewed for this many days shows as "te herzien" in its team's list.
KNOWLEDGE_REVIEW_DAYS = env.int("KNOWLEDGE_REVIEW_DAYS", default=365)

# KVK Handelsregister (Zoeken v2 and Basisprofiel v1). Without an API key the lookup says it is not available.
KVK_API_BASE_URL = env.str("KVK_API_BASE_URL", default="https://api.kvk.nl").rstrip("/")
KVK_API_KEY = env.str("KVK_API_KEY", default="")
KVK_TIMEOUT_SECONDS = env.float("KVK_TIMEOUT_SECONDS", default=3.0)
KVK_CACHE_SECONDS = env.int("KVK_CACHE_SECONDS", default=24 * 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # One line per successful task drowns the demo's console (tasks run in-process there); failures still show.
    "loggers": {"celery.app.trace": {"level": env.str("CELERY_TRACE_LOG_LEVEL", default="WARNING")}},
}
