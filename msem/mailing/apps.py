from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "msem.mailing"
    label = "mailing"
