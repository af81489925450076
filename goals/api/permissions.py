"""Who may use the API: signed-in users (session or token). Ownership is a 404, see ``base``."""

from rest_framework.permissions import IsAuthenticated

from .throttles import count_refused_request


class IsSignedIn(IsAuthenticated):
    """Anonymous requests get 401 (token clients) or 403 (session clients).

    DRF checks permissions before throttles, so a refused anonymous request would never be
    counted: count it here against the anonymous rate (429 once it is spent).
    """

    def has_permission(self, request, view):
        allowed = super().has_permission(request, view)
        if not allowed:
            count_refused_request(request, view)
        return allowed


API_PERMISSIONS = [IsSignedIn]
