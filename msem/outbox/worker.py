"""The worker's side of every outbox: claim rows, do their work, record the attempts.

A run first frees the rows whose lease has run out (their worker died: the
reaper, once per run), then claims due rows in batches: one SELECT … FOR
UPDATE SKIP LOCKED … LIMIT n (on SQLite, the write lock that BEGIN IMMEDIATE
takes serialises the claims) and one UPDATE that sets the lease. Many workers
share the work; a row is held by one of them at a time.

Each row's attempt is written, on its own, just before its work starts: a
worker killed during the work leaves that attempt without an outcome, on
record. The outcomes of a batch (rows sent, retried or failed, and their
attempts) are then written together, in one transaction. A row whose lease
runs out belongs to a worker that died: the next run puts it back in the
queue, so the work is done at least once and, after a crash, at most twice —
which the other side absorbs (an e-mail keeps its Message-ID, a sale its
idempotency key). A batch stops taking rows half-way through its lease, and
gives back those it did not try.

Every run that claims something schedules a later run for when its lease
ends, in the claim's transaction: if this worker is killed, that run takes the
abandoned rows over. Retries are scheduled the same way, with exponential
backoff and jitter, or later if the other side said when.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import connection as database
from django.db import models, transaction
from django.db.models import Case, Expression, F, Q, Value, When
from django.db.models.functions import Cast
from django.db.models.lookups import Exact
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from msem.outbox.errors import DeliveryError
from msem.outbox.rows import AttemptOutcome, OutboxAttempt, OutboxRow, OutboxStatus
from msem.platform.outage import DATABASE_UNAVAILABLE, connections_drop
from msem.platform.request_context import school_bound
from msem.schools.models import School

logger = logging.getLogger(__name__)

# Wake-ups are rounded up to this many seconds, so that a burst of failures
# schedules a handful of runs rather than one per row.
WAKE_UP_GRANULARITY = 5

Row = TypeVar("Row", bound=OutboxRow)


def _batch_size() -> int:
    return max(1, int(getattr(settings, "MSEM_OUTBOX_BATCH_SIZE", 25)))


@dataclass(frozen=True)
class Channel(Generic[Row]):
    """One kind of outbox: its tables, how to do a row's work, and its limits."""

    name: str
    row_model: type[Row]
    attempt_model: type[OutboxAttempt]
    attempt_row_field: str  # the attempt's foreign key to its row
    task: Task  # the task that runs outbox_run for this channel
    # Opens what the work needs for a whole run (an SMTP connection, HTTP sessions).
    connect: Callable[[], AbstractContextManager[Any]]
    # Does the work; returns what to remember of success; raises DeliveryError.
    send: Callable[[Row, Any], dict[str, Any]]
    lease_seconds: Callable[[], int]
    max_attempts: Callable[[], int]
    retry_base_seconds: Callable[[], int]
    retry_max_seconds: Callable[[], int]
    # Called in the transaction that marks rows sent, with those rows as sent (a timeline event, say).
    on_sent: Callable[[list[Row]], None] | None = None
    # Called in the transaction that marks a row failed for good (an alert, say).
    on_failed: Callable[[Row], None] | None = None
    # Read with the claimed rows, for `send`: relations it follows (one query per batch, not per row).
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    batch_size: Callable[[], int] = _batch_size


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
    """Enqueue a run of the task, now or later, in the caller's transaction.

    A later run is not enqueued twice for the same moment: one already waiting
    on the task's queue will do (on another queue, it waits for other workers).
    """
    if at is None:
        task.enqueue()
        return
    at = _round_up(at)
    already = DBTaskResult.objects.filter(
        status="READY", task_path=task.module_path, queue_name=task.queue_name, run_after=at
    ).exists()
    if not already:
        task.using(run_after=at).enqueue()


def retry_delay(channel: Channel, attempts: int) -> timedelta:
    """Exponential backoff with jitter: base, 2×base, 4×base … capped."""
    base = channel.retry_base_seconds()
    delay = min(channel.retry_max_seconds(), base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay * random.uniform(0.8, 1.2))  # noqa: S311 (jitter, not security)


