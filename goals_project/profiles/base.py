"""Settings shared by every profile. Profiles set ``ENV`` and override what differs."""

import os
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Overridden by each profile; shown in the environment badge of every page.
ENV = "development"

# Default SQLite file per profile, used when DATABASE_URL is not set.
DEFAULT_DB_FILES = {
    "development": "goals_dev.db",
    "testing": "goals_test.db",
    "production": "goals.db",
}


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_config(env):
    """DATABASE_URL wins; otherwise the profile's SQLite file in WAL mode with a busy timeout."""
    url = os.environ.get("DATABASE_URL")
    if url:
        # Persistent connections (PostgreSQL): kept CONN_MAX_AGE seconds, checked before reuse.
        conn_max_age = int(os.environ.get("CONN_MAX_AGE", "600"))
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    else:
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / DEFAULT_DB_FILES[env],
        }
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].update(
            {
                # WAL lets readers run beside the writer; IMMEDIATE takes the write lock
                # at BEGIN so concurrent writers wait (busy timeout) instead of failing.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        )
    config["ATOMIC_REQUESTS"] = True
    return config


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
ALLOW_SIGNUP = env_bool("ALLOW_SIGNUP", True)

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
    "django_htmx",
    "axes",
    "goals",
    "activities",
    "sessions.apps.PracticeSessionsConfig",
    # On top of the domain apps: pages across apps, analytics, operations. No models.
    "front",
    "insights",
    "ops",
]

MIDDLEWARE = [
    # First, so the duration it logs covers every other middleware.
    "ops.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "goals.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "goals.middleware.UserTimezoneMiddleware",
    # Last, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

# Sent by goals.middleware.SecurityHeadersMiddleware in every profile. Scripts, styles, images
# and fonts only from our own static files (the SVG charts are inline markup, not images).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)

ROOT_URLCONF = "goals_project.urls"
WSGI_APPLICATION = "goals_project.wsgi.application"

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
                "goals.context_processors.environment",
            ],
        },
    },
    {
        # Only for the goal tree's rows (templates/jinja2/front/tree/rows.html), the one template
        # that renders thousands of rows in a loop: Jinja2 compiles it to Python code.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"autoescape": True},
    },
]

AUTHENTICATION_BACKENDS = [
    # Axes first so locked-out sign-ins are refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "fractal-list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate challenge turns "not signed in" into a 401.
        "goals.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["goals.api.permissions.IsSignedIn"],
    "DEFAULT_PARSER_CLASSES": [
        "goals.api.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Per client: the address for anonymous requests, the user otherwise (see the README).
    "DEFAULT_THROTTLE_CLASSES": [
        "goals.api.throttles.AnonymousClientThrottle",
        "goals.api.throttles.SignedInClientThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
    },
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "goals.api.exceptions.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Fractal Goals API",
    "DESCRIPTION": "Goals, activities, practice sessions, templates, programs and analytics.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Like every other page, the schema and the docs are for signed-in users.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "GoalLevelEnum": "goals.models.GoalLevel",
        "RootLevelEnum": "goals.api.serializers.ROOT_LEVEL_CHOICES",
        "TargetKindEnum": "activities.models.TargetKind",
        "RecordKindEnum": "sessions.records.RECORD_KINDS",
    },
}

# Sign-in throttling: lock a username + address pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A page in the site's layout (status 429) instead of axes' bare text response.
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Email: an SMTP URL (smtp://user:pass@host:587/?tls=True); without one, mail is printed to the
# console (development). The testing profile captures mail in memory.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    globals().update(dj_email_url.parse(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Fractal Goals <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A password reset link works once, and for this many seconds (two hours by default).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(2 * 60 * 60)))
# An email verification link works for this many seconds (three days by default).
EMAIL_VERIFICATION_TIMEOUT = int(os.environ.get("EMAIL_VERIFICATION_TIMEOUT", str(3 * 24 * 60 * 60)))
# Password reset requests allowed per hour, for one address and for one client IP.
PASSWORD_RESET_LIMIT_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_EMAIL", "3"))
PASSWORD_RESET_LIMIT_PER_IP = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_IP", "10"))

# LOG_FORMAT=json: one JSON object per line (with request id and duration for each request);
# otherwise plain text. Request lines are INFO: LOG_LEVEL=INFO shows them.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "ops.request_log.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Largest goals.db accepted by Settings → "Import from the old app" (bytes).
LEGACY_UPLOAD_MAX_BYTES = int(os.environ.get("LEGACY_UPLOAD_MAX_BYTES", 200 * 1024 * 1024))
LEGACY_UPLOAD_DIR = os.environ.get("LEGACY_UPLOAD_DIR", "")  # empty: the system temp folder
