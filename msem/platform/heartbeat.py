"""The workers' heartbeat: a task the scheduler queues every minute on every queue.

Each queue has its own workers (config/settings.py TASKS), so a beat proves
only that its queue is served: the scheduler queues one per queue and each
is recorded with the queue it came through. A queue without a fresh beat is
one no worker serves. A fresh beat proves the whole chain works for its
queue: the scheduler queues, a worker claims and runs, the database takes
the write. Its lag says how long queued work waits for a worker there.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import TaskContext, task

from msem.platform.models import WorkerHeartbeat

# Rows of workers gone for this long are forgotten (a redeployed machine, say).
FORGET_AFTER = timedelta(days=1)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def task_queues() -> list[str]:
    """The queues the workers are expected to serve, as configured."""
    return sorted(worker_heartbeat.get_backend().queues)


def heartbeat_record(*, queue_name: str, queued_at: datetime, now: datetime | None = None) -> WorkerHeartbeat:
    now = now or timezone.now()
    lag_ms = max(0, int((now - queued_at).total_seconds() * 1000))
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        worker=worker_name(), queue_name=queue_name, defaults={"beat_at": now, "lag_ms": lag_ms}
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()
    return beat


@task(takes_context=True)
def worker_heartbeat(context: TaskContext, queued_at: str) -> int:
    # The queue the task was claimed from, not one it was told: that is what the beat proves.
    queue_name = context.task_result.task.queue_name
    return heartbeat_record(queue_name=queue_name, queued_at=datetime.fromisoformat(queued_at)).lag_ms


def heartbeat_enqueue(queue_name: str) -> None:
    worker_heartbeat.using(queue_name=queue_name).enqueue(timezone.now().isoformat())
