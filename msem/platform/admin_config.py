from django.contrib.admin.apps import AdminConfig


class MsemAdminConfig(AdminConfig):
    """Django's admin, whose first page also shows the deployment's health."""

    default_site = "msem.platform.admin_site.MsemAdminSite"
