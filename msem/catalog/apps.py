from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "msem.catalog"
    verbose_name = _("Catalogs")
    label = "catalog"
