from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "msem.platform"
    label = "platform"
