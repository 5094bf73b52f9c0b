"""The workers' heartbeat: a task the scheduler queues every minute and any worker runs.

A fresh beat proves the whole chain works: the scheduler queues, a worker
claims and runs, the database takes the write. Its lag says how long queued
work waits for a worker.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from msem.platform.models import WorkerHeartbeat

# Rows of workers gone for this long are forgotten (a redeployed machine, say).
FORGET_AFTER = timedelta(days=1)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def heartbeat_record(*, queued_at: datetime, now: datetime | None = None) -> WorkerHeartbeat:
    now = now or timezone.now()
    lag_ms = max(0, int((now - queued_at).total_seconds() * 1000))
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        worker=worker_name(), defaults={"beat_at": now, "lag_ms": lag_ms}
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()
    return beat


@task()
def worker_heartbeat(queued_at: str) -> int:
    return heartbeat_record(queued_at=datetime.fromisoformat(queued_at)).lag_ms


def heartbeat_enqueue() -> None:
    worker_heartbeat.enqueue(timezone.now().isoformat())
