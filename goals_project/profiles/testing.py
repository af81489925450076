"""The profile the test suite runs under: never a development or production database."""

import os
import tempfile

from .base import *  # noqa: F403
from .base import database_config

ENV = "testing"
DEBUG = False
DATABASES = {"default": database_config(ENV)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not Django's in-memory default: concurrency tests need several connections that
    # wait on each other (WAL, IMMEDIATE, busy timeout) as they do in production. One file per
    # process (each xdist worker too), in the temp folder, so two test runs never share one.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"fractal_goals_test_{os.getpid()}.db"),
    }
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
# The suite makes thousands of API calls from one "client": the throttle tests set their own rates.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute", "user": "1000000/minute"},
}
