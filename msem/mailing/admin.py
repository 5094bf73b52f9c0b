from __future__ import annotations

from django.contrib import admin

from msem.mailing.delivery import EMAILS
from msem.mailing.models import OutgoingEmail
from msem.outbox.row_admin import OutboxRowAdmin


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(OutboxRowAdmin):
    channel = EMAILS
    list_display = ["created_at", "school", "kind", "status", "attempts", "next_attempt_at", "short_error"]
    list_filter = ["status", "kind"]
    fields = ["school", "kind", "language", *OutboxRowAdmin.fields[1:]]
