"""What runs on a clock: a few enqueues, the work itself is done by the workers.

`manage.py schedule` calls `periodic_enqueue` every minute. Running two
schedulers is harmless: the wake-ups are no-ops when there is nothing to do,
a sync enqueued twice fetches the same data and writes nothing new, and the
hourly chores (purging the quarantine, pruning finished task rows, expiring
the quotes past their validity date, the large schools' search indexes) are
idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from msem.catalog.models import Catalog
from msem.connector4807.pushing import push_sales
from msem.connector4807.services import sync_price_lists, verify_catalog_codes
from msem.inquiries.quarantine import purge_quarantine
from msem.inquiries.search_indexes import school_search_indexes_task
from msem.mailing.delivery import deliver_outbox
from msem.platform.heartbeat import heartbeat_enqueue, task_queues, worker_heartbeat
from msem.quotes.services import expire_quotes
from msem.schools.models import School


def _not_waiting(task: Task) -> bool:
    """No run of this task is ready to go on its queue: one more would not be a duplicate."""
    return not DBTaskResult.objects.ready().filter(task_path=task.module_path, queue_name=task.queue_name).exists()


@dataclass
class Clock:
    """What the scheduler remembers between ticks: when the slower chores last ran."""

    last_sync: datetime | None = None
    last_hourly: datetime | None = None


def periodic_enqueue(*, now: datetime | None = None, clock: Clock | None = None) -> Clock:
    """Sweep the outboxes and beat on every queue; hourly chores and the 4807 sync when due."""
    now = now or timezone.now()
    clock = clock or Clock()
    # A sweep finds rows whose wake-up was lost (a task table pruned by hand, say).
    for sweep in (deliver_outbox, push_sales):
        if _not_waiting(sweep):
            sweep.enqueue()
    # A beat per queue, each proving its queue is served. One waiting per queue is enough:
    # when a queue's workers are down, its beats must not pile up.
    for queue_name in task_queues():
        if _not_waiting(worker_heartbeat.using(queue_name=queue_name)):
            heartbeat_enqueue(queue_name)
    if clock.last_hourly is None or now - clock.last_hourly >= timedelta(hours=1):
        purge_quarantine.enqueue()
        prune_task_results.enqueue()
        expire_quotes.enqueue()
        if connection.vendor == "postgresql":
            school_search_indexes_task.enqueue()
        clock.last_hourly = now
    if settings.MSEM_4807_URL:
        _enqueue_4807_work(now, clock)
    return clock


def _enqueue_4807_work(now: datetime, clock: Clock) -> None:
    unverified = Catalog.objects.live().filter(verification=Catalog.Verification.NOT_VERIFIED)
    for school_id in unverified.values_list("school_id", flat=True).distinct():
        verify_catalog_codes.enqueue(school_id)
    if clock.last_sync is None or now - clock.last_sync >= timedelta(minutes=settings.MSEM_4807_SYNC_MINUTES):
        for school_id in School.objects.values_list("pk", flat=True):
            sync_price_lists.enqueue(school_id)
        clock.last_sync = now


@task()
def prune_task_results() -> int:
    """Finished tasks' rows: a day of successes and two weeks of failures are enough to look into.

    A run still "running" after a day never will finish: its worker was killed, or
    lost the database, before it could write the outcome (its outbox rows were
    taken over when their lease ended).
    """
    now = timezone.now()
    deleted, _ = DBTaskResult.objects.filter(
        Q(status="SUCCESSFUL", finished_at__lt=now - timedelta(days=1))
        | Q(status="FAILED", finished_at__lt=now - timedelta(days=14))
        | Q(status="RUNNING", started_at__lt=now - timedelta(days=1))
    ).delete()
    return deleted
