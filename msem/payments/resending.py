"""Whether a refused quote or payment-request e-mail may go again as it was.

A refused e-mail is sent again as an exact copy (inquiry_email_resend): its text, its
link and, for a quote, its PDF. Meanwhile the quote may have been changed, withdrawn or
let expire, the payment request cancelled, replaced, paid or past its date: the copy would
then bring the client a link that no longer works, or ask her to pay what is paid. The
secretary is told so, and what to send instead, from the dossier's quotes ("Ski lessons").

The e-mail's timeline line says which quote (and version) or payment request it was about
(quote_email_queue, payment_email_queue). An e-mail queued before that was recorded says
neither and goes again as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from msem.payments.models import PaymentRequest
from msem.quotes.models import Quote


def quote_email_about(quote: Quote) -> dict[str, int]:
    """What a quote e-mail's timeline line keeps of the quote it sends: the one its link shows."""
    return {"quote_id": quote.pk, "quote_version": quote.version}


def payment_email_about(payment_request: PaymentRequest) -> dict[str, int]:
    """What a payment-request e-mail's timeline line keeps of the request its link pays."""
    return {"quote_id": payment_request.quote_id, "payment_request_id": payment_request.pk}


def _expired(quote: Quote) -> bool:
    # Read only (a page shows it): the hourly expiry may not have marked it yet.
    return quote.status == Quote.Status.EXPIRED or (
        quote.status == Quote.Status.SENT and quote.valid_until < timezone.localdate()
    )


def _quote_obstacle(quote: Quote, version: int) -> str:
    if quote.status in (Quote.Status.ACCEPTED, Quote.Status.PAID):
        return _("The client has already accepted quote %(number)s: there is no need to send this e-mail again.") % {
            "number": quote.number
        }
    if _expired(quote):
        return _(
            "Quote %(number)s is past its validity date: its link no longer works. In “Ski lessons”, "
            "give it a new date, then send it again from there."
        ) % {"number": quote.number}
    if quote.status != Quote.Status.SENT or quote.version != version:
        return _(
            "Quote %(number)s has been changed or withdrawn since this e-mail: a copy would give the client "
            "a link that no longer works. Send the quote as it is now from “Ski lessons”."
        ) % {"number": quote.number}
    return ""


def _payment_obstacle(payment_request: PaymentRequest) -> str:
    quote = payment_request.quote
    values = {"reference": payment_request.reference}
    if payment_request.status == PaymentRequest.Status.PAID:
        return _("Payment request %(reference)s is already paid: there is no need to send this e-mail again.") % values
    # A quote changed or withdrawn has a new version (msem.quotes.services): its old links stop working.
    replaced = (
        payment_request.status == PaymentRequest.Status.CANCELLED or quote.version != payment_request.quote_version
    )
    if not replaced and (payment_request.expires_at <= timezone.now() or _expired(quote)):
        return (
            _("The link of payment request %(reference)s has expired: make a new payment request from “Ski lessons”.")
            % values
        )
    if replaced or quote.status not in (Quote.Status.SENT, Quote.Status.ACCEPTED):
        return (
            _(
                "Payment request %(reference)s has been cancelled or replaced since this e-mail: its link no "
                "longer works. Send the payment request waiting now, or a new one, from “Ski lessons”."
            )
            % values
        )
    return ""


def email_resend_obstacle(*, school_id: int, about: Mapping[str, Any]) -> str:
    """Why the e-mail whose timeline line says `about` must not go again as it was; "" when it may.

    In the active language, with what to do instead.
    """
    if about.get("payment_request_id") is not None:
        payment_request = (
            PaymentRequest.objects.for_school(school_id)
            .select_related("quote")
            .filter(pk=about["payment_request_id"])
            .first()
        )
        return _payment_obstacle(payment_request) if payment_request is not None else ""
    if about.get("quote_id") is not None and about.get("quote_version") is not None:
        quote = Quote.objects.for_school(school_id).filter(pk=about["quote_id"]).first()
        return _quote_obstacle(quote, int(about["quote_version"])) if quote is not None else ""
    return ""
