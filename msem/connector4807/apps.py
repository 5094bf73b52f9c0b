from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Connector4807Config(AppConfig):
    name = "msem.connector4807"
    verbose_name = _("4807 connector")
    label = "connector4807"
