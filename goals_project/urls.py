from django.contrib import admin
from django.urls import include, path

from ops.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # goals.urls first: its password reset page replaces Django's under the same name.
    path("", include("goals.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include(("goals_project.api_urls", "api"))),
    path("", include("front.urls")),
    path("", include("activities.urls")),
    path("", include("sessions.urls")),
    path("", include("insights.urls")),
    path("", include("ops.urls")),
]

handler400 = "goals.api.error_views.bad_request"
handler403 = "goals.api.error_views.permission_denied"
handler404 = "goals.api.error_views.page_not_found"
handler500 = "goals.api.error_views.server_error"
