from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "msem.accounts"
    label = "accounts"
