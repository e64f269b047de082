"""Settings, read from the environment (12-factor) with django-environ.

Defaults give a machine with nothing but Python a working demo: SQLite under ``var/`` and
Celery's filesystem transport. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to PostgreSQL
and Redis.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("SMALLGRANTS_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and env.bool("SMALLGRANTS_REQUIRE_SECRET_KEY", default=False):
        raise environ.ImproperlyConfigured("Set DJANGO_SECRET_KEY.")
    # Development and test only: a production deployment sets DJANGO_SECRET_KEY and
    # SMALLGRANTS_REQUIRE_SECRET_KEY=1.
    SECRET_KEY = "insecure-development-key-set-DJANGO_SECRET_KEY-in-production"
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "django_fsm_log",
    # ours, lowest layer first (docs/architecture.md)
    "regions",
    "accounts",
    "audit",
    "notifications",
    "grants",
    "applications",
    "reviews",
    "projects",
    "wiring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.middleware.UserTimezoneMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "wiring.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat share one file: wait for the lock instead of failing,
    # and take the write lock at BEGIN so two writers never deadlock on an upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 30, "transaction_mode": "IMMEDIATE"})
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# One cache shared by every process (rate limits, sessions of other features): Redis when
# SMALLGRANTS_CACHE_URL is set, else a table in the database (created by a migration of accounts).
CACHE_TABLE = "smallgrants_cache"
if env.str("SMALLGRANTS_CACHE_URL", default=""):
    CACHES = {"default": env.cache_url("SMALLGRANTS_CACHE_URL")}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# django-allauth: e-mail log-in, mandatory verification, password reset; mail goes through the outbox.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"  # asks for the person's name
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "notifications.account_mail.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("SMALLGRANTS_HTTP_PROTOCOL", default="http")
# Rate limits live in the shared cache (CACHES below), so every worker counts the same tries and
# a restart resets nothing: failed log-ins per address and per account, log-ins per address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
}
# Behind a reverse proxy, the number of proxies that append to X-Forwarded-For (so the limit per
# address counts the client, not the proxy).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("SMALLGRANTS_TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Small Grants"
# Roles that must use two-factor authentication, e.g. "staff,reviewer" (off by default).
SMALLGRANTS_REQUIRE_MFA_ROLES = env.list("SMALLGRANTS_REQUIRE_MFA_ROLES", default=[])

LANGUAGE_CODE = "en"
# Every language the product is translated into; an NGO offers some or all of them with
# SMALLGRANTS_LANGUAGES (codes, comma-separated; default: all five).
ALL_LANGUAGES = [
    ("en", _("English")),
    ("pl", _("Polish")),
    ("be", _("Belarusian")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
]
_offered = env.list("SMALLGRANTS_LANGUAGES", default=[code for code, _name in ALL_LANGUAGES])
LANGUAGES = [(code, name) for code, name in ALL_LANGUAGES if code in _offered] or ALL_LANGUAGES[:1]
if LANGUAGE_CODE not in dict(LANGUAGES):
    LANGUAGE_CODE = LANGUAGES[0][0]
# Our catalogues, then django-allauth's strings in the languages allauth ships none for (Belarusian).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "allauth"]
TIME_ZONE = env.str("SMALLGRANTS_TIME_ZONE", default="Europe/Warsaw")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Attachments are private: outside any public media root, served only through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(env.str("SMALLGRANTS_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
# ... or a private bucket on S3-compatible storage when SMALLGRANTS_S3_BUCKET is set (several web
# machines then share the files). Keys may also come from boto3's usual AWS_* variables or roles.
PRIVATE_S3 = {
    "bucket": env.str("SMALLGRANTS_S3_BUCKET", default=""),
    "endpoint_url": env.str("SMALLGRANTS_S3_ENDPOINT_URL", default=""),
    "region": env.str("SMALLGRANTS_S3_REGION", default=""),
    "access_key": env.str("SMALLGRANTS_S3_ACCESS_KEY", default=""),
    "secret_key": env.str("SMALLGRANTS_S3_SECRET_KEY", default=""),
    "prefix": env.str("SMALLGRANTS_S3_PREFIX", default=""),
}
ATTACHMENT_MAX_BYTES = env.int("SMALLGRANTS_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Small Grants <noreply@localhost>")
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
# A mail server that hangs must not hold a worker: every SMTP socket operation gives up after this.
EMAIL_TIMEOUT = env.int("SMALLGRANTS_EMAIL_TIMEOUT", default=20)
# A temporary failure (server down, 4xx) is retried with backoff for this long; 5xx fails at once.
OUTBOX_RETRY_HOURS = env.int("SMALLGRANTS_EMAIL_RETRY_HOURS", default=48)
SITE_BASE_URL = env.str("SMALLGRANTS_BASE_URL", default="http://127.0.0.1:8000")
# The name e-mails and pages give the service (the NGO's own name for it).
SITE_NAME = env.str("SMALLGRANTS_SITE_NAME", default="Small Grants")
# 360Giving open data: the publisher's registered prefix (ids are 360G-<prefix>-...), the NGO as
# funding organisation (an org-id such as XI-EORI-... or GB-CHC-...), and the regrantType code
# (codelist regrantType) marking these grants as onward grants of donors' money.
GIVING360_PREFIX = env.str("SMALLGRANTS_360G_PREFIX", default="smallgrants")
GIVING360_FUNDER_ID = env.str("SMALLGRANTS_360G_FUNDER_ID", default="")
GIVING360_FUNDER_NAME = env.str("SMALLGRANTS_360G_FUNDER_NAME", default=SITE_NAME)
GIVING360_REGRANT_TYPE = env.str("SMALLGRANTS_360G_REGRANT_TYPE", default="FRG010")
GIVING360_LICENSE = env.str("SMALLGRANTS_360G_LICENSE", default="https://creativecommons.org/licenses/by/4.0/")

# Sessions in the shared cache (Redis), written through to the database: any web machine behind a
# load balancer reads any session, and a cache restart logs nobody out. Without Redis the cache is a
# table in the same database, which would only add a second lookup, a write and a culling count to
# a session's one: sessions are then read from the database alone.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHES["default"]["BACKEND"] != "django.core.cache.backends.db.DatabaseCache"
    else "django.contrib.sessions.backends.db"
)
# SMALLGRANTS_HTTPS=1 behind TLS (production): HSTS, redirect to HTTPS, secure cookies, and trust
# the proxy's X-Forwarded-Proto header (the proxy must set it and strip the client's own).
HTTPS = env.bool("SMALLGRANTS_HTTPS", default=False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env.int("SMALLGRANTS_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SMALLGRANTS_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# A broker that does not answer fails a publish within this many seconds; the circuit breaker
# (notifications/publish.py) then skips the broker for the rest of the request, and the sweep sends.
BROKER_TIMEOUT = env.float("SMALLGRANTS_BROKER_TIMEOUT", default=1.0)
BROKER_TRANSPORT_OPTIONS_REDIS = {
    "visibility_timeout": 3600,  # longer than the hard task time limit below (tasks ack late)
    "socket_connect_timeout": BROKER_TIMEOUT,
    "socket_timeout": BROKER_TIMEOUT,
    "max_retries": 0,
}
# Celery: filesystem transport by default (no server needed), Redis with CELERY_BROKER_URL.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = BROKER_TRANSPORT_OPTIONS_REDIS
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
# No task runs for ever: the soft limit interrupts a send (recorded as a temporary failure), the hard
# one kills the process. The outbox's claim timeout (10 min) is longer than the hard limit, so no
# second sender takes a message while the first may still be sending it.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("SMALLGRANTS_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("SMALLGRANTS_TASK_TIME_LIMIT", default=300)
# Publishing must never hold a request hostage when the broker is down: the outbox sweep resends.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "notifications.tasks.outbox_sweep", "schedule": 60.0},
    "reminders-sweep": {"task": "notifications.tasks.reminders_sweep", "schedule": 15 * 60.0},
    # Erase the personal data of finished applications past their programme's retention period.
    "retention-sweep": {"task": "applications.tasks.retention_sweep", "schedule": 24 * 3600.0},
    # Programme exports: resend what the broker did not take, delete the files after a week.
    "exports-sweep": {"task": "projects.tasks.exports_sweep", "schedule": 5 * 60.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Any number of beats may run (one per machine): only the one holding a lock in the shared cache
# sends tasks, and it starts with the reminder sweep (config/beat.py).
CELERY_BEAT_SCHEDULER = "config.beat:SingleBeatScheduler"
CELERY_BEAT_FIRST_TASKS = ["notifications.tasks.reminders_sweep"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
    },
}

# Roles are Django groups with these names.
ROLE_APPLICANT = "applicant"
ROLE_REVIEWER = "reviewer"
ROLE_MENTOR = "mentor"
ROLE_STAFF = "staff"

# --- Production server (issue 12) ----------------------------------------------------------------
# One block on purpose: deploy/gunicorn.conf.py and bench/README.md describe it.
# Persistent database connections, checked before reuse (1.39x the requests per second on the
# deadline-day benchmark); a dead connection is replaced instead of failing the request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast (and let /healthz say so) instead of hanging when PostgreSQL is away.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # A small-grants database is read from memory, where an index lookup costs about what a
    # sequential read does. PostgreSQL's default (4, for spinning disks) made it scan all of a
    # call's reviews to join the 99 of one matrix page; 1.1 is the usual setting for memory or SSD.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c random_page_cost=1.1")
# SMALLGRANTS_PRODUCTION=1 (set by the deployment, after `manage.py collectstatic`): WhiteNoise
# serves the static files, compressed (gzip, and Brotli when installed) and with file names that
# carry a hash, cached for a year. Tests and the demo keep Django's plain storage: the manifest
# exists only after collectstatic.
SMALLGRANTS_PRODUCTION = env.bool("SMALLGRANTS_PRODUCTION", default=False)
if SMALLGRANTS_PRODUCTION:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    WHITENOISE_MAX_AGE = 3600  # files without a hash in their name (hashed ones: a year, immutable)
# --- end of the production server block -------------------------------------------------------------
