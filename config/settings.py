"""Voordeur settings: one module, configured only through environment variables.

Every variable has a safe default. DEBUG is off unless set (`make demo` and the tests set it on); with DEBUG
off, Voordeur refuses to start with the default secret key. See docs/configuration.md.
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
DEBUG = env.bool("DEBUG", default=False)
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
    "csp",
    "django_ratelimit",
    "health_check",
    "teams",
    "intake",
    "routing",
    "knowledge",
    "followup",
    "casework",
    "kcc",
    "companies",
    "reports",  # the figures of the regie (issue 17): dashboard, results page, meeting agenda
    "demo",
    "accounts",
    "mail",  # inbound e-mail: the loket mailbox becomes cases and replies (docs/configuration.md)
    "privacy",  # the top app: retention, data subject requests, the audit trail's pages (docs/privacy.md)
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files, no CDN
    "api",  # /api/v1/: the REST API, event subscriptions (webhooks), the Open Klant push (docs/api.md)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PrivateByDefaultMiddleware",  # Cache-Control: no-store and Permissions-Policy
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (CONTENT_SECURITY_POLICY below)
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
# Persistent connections: a worker keeps its database connection for CONN_MAX_AGE seconds instead of opening one
# per request (a PostgreSQL connection costs milliseconds). Default 60 with DEBUG off, 0 in development; a
# `?conn_max_age=` in DATABASE_URL wins. The health check drops a connection that broke between requests.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if DEBUG else 60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if "postgresql" in DATABASES["default"]["ENGINE"] and not env.bool("DATABASE_JIT", default=False):
    # No JIT compilation: it costs 50+ ms per query whose (LIMITed) plan looks expensive, and the staff pages
    # run short indexed queries only (docs/scaling.md). Reports may turn it on with DATABASE_JIT=true.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (_options.get("options", "") + " -c jit=off").strip()
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
# Seconds an SMTP connection may hang before the send fails; keep it well below OUTBOX_STUCK_AFTER_SECONDS, so
# a slow mail server fails the attempt before its row counts as stuck (docs/decisions/0003-outbox-exactly-once.md).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Reply-To of every e-mail: the loket's mailbox. Empty: MUNICIPALITY_EMAIL, else DEFAULT_FROM_EMAIL.
LOKET_REPLY_TO = env.str("LOKET_REPLY_TO", default="")

# Inbound e-mail (mail/, docs/configuration.md): the loket mailbox read by the beat task mail.tasks.fetch_mail.
# imaps://user:password@host/INBOX, maildir:///path or a folder of .eml files; empty: no mail is read.
MAIL_INBOX_URL = env.str("MAIL_INBOX_URL", default="")
MAIL_PROCESSED_FOLDER = env.str("MAIL_PROCESSED_FOLDER", default="Verwerkt")  # empty: flag instead of move
MAIL_REFUSED_FOLDER = env.str("MAIL_REFUSED_FOLDER", default="Geweigerd")
MAIL_MAX_BYTES = env.int("MAIL_MAX_BYTES", default=15 * 1024 * 1024)
MAIL_RATE_LIMIT_PER_HOUR = env.int("MAIL_RATE_LIMIT_PER_HOUR", default=10)
MAIL_REOPEN_DAYS = env.int("MAIL_REOPEN_DAYS", default=14)
MAIL_AUTHSERV_ID = env.str("MAIL_AUTHSERV_ID", default="")
# Senders whose mail counts as a colleague forwarding a question (besides staff users' own addresses).
MAIL_INTERNAL_DOMAINS = env.list("MAIL_INTERNAL_DOMAINS", default=[])
MAIL_BATCH_SIZE = env.int("MAIL_BATCH_SIZE", default=200)

# Celery: with REDIS_URL, a real broker; without, tasks run in-process (eager) so the demo needs no Redis.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# /gezondheid/ (config/health.py): how long the health check waits for a Celery worker to answer its ping.
HEALTH_CELERY_TIMEOUT_SECONDS = env.float("HEALTH_CELERY_TIMEOUT_SECONDS", default=2.0)
# The health endpoint fails when Celery beat's every-minute heartbeat is older than this (followup.health).
HEALTH_BEAT_MAX_AGE_SECONDS = env.int("HEALTH_BEAT_MAX_AGE_SECONDS", default=180)
CELERY_TASK_EAGER_PROPAGATES = False
# A hung or dead broker must not hold up a web request: short timeouts and one quick retry, then the outbox row
# stays queued for the periodic re-queue (intake.outbox._enqueue_delivery).
BROKER_TIMEOUT_SECONDS = env.float("BROKER_TIMEOUT_SECONDS", default=0.5)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Task modules besides each app's tasks.py (intake.tasks may import only the outbox: see pyproject.toml).
CELERY_IMPORTS = ["intake.staging"]
# Queues per kind of work (docs/scaling.md): e-mail delivery ("delivery") never waits behind a long sweep or
# a retraining ("sweeps", "celery"). All three are declared, so a worker started without -Q (README, the
# tests' start_worker) consumes every queue; at scale each queue gets workers of its own (`-Q delivery`).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = {"celery": {}, "delivery": {}, "sweeps": {}}
CELERY_TASK_ROUTES = {
    "intake.tasks.*": {"queue": "delivery"},
    "followup.tasks.*": {"queue": "sweeps"},
}
CELERY_BEAT_SCHEDULE = {
    "deliver-stuck-outbox": {"task": "intake.tasks.requeue_stuck_outbox", "schedule": 120.0},
    "api-event-pump": {"task": "api.tasks.pump_events", "schedule": 60.0},  # webhook events (api.events)
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
    # Proves beat (and a worker) run: the health endpoint fails after HEALTH_BEAT_MAX_AGE_SECONDS without it.
    "beat-heartbeat": {"task": "followup.tasks.beat_heartbeat", "schedule": 60.0},
    "mail-fetch": {
        "task": "mail.tasks.fetch_mail",
        "schedule": float(env.int("MAIL_POLL_SECONDS", default=60)),
    },
    "daily-figures": {  # reports: yesterday's figures, and any day missed while the beat was down
        "task": "reports.tasks.compute_daily_figures",
        "schedule": crontab(hour=env.int("REPORTS_FIGURES_HOUR", default=1), minute=10),
    },
    "privacy-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(hour=env.int("PRIVACY_RETENTION_HOUR", default=3), minute=15),
    },
}

# The cache: Redis with REDIS_URL (shared by all workers: the form's rate limits count there), else in memory.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "voordeur",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Rate limits on the public question form (django-ratelimit, counted in the cache): per IP address and per
# e-mail address. A busy counter or a shared office connection stays far below them. Behind a proxy every
# visitor has the proxy's REMOTE_ADDR: set TRUSTED_PROXY_COUNT to the number of proxies in front of the app, and
# the client address is read from X-Forwarded-For, that many entries from the right (never the left, which
# the client writes itself). 0: X-Forwarded-For is ignored.
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_ASK_PER_IP = env.str("RATELIMIT_ASK_PER_IP", default="10/10m")
RATELIMIT_ASK_PER_EMAIL = env.str("RATELIMIT_ASK_PER_EMAIL", default="5/h")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_IP_META_KEY = "intake.ratelimits.client_ip"
RATELIMIT_IPV6_MASK = 64

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
# django-ratelimit knows only django-redis by name; Django's own RedisCache counts atomically too (W001). Without
# REDIS_URL (the demo, one process) the in-memory cache is enough (E003).
SILENCED_SYSTEM_CHECKS += (
    ["django_ratelimit.W001"] if REDIS_URL else ["django_ratelimit.E003", "django_ratelimit.W001"]
)
SECURE_REFERRER_POLICY = "same-origin"  # tracking links must not leak to other sites via Referer
# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from this site; no inline script or
# style (no 'unsafe-inline'), no plugins, no framing, forms post only here. A logo on another host (MUNICIPALITY_LOGO
# as an https URL) adds that origin to img-src.
_logo = env.str("MUNICIPALITY_LOGO", default="")
_logo_origins = ["/".join(_logo.split("/")[:3])] if _logo.startswith("https://") else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_logo_origins],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Permissions-Policy (config.middleware): no page needs these browser features.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=()"
)

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
# Webhook and Open Klant rows (issue 16) are retried longer: a subscriber is paused before this is reached.
OUTBOX_CHANNEL_MAX_ATTEMPTS = env.int("OUTBOX_CHANNEL_MAX_ATTEMPTS", default=20)
# A failed message is queued once more (one attempt) this long after it failed, before it is given up.
OUTBOX_FAILED_RETRY_AFTER_SECONDS = env.int("OUTBOX_FAILED_RETRY_AFTER_SECONDS", default=3600)
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

# Logs: one JSON object per line in production (LOG_FORMAT=json, the default with DEBUG off), plain text in
# development. No tracking token, e-mail address or phone number in any line (config.logmask): every handler
# has the masking filter and a masking formatter, and Django's own loggers use these handlers too.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_secrets": {"()": "config.logmask.MaskSecretsFilter"}},
    "formatters": {
        "json": {"()": "config.logmask.json_formatter"},
        "text": {"()": "config.logmask.MaskingFormatter", "format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_secrets"], "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # One line per successful task drowns the demo's console (tasks run in-process there); failures show.
        "celery.app.trace": {"level": env.str("CELERY_TRACE_LOG_LEVEL", default="WARNING")},
    },
}
# The Celery worker logs through the configuration above (masked), instead of installing handlers of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The REST API (/api/v1/, docs/api.md): clients authenticate with a bearer token (api.ApiClient), are limited
# per client (API_RATE_DEFAULT unless the client sets its own), and every error is RFC 9457 problem+json.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ApiClientAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsApiClient"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.problem_handler",
    "PAGE_SIZE": 25,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Voordeur API",
    "DESCRIPTION": "Eén voordeur voor alle vragen van ondernemers: vragen, uitzettingen, bedrijven, onderwerpen en kennisartikelen, en gebeurtenissen (webhooks). Zie docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "api.serializers.CASE_STATUS_CHOICES",
        "HandoffStatusEnum": "api.serializers.HANDOFF_STATUS_CHOICES",
    },
}
API_RATE_DEFAULT = env.str("API_RATE_DEFAULT", default="600/minute")
# CloudEvents `source` of every event (NL GOV profile: a URI that names this system).
API_EVENT_SOURCE = env.str("API_EVENT_SOURCE", default=SITE_URL + "/api/v1")
# The event pump looks again at timeline entries of the last API_EVENT_RESCAN_SECONDS (a transaction that
# committed late); queuing is idempotent, so a second look sends nothing twice.
API_EVENT_RESCAN_SECONDS = env.int("API_EVENT_RESCAN_SECONDS", default=600)
# A subscription is paused after this many failed deliveries in a row; its owner gets an e-mail.
WEBHOOK_PAUSE_AFTER_FAILURES = env.int("WEBHOOK_PAUSE_AFTER_FAILURES", default=5)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
# Open Klant (Klantinteracties API 2.x, docs/openklant-mapping.md): closed contact moments are pushed when both
# are set. OPENKLANT_URL is the API root, e.g. https://openklant.example.nl/klantinteracties/api/v1
OPENKLANT_URL = env.str("OPENKLANT_URL", default="").rstrip("/")
OPENKLANT_TOKEN = env.str("OPENKLANT_TOKEN", default="")
