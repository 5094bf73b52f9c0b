"""What runs on a clock: a few enqueues, the work itself is done by the workers.

`manage.py schedule` calls `periodic_enqueue` every minute. Running two
schedulers is harmless: the wake-ups are no-ops when there is nothing to do,
and a sync enqueued twice fetches the same data and writes nothing new.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from msem.catalog.models import Catalog
from msem.connector4807.pushing import push_sales
from msem.connector4807.services import sync_price_lists, verify_catalog_codes
from msem.mailing.delivery import deliver_outbox
from msem.platform.heartbeat import heartbeat_enqueue, worker_heartbeat
from msem.schools.models import School


def _not_waiting(task_path: str) -> bool:
    """No run of this task is ready to go: one more would not be a duplicate."""
    return not DBTaskResult.objects.ready().filter(task_path=task_path).exists()


def periodic_enqueue(*, now: datetime | None = None, last_sync: datetime | None = None) -> datetime | None:
    """Sweep the outboxes; sync the price lists when due. Returns when the last sync was enqueued."""
    now = now or timezone.now()
    # A sweep finds rows whose wake-up was lost (a task table pruned by hand, say).
    for sweep in (deliver_outbox, push_sales):
        if _not_waiting(sweep.module_path):
            sweep.enqueue()
    # One beat waiting is enough: when the workers are down, beats must not pile up.
    if _not_waiting(worker_heartbeat.module_path):
        heartbeat_enqueue()
    if not settings.MSEM_4807_URL:
        return last_sync
    unverified = Catalog.objects.live().filter(verification=Catalog.Verification.NOT_VERIFIED)
    for school_id in unverified.values_list("school_id", flat=True).distinct():
        verify_catalog_codes.enqueue(school_id)
    if last_sync is None or now - last_sync >= timedelta(minutes=settings.MSEM_4807_SYNC_MINUTES):
        for school_id in School.objects.values_list("pk", flat=True):
            sync_price_lists.enqueue(school_id)
        return now
    return last_sync
