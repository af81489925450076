"""One router for the whole API; each app contributes its routes from its ``api`` package."""

urlpatterns = []
