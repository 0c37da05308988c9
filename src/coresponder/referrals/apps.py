from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "coresponder.referrals"
    label = "referrals"
