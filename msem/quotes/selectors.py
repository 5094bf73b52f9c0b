"""Reads of quotes for the dossier page's "Cours de ski" panel."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from msem.inquiries.models import Inquiry
from msem.payments.links import payment_link_token
from msem.payments.models import Payment, PaymentRequest
from msem.quotes.models import Quote, QuoteLine
from msem.quotes.pricing import Totals
from msem.sales.models import Sale
from msem.schools.models import School


@dataclass
class DossierPaymentRequest:
    request: PaymentRequest
    payments: list[Payment]
    link_token: str = ""

    @property
    def link_expired(self) -> bool:
        """Waiting, but its link's date passed: a reminder would send a link that no longer works."""
        return self.request.status == PaymentRequest.Status.PENDING and self.request.expires_at <= timezone.now()


@dataclass
class DossierQuote:
    quote: Quote
    lines: list[QuoteLine]
    totals: Totals
    paid: Decimal
    payment_requests: list[DossierPaymentRequest] = field(default_factory=list)

    @property
    def sale(self) -> Sale | None:
        return getattr(self.quote, "sale", None)

    @property
    def left_to_pay(self) -> Decimal:
        return self.totals.including_vat - self.paid

    @property
    def pending_request(self) -> PaymentRequest | None:
        """The request whose link the client can pay now; a new request replaces it."""
        return next(
            (item.request for item in self.payment_requests if item.request.status == PaymentRequest.Status.PENDING),
            None,
        )

    @property
    def pending_link_expired(self) -> bool:
        """The request waiting can no longer be paid: its link's date passed (a new request replaces it)."""
        pending = self.pending_request
        return pending is not None and pending.expires_at <= timezone.now()


def quotes_of_dossier(*, school: School, inquiry: Inquiry) -> list[DossierQuote]:
    quotes = (
        Quote.objects.for_school(school)
        .filter(inquiry=inquiry)
        .select_related("sale", "sale__push")
        .prefetch_related(
            "sale__push__attempts_made",
            Prefetch("lines", queryset=QuoteLine.objects.order_by("position", "id")),
            Prefetch(
                "payment_requests",
                queryset=PaymentRequest.objects.order_by("created_at").prefetch_related("payments"),
            ),
        )
        .order_by("-created_at", "-id")
    )
    result = []
    for quote in quotes:
        lines = list(quote.lines.all())
        requests = [
            DossierPaymentRequest(
                request=request,
                payments=list(request.payments.all()),
                link_token=payment_link_token(request) if request.status == PaymentRequest.Status.PENDING else "",
            )
            for request in quote.payment_requests.all()
        ]
        paid = sum((payment.amount for entry in requests for payment in entry.payments), Decimal("0.00"))
        result.append(
            DossierQuote(quote=quote, lines=lines, totals=quote.totals(lines), paid=paid, payment_requests=requests)
        )
    return result
