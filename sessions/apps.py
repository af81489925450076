from django.apps import AppConfig


class PracticeSessionsConfig(AppConfig):
    # Django's own session framework owns the label "sessions".
    name = "sessions"
    label = "practice_sessions"
    verbose_name = "Practice sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from activities.panels import register_activity_panel
        from goals import services

        from . import signals  # noqa: F401
        from .records import store_products_after_trash
        from .targets import evaluate_goal, reevaluate_after_trash
        from .views.records import records_panel

        register_activity_panel(records_panel)
        if reevaluate_after_trash not in services.after_trash_change:
            services.after_trash_change.append(reevaluate_after_trash)
        if store_products_after_trash not in services.after_trash_change:
            services.after_trash_change.append(store_products_after_trash)
        if evaluate_goal not in services.after_completion_mode_change:
            services.after_completion_mode_change.append(evaluate_goal)
