from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from msem.audit.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "school", "action", "actor_email"]
    list_filter = ["action"]
    search_fields = ["actor_email", "school__name"]
    readonly_fields = ["school", "action", "actor", "actor_email", "created_at", "before", "after"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
