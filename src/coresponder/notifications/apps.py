from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "coresponder.notifications"
    label = "notifications"
