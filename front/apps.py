from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "front"
    label = "front"
    verbose_name = "Pages across apps"
