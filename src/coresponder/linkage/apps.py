from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "coresponder.linkage"
    label = "linkage"
