from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "coresponder.analytics"
    label = "analytics"
    verbose_name = "Outcomes"
