"""The worker's side of every outbox: claim a row, do its work, record the attempt.

A run claims one row at a time with a conditional update (and SELECT … FOR
UPDATE SKIP LOCKED on PostgreSQL, so that many workers share the work),
holding a lease on it while it works. A row whose lease has run out belongs
to a worker that died: the next run claims it again, so the work is done at
least once and, after a crash in the middle of it, at most twice — which the
other side absorbs (an e-mail keeps its Message-ID, a sale its idempotency key).

Every run that claims something first schedules a later run for when its
lease ends, in the claim's transaction: if this worker is killed, that run
takes the abandoned rows over. Retries are scheduled the same way, with
exponential backoff and jitter, or later if the other side said when.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from msem.outbox.errors import DeliveryError
from msem.outbox.rows import AttemptOutcome, OutboxAttempt, OutboxRow, OutboxStatus
from msem.platform.outage import DATABASE_UNAVAILABLE, connections_drop

logger = logging.getLogger(__name__)

# Wake-ups are rounded up to this many seconds, so that a burst of failures
# schedules a handful of runs rather than one per row.
WAKE_UP_GRANULARITY = 5

Row = TypeVar("Row", bound=OutboxRow)


@dataclass(frozen=True)
class Channel(Generic[Row]):
    """One kind of outbox: its tables, how to do a row's work, and its limits."""

    name: str
    row_model: type[Row]
    attempt_model: type[OutboxAttempt]
    attempt_row_field: str  # the attempt's foreign key to its row
    task: Task  # the task that runs outbox_run for this channel
    # Opens what the work needs for a whole run (an SMTP connection, an HTTP session).
    connect: Callable[[], AbstractContextManager[Any]]
    # Does the work; returns what to remember of success; raises DeliveryError.
    send: Callable[[Row, Any], dict[str, Any]]
    lease_seconds: Callable[[], int]
    max_attempts: Callable[[], int]
    retry_base_seconds: Callable[[], int]
    retry_max_seconds: Callable[[], int]
    # Called in the transaction that marks a row failed for good (an alert, say).
    on_failed: Callable[[Row], None] | None = None


@dataclass
class RunReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def count(self, outcome: str) -> None:
        if outcome == AttemptOutcome.SENT:
            self.sent += 1
        elif outcome == AttemptOutcome.RETRY:
            self.retried += 1
        else:
            self.failed += 1


def _round_up(moment: datetime) -> datetime:
    seconds = moment.timestamp()
    rounded = seconds - seconds % WAKE_UP_GRANULARITY + WAKE_UP_GRANULARITY
    return datetime.fromtimestamp(rounded, tz=moment.tzinfo)


def wake_up(task: Task, *, at: datetime | None = None) -> None:
    """Enqueue a run of the task, now or later, in the caller's transaction."""
    if at is None:
        task.enqueue()
        return
    at = _round_up(at)
    already = DBTaskResult.objects.filter(status="READY", task_path=task.module_path, run_after=at).exists()
    if not already:
        task.using(run_after=at).enqueue()


def retry_delay(channel: Channel, attempts: int) -> timedelta:
    """Exponential backoff with jitter: base, 2×base, 4×base … capped."""
    base = channel.retry_base_seconds()
    delay = min(channel.retry_max_seconds(), base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay * random.uniform(0.8, 1.2))  # noqa: S311 (jitter, not security)


def _claim_next(channel: Channel[Row], worker: str) -> tuple[Row, OutboxAttempt] | None:
    """The next due row, now leased to `worker`; None when nothing is due."""
    model = channel.row_model
    lease = timedelta(seconds=channel.lease_seconds())
    for _race in range(10):
        now = timezone.now()
        lost_a_race = False
        # Abandoned rows first: they have waited longest.
        for due in (
            Q(status=OutboxStatus.SENDING, lease_expires_at__lt=now),
            Q(status=OutboxStatus.QUEUED, next_attempt_at__lte=now),
        ):
            with transaction.atomic():
                candidate = (
                    model._default_manager.select_for_update(skip_locked=True)
                    .filter(due)
                    .order_by("next_attempt_at", "id")
                    .values_list("pk", flat=True)
                    .first()
                )
                if candidate is None:
                    continue
                claimed = model._default_manager.filter(due, pk=candidate).update(
                    status=OutboxStatus.SENDING,
                    leased_by=worker,
                    lease_expires_at=now + lease,
                    attempts=F("attempts") + 1,
                )
                if not claimed:
                    lost_a_race = True  # another worker took it between our read and our update
                    continue
                row = model._default_manager.get(pk=candidate)
                attempt = channel.attempt_model._default_manager.create(
                    school_id=row.school_id, worker=worker, started_at=now, **{channel.attempt_row_field: row}
                )
                return row, attempt
        if not lost_a_race:
            return None
    return None


