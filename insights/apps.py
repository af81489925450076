from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    label = "insights"
    verbose_name = "Insights"
