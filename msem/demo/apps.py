from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "msem.demo"
    label = "demo"
