from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "goals"
    label = "goals"
    verbose_name = "Goals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import signals  # noqa: F401
        from .search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="goals.search.sqlite_functions")
