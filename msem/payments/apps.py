from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "msem.payments"
    label = "payments"
