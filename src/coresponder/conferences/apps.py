from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "coresponder.conferences"
    label = "conferences"
