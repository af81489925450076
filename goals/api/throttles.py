"""API rate limits. The rates are read on each request (not frozen at import like DRF's own
classes), so settings overrides and environment changes take effect."""

from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonymousClientThrottle(AnonRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class SignedInClientThrottle(UserRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class RefusedClientThrottle(AnonymousClientThrottle):
    """The anonymous rate, counted per address for requests refused before DRF's own throttle
    check runs (no credentials, a wrong token), so guessing tokens is rate-limited too."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def count_refused_request(request, view=None):
    throttle = RefusedClientThrottle()
    if not throttle.allow_request(request, view):
        raise Throttled(throttle.wait())
