from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    name = "msem.platform"
    verbose_name = _("Platform")
    label = "platform"

    def ready(self) -> None:
        # The deployment checks of `manage.py check --deploy`.
        from msem.platform import checks  # noqa: F401, PLC0415
