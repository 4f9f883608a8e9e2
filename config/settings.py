"""Criba's settings, read from the environment.

Two modes:

* embedded development (``DJANGO_DEBUG=true``, as ``make run`` does): without
  ``DATABASE_URL`` and ``REDIS_URL`` it runs on a SQLite file and a file-based Celery
  broker under ``var/``, and a development secret key is allowed;
* production and CI: ``DJANGO_SECRET_KEY`` is required, ``DATABASE_URL`` points at
  PostgreSQL and ``REDIS_URL`` at Redis (Celery broker and cache).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.environment import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_networks,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CRIBA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set (only DJANGO_DEBUG=true runs without one)"
        )
    SECRET_KEY = "embedded-development-only-" + "x" * 40
# Former keys, still accepted (sessions, signed values, webhook secrets) while a
# rotation settles; see docs/deployment.md, "Rotating the secret key".
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "hiring",
    "assessments",
]

MIDDLEWARE = [
    # First, so that every answer under the candidate's paths, a middleware's
    # early one included, leaves with their no-referrer and no-store headers.
    "assessments.middleware.CandidateHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "hiring.middleware.RejectUnreadableTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hiring.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hiring.problems.DomainErrorMiddleware",
    # Last, so that it sees the login view's failures and answers a lockout.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: PostgreSQL through DATABASE_URL, or the embedded SQLite file.
DATABASE_URL = env_url(
    "DATABASE_URL", schemes=("postgres", "postgresql", "sqlite", "pgsql")
)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60)
        )
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # psycopg may keep prepared statements: only the cursors that bind on the
        # server ask for them (the results page of the API), never the ORM's.
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "criba.sqlite3",
            "OPTIONS": {
                # WAL and a busy timeout let the web server, worker and beat share
                # one file without "database is locked" errors.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Sign-in throttling: after AXES_FAILURE_LIMIT failures the account, and
# separately the address, is locked for the cool-off time; an administrator lifts
# it earlier in the admin (Access attempts) or with `manage.py axes_reset_username`.
AXES_FAILURE_LIMIT = env_int("CRIBA_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = timedelta(
    minutes=env_int("CRIBA_LOGIN_LOCKOUT_MINUTES", 15, minimum=1, maximum=7 * 24 * 60)
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Failures while locked out do not extend the lock: it ends when it said it would.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "hiring.views.login_locked_out"
# A form refused by the CSRF check says, in the site's words, what a person can do.
CSRF_FAILURE_VIEW = "hiring.views.csrf_failure"
# An IPv6 client is locked out by its /64, as the candidate pages count it.
AXES_CLIENT_IP_CALLABLE = "hiring.ratelimit.client_key"
# Successful sign-ins are not kept: failures are what the lockout needs.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Proxies in front of Criba that append the client to X-Forwarded-For (0: none),
# and the addresses or networks they connect from. The header is believed only
# as far as it was written by these: a client that reaches gunicorn directly
# could write any address there and dodge every per-address limit.
CRIBA_PROXY_HOPS = env_int("CRIBA_PROXY_HOPS", 0, minimum=0, maximum=5)
CRIBA_TRUSTED_PROXIES = env_networks("CRIBA_TRUSTED_PROXIES")
if bool(CRIBA_PROXY_HOPS) != bool(CRIBA_TRUSTED_PROXIES):
    raise ImproperlyConfigured(
        "Set CRIBA_PROXY_HOPS (how many proxies append to X-Forwarded-For) and "
        "CRIBA_TRUSTED_PROXIES (the addresses or networks they connect from) "
        "together, or neither"
    )
# Candidate pages, per minute: per address (a shared office network counts once)
# and per invitation (one candidate autosaving every answer).
CRIBA_CANDIDATE_RATE_PER_ADDRESS = env_int(
    "CRIBA_CANDIDATE_RATE_PER_ADDRESS", 600, minimum=1
)
CRIBA_CANDIDATE_RATE_PER_INVITATION = env_int(
    "CRIBA_CANDIDATE_RATE_PER_INVITATION", 120, minimum=1
)
# JSON bodies nested deeper than this are refused before they are parsed.
CRIBA_JSON_MAX_DEPTH = env_int("CRIBA_JSON_MAX_DEPTH", 32, minimum=2, maximum=500)
LOGIN_URL = "login"
# The candidate link shown once after an invitation stays server-side.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
LOGIN_REDIRECT_URL = "hiring:job_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Requests bigger than this are refused with 400 before any form is read; the
# largest legitimate post (one questionnaire page) is a few kilobytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("CRIBA_MAX_REQUEST_BYTES", 256 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
# Files are not counted above: each is kept in memory up to the CSV imports' limit
# and the rest dropped, never written to a temporary file (see the handler).
FILE_UPLOAD_HANDLERS = ["hiring.csv_files.BoundedUploadHandler"]
# Every form that takes a file takes one.
DATA_UPLOAD_MAX_NUMBER_FILES = 1

# Email: SMTP when DJANGO_EMAIL_HOST is set, else printed to the console.
_email_host = env_str("DJANGO_EMAIL_HOST")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("DJANGO_EMAIL_PORT", 587, minimum=1, maximum=65535),
                "username": env_str("DJANGO_EMAIL_HOST_USER", ""),
                "password": env_str("DJANGO_EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "Criba <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The absolute address used in invitation emails (no request is at hand there).
CRIBA_BASE_URL = env_str(
    "CRIBA_BASE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}"
).rstrip("/")

# Security. Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=true.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("CRIBA_SESSION_SECONDS", 8 * 3600, minimum=300)
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Submitting a domain to the HSTS preload list is the operator's decision
# (DJANGO_SECURE_HSTS_PRELOAD), not something the deploy check should insist on.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# REST framework: API keys only (the pages' session login does not open the API),
# JSON in and out, RFC 9457 problems for every error, cursor pages, a budget per key.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "hiring.api.authentication.ApiKeyAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["hiring.api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["hiring.api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env_str("CRIBA_API_RATE", "1200/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only (anything else is a 415); nested deeper than CRIBA_JSON_MAX_DEPTH
    # is a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": ["hiring.json_input.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "hiring.api.pagination.UpdatedCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["hiring.api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "hiring.api.schema.CribaAutoSchema",
    "EXCEPTION_HANDLER": "hiring.api.exceptions.api_exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Criba API",
    "VERSION": "1",
    "DESCRIPTION": (
        "Push jobs, candidates and applications from an applicant tracking system, "
        "order questionnaires and read their scored results. Authenticate with "
        "`Authorization: Bearer <API key>`; every error is an RFC 9457 "
        "`application/problem+json` body; lists are cursor pages ordered by "
        "(`updated_at`, `id`), polled with `updated_since`; timestamps are ISO 8601 "
        "in UTC; every POST accepts an `Idempotency-Key`. Text for people (scale "
        "and band names, validity labels, explanations, an error's `detail`) is "
        "in the report language: the request's `Accept-Language`, `en` or `es`, "
        "English otherwise, named again in `Content-Language`; keys and codes "
        "never change with it."
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "hiring.models.Job.Status",
        "InvitationStatusEnum": "assessments.models.Invitation.Status",
        "WebhookDeliveryStatusEnum": "hiring.models.WebhookDelivery.Status",
        "WebhookEventTypeEnum": "hiring.models.WEBHOOK_EVENT_TYPES",
        "WebhookSubscribableEventTypeEnum": "hiring.models.OutboxEvent.Type",
    },
    # The machine serving the docs may have no internet: Swagger UI comes from the
    # sidecar package's static files, under our own CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every event Criba sends, with its payload (as `x-webhooks` in OpenAPI 3.0),
    # one per type of `hiring.models.WEBHOOK_EVENT_TYPES`.
    "WEBHOOKS": "hiring.api.webhooks.EVENT_WEBHOOKS",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hiring.api.webhooks.webhooks_as_extension",
        "hiring.api.schema.request_bodies_closed",
        "hiring.api.schema.empty_updated_since_documented",
    ],
    "SWAGGER_UI_SETTINGS": {
        "persistAuthorization": False,
        "displayRequestDuration": True,
    },
}

# Celery: Redis when REDIS_URL is set, else a broker made of files under var/.
#
# Recovery from a worker that dies mid-task (SIGKILL, out of memory, a lost host),
# stated in README ("Faults") and tested in tests/integration/test_recovery_*.py:
# the task's message stays unacknowledged in Redis (acks_late); once it is older
# than CELERY_VISIBILITY_TIMEOUT, the next check of any live worker (every
# CRIBA_BROKER_RESTORE_EVERY_SECONDS) hands it out again. So a task whose worker
# died starts again within CRIBA_TASK_RECOVERY_SECONDS (180 + 10 = 190 s by
# default). The timeout must outlast the longest a healthy worker holds a message
# (a retry's countdown plus the task's run), or that message would run twice:
# hence the hard time limit and the cap on countdowns, checked below. A retry due
# later than CRIBA_BROKER_RETRY_MAX_SECONDS waits in the database (hiring.TaskRetry)
# instead, and the sweeper sends it when it is due.
CELERY_BROKER_DIR = VAR_DIR / "celery"
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 100, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 120, minimum=1)
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"CELERY_TASK_SOFT_TIME_LIMIT={CELERY_TASK_SOFT_TIME_LIMIT} must be below "
        f"CELERY_TASK_TIME_LIMIT={CELERY_TASK_TIME_LIMIT}"
    )
CRIBA_BROKER_RETRY_MAX_SECONDS = env_int(
    "CRIBA_BROKER_RETRY_MAX_SECONDS", 30, minimum=0
)
_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 180, minimum=1)
CRIBA_BROKER_RESTORE_EVERY_SECONDS = env_int(
    "CRIBA_BROKER_RESTORE_EVERY_SECONDS", 10, minimum=1
)
CRIBA_TASK_RECOVERY_SECONDS = _VISIBILITY_TIMEOUT + CRIBA_BROKER_RESTORE_EVERY_SECONDS
if REDIS_URL:
    if _VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT + CRIBA_BROKER_RETRY_MAX_SECONDS:
        raise ImproperlyConfigured(
            f"CELERY_VISIBILITY_TIMEOUT={_VISIBILITY_TIMEOUT} must exceed "
            f"CELERY_TASK_TIME_LIMIT + CRIBA_BROKER_RETRY_MAX_SECONDS = "
            f"{CELERY_TASK_TIME_LIMIT + CRIBA_BROKER_RETRY_MAX_SECONDS}: a task "
            "still running or counting down would be handed out a second time"
        )
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _VISIBILITY_TIMEOUT,
        # Check for messages past their visibility timeout this often, on every
        # live worker (kombu's default checks only one poll in ten).
        "unacked_restore_interval": CRIBA_BROKER_RESTORE_EVERY_SECONDS,
        "unacked_restore_throttle": 1,
    }
else:
    # kombu's file transport ignores the host, but warns on every connection
    # when the URL names none.
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# What a task prints (the console email backend's emails in the embedded mode)
# is logged as information, not as a warning.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"
# Webhook attempts wait on receivers: their own queue, so a slow receiver never
# delays scoring.
CELERY_TASK_ROUTES = {"hiring.tasks.webhooks_*": {"queue": "webhooks"}}

# Criba's own knobs.
CRIBA_INVITATION_DAYS = env_int("CRIBA_INVITATION_DAYS", 14, minimum=1, maximum=365)
# A submission still unscored this long after submit is enqueued again; beat runs
# that sweep, and sends the retries due in hiring.TaskRetry, this often. So a
# submission whose message was lost (a broker restarted empty) is enqueued again
# within CRIBA_SUBMISSION_RECOVERY_SECONDS (120 + 60 = 180 s by default).
CRIBA_SWEEP_AFTER_SECONDS = env_int("CRIBA_SWEEP_AFTER_SECONDS", 120, minimum=1)
CRIBA_SWEEP_EVERY_SECONDS = env_int("CRIBA_SWEEP_EVERY_SECONDS", 60, minimum=1)
CRIBA_SUBMISSION_RECOVERY_SECONDS = (
    CRIBA_SWEEP_AFTER_SECONDS + CRIBA_SWEEP_EVERY_SECONDS
)
# Webhooks to private, loopback and link-local addresses (and over plain HTTP)
# are refused unless this is set, for development and tests only.
CRIBA_WEBHOOK_ALLOW_PRIVATE = env_bool("CRIBA_WEBHOOK_ALLOW_PRIVATE", False)
# Multiplies the webhook retry schedule (5 s, 1 min, 5 min ... about three days);
# tests shrink it, production keeps 1.
CRIBA_WEBHOOK_BACKOFF_SCALE = env_float(
    "CRIBA_WEBHOOK_BACKOFF_SCALE", 1.0, minimum=0.0001, maximum=10.0
)
# Finished webhook deliveries (delivered or given up), their attempts and the
# outbox events all of whose deliveries are gone are deleted this many days after
# their last activity, hourly and in bounded batches; anything still pending stays,
# and so does each endpoint's latest delivery.
CRIBA_WEBHOOK_RETENTION_DAYS = env_int(
    "CRIBA_WEBHOOK_RETENTION_DAYS", 90, minimum=1, maximum=3650
)
# Greenhouse's orders (the completion callbacks it asked for) and the errors it
# reported are deleted this many days after their last activity, hourly and in
# bounded batches; an order whose candidate is still answering, or whose callback
# is still being sent, stays.
CRIBA_ATS_RETENTION_DAYS = env_int(
    "CRIBA_ATS_RETENTION_DAYS", 90, minimum=1, maximum=3650
)
# Candidates' personal data is kept this many days after their last activity (GDPR
# art. 5: no longer than needed); each candidate's own date is shown and editable,
# and a daily task erases what is past its date.
CRIBA_RETENTION_DAYS = env_int("CRIBA_RETENTION_DAYS", 365, minimum=1, maximum=3650)
# Candidates may answer a voluntary self-identification form after the
# questionnaire (gender and age band). Asking about ethnicity is lawful in some
# jurisdictions (e.g. EEO-1 reporting in the USA) and not in others (e.g. France),
# so it is asked, stored and reported only where this is switched on.
CRIBA_SELF_ID_ETHNICITY = env_bool("CRIBA_SELF_ID_ETHNICITY", False)
# An invitation email that cannot be sent is tried again (30 s, 1 min, 2 min ...
# capped at an hour apart) this many times before the recruiter is told it failed.
CRIBA_EMAIL_MAX_ATTEMPTS = env_int(
    "CRIBA_EMAIL_MAX_ATTEMPTS", 12, minimum=1, maximum=50
)
CRIBA_HEARTBEAT_EVERY_SECONDS = env_int("CRIBA_HEARTBEAT_EVERY_SECONDS", 20, minimum=1)
# The worker counts as alive while its last heartbeat is younger than this.
CRIBA_HEARTBEAT_STALE_SECONDS = env_int("CRIBA_HEARTBEAT_STALE_SECONDS", 90, minimum=1)
# A monitor that sends this in X-Criba-Health-Token learns from /healthz which
# check fails and why; without it (unset: nobody but administrators) only ok/fail.
CRIBA_HEALTH_TOKEN = env_str("CRIBA_HEALTH_TOKEN")
if CRIBA_HEALTH_TOKEN is not None and len(CRIBA_HEALTH_TOKEN) < 32:
    raise ImproperlyConfigured(
        "CRIBA_HEALTH_TOKEN must be at least 32 characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe())')"
    )
CRIBA_INSTRUMENTS_DIR = BASE_DIR / "assessments" / "instruments"
CRIBA_RUBRICS_DIR = BASE_DIR / "assessments" / "rubrics"

# Error pages (DEBUG) and error emails print no candidate token.
DEFAULT_EXCEPTION_REPORTER = "config.redaction.RedactingExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.redaction.RedactingExceptionReporterFilter"

# Every handler carries the token filter; django.server (the development server's
# access log) and django.request are given handlers of ours here, replacing
# Django's defaults that have no filter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_tokens": {"()": "config.redaction.TokenRedactingFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_tokens"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "redact_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Propagates to the root's console; errors are also emailed to ADMINS.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
        },
        "django.db.backends": {"level": "WARNING"},
        # Lockouts are audited; axes' per-request notes would only be noise.
        "axes": {"level": "WARNING"},
    },
}
