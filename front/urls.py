from django.urls import path

from .views import fractals, goal_map, goals, trash, tree_edit

fractal = "fractals/<uuid:root_id>/"
goal = f"{fractal}goals/<uuid:goal_id>/"

# Fractal list, tree (a list or a map, a goal's panel beside the map), goal page with its targets, trash.
urlpatterns = [
    path("", fractals.fractal_list, name="fractal-list"),
    path(fractal, fractals.fractal_tree, name="fractal-tree"),
    path(f"{fractal}view/", goal_map.tree_view_set, name="fractal-view"),
    path(goal, goals.goal_detail, name="goal-detail"),
    path(f"{goal}panel/", goal_map.goal_panel, name="goal-panel"),
    path(f"{goal}copy/", goals.goal_copy, name="goal-copy"),
    path(f"{goal}targets/new/", goals.target_create, name="target-create"),
    path(f"{goal}targets/<uuid:target_id>/edit/", goals.target_edit, name="target-edit"),
    path(f"{goal}targets/<uuid:target_id>/delete/", goals.target_delete, name="target-delete"),
    path(f"{goal}row/", tree_edit.tree_row, name="tree-row"),
    path(f"{goal}add-in-place/", tree_edit.tree_add, name="tree-add"),
    path(f"{goal}rename/", tree_edit.tree_rename, name="tree-rename"),
    path(f"{goal}drop/", tree_edit.tree_drop, name="tree-drop"),
    path(f"{fractal}trash/", trash.trash, name="trash"),
    path(f"{fractal}trash/<slug:kind>/<uuid:object_id>/restore/", trash.trash_restore, name="trash-restore"),
]
