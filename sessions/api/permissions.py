from goals.api.permissions import API_PERMISSIONS

__all__ = ["API_PERMISSIONS"]
