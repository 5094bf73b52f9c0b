from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingConfig(AppConfig):
    name = "msem.mailing"
    verbose_name = _("E-mails")
    label = "mailing"
