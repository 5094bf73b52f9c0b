from django.apps import AppConfig


class PublicSiteConfig(AppConfig):
    name = "msem.public_site"
    label = "public_site"
