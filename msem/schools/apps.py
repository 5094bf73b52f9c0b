from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "msem.schools"
    label = "schools"
