from django.urls import path

from . import views

urlpatterns = [
    path("settings/import/", views.legacy_upload, name="legacy-upload"),
    path("settings/import/<str:upload_id>/", views.legacy_review, name="legacy-review"),
]
