from django.apps import AppConfig


class Connector4807Config(AppConfig):
    name = "msem.connector4807"
    label = "connector4807"
