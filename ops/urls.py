from django.urls import path

from . import account_views, views

urlpatterns = [
    path("settings/legacy-import/", views.legacy_upload, name="legacy-upload"),
    path("settings/legacy-import/<str:upload_id>/", views.legacy_review, name="legacy-review"),
    # Account data (Settings): download, restore, the private calendar feed.
    path("settings/export/", account_views.account_export, name="account-export"),
    path("settings/import/", account_views.account_import, name="account-import"),
    path("settings/import/confirm/", account_views.account_import_confirm, name="account-import-confirm"),
    path("calendar/<str:token>.ics", account_views.calendar_feed, name="calendar-feed"),
]
