from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "coresponder.cases"
    label = "cases"
