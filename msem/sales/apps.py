from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "msem.sales"
    label = "sales"
