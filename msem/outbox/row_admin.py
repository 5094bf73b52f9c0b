"""What platform administrators see of an outbox: states and errors, never the content.

An e-mail's recipient and text, a sale's client, are the schools' data: the
list shows which school, what kind, how it went. One action puts rows
failed for good back in the queue, once the cause (an SMTP outage, a 4807
account) is fixed; the other has the rows still retrying tried now.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from msem.outbox.rows import OutboxStatus
from msem.outbox.worker import Channel, outbox_retry, outbox_try_now


class OutboxRowAdmin(admin.ModelAdmin):
    channel: Channel
    list_display = ["created_at", "school", "status", "attempts", "next_attempt_at", "short_error"]
    list_filter = ["status"]
    list_select_related = ["school"]
    search_fields = ["school__name", "school__slug"]
    date_hierarchy = "created_at"
    actions = ["put_back_in_queue", "try_now"]
    fields = ["school", "status", "attempts", "next_attempt_at", "leased_by", "lease_expires_at", "last_error"]

    @admin.display(description=_("last error"))
    def short_error(self, row: Any) -> str:
        return row.last_error[:120]

    @admin.action(description=_("Put the failed ones back in the queue"))
    def put_back_in_queue(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        retried = sum(outbox_retry(row, self.channel) for row in queryset.filter(status=OutboxStatus.FAILED))
        message = ngettext("%(count)d row is back in the queue.", "%(count)d rows are back in the queue.", retried)
        self.message_user(request, message % {"count": retried}, messages.SUCCESS)

    @admin.action(description=_("Try now the ones waiting for their next attempt"))
    def try_now(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # Once the mail server (or 4807) is fixed, rows still retrying need not wait up to an hour.
        moved = outbox_try_now(channel=self.channel, row_ids=queryset.values_list("pk", flat=True))
        message = ngettext("%(count)d row will be tried now.", "%(count)d rows will be tried now.", moved)
        self.message_user(request, message % {"count": moved}, messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
