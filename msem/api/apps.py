from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "msem.api"
    label = "api"
