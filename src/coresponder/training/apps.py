from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "coresponder.training"
    label = "training"
    verbose_name = "Officer training"
