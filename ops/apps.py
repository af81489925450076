from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: the management commands and what is behind them. Holds no models."""

    name = "ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self):
        from . import checks  # noqa: F401
