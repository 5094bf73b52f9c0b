from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "msem.backoffice"
    label = "backoffice"
