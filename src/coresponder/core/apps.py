from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "coresponder.core"
    label = "core"
