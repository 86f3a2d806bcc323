"""Voordeur settings: one module, configured only through environment variables.

Every variable has a safe development default so `make demo` works on a fresh machine; production
(DEBUG off) refuses to start with the default secret key. See docs/configuration.md.
"""

from datetime import timedelta
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
# The municipality's privacy statement (a full URL or a path), linked next to the consent on the public form;
# empty: the form names the statement without a link.
PRIVACY_URL = env.str("PRIVACY_URL", default="")
# Fernet key(s) for secrets kept at rest (intake.crypto); comma-separated, the first encrypts. Empty: derived
# from SECRET_KEY. Generate one with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[])

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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "teams",
    "intake",
    "routing",
    "knowledge",
    "followup",
    "casework",
    "kcc",
    "companies",
    "demo",
    "accounts",
    "privacy",  # the top app: retention, data subject requests, the audit trail's pages (docs/privacy.md)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "intake.middleware.RequestSizeLimitMiddleware",  # before CSRF, which reads the form
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",  # Dutch unless chosen otherwise (not Accept-Language)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",  # idle timeout and maximum age of a staff session
    "accounts.middleware.TwoFactorMiddleware",  # 2FA: required for /beheer/, and for whoever set it up
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the login page with a message
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
# Staff sign-in (accounts/): local accounts, and the municipality's identity provider when configured. Axes
# comes first: it refuses every attempt while a username and IP address are locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.oidc.VoordeurOIDCBackend",  # does nothing unless OIDC_RP_CLIENT_ID is set
]
# OpenID Connect (mozilla-django-oidc). Endpoints from the issuer's discovery document unless set one by one.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USERNAME_CLAIM = env.str("OIDC_USERNAME_CLAIM", default="preferred_username")
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
# Two-factor authentication (django-otp, TOTP): the name shown in the authenticator app.
OTP_TOTP_ISSUER = "Voordeur"
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username from one IP address,
# signing in is blocked for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Staff sessions: logged out after this many idle minutes, and SESSION_COOKIE_AGE seconds after signing in.
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=10 * 3600)

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
# Office files are ZIP containers: refused above this size unpacked, or when one part unpacks more than
# ATTACHMENT_MAX_ZIP_RATIO times its packed size (a zip bomb).
ATTACHMENT_MAX_EXPANDED_BYTES = env.int("ATTACHMENT_MAX_EXPANDED_BYTES", default=50 * 1024 * 1024)
ATTACHMENT_MAX_ZIP_RATIO = env.int("ATTACHMENT_MAX_ZIP_RATIO", default=100)
# A whole request body above this is not read for its files (intake.middleware): the form says the files are too
# large and keeps what was typed. Keep the proxy's limit (client_max_body_size) a little above it.
REQUEST_MAX_BYTES = env.int(
    "REQUEST_MAX_BYTES", default=ATTACHMENT_MAX_COUNT * ATTACHMENT_MAX_BYTES + 1024 * 1024
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Virus scanning with ClamAV (intake.virusscan) when clamd is configured: a unix socket, or host and port.
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")
CLAMD_HOST = env.str("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT_SECONDS = env.float("CLAMD_TIMEOUT_SECONDS", default=30.0)
# Uploads kept after a failed submit (intake.staging) are deleted after this many hours.
STAGED_UPLOAD_MAX_AGE_HOURS = env.int("STAGED_UPLOAD_MAX_AGE_HOURS", default=24)

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
# Task modules besides each app's tasks.py (intake.tasks may import only the outbox: see pyproject.toml).
CELERY_IMPORTS = ["intake.staging"]
CELERY_BEAT_SCHEDULE = {
    "deliver-stuck-outbox": {"task": "intake.tasks.requeue_stuck_outbox", "schedule": 120.0},
    "purge-staged-uploads": {"task": "intake.staging.purge_staged_uploads_task", "schedule": 3600.0},
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
    "privacy-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(hour=env.int("PRIVACY_RETENTION_HOUR", default=3), minute=15),
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
# A department's deadline ends this many working days before the case's deadline (teams/deadlines.py).
HANDOFF_DEADLINE_MARGIN_DAYS = env.int("HANDOFF_DEADLINE_MARGIN_DAYS", default=2)
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
FOLLOWUP_DELAY_EXTRA_DAYS = env.int("FOLLOWUP_DELAY_EXTRA_DAYS", default=5)
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

# Privacy (privacy/, docs/privacy.md): how long personal data is kept. Closed cases are anonymised this many
# months after closing (with their timeline, files, hand-offs, callbacks, KCC call, knowledge gaps, training
# texts, outbox rows and history rows); KCC calls and knowledge gaps without a case after
# PRIVACY_UNLINKED_RECORD_MONTHS; the body of a sent e-mail after PRIVACY_OUTBOX_BODY_DAYS; audit events after
# PRIVACY_AUDIT_EVENT_MONTHS. Staged uploads: STAGED_UPLOAD_MAX_AGE_HOURS; sessions: when they expire.
PRIVACY_CLOSED_CASE_MONTHS = env.int("PRIVACY_CLOSED_CASE_MONTHS", default=24)
PRIVACY_UNLINKED_RECORD_MONTHS = env.int("PRIVACY_UNLINKED_RECORD_MONTHS", default=24)
PRIVACY_OUTBOX_BODY_DAYS = env.int("PRIVACY_OUTBOX_BODY_DAYS", default=30)
PRIVACY_AUDIT_EVENT_MONTHS = env.int("PRIVACY_AUDIT_EVENT_MONTHS", default=36)

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
    # No tracking token, e-mail address or phone number from a URL in the log (e.g. "Not Found: /volgen/…").
    "filters": {"mask_secrets": {"()": "config.logmask.MaskSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_secrets"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # One line per successful task drowns the demo's console (tasks run in-process there); failures still show.
    "loggers": {"celery.app.trace": {"level": env.str("CELERY_TRACE_LOG_LEVEL", default="WARNING")}},
}
