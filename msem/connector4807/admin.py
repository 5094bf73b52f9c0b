from __future__ import annotations

from django.contrib import admin

from msem.connector4807.models import SalePush
from msem.connector4807.pushing import SALE_PUSHES
from msem.outbox.row_admin import OutboxRowAdmin


@admin.register(SalePush)
class SalePushAdmin(OutboxRowAdmin):
    channel = SALE_PUSHES
    fields = ["school", "idempotency_key", "remote_id", *OutboxRowAdmin.fields[1:]]
