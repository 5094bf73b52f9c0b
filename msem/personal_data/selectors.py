"""Everything a school holds about one client, found by their e-mail address.

A client is known by the address they wrote from: their dossiers (merged ones
too), the timelines, the e-mails sent to them or about them, quotes, payment
requests, payments, sales, and requests held in quarantine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from msem.inquiries.models import Inquiry, InquiryEvent, QuarantinedRequest
from msem.mailing.models import ACCOUNT_LINK_KINDS, OutgoingEmail
from msem.payments.models import Payment, PaymentRequest
from msem.quotes.models import Quote
from msem.sales.models import Sale
from msem.schools.models import School


@dataclass
class ClientRecords:
    email: str
    inquiries: list[Inquiry]
    events: QuerySet[InquiryEvent]
    emails: QuerySet[OutgoingEmail]
    quotes: QuerySet[Quote]
    payment_requests: QuerySet[PaymentRequest]
    payments: QuerySet[Payment]
    sales: QuerySet[Sale]
    quarantined: QuerySet[QuarantinedRequest]

    @property
    def found(self) -> bool:
        return bool(self.inquiries) or self.quarantined.exists()

    def counts(self) -> dict[str, int]:
        return {
            "dossiers": len(self.inquiries),
            "emails": self.emails.count(),
            "quotes": self.quotes.count(),
            "payments": self.payments.count(),
            "sales": self.sales.count(),
            "quarantined": self.quarantined.count(),
        }


def client_records(*, school: School, email: str) -> ClientRecords:
    address = email.strip()
    inquiries = list(
        Inquiry.objects.for_school(school)
        .filter(email__iexact=address, personal_data_erased_at__isnull=True)
        .select_related("subject", "category")
        .order_by("received_at", "id")
    )
    ids = [inquiry.pk for inquiry in inquiries]
    emails_of_timelines = InquiryEvent.objects.for_school(school).filter(inquiry_id__in=ids, email__isnull=False)
    quotes = Quote.objects.for_school(school).filter(inquiry_id__in=ids)
    payment_requests = PaymentRequest.objects.for_school(school).filter(quote__inquiry_id__in=ids)
    return ClientRecords(
        email=address,
        inquiries=inquiries,
        events=InquiryEvent.objects.for_school(school).filter(inquiry_id__in=ids).order_by("created_at", "id"),
        emails=OutgoingEmail.objects.for_school(school)
        .filter(Q(pk__in=emails_of_timelines.values("email_id")) | Q(to_email__iexact=address))
        .exclude(kind__in=ACCOUNT_LINK_KINDS)
        .order_by("created_at", "id"),
        quotes=quotes.order_by("created_at", "id"),
        payment_requests=payment_requests.order_by("created_at", "id"),
        payments=Payment.objects.for_school(school)
        .filter(payment_request__in=payment_requests)
        .order_by("received_at"),
        sales=Sale.objects.for_school(school).filter(inquiry_id__in=ids).order_by("created_at", "id"),
        quarantined=QuarantinedRequest.objects.for_school(school).filter(email__iexact=address),
    )


def client_data_export(records: ClientRecords) -> dict[str, Any]:
    """What the school holds about the client, as one JSON document they can take elsewhere."""
    return _plain(
        {
            "email": records.email,
            "dossiers": [_dossier(inquiry, records) for inquiry in records.inquiries],
            "emails": [
                {
                    "kind": email.kind,
                    "created_at": email.created_at,
                    "to": email.to_email,
                    "subject": email.subject,
                    "text": email.text_body,
                    "status": email.status,
                    "sent_at": email.sent_at,
                }
                for email in records.emails
            ],
            "quotes": [_quote(quote) for quote in records.quotes.prefetch_related("lines")],
            "payment_requests": [
                {
                    "reference": request.reference,
                    "quote": request.quote.number,
                    "amount": request.amount,
                    "status": request.status,
                    "created_at": request.created_at,
                    "paid_at": request.paid_at,
                }
                for request in records.payment_requests.select_related("quote")
            ],
            "payments": [
                {"provider": payment.provider, "amount": payment.amount, "received_at": payment.received_at}
                for payment in records.payments
            ],
            "sales": [
                {
                    "quote": sale.quote.number,
                    "client_name": sale.client_name,
                    "client_email": sale.client_email,
                    "client_phone": sale.client_phone,
                    "total": sale.total,
                    "currency": sale.currency,
                    "created_at": sale.created_at,
                }
                for sale in records.sales.select_related("quote")
            ],
            "quarantined_requests": [
                {"received_at": request.received_at, "reason": request.reason, "fields": request.data}
                for request in records.quarantined
            ],
        }
    )


def _dossier(inquiry: Inquiry, records: ClientRecords) -> dict[str, Any]:
    return {
        "reference": inquiry.reference,
        "received_at": inquiry.received_at,
        "language": inquiry.language,
        "subject": inquiry.subject.label(inquiry.language),
        "category": inquiry.category.label(inquiry.language) if inquiry.category else None,
        "first_name": inquiry.first_name,
        "last_name": inquiry.last_name,
        "email": inquiry.email,
        "phone": inquiry.phone,
        "message": inquiry.message,
        "arrival_date": inquiry.arrival_date,
        "departure_date": inquiry.departure_date,
        "participants": inquiry.participants,
        "status": inquiry.status,
        "archived_at": inquiry.archived_at,
        "timeline": [
            {"kind": event.kind, "at": event.created_at, **event.data}
            for event in records.events
            if event.inquiry_id == inquiry.pk
        ],
    }


def _quote(quote: Quote) -> dict[str, Any]:
    totals = quote.totals()
    return {
        "number": quote.number,
        "status": quote.status,
        "valid_until": quote.valid_until,
        "sent_at": quote.sent_at,
        "lines": [
            {
                "product": line.name_fr if quote.language == "fr" else line.name_en,
                "start": line.start_date,
                "end": line.end_date,
                "participants": line.participants,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
            }
            for line in quote.lines.all()
        ],
        "total_including_vat": totals.including_vat,
    }


def _plain(value: Any) -> Any:
    """Dates as ISO 8601, amounts as strings: JSON that any program reads back exactly."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
