"""The worker's side of the outbox: claim an e-mail, send it, record the attempt.

A run claims one e-mail at a time with a conditional update (and SELECT …
FOR UPDATE SKIP LOCKED on PostgreSQL, so that many workers share the work),
holding a lease on it while it talks to the mail server. A row whose lease
has run out belongs to a worker that died: the next run claims it again.

Every run that claims something first schedules a later run for when its
leases end (in the claim's transaction): if this worker is killed, that
later run finds the abandoned rows. Retries are scheduled the same way.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import Message

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from msem.mailing.models import DeliveryAttempt, OutgoingEmail
from msem.mailing.transports import DeliveryError, Transport, transport_from_settings

logger = logging.getLogger(__name__)

# Retries and guards are rounded up to this many seconds, so that a burst of
# failures schedules a handful of runs rather than one per e-mail.
WAKE_UP_GRANULARITY = 5


@dataclass
class RunReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def count(self, outcome: str) -> None:
        if outcome == DeliveryAttempt.Outcome.SENT:
            self.sent += 1
        elif outcome == DeliveryAttempt.Outcome.RETRY:
            self.retried += 1
        else:
            self.failed += 1


def _round_up(moment: datetime) -> datetime:
    seconds = moment.timestamp()
    rounded = seconds - seconds % WAKE_UP_GRANULARITY + WAKE_UP_GRANULARITY
    return datetime.fromtimestamp(rounded, tz=moment.tzinfo)


def outbox_wake_up(*, at: datetime | None = None) -> None:
    """Enqueue a delivery run, now or later, in the caller's transaction."""
    if at is None:
        deliver_outbox.enqueue()
        return
    at = _round_up(at)
    already = DBTaskResult.objects.filter(status="READY", task_path=deliver_outbox.module_path, run_after=at).exists()
    if not already:
        deliver_outbox.using(run_after=at).enqueue()


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with jitter: base, 2×base, 4×base … capped."""
    base = settings.MSEM_OUTBOX_RETRY_BASE_SECONDS
    delay = min(settings.MSEM_OUTBOX_RETRY_MAX_SECONDS, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay * random.uniform(0.8, 1.2))  # noqa: S311 (jitter, not security)


def build_message(email: OutgoingEmail) -> Message:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=email.from_email,
        to=[email.to_email],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={"Message-ID": email.message_id, **email.headers},
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for attachment in email.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    return message.message()


def _claim_next(worker: str, lease: timedelta) -> tuple[OutgoingEmail, DeliveryAttempt] | None:
    """The next due e-mail, now leased to `worker`; None when nothing is due."""
    for _race in range(10):
        now = timezone.now()
        lost_a_race = False
        # Abandoned rows first: they have waited longest.
        for due in (
            Q(status=OutgoingEmail.Status.SENDING, lease_expires_at__lt=now),
            Q(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now),
        ):
            with transaction.atomic():
                candidate = (
                    OutgoingEmail.objects.select_for_update(skip_locked=True)
                    .filter(due)
                    .order_by("next_attempt_at", "id")
                    .values_list("pk", flat=True)
                    .first()
                )
                if candidate is None:
                    continue
                claimed = OutgoingEmail.objects.filter(due, pk=candidate).update(
                    status=OutgoingEmail.Status.SENDING,
                    leased_by=worker,
                    lease_expires_at=now + lease,
                    attempts=F("attempts") + 1,
                )
                if not claimed:
                    lost_a_race = True  # another worker took it between our read and our update
                    continue
                email = OutgoingEmail.objects.get(pk=candidate)
                attempt = DeliveryAttempt.objects.create(
                    school_id=email.school_id, email=email, worker=worker, started_at=now
                )
                return email, attempt
        if not lost_a_race:
            return None
    return None


def _finish(email: OutgoingEmail, attempt: DeliveryAttempt, error: DeliveryError | None) -> str:
    """Record the outcome, unless the lease was lost meanwhile (then the new owner decides)."""
    now = timezone.now()
    mine = OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.SENDING, leased_by=attempt.worker)
    with transaction.atomic():
        if error is None:
            outcome = DeliveryAttempt.Outcome.SENT
            mine.update(status=OutgoingEmail.Status.SENT, sent_at=now, lease_expires_at=None, last_error="")
        elif error.permanent or email.attempts >= settings.MSEM_OUTBOX_MAX_ATTEMPTS:
            outcome = DeliveryAttempt.Outcome.FAILED
            mine.update(status=OutgoingEmail.Status.FAILED, lease_expires_at=None, last_error=error.detail)
        else:
            outcome = DeliveryAttempt.Outcome.RETRY
            next_attempt = now + retry_delay(email.attempts)
            if mine.update(
                status=OutgoingEmail.Status.QUEUED,
                next_attempt_at=next_attempt,
                lease_expires_at=None,
                leased_by="",
                last_error=error.detail,
            ):
                outbox_wake_up(at=next_attempt)
        DeliveryAttempt.objects.filter(pk=attempt.pk).update(
            finished_at=now,
            outcome=outcome,
            smtp_code=error.smtp_code if error else None,
            detail=error.detail if error else "",
        )
    return outcome


def outbox_deliver(
    *, worker: str | None = None, transport: Transport | None = None, time_budget: float | None = None
) -> RunReport:
    """Send what is due until nothing is, or the time budget is spent (then schedule a follow-up)."""
    worker = worker or f"worker-{uuid.uuid4().hex[:12]}"
    lease = timedelta(seconds=settings.MSEM_OUTBOX_LEASE_SECONDS)
    budget = settings.MSEM_OUTBOX_RUN_SECONDS if time_budget is None else time_budget
    deadline = time.monotonic() + budget
    report = RunReport()
    guarded_until = timezone.now()
    with transport or transport_from_settings() as connection:
        while time.monotonic() < deadline:
            claim = _claim_next(worker, lease)
            if claim is None:
                return report
            email, attempt = claim
            if email.lease_expires_at and email.lease_expires_at > guarded_until:
                # If this process dies now, a run at the end of the lease takes over.
                guarded_until = email.lease_expires_at + timedelta(seconds=WAKE_UP_GRANULARITY)
                with transaction.atomic():
                    outbox_wake_up(at=guarded_until)
            error = None
            try:
                connection.send(sender=email.from_email, recipient=email.to_email, message=build_message(email))
            except DeliveryError as failure:
                error = failure
                logger.warning("e-mail %s to %s not sent: %s", email.pk, email.to_email, failure.detail)
            report.count(_finish(email, attempt, error))
    with transaction.atomic():
        outbox_wake_up()  # out of time with work left: carry on in a fresh run
    return report


@task()
def deliver_outbox() -> dict[str, int]:
    report = outbox_deliver()
    return {"sent": report.sent, "retried": report.retried, "failed": report.failed}
