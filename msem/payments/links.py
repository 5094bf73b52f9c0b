"""Payment links: signed, bound to the quote's version, and refused once paid, changed or expired."""

from __future__ import annotations

from django.core import signing
from django.utils import timezone

from msem.payments.models import PaymentRequest
from msem.payments.pay_link import LINK_SALT, payment_link_token
from msem.quotes.models import Quote
from msem.quotes.services import quote_expire_if_due

# payment_link_token is made in pay_link; it is still imported from here, where it was.
__all__ = ["PaymentLinkInvalid", "payment_link_token", "payment_request_from_token"]


class PaymentLinkInvalid(Exception):
    """Why a payment link cannot be used: reason is one of the REASONS."""

    REASONS = ("unknown", "paid", "cancelled", "expired", "changed")

    def __init__(self, reason: str, payment_request: PaymentRequest | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.payment_request = payment_request


def payment_request_from_token(token: str) -> PaymentRequest:
    """The request a link pays, if it can still be paid; else PaymentLinkInvalid with the reason."""
    try:
        value = signing.loads(token, salt=LINK_SALT)
        school_id, request_id, version = int(value["s"]), int(value["r"]), int(value["v"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise PaymentLinkInvalid("unknown") from error
    payment_request = (
        PaymentRequest.objects.for_school(school_id)
        .select_related("quote", "quote__inquiry", "quote__inquiry__subject", "school")
        .filter(pk=request_id)
        .first()
    )
    if payment_request is None or payment_request.quote_version != version:
        raise PaymentLinkInvalid("unknown")
    quote = quote_expire_if_due(payment_request.quote)
    if payment_request.status == PaymentRequest.Status.PAID:
        raise PaymentLinkInvalid("paid", payment_request)
    quote_moved_on = quote.version != version or quote.status not in (Quote.Status.SENT, Quote.Status.ACCEPTED)
    if payment_request.status == PaymentRequest.Status.CANCELLED:
        # Cancelled with its quote, reopened or cancelled (msem.quotes.services): the client is told the quote
        # changed, as before the request was cancelled with it; else a newer request replaced it.
        raise PaymentLinkInvalid("changed" if quote_moved_on else "cancelled", payment_request)
    if timezone.now() > payment_request.expires_at or quote.status == Quote.Status.EXPIRED:
        raise PaymentLinkInvalid("expired", payment_request)
    if quote_moved_on:
        raise PaymentLinkInvalid("changed", payment_request)
    return payment_request
