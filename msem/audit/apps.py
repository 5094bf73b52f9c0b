from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "msem.audit"
    label = "audit"
