"""Dossiers, answers, quotes and sales at chosen moments, built through the services."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from django.urls import reverse

from msem.inquiries.answers import first_answers_refresh
from msem.inquiries.dossier import inquiry_reply
from msem.inquiries.models import Inquiry, InquiryEvent
from msem.payments.models import Payment
from msem.payments.services import payment_record
from msem.quotes.models import Quote
from msem.sales.models import Sale
from tests.inquiries.helpers import receive_inquiry
from tests.quotes.helpers import payment_request, sent_quote

_addresses = itertools.count(1)


def dossier(school, at: datetime, **overrides) -> Inquiry:
    """A request as received by the form, then moved to the moment `at`."""
    overrides.setdefault("email", f"client{next(_addresses)}@example.org")
    # Without a category: received before the school had categories.
    uncategorized = "category" in overrides and overrides["category"] is None
    if uncategorized:
        del overrides["category"]
    inquiry = receive_inquiry(school, **overrides)
    Inquiry.objects.filter(pk=inquiry.pk).update(received_at=at)
    if uncategorized:
        Inquiry.objects.filter(pk=inquiry.pk).update(category=None)
    InquiryEvent.objects.filter(inquiry=inquiry).update(created_at=at)
    inquiry.refresh_from_db()
    return inquiry


def answer(inquiry: Inquiry, actor, after: timedelta) -> InquiryEvent:
    """A secretary's reply, sent `after` the request was received."""
    email = inquiry_reply(school=inquiry.school, actor=actor, inquiry_id=inquiry.pk, subject="Re", body="Bonjour !")
    event = InquiryEvent.objects.get(email=email)
    InquiryEvent.objects.filter(pk=event.pk).update(created_at=inquiry.received_at + after)
    # The e-mail was recorded as sent now: work the first answer out again at its new time.
    first_answers_refresh(school=inquiry.school, inquiry_ids=[inquiry.pk])
    return event


def quote_sent(inquiry: Inquiry, actor, after: timedelta | None = None, **kwargs) -> Quote:
    """A quote e-mailed to the client; its e-mail counts as an answer `after` the request (else much later)."""
    quote = sent_quote(inquiry.school, actor, inquiry=inquiry, **kwargs)
    when = inquiry.received_at + (after or timedelta(days=30))
    Quote.objects.filter(pk=quote.pk).update(sent_at=when)
    InquiryEvent.objects.filter(inquiry=inquiry, email__kind="quote").update(created_at=when)
    first_answers_refresh(school=inquiry.school, inquiry_ids=[inquiry.pk])
    quote.refresh_from_db()
    return quote


def paid(quote: Quote, actor, at: datetime) -> Sale:
    """The quote paid in full: its Sale is recorded at `at`."""
    request = payment_request(quote.school, actor, quote)
    payment_record(
        school=quote.school_id,
        payment_request_id=request.pk,
        provider=Payment.Provider.BANK_TRANSFER,
        provider_reference=f"transfer-{quote.pk}",
        amount=request.amount,
        actor=actor,
    )
    Sale.objects.filter(quote=quote).update(created_at=at)
    return Sale.objects.get(quote=quote)


def dashboard_url(school, query: str = "") -> str:
    url = reverse("backoffice:dashboard", kwargs={"school_slug": school.slug})
    return f"{url}?{query}" if query else url


def export_url(school, chart: str, query: str = "") -> str:
    url = reverse("backoffice:dashboard_export", kwargs={"school_slug": school.slug, "chart": chart})
    return f"{url}?{query}" if query else url
