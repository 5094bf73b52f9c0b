"""Putting e-mails in the outbox, and waking the worker up.

`email_enqueue` must be called inside the transaction of the change that
causes the e-mail: the row and the task that will deliver it are committed
with that change, or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import make_msgid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from msem.mailing.delivery import outbox_wake_up
from msem.mailing.models import OutgoingAttachment, OutgoingEmail
from msem.schools.models import School
from msem.validators import validate_header_value


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


def _message_id_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">").strip() or "msem.localhost"


def message_id_new() -> str:
    """A Message-ID of the platform's sending domain."""
    return make_msgid(domain=_message_id_domain())


def email_enqueue(
    *,
    school: School,
    kind: str,
    language: str,
    to_email: str,
    subject: str,
    text_body: str,
    html_body: str = "",
    reply_to: str = "",
    headers: Mapping[str, str] | None = None,
    from_email: str = "",
    attachments: Sequence[Attachment] = (),
) -> OutgoingEmail:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("email_enqueue belongs in the transaction of the change that causes the e-mail.")
    for value in (to_email, subject, reply_to, from_email, *(headers or {}).values()):
        validate_header_value(value)
    email = OutgoingEmail.objects.create(
        school=school,
        kind=kind,
        language=language,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to_email=to_email,
        reply_to=reply_to,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        headers=dict(headers or {}),
        # Fixed now, so a send repeated after a crash carries the same Message-ID
        # and the receiving side can tell it is the same message.
        message_id=message_id_new(),
        next_attempt_at=timezone.now(),
    )
    for attachment in attachments:
        OutgoingAttachment.objects.create(
            school=school,
            email=email,
            filename=attachment.filename,
            content_type=attachment.content_type,
            content=attachment.content,
        )
    _wake_up_once_per_transaction()
    return email


def _woken_up() -> None:
    """A marker among the transaction's on-commit callbacks (it does nothing when run)."""


def _wake_up_once_per_transaction() -> None:
    """One delivery run per transaction, however many e-mails it queues (a dossier queues two).

    The marker shares the fate of the task row enqueued beside it: Django drops
    an on-commit callback with the transaction, or the savepoint, that
    registered it, and a rolled-back savepoint takes the task row with it too.
    """
    connection = transaction.get_connection()
    if any(callback is _woken_up for _savepoints, callback, _robust in connection.run_on_commit):
        return
    outbox_wake_up()
    transaction.on_commit(_woken_up)
