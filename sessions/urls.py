from django.urls import path

from .views import fractals, goals, trash

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
]
