from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include(("goals_project.api_urls", "api"))),
    path("", include("goals.urls")),
    path("", include("activities.urls")),
    path("", include("sessions.urls")),
]

handler400 = "goals.api.error_views.bad_request"
handler403 = "goals.api.error_views.permission_denied"
handler404 = "goals.api.error_views.page_not_found"
handler500 = "goals.api.error_views.server_error"