def _reap(channel: Channel[Row]) -> int:
    """The reaper: rows whose lease has run out (their worker died) go back to the queue, due now.

    Their interrupted attempt stays on record, without an outcome; the claim
    that takes them again counts a new attempt.
    """
    now = timezone.now()
    return channel.row_model._default_manager.filter(status=OutboxStatus.SENDING, lease_expires_at__lt=now).update(
        status=OutboxStatus.QUEUED, leased_by="", lease_expires_at=None, next_attempt_at=now
    )


def _claim_batch(channel: Channel[Row], worker: str, limit: int, guarded_until: datetime) -> list[Row]:
    """Up to `limit` due rows, now leased to `worker` (oldest first); [] when nothing is due."""
    manager = channel.row_model._default_manager
    now = timezone.now()
    lease_until = now + timedelta(seconds=channel.lease_seconds())
    due = Q(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)
    with transaction.atomic():
        candidates = list(
            manager.select_for_update(skip_locked=True)
            .filter(due)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        if not candidates:
            return []
        # The condition again: on PostgreSQL the rows are locked, on SQLite the
        # database is; it only matters if a claim ever runs without either.
        manager.filter(due, pk__in=candidates).update(
            status=OutboxStatus.SENDING, leased_by=worker, lease_expires_at=lease_until, attempts=F("attempts") + 1
        )
        rows = manager.filter(pk__in=candidates, status=OutboxStatus.SENDING, leased_by=worker).order_by(
            "next_attempt_at", "id"
        )
        if channel.select_related:
            rows = rows.select_related(*channel.select_related)
        if channel.prefetch_related:
            rows = rows.prefetch_related(*channel.prefetch_related)
        claimed = list(rows)
        if claimed and lease_until > guarded_until:
            # If this process dies, a run at the end of the lease takes the rows over.
            wake_up(channel.task, at=lease_until + timedelta(seconds=WAKE_UP_GRANULARITY))
    return claimed


@dataclass
class _Done:
    row: Any
    attempt_pk: int
    finished_at: datetime
    error: DeliveryError | None
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def detail(self) -> str:
        return self.error.detail if self.error else ""

    @property
    def retry_after(self) -> timedelta:
        return (self.error.retry_after if self.error else None) or timedelta(0)


def _case(model: type[models.Model], name: str, items: Iterable[tuple[int, Any]]) -> Expression:
    """A value per row in one UPDATE of the field `name` (what bulk_update does, with our own WHERE)."""
    output_field = model._meta.get_field(name)
    assert isinstance(output_field, models.Field)
    # The key's column and an Exact lookup built directly: When(pk=…) would resolve a Q per row, which
    # costs more than the rest of a row's recording.
    key = model._meta.pk.get_col(model._meta.db_table)  # type: ignore[union-attr]
    case = Case(
        *[When(Exact(key, pk), then=Value(value, output_field=output_field)) for pk, value in items],
        output_field=output_field,
    )
    if database.features.requires_casted_case_in_updates:
        return Cast(case, output_field=output_field)
    return case


def _outcome(channel: Channel[Row], done: _Done) -> str:
    if done.error is None:
        return AttemptOutcome.SENT
    if done.error.permanent or done.row.attempts >= channel.max_attempts():
        return AttemptOutcome.FAILED
    return AttemptOutcome.RETRY


def _as_sent(done: _Done) -> Any:
    """The claimed row as its update left it: sent, with what the work returned (a remote id, say)."""
    row = done.row
    row.status, row.sent_at, row.lease_expires_at, row.last_error = OutboxStatus.SENT, done.finished_at, None, ""
    for name, value in done.result.items():
        setattr(row, name, value)
    return row


def _mark_sent(channel: Channel[Row], mine: Any, sent: list[_Done]) -> None:
    """The batch's sent rows, in one UPDATE; then what the channel does about them, in the same transaction."""
    model = channel.row_model
    changes: dict[str, Any] = {
        "status": OutboxStatus.SENT,
        "lease_expires_at": None,
        "last_error": "",
        "sent_at": _case(model, "sent_at", ((d.row.pk, d.finished_at) for d in sent)),
    }
    for name in sorted({name for done in sent for name in done.result}):
        changes[name] = _case(model, name, ((d.row.pk, d.result.get(name, "")) for d in sent))
    claimed = mine.filter(pk__in=[d.row.pk for d in sent])
    if channel.on_sent is None:
        claimed.update(**changes)
        return
    # Only the rows still leased to this worker are its to tell about: locked, then updated.
    still_mine = set(claimed.select_for_update().values_list("pk", flat=True))
    model._default_manager.filter(pk__in=still_mine).update(**changes)
    rows = [_as_sent(done) for done in sent if done.row.pk in still_mine]
    if rows:
        channel.on_sent(rows)


def _record(channel: Channel[Row], worker: str, batch: list[_Done], untried: list[Any]) -> list[str]:
    """Write what became of a batch, in one transaction: rows, attempts, rows given back untried.

    A row is only updated while it is still leased to this worker: if the
    lease was lost meanwhile, the new owner decides. The attempts record what
    happened whatever the row's fate.
    """
    model = channel.row_model
    mine = model._default_manager.filter(status=OutboxStatus.SENDING, leased_by=worker)
    outcomes = [_outcome(channel, done) for done in batch]
    sent = [done for done, outcome in zip(batch, outcomes, strict=True) if outcome == AttemptOutcome.SENT]
    retried = [done for done, outcome in zip(batch, outcomes, strict=True) if outcome == AttemptOutcome.RETRY]
    failed = [done for done, outcome in zip(batch, outcomes, strict=True) if outcome == AttemptOutcome.FAILED]
    with transaction.atomic():
        if sent:
            _mark_sent(channel, mine, sent)
        if retried:
            next_attempts = {
                d.row.pk: d.finished_at + max(retry_delay(channel, d.row.attempts), d.retry_after) for d in retried
            }
            if mine.filter(pk__in=list(next_attempts)).update(
                status=OutboxStatus.QUEUED,
                lease_expires_at=None,
                leased_by="",
                next_attempt_at=_case(model, "next_attempt_at", next_attempts.items()),
                last_error=_case(model, "last_error", ((d.row.pk, d.detail) for d in retried)),
            ):
                for moment in sorted({_round_up(at) for at in next_attempts.values()}):
                    wake_up(channel.task, at=moment)
        for done in failed:
            assert done.error is not None
            if mine.filter(pk=done.row.pk).update(
                status=OutboxStatus.FAILED, lease_expires_at=None, last_error=done.error.detail
            ):
                done.row.refresh_from_db()
                if channel.on_failed is not None:
                    channel.on_failed(done.row)
        if untried:
            # Given back as they were: this claim does not count as an attempt.
            mine.filter(pk__in=[row.pk for row in untried]).update(
                status=OutboxStatus.QUEUED, lease_expires_at=None, leased_by="", attempts=F("attempts") - 1
            )
        attempts = channel.attempt_model._default_manager
        attempt_model = channel.attempt_model
        done_sent = [(done, AttemptOutcome.SENT) for done in sent]
        if done_sent:
            # Only the end time differs from one sent attempt to the next.
            attempts.filter(pk__in=[done.attempt_pk for done, _o in done_sent]).update(
                finished_at=_case(attempt_model, "finished_at", ((d.attempt_pk, d.finished_at) for d, _o in done_sent)),
                outcome=AttemptOutcome.SENT,
                code=None,
                detail="",
            )
        others = [(done, outcome) for done, outcome in zip(batch, outcomes, strict=True) if done.error is not None]
        if others:
            attempts.filter(pk__in=[done.attempt_pk for done, _o in others]).update(
                finished_at=_case(attempt_model, "finished_at", ((d.attempt_pk, d.finished_at) for d, _o in others)),
                outcome=_case(attempt_model, "outcome", ((d.attempt_pk, outcome) for d, outcome in others)),
                code=_case(
                    attempt_model, "code", ((d.attempt_pk, d.error.code if d.error else None) for d, _o in others)
                ),
                detail=_case(attempt_model, "detail", ((d.attempt_pk, d.detail) for d, _o in others)),
            )
    return outcomes


def _record_despite_outage(
    channel: Channel[Row], worker: str, batch: list[_Done], untried: list[Any], lease_end: datetime | None
) -> list[str]:
    """_record; while the database is unreachable, keep trying until the lease ends.

    The work is done by now (the SMTP server took the e-mails, 4807 recorded the
    sales): not writing it down means doing it again once the lease is over, so
    an outage shorter than the lease must not cost a second e-mail.
    """
    pause = 0.2
    while True:
        try:
            return _record(channel, worker, batch, untried)
        except DATABASE_UNAVAILABLE as failure:
            if lease_end is None or timezone.now() + timedelta(seconds=pause) >= lease_end:
                raise  # past the lease, other workers may own the rows: their outcome is not ours to write
            logger.warning("%s: %d done, not recorded yet: %s", channel.name, len(batch), failure)
            connections_drop()
            time.sleep(pause)
            pause = min(pause * 2, 5)


def _work(channel: Channel[Row], worker: str, row: Row, opened: Any) -> _Done:
    """One row's try: its attempt written first (a worker killed now leaves it on record), then the work."""
    attempt = channel.attempt_model._default_manager.create(
        school_id=row.school_id, worker=worker, started_at=timezone.now(), **{channel.attempt_row_field: row}
    )
    error, result = None, {}
    try:
        result = channel.send(row, opened)
    except DeliveryError as failure:
        error = failure
        logger.warning("%s %s not done: %s", channel.name, row.pk, failure.detail)
    return _Done(row, attempt.pk, timezone.now(), error, result)


def _school_slugs(rows: list[Row]) -> dict[int, str]:
    school_ids = {row.school_id for row in rows}
    return dict(School.objects.filter(pk__in=school_ids).values_list("pk", "slug"))


def outbox_run(
    channel: Channel[Row], *, worker: str | None = None, connection: Any = None, time_budget: float = 50
) -> RunReport:
    """Work off what is due until nothing is, or the time budget is spent (then hand over to a new run)."""
    worker = worker or f"{channel.name}-{uuid.uuid4().hex[:12]}"
    deadline = time.monotonic() + time_budget
    report = RunReport()
    guarded_until = timezone.now()
    _reap(channel)
    with connection or channel.connect() as opened:
        while time.monotonic() < deadline:
            rows = _claim_batch(channel, worker, channel.batch_size(), guarded_until)
            if not rows:
                return report
            lease = timedelta(seconds=channel.lease_seconds())
            if rows[0].lease_expires_at is not None:
                guarded_until = max(guarded_until, rows[0].lease_expires_at + timedelta(seconds=WAKE_UP_GRANULARITY))
            # Half the lease for the batch: the last row's work still ends well inside it.
            stop_at = min(deadline, time.monotonic() + lease.total_seconds() / 2)
            batch: list[_Done] = []
            tried = 0
            slugs = _school_slugs(rows)
            try:
                for row in rows:
                    if batch and time.monotonic() >= stop_at:
                        break
                    tried += 1
                    # Its log lines name the school, as a request's do.
                    with school_bound(slugs.get(row.school_id, "")):
                        batch.append(_work(channel, worker, row, opened))
            finally:
                # Also when the work raised something unexpected (a bug): what was done is recorded,
                # the rows not tried are given back; the row that raised waits for its lease to end.
                lease_end = rows[0].lease_expires_at
                for outcome in _record_despite_outage(channel, worker, batch, rows[tried:], lease_end):
                    report.count(outcome)
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


def outbox_try_now(*, channel: Channel, row_ids: Iterable[int]) -> int:
    """Rows waiting for their next attempt are due now, once the cause of their errors is fixed.

    The rows keep their attempts (a row that keeps failing still fails for good at the limit); a run is
    enqueued now instead of at the retry the backoff planned, up to an hour away. Returns how many rows.
    """
    with transaction.atomic():
        now = timezone.now()
        moved = channel.row_model._default_manager.filter(
            pk__in=list(row_ids), status=OutboxStatus.QUEUED, next_attempt_at__gt=now
        ).update(next_attempt_at=now)
        if moved:
            wake_up(channel.task)
    return moved
