"""A manager exports or erases what the school holds about one client.

Erasing keeps the dossiers (the school's figures count them) but takes the
person out of them: names, address, phone, message, internal notes, the
e-mails' addresses and texts, and quarantined requests. Sales are kept as
they are: they are accounting records the school must keep (ten years in
France, Code de commerce L123-22), and 4807 holds them too. E-mails not yet
sent are not sent; open payment links stop working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from msem.accounts.models import User
from msem.audit.models import AuditRecord
from msem.audit.services import audit_record_create
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.inquiries.search import search_text_for
from msem.mailing.models import DeliveryAttempt, OutgoingAttachment, OutgoingEmail
from msem.outbox.rows import OutboxStatus
from msem.payments.models import PaymentRequest
from msem.personal_data.selectors import ClientRecords, client_data_export, client_records
from msem.schools.models import School

ERASED_ADDRESS_DOMAIN = "erased.invalid"  # RFC 2606: never delivered anywhere


@dataclass(frozen=True)
class Erasure:
    references: list[str]
    counts: dict[str, int]
    sales_kept: int


def client_data_export_record(*, school: School, actor: User, email: str) -> dict[str, Any]:
    """The client's data as a JSON document; the export itself is on record (who, when, which dossiers)."""
    records = client_records(school=school, email=email)
    document = client_data_export(records)
    audit_record_create(
        school=school,
        actor=actor,
        action=AuditRecord.Action.PERSONAL_DATA_EXPORTED,
        before={},
        after={"dossiers": [inquiry.reference for inquiry in records.inquiries], "counts": records.counts()},
    )
    return document


@transaction.atomic
def client_data_erase(*, school: School, actor: User, email: str) -> Erasure:
    records = client_records(school=school, email=email)
    counts = records.counts()
    now = timezone.now()
    for inquiry in records.inquiries:
        _inquiry_erase(inquiry, now)
    _notes_erase(records)
    _emails_erase(records)
    records.payment_requests.filter(status=PaymentRequest.Status.PENDING).update(status=PaymentRequest.Status.CANCELLED)
    records.quarantined.delete()
    erasure = Erasure(
        references=[inquiry.reference for inquiry in records.inquiries],
        counts=counts,
        sales_kept=counts["sales"],
    )
    # The record says which dossiers, never whose: the address is what was erased.
    audit_record_create(
        school=school,
        actor=actor,
        action=AuditRecord.Action.PERSONAL_DATA_ERASED,
        before={},
        after={"dossiers": erasure.references, "counts": counts},
    )
    return erasure


def _inquiry_erase(inquiry: Inquiry, now: Any) -> None:
    inquiry.first_name = ""
    inquiry.last_name = ""
    inquiry.email = f"erased-{inquiry.pk}@{ERASED_ADDRESS_DOMAIN}"
    inquiry.phone = ""
    inquiry.message = ""
    inquiry.personal_data_erased_at = now
    inquiry.search_text = search_text_for(inquiry)
    Inquiry.objects.for_school(inquiry.school_id).filter(pk=inquiry.pk).update(
        first_name="",
        last_name="",
        email=inquiry.email,
        phone="",
        message="",
        personal_data_erased_at=now,
        search_text=inquiry.search_text,
    )


def _notes_erase(records: ClientRecords) -> None:
    """Internal notes may say anything about the client; a merged request's message is the client's words."""
    for event in records.events.filter(kind__in=[InquiryEvent.Kind.NOTE, InquiryEvent.Kind.MERGED]):
        if event.kind == InquiryEvent.Kind.NOTE:
            event.data = {"erased": True}
        else:
            event.data = {key: value for key, value in event.data.items() if key != "message"}
        event.save(update_fields=["data"])


def _emails_erase(records: ClientRecords) -> None:
    emails = records.emails
    # Not yet sent: never will be. An e-mail being sent right now is finished by its worker.
    emails.filter(status=OutboxStatus.QUEUED).update(status=OutboxStatus.FAILED, last_error="personal data erased")
    ids = list(emails.values_list("pk", flat=True))
    school_id = records.inquiries[0].school_id if records.inquiries else None
    if not ids or school_id is None:
        return
    OutgoingEmail.objects.for_school(school_id).filter(pk__in=ids).update(
        to_email=f"erased@{ERASED_ADDRESS_DOMAIN}",
        reply_to="",
        subject="",
        text_body="",
        html_body="",
        headers={},
    )
    OutgoingAttachment.objects.for_school(school_id).filter(email_id__in=ids).delete()
    # SMTP answers quote the address they refused.
    DeliveryAttempt.objects.for_school(school_id).filter(email_id__in=ids).update(detail="")
