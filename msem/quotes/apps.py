from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "msem.quotes"
    label = "quotes"
