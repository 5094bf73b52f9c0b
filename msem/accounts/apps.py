from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "msem.accounts"
    label = "accounts"

    def ready(self) -> None:
        # The login stamp must be connected before the first login, not on the first request.
        from msem.accounts import session_limits  # noqa: F401, PLC0415
