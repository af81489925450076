from django.apps import AppConfig


class PracticeSessionsConfig(AppConfig):
    # Django's own session framework owns the label "sessions".
    name = "sessions"
    label = "practice_sessions"
    verbose_name = "Practice sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from activities.panels import register_activity_panel

        from . import signals  # noqa: F401
        from .views.records import records_panel

        register_activity_panel(records_panel)
