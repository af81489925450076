"""Who may use the API: signed-in users (session or token). Ownership is a 404, see ``base``."""

from rest_framework.permissions import IsAuthenticated


class IsSignedIn(IsAuthenticated):
    """Anonymous requests get 401 (token clients) or 403 (session clients)."""


API_PERMISSIONS = [IsSignedIn]
