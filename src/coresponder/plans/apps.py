from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "coresponder.plans"
    label = "plans"
