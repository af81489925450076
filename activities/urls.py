from django.urls import path

from . import views

prefix = "fractals/<uuid:root_id>/activities/"

urlpatterns = [
    path(prefix, views.activity_library, name="activity-library"),
    path(f"{prefix}new/", views.activity_create, name="activity-create"),
    path(f"{prefix}<uuid:activity_id>/edit/", views.activity_edit, name="activity-edit"),
    path(f"{prefix}<uuid:activity_id>/delete/", views.activity_delete, name="activity-delete"),
    path(f"{prefix}groups/new/", views.group_create, name="group-create"),
    path(f"{prefix}groups/reorder/", views.group_reorder, name="group-reorder"),
    path(f"{prefix}groups/<uuid:group_id>/edit/", views.group_edit, name="group-edit"),
    path(f"{prefix}groups/<uuid:group_id>/delete/", views.group_delete, name="group-delete"),
]
