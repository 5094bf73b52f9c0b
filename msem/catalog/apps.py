from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "msem.catalog"
    label = "catalog"
