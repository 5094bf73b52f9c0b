from __future__ import annotations

from django.db import models


class RateLimitCounter(models.Model):
    """Hits of one key (an IP, a school, a recipient …) in one fixed time window.

    Kept in the database so that every web process of the deployment counts
    together. Rows of past windows are deleted as new ones are written.
    """

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField(db_index=True)
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_unique_window")]

    def __str__(self) -> str:
        return f"{self.key}: {self.hits} since {self.window_start:%Y-%m-%d %H:%M}"


class WorkerHeartbeat(models.Model):
    """The last time a worker ran the heartbeat task from a queue: proof that the queue's work gets done.

    The scheduler queues the task every minute on every queue; whichever
    worker runs it writes its row for that queue (a worker of every queue has
    a row per queue). How late the task ran after being queued is the queue's
    lag, the number an operator wants when e-mails seem slow.
    """

    worker = models.CharField(max_length=120)
    queue_name = models.CharField(max_length=32, default="default")
    beat_at = models.DateTimeField(db_index=True)
    lag_ms = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["worker", "queue_name"], name="one_beat_per_worker_and_queue")]

    def __str__(self) -> str:
        return f"{self.worker} ({self.queue_name}) at {self.beat_at:%Y-%m-%d %H:%M:%S}"
