from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "msem.accounts"
    verbose_name = _("Accounts")
    label = "accounts"

    def ready(self) -> None:
        # The login stamp must be connected before the first login, not on the first request.
        from msem.accounts import security_log, session_limits  # noqa: F401, PLC0415
