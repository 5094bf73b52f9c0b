"""The e-mail outbox channel: how the worker sends one e-mail (the claiming is msem/outbox)."""

from __future__ import annotations

from datetime import datetime
from email.header import Header
from email.message import Message
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task

from msem.mailing.account_links import account_link_expired, account_links_expire, account_links_remove
from msem.mailing.models import ACCOUNT_LINK_EXPIRED, DeliveryAttempt, OutgoingEmail
from msem.mailing.transports import Transport, transport_from_settings
from msem.outbox.errors import DeliveryError
from msem.outbox.worker import Channel, RunReport, outbox_run, wake_up


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
    built = message.message()
    built.replace_header("Subject", subject_header(email.subject))
    return built


def subject_header(subject: str) -> Header:
    """The subject, to be folded knowing that "Subject: " comes before it.

    Django encodes a non-ASCII subject into encoded words of up to 76
    characters as if it began the line; the generator (policy compat32) then
    finds the first one too long after "Subject: " and folds in front of it,
    leaving the header's first line empty ("Subject: \n =?utf-8?q?…"): readers
    then see a subject that starts with a space. A Header that knows its name
    folds between encoded words and keeps every line within 78 characters.
    """
    return Header(subject, "us-ascii" if subject.isascii() else "utf-8", header_name="Subject")


def _send(email: OutgoingEmail, transport: Transport) -> dict[str, Any]:
    if account_link_expired(email):
        # Its link no longer opens anything: the recipient asks for a new one (or is invited again).
        raise DeliveryError(ACCOUNT_LINK_EXPIRED, permanent=True)
    transport.send(sender=email.from_email, recipient=email.to_email, message=build_message(email))
    return {}


@task(queue_name="mail")
def deliver_outbox() -> dict[str, int]:
    report = outbox_deliver()
    return {"sent": report.sent, "retried": report.retried, "failed": report.failed}


EMAILS: Channel[OutgoingEmail] = Channel(
    name="email",
    row_model=OutgoingEmail,
    attempt_model=DeliveryAttempt,
    attempt_row_field="email",
    task=deliver_outbox,
    connect=transport_from_settings,
    send=_send,
    lease_seconds=lambda: settings.MSEM_OUTBOX_LEASE_SECONDS,
    max_attempts=lambda: settings.MSEM_OUTBOX_MAX_ATTEMPTS,
    retry_base_seconds=lambda: settings.MSEM_OUTBOX_RETRY_BASE_SECONDS,
    retry_max_seconds=lambda: settings.MSEM_OUTBOX_RETRY_MAX_SECONDS,
    prefetch_related=("attachments",),
    # An invitation's or a reset's link is kept only while the e-mail may still leave (account_links.py).
    on_sent=lambda emails: account_links_remove(emails, delivered=True),
    on_failed=lambda email: account_links_remove([email], delivered=False),
)


def outbox_wake_up(*, at: datetime | None = None) -> None:
    """Enqueue a delivery run, now or later, in the caller's transaction."""
    wake_up(deliver_outbox, at=at)


def outbox_deliver(*, transport: Transport | None = None, time_budget: float | None = None) -> RunReport:
    """Send the e-mails that are due (what the task does; tests call it directly)."""
    budget = settings.MSEM_OUTBOX_RUN_SECONDS if time_budget is None else time_budget
    # The scheduler's sweep runs this every minute: an expired link does not wait for its row's next attempt.
    account_links_expire()
    return outbox_run(EMAILS, connection=transport, time_budget=budget)