def _finish(
    channel: Channel[Row], row: Row, attempt: OutboxAttempt, error: DeliveryError | None, result: dict[str, Any]
) -> str:
    """Record the outcome, unless the lease was lost meanwhile (then the new owner decides)."""
    now = timezone.now()
    mine = channel.row_model._default_manager.filter(pk=row.pk, status=OutboxStatus.SENDING, leased_by=attempt.worker)
    with transaction.atomic():
        if error is None:
            outcome = AttemptOutcome.SENT
            mine.update(status=OutboxStatus.SENT, sent_at=now, lease_expires_at=None, last_error="", **result)
        elif error.permanent or row.attempts >= channel.max_attempts():
            outcome = AttemptOutcome.FAILED
            if mine.update(status=OutboxStatus.FAILED, lease_expires_at=None, last_error=error.detail):
                row.refresh_from_db()
                if channel.on_failed is not None:
                    channel.on_failed(row)
        else:
            outcome = AttemptOutcome.RETRY
            next_attempt = now + max(retry_delay(channel, row.attempts), error.retry_after or timedelta(0))
            if mine.update(
                status=OutboxStatus.QUEUED,
                next_attempt_at=next_attempt,
                lease_expires_at=None,
                leased_by="",
                last_error=error.detail,
            ):
                wake_up(channel.task, at=next_attempt)
        type(attempt)._default_manager.filter(pk=attempt.pk).update(
            finished_at=now,
            outcome=outcome,
            code=error.code if error else None,
            detail=error.detail if error else "",
        )
    return outcome


def _finish_despite_outage(
    channel: Channel[Row], row: Row, attempt: OutboxAttempt, error: DeliveryError | None, result: dict[str, Any]
) -> str:
    """Record the outcome; while the database is unreachable, keep trying until the lease ends.

    The work is done by now (the SMTP server took the e-mail, 4807 recorded the
    sale): not writing it down means doing it again once the lease is over, so
    an outage shorter than the lease must not cost a second e-mail.
    """
    pause = 0.2
    while True:
        try:
            return _finish(channel, row, attempt, error, result)
        except DATABASE_UNAVAILABLE as failure:
            if row.lease_expires_at is None or timezone.now() + timedelta(seconds=pause) >= row.lease_expires_at:
                raise  # past the lease, another worker may own the row: its outcome is not ours to write
            logger.warning("%s %s done, not recorded yet: %s", channel.name, row.pk, failure)
            connections_drop()
            time.sleep(pause)
            pause = min(pause * 2, 5)


def outbox_run(
    channel: Channel[Row], *, worker: str | None = None, connection: Any = None, time_budget: float = 50
) -> RunReport:
    """Work off what is due until nothing is, or the time budget is spent (then hand over to a new run)."""
    worker = worker or f"{channel.name}-{uuid.uuid4().hex[:12]}"
    deadline = time.monotonic() + time_budget
    report = RunReport()
    guarded_until = timezone.now()
    with connection or channel.connect() as opened:
        while time.monotonic() < deadline:
            claim = _claim_next(channel, worker)
            if claim is None:
                return report
            row, attempt = claim
            if row.lease_expires_at and row.lease_expires_at > guarded_until:
                # If this process dies now, a run at the end of the lease takes over.
                guarded_until = row.lease_expires_at + timedelta(seconds=WAKE_UP_GRANULARITY)
                with transaction.atomic():
                    wake_up(channel.task, at=guarded_until)
            error, result = None, {}
            try:
                result = channel.send(row, opened)
            except DeliveryError as failure:
                error = failure
                logger.warning("%s %s not done: %s", channel.name, row.pk, failure.detail)
            report.count(_finish_despite_outage(channel, row, attempt, error, result))
    with transaction.atomic():
        wake_up(channel.task)  # out of time with work left: carry on in a fresh run
    return report


def outbox_retry(row: models.Model, channel: Channel) -> bool:
    """Put a row that failed for good back in the queue, with a fresh budget of attempts."""
    with transaction.atomic():
        retried = channel.row_model._default_manager.filter(pk=row.pk, status=OutboxStatus.FAILED).update(
            status=OutboxStatus.QUEUED, attempts=0, next_attempt_at=timezone.now(), last_error=""
        )
        if retried:
            wake_up(channel.task)
    return bool(retried)
