"""The profile the test suite runs under: never a development or production database."""

from .base import *  # noqa: F403
from .base import database_config

ENV = "testing"
DEBUG = False
DATABASES = {"default": database_config(ENV)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not Django's in-memory default: concurrency tests need several connections that
    # wait on each other (WAL, IMMEDIATE, busy timeout) as they do in production.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "goals_test_run.db")}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files are served from the finders in tests; no collectstatic step needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
AXES_ENABLED = True
