from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "goals"
    label = "goals"
    verbose_name = "Goals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
