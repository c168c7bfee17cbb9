"""REAL Cities settings: one module, driven by environment variables with local defaults.

Every variable is listed in `.env.example`. Local defaults make `make run` work on a developer's
machine; a deployment sets `DJANGO_DEBUG=false` and real values, and then
`manage.py check --deploy --fail-level WARNING` passes.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-local-development-key-never-used-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG is false.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "cities",
    "library",
    "relationships",
    "conversations",
    "disparities",
    "indicators",
    "equity",
    "trainings",
    "operations",
]

MIDDLEWARE = [
    "operations.metrics.RequestLatencyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The visitor's language: the one chosen with the switcher (a cookie), else the browser's.
    "django.middleware.locale.LocaleMiddleware",
    "cities.middleware.TranslatedPagesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cities.middleware.RefuseUnstorableInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cities.middleware.SessionLimitsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

if not DEBUG:
    # In production WhiteNoise serves the collected, hashed static files; runserver does locally.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "realcities.urls"
WSGI_APPLICATION = "realcities.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",  # LANGUAGE_CODE, for `lang` on passages
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cities.context_processors.shell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/realcities"),
        conn_max_age=600,
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# A test run split over processes (pytest-xdist names each one gw0, gw1 ...) gives every process its
# own test database, so each also keeps its own cache keys (the ids of its records, sign-in and form
# throttling, import progress) and its own Celery queue (see CELERY_TASK_DEFAULT_QUEUE): a task queued
# against one test database is never run by the worker of another. Empty outside such a run.
_TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"realcities-{_TEST_PROCESS}" if _TEST_PROCESS else "realcities",
    }
}

AUTH_USER_MODEL = "cities.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2 first, as Django recommends: a sign-in costs tens of milliseconds instead of PBKDF2's
# seconds on a small machine, and a password stored with an older hasher is re-hashed with Argon2
# the next time its owner signs in (the others stay listed so that they still verify).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: email is the login; people join through an invitation, not open sign-up.
ACCOUNT_ADAPTER = "cities.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[REAL Cities] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "REAL Cities"

LANGUAGE_CODE = "en-us"
# English and Spanish (docs/glossary-es.md). The catalogues are in locale/ and compiled by the set-up
# (`make setup`/`make test` run compilemessages; the .mo files are not committed).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The pages that follow the visitor's language (cities.middleware.TranslatedPagesMiddleware); the
# others are English until they are translated (docs/glossary-es.md). Regular expressions on the path.
TRANSLATED_PAGES = [
    r"^/$",  # the front door
    r"^/language/$",
    r"^/p/",  # every public page of a city: conversations, commitments, data, outcomes, equity
    r"^/library/(?!curate/|frameworks/)",  # the public library (not the curators' pages)
    # A facilitator's pages of the day: the check-in list and the report, on a phone.
    r"^/c/[^/]+/conversations/\d+/sessions/\d+/(check-in|report)/",
]
# Spanish dates and numbers as US cities write them (realcities/formats/es/formats.py).
FORMAT_MODULE_PATH = ["realcities.formats"]
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Django 6.1 mailers: SMTP in production, the console (the terminal of `make run`) locally.
_email_backend = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_email_options: dict = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("DJANGO_EMAIL_PORT", "25")),
        "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
        "timeout": 20,
    }
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "REAL Cities <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address the app is reached at, for links in emails sent by workers (no request there).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Content Security Policy (Django's own): no inline script or style, nothing from another host.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Behind the TLS-terminating proxy of a deployment, the client's address is the last entry that
# proxy appends to X-Forwarded-For (cities/clientip.py); otherwise that header is never trusted.
# Sign-in throttling (allauth) and the public forms' rate limits count by that same address.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", False)
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if BEHIND_PROXY else 0
# A session ends after 2 hours without activity and in any case 12 hours after signing in.
SESSION_IDLE_TIMEOUT = int(os.environ.get("DJANGO_SESSION_IDLE_TIMEOUT", str(60 * 60 * 2)))
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("DJANGO_SESSION_ABSOLUTE_TIMEOUT", str(60 * 60 * 12)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery: the broker and results live in Redis; tasks are enqueued on commit (delay_on_commit).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL)
# Three queues, each with its own workers (`make run`, docker-compose.yml, docs/operations.md), so
# that a two-hour import never delays an invitation: police imports (and the reading of big
# uploads), analysis jobs (veil of darkness, threshold test, models), and quick work (emails,
# reminders, digests, invitations, purges: everything else). realcities/queues.py routes each task
# by name. In a test run each process keeps the suffix of its own queues (see _TEST_PROCESS above),
# so two test processes never take each other's tasks.
_QUEUE_SUFFIX = f"-{_TEST_PROCESS}" if _TEST_PROCESS else ""
TASK_QUEUES = {
    "imports": f"imports{_QUEUE_SUFFIX}",
    "analysis": f"analysis{_QUEUE_SUFFIX}",
    "quick": f"quick{_QUEUE_SUFFIX}",
}
CELERY_TASK_DEFAULT_QUEUE = TASK_QUEUES["quick"]
CELERY_TASK_ROUTES = ("realcities.queues.route_task",)

# Health and metrics (docs/operations.md). /health/ waits this long for the workers to answer.
HEALTH_WORKER_TIMEOUT_SECONDS = float(os.environ.get("HEALTH_WORKER_TIMEOUT_SECONDS", "1.0"))
# /metrics answers only a request with `Authorization: Bearer <METRICS_TOKEN>` or from one of these
# addresses (comma-separated); with neither set it answers no one (404).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_ALLOWED_ADDRESSES = {
    a.strip() for a in os.environ.get("METRICS_ALLOWED_ADDRESSES", "").split(",") if a.strip()
}
# Import throughput is reported over the imports finished within this window.
METRICS_IMPORT_WINDOW_SECONDS = int(os.environ.get("METRICS_IMPORT_WINDOW_SECONDS", str(24 * 3600)))
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", str(60 * 60 * 2)))
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 600}
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "cities-purge-expired-invitations": {
        "task": "cities.tasks.invitations_purge_expired",
        "schedule": crontab(minute=17, hour=3),
    },
    "disparities-reap-stale-imports": {
        "task": "disparities.tasks.datasets_reap_stale_task",
        "schedule": timedelta(minutes=1),
    },
    "cities-retention-purge": {
        "task": "cities.tasks.retention_purge",
        "schedule": crontab(minute=37, hour=2),
    },
    "relationships-weekly-digest": {
        "task": "relationships.tasks.weekly_digests_send",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    # Registrants are reminded the day before (checked hourly, each reminder sent once).
    "conversations-remind-day-before": {
        "task": "conversations.tasks.reminders_day_before",
        "schedule": crontab(minute=5),
    },
    # Facilitators are reminded 3 and 7 days after a session without a report.
    "conversations-remind-report-overdue": {
        "task": "conversations.tasks.reminders_report_overdue",
        "schedule": crontab(minute=35, hour=9),
    },
    "library-remind-review": {
        "task": "library.tasks.resources_remind_review",
        "schedule": crontab(minute=5, hour=7),
    },
    # Curators get the network's new stories and milestones every Monday morning.
    "library-network-digest": {
        "task": "library.tasks.network_digest_send",
        "schedule": crontab(minute=30, hour=7, day_of_week="mon"),
    },
}

# Rate limits of the public forms (no account), like ACCOUNT_RATE_LIMITS above: "amount/period/per"
# with per = ip (the client's address) or key (the conversation or registration the URL names),
# comma-separated, checked in order (cities/ratelimit.py). Only POSTs count; over the limit the form
# comes back with 429 and what was typed, and nothing is saved. Feedback allows more per address
# than registration: a room of people on the venue's Wi-Fi answers from one address.
PUBLIC_RATE_LIMITS = {
    "conversations.register": os.environ.get("RATE_LIMIT_PUBLIC_REGISTER", "10/10m/ip,100/1h/key"),
    "conversations.cancel": os.environ.get("RATE_LIMIT_PUBLIC_CANCEL", "10/10m/ip,5/1h/key"),
    "conversations.feedback": os.environ.get("RATE_LIMIT_PUBLIC_FEEDBACK", "30/10m/ip,300/1h/key"),
}

# Invitations are good for this long.
INVITATION_TTL = timedelta(days=int(os.environ.get("INVITATION_TTL_DAYS", "7")))

# Police data uploads: the largest file accepted (refused before its body is read), the largest a
# zipped file may unpack to, how many problems an import keeps for its report, and after how many
# seconds without a heartbeat an import whose worker is gone is marked failed, and how long an import
# whose database connection was lost (a restart) waits for the database to record that it failed.
POLICE_UPLOAD_MAX_BYTES = int(os.environ.get("POLICE_UPLOAD_MAX_MB", "512")) * 1024 * 1024
POLICE_UPLOAD_MAX_UNCOMPRESSED = int(os.environ.get("POLICE_UPLOAD_MAX_UNZIPPED_MB", "4096")) * 1024 * 1024
# What one uploaded file may cost to read (docs/disparities.md, "Limits on what a file may cost"): a
# zip or an Excel file may unpack to at most this many times its packed size (beyond 64 MB); a file
# may have this many columns, cells of this many characters, lines of this many characters, and an
# Excel file this much shared text (which the reader holds in memory). The mapping page proposes from
# this many rows (and at most this many cells: a wide file gives fewer rows), read once at upload.
POLICE_UPLOAD_MAX_ZIP_RATIO = int(os.environ.get("POLICE_UPLOAD_MAX_ZIP_RATIO", "100"))
POLICE_FILE_MAX_COLUMNS = int(os.environ.get("POLICE_FILE_MAX_COLUMNS", "1000"))
POLICE_FILE_MAX_CELL_CHARS = int(os.environ.get("POLICE_FILE_MAX_CELL_CHARS", "32767"))
POLICE_FILE_MAX_LINE_CHARS = int(os.environ.get("POLICE_FILE_MAX_LINE_CHARS", str(4 * 1024 * 1024)))
POLICE_XLSX_MAX_SHARED_TEXT_MB = int(os.environ.get("POLICE_XLSX_MAX_SHARED_TEXT_MB", "50"))
POLICE_MAPPING_PREVIEW_ROWS = int(os.environ.get("POLICE_MAPPING_PREVIEW_ROWS", "5000"))
POLICE_MAPPING_PREVIEW_CELLS = int(os.environ.get("POLICE_MAPPING_PREVIEW_CELLS", "500000"))
# An upload larger than this is read (checked whole, its first rows kept) by the worker, not in the
# request that receives it.
POLICE_UPLOAD_READ_IN_WORKER_MB = int(os.environ.get("POLICE_UPLOAD_READ_IN_WORKER_MB", "32"))
# The related tables of one release (a zip of several CSV files) are joined in the worker's memory:
# at most this many MB once unpacked, all together.
POLICE_RELEASE_MAX_MB = int(os.environ.get("POLICE_RELEASE_MAX_MB", "1024"))
# A large upload still "Reading the file" after this long, while no import runs, lost its reading (the
# worker died or the broker lost the task): the reaper fails it and deletes its file. The default
# outlasts the longest task the reading may wait behind by an hour.
POLICE_UPLOAD_READ_STALE_SECONDS = int(
    os.environ.get("POLICE_UPLOAD_READ_STALE_SECONDS", str(CELERY_TASK_TIME_LIMIT + 3600))
)
POLICE_IMPORT_MAX_PROBLEMS = int(os.environ.get("POLICE_IMPORT_MAX_PROBLEMS", "10000"))
POLICE_IMPORT_STALE_SECONDS = int(os.environ.get("POLICE_IMPORT_STALE_SECONDS", "120"))
POLICE_IMPORT_DATABASE_WAIT_SECONDS = int(os.environ.get("POLICE_IMPORT_DATABASE_WAIT_SECONDS", "60"))
# An import task that cannot reach the database before it starts tries again: after 5 s, then twice
# as long each time up to 5 minutes, for about an hour in all (disparities.tasks.import_retry_delay).
POLICE_IMPORT_RETRY_FIRST_SECONDS = int(os.environ.get("POLICE_IMPORT_RETRY_FIRST_SECONDS", "5"))
POLICE_IMPORT_RETRY_MAX_DELAY_SECONDS = int(os.environ.get("POLICE_IMPORT_RETRY_MAX_DELAY_SECONDS", "300"))
POLICE_IMPORT_RETRY_TOTAL_SECONDS = int(os.environ.get("POLICE_IMPORT_RETRY_TOTAL_SECONDS", "3600"))
# A dataset still queued after this long, while no import runs, lost its task: the reaper marks it
# failed, retryable. The default outlasts the retries above by an hour (docs/disparities.md says why).
POLICE_IMPORT_QUEUED_STALE_SECONDS = int(
    os.environ.get("POLICE_IMPORT_QUEUED_STALE_SECONDS", str(POLICE_IMPORT_RETRY_TOTAL_SECONDS + 3600))
)

# The threshold test's sampler (disparities/figures/threshold.py): NUTS chains, warm-up and kept draws
# per chain. Four chains of 1,000 are the usual minimum for R-hat and effective sample sizes to mean
# something; the tests use fewer (the fit is flagged when the draws are too few to trust).
THRESHOLD_TEST_CHAINS = int(os.environ.get("THRESHOLD_TEST_CHAINS", "4"))
THRESHOLD_TEST_WARMUP = int(os.environ.get("THRESHOLD_TEST_WARMUP", "1000"))
THRESHOLD_TEST_DRAWS = int(os.environ.get("THRESHOLD_TEST_DRAWS", "1000"))
# JAX compiles the sampler at each run; its compiled code is kept here (empty: not kept).
THRESHOLD_TEST_COMPILE_CACHE = os.environ.get("THRESHOLD_TEST_COMPILE_CACHE", str(BASE_DIR / "run" / "jax-cache"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
