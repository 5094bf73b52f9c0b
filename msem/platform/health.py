"""Is the deployment well? The database, the workers and the outboxes, as an operator asks.

Read by the /health/ endpoint (monitoring) and the platform administrators'
admin page. Counts only: no school's data leaves through here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Min, Q
from django.utils import timezone

from msem.connector4807.models import SalePush
from msem.mailing.models import OutgoingEmail
from msem.outbox.rows import OutboxRow, OutboxStatus
from msem.platform.heartbeat import task_queues
from msem.platform.models import WorkerHeartbeat

OUTBOXES: dict[str, type[OutboxRow]] = {"emails": OutgoingEmail, "sale_pushes": SalePush}


@dataclass(frozen=True)
class OutboxBacklog:
    name: str
    pending: int  # queued or being sent
    failed: int  # failed for good: a person must look
    # How long the oldest row that is due has been waiting for a worker (the workers' lag).
    oldest_due_seconds: int | None
    # How long the oldest row not yet done has waited since it was written, retries included. A relay
    # or a 4807 that refuses everything keeps each row's next attempt in the future, so the due lag
    # stays small while nothing leaves: this is what tells that outage.
    oldest_pending_seconds: int | None = None

    @property
    def late(self) -> bool:
        limit = settings.MSEM_HEALTH_OUTBOX_MAX_DELAY_SECONDS
        return (self.oldest_due_seconds or 0) > limit or (self.oldest_pending_seconds or 0) > limit


@dataclass(frozen=True)
class QueueBeat:
    """A queue's latest heartbeat: whether some worker serves the queue, and how late."""

    name: str
    last_beat_at: datetime | None = None
    beat_age_seconds: int | None = None
    queue_lag_ms: int | None = None

    @property
    def ok(self) -> bool:
        return self.beat_age_seconds is not None and self.beat_age_seconds <= settings.MSEM_HEALTH_HEARTBEAT_MAX_AGE

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "last_beat_at": self.last_beat_at.isoformat() if self.last_beat_at else None,
            "beat_age_seconds": self.beat_age_seconds,
            "queue_lag_ms": self.queue_lag_ms,
        }


@dataclass(frozen=True)
class HealthReport:
    database_ok: bool
    database_ms: float | None = None
    queues: list[QueueBeat] = field(default_factory=list)
    outboxes: list[OutboxBacklog] = field(default_factory=list)

    @property
    def workers_ok(self) -> bool:
        """Every queue is served: one silent queue is work that nobody does."""
        return bool(self.queues) and all(queue.ok for queue in self.queues)

    @property
    def stalest_queue(self) -> QueueBeat:
        """The queue heard from least recently (one never heard from first): the one that decides."""
        if not self.queues:
            return QueueBeat(name="")
        return max(self.queues, key=lambda queue: (queue.beat_age_seconds is None, queue.beat_age_seconds or 0))

    @property
    def ok(self) -> bool:
        return self.database_ok and self.workers_ok and not any(outbox.late for outbox in self.outboxes)

    def as_json(self) -> dict[str, object]:
        return {
            "status": "ok" if self.ok else "failing",
            "database": {"ok": self.database_ok, "ms": self.database_ms},
            # The stalest queue's beat, then every queue's.
            "workers": {
                **self.stalest_queue.as_json(),
                "ok": self.workers_ok,
                "queues": {queue.name: queue.as_json() for queue in self.queues},
            },
            "outboxes": {
                outbox.name: {
                    "ok": not outbox.late,
                    "pending": outbox.pending,
                    "failed": outbox.failed,
                    "oldest_due_seconds": outbox.oldest_due_seconds,
                    "oldest_pending_seconds": outbox.oldest_pending_seconds,
                }
                for outbox in self.outboxes
            },
        }


def database_ping() -> float | None:
    """Milliseconds for a trivial query, None when the database does not answer."""
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return None
    return round((time.perf_counter() - started) * 1000, 1)


def outbox_backlog(name: str, model: type[OutboxRow], now: datetime) -> OutboxBacklog:
    pending_statuses = [OutboxStatus.QUEUED, OutboxStatus.SENDING]
    # The status indexes serve these counts: they grow with the backlog, not with the table.
    counts = model._default_manager.filter(status__in=[*pending_statuses, OutboxStatus.FAILED]).aggregate(
        pending=Count("pk", filter=Q(status__in=pending_statuses)),
        failed=Count("pk", filter=Q(status=OutboxStatus.FAILED)),
        oldest_due=Min("next_attempt_at", filter=Q(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)),
        oldest_pending=Min("created_at", filter=Q(status__in=pending_statuses)),
    )
    oldest = counts["oldest_due"]
    oldest_pending = counts["oldest_pending"]
    return OutboxBacklog(
        name=name,
        pending=counts["pending"],
        failed=counts["failed"],
        oldest_due_seconds=int((now - oldest).total_seconds()) if oldest else None,
        oldest_pending_seconds=int((now - oldest_pending).total_seconds()) if oldest_pending else None,
    )


def queue_beats(now: datetime) -> list[QueueBeat]:
    """Each configured queue's latest beat, whichever worker ran it (the table holds a row per worker and queue)."""
    latest: dict[str, WorkerHeartbeat] = {}
    for beat in WorkerHeartbeat.objects.order_by("-beat_at"):
        latest.setdefault(beat.queue_name, beat)
    return [_queue_beat(name, latest.get(name), now) for name in task_queues()]


def _queue_beat(name: str, beat: WorkerHeartbeat | None, now: datetime) -> QueueBeat:
    if beat is None:
        return QueueBeat(name=name)
    age = int((now - beat.beat_at).total_seconds())
    return QueueBeat(name=name, last_beat_at=beat.beat_at, beat_age_seconds=age, queue_lag_ms=beat.lag_ms)


def health_report(*, now: datetime | None = None) -> HealthReport:
    now = now or timezone.now()
    database_ms = database_ping()
    if database_ms is None:
        return HealthReport(database_ok=False)
    return HealthReport(
        database_ok=True,
        database_ms=database_ms,
        queues=queue_beats(now),
        outboxes=[outbox_backlog(name, model, now) for name, model in OUTBOXES.items()],
    )


@dataclass(frozen=True)
class SchoolFailures:
    school_name: str
    emails: int
    sale_pushes: int


def outbox_failures_by_school(*, limit: int = 20) -> list[SchoolFailures]:
    """The schools with work failed for good, most first: whom to call."""
    counts: dict[str, dict[str, int]] = {}
    for name, model in OUTBOXES.items():
        rows = (
            model._default_manager.filter(status=OutboxStatus.FAILED)
            .values("school__name")
            .annotate(failed=Count("pk"))
        )
        for row in rows:
            counts.setdefault(row["school__name"], {})[name] = row["failed"]
    failures = [
        SchoolFailures(school_name=school, emails=found.get("emails", 0), sale_pushes=found.get("sale_pushes", 0))
        for school, found in counts.items()
    ]
    failures.sort(key=lambda item: (-(item.emails + item.sale_pushes), item.school_name))
    return failures[:limit]
