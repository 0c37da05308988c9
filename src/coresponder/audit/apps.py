from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "coresponder.audit"
    label = "audit"
