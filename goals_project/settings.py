"""Settings entry point: ``ENV`` (development | testing | production) picks the profile."""

import os

from django.core.exceptions import ImproperlyConfigured

_ENV = os.environ.get("ENV", "development").strip().lower()

if _ENV == "development":
    from .profiles.development import *  # noqa: F403
elif _ENV == "testing":
    from .profiles.testing import *  # noqa: F403
elif _ENV == "production":
    from .profiles.production import *  # noqa: F403
else:
    raise ImproperlyConfigured(f"ENV must be development, testing or production, not {_ENV!r}.")
