from django.urls import path

from . import views

sessions = "fractals/<uuid:root_id>/sessions/"
session = f"{sessions}<uuid:session_id>/"
instance = f"{session}instances/<uuid:instance_id>/"

urlpatterns = [
    path(sessions, views.session_list, name="session-list"),
    path(f"{sessions}new/", views.session_create, name="session-create"),
    path(session, views.session_detail, name="session-detail"),
    path(f"{session}start/", views.session_start, name="session-start"),
    path(f"{session}complete/", views.session_complete, name="session-complete"),
    path(f"{session}reopen/", views.session_reopen, name="session-reopen"),
    path(f"{session}edit/", views.session_edit, name="session-edit"),
    path(f"{session}delete/", views.session_delete, name="session-delete"),
    path(f"{session}activities/add/", views.session_add_activity, name="session-add-activity"),
    path(f"{session}reorder/", views.session_reorder, name="session-reorder"),
    path(f"{instance}move/", views.instance_move, name="instance-move"),
    path(f"{instance}remove/", views.instance_remove, name="instance-remove"),
    path(f"{instance}timer/", views.instance_timer, name="instance-timer"),
    path(f"{instance}times/", views.instance_times, name="instance-times"),
    path(f"{instance}update/", views.instance_update, name="instance-update"),
    path(f"{instance}values/", views.instance_values, name="instance-values"),
]
