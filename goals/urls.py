from django.urls import path

from . import views

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/verify-email/<str:token>/", views.verify_email, name="verify-email"),
    # Ours before django.contrib.auth.urls (included after this file): same names, our pages.
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/account/", views.account_update, name="account-update"),
    path("settings/account/verify/", views.verification_resend, name="verification-resend"),
    path("settings/account/delete/", views.account_delete, name="account-delete"),
    path("settings/calendar/", views.calendar_token, name="calendar-token"),
    path("settings/token/", views.api_token, name="api-token"),
    path("fractals/new/", views.fractal_create, name="fractal-create"),
    path("fractals/<uuid:root_id>/delete/", views.fractal_delete, name="fractal-delete"),
    path("fractals/<uuid:root_id>/restore/", views.fractal_restore, name="fractal-restore"),
    path("fractals/<uuid:root_id>/goals/<uuid:goal_id>/add/", views.goal_add_child, name="goal-add-child"),
    path("fractals/<uuid:root_id>/goals/<uuid:goal_id>/edit/", views.goal_edit, name="goal-edit"),
    path("fractals/<uuid:root_id>/goals/<uuid:goal_id>/move-to/", views.goal_move_to, name="goal-move-to"),
    path(
        "fractals/<uuid:root_id>/goals/<uuid:goal_id>/complete/",
        views.goal_set_completed,
        {"completed": True},
        name="goal-complete",
    ),
    path(
        "fractals/<uuid:root_id>/goals/<uuid:goal_id>/reopen/",
        views.goal_set_completed,
        {"completed": False},
        name="goal-reopen",
    ),
    *(
        path(
            f"fractals/<uuid:root_id>/goals/<uuid:goal_id>/{action}/",
            views.goal_lifecycle,
            {"action": action},
            name=f"goal-{action}",
        )
        for action in views.LIFECYCLE_ACTIONS
    ),
    path("fractals/<uuid:root_id>/goals/<uuid:goal_id>/up/", views.goal_move, {"direction": "up"}, name="goal-up"),
    path(
        "fractals/<uuid:root_id>/goals/<uuid:goal_id>/down/", views.goal_move, {"direction": "down"}, name="goal-down"
    ),
    path("fractals/<uuid:root_id>/goals/<uuid:goal_id>/delete/", views.goal_delete, name="goal-delete"),
    path("fractals/<uuid:root_id>/goals/<uuid:goal_id>/restore/", views.goal_restore, name="goal-restore"),
]
