from django.urls import include, path

from . import views
from .views import fractals, goals, trash

sessions = "fractals/<uuid:root_id>/sessions/"
session = f"{sessions}<uuid:session_id>/"
instance = f"{session}instances/<uuid:instance_id>/"

# Fractal list, tree, goal page, targets and trash (pages-core).
urlpatterns = [
    path("", fractals.fractal_list, name="fractal-list"),
    path("fractals/<uuid:root_id>/", fractals.fractal_tree, name="fractal-tree"),
    path("fractals/<uuid:root_id>/goals/<uuid:goal_id>/", goals.goal_detail, name="goal-detail"),
    path("fractals/<uuid:root_id>/goals/<uuid:goal_id>/targets/new/", goals.target_create, name="target-create"),
    path(
        "fractals/<uuid:root_id>/goals/<uuid:goal_id>/targets/<uuid:target_id>/edit/",
        goals.target_edit,
        name="target-edit",
    ),
    path(
        "fractals/<uuid:root_id>/goals/<uuid:goal_id>/targets/<uuid:target_id>/delete/",
        goals.target_delete,
        name="target-delete",
    ),
    path("fractals/<uuid:root_id>/trash/", trash.trash, name="trash"),
    path(
        "fractals/<uuid:root_id>/trash/<slug:kind>/<uuid:object_id>/restore/",
        trash.trash_restore,
        name="trash-restore",
    ),
    # Templates, programs and analytics (pages-plans).
    path("", include("sessions.plan_urls")),
]

# Sessions list, new session and the session page with its in-page actions (pages-sessions).
urlpatterns += [
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
