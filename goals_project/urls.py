from django.contrib import admin
from django.urls import include, path

from ops.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include(("goals_project.api_urls", "api"))),
    path("", include("front.urls")),
    path("", include("goals.urls")),
    path("", include("activities.urls")),
    path("", include("sessions.urls")),
    path("", include("insights.urls")),
]
