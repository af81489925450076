from django.conf import settings


def environment(request):
    """The environment badge and the user's theme, on every page."""
    theme = "system"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and hasattr(user, "profile"):
        theme = user.profile.theme
    return {"ENVIRONMENT": settings.ENV, "ALLOW_SIGNUP": settings.ALLOW_SIGNUP, "THEME": theme}
