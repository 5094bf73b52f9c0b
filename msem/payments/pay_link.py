"""The link that pays a payment request: signed, bound to the request and the quote's version.

Made here, read in msem.payments.links. The quote's acceptance (msem.quotes)
gives the client the link of the request waiting, and must not import the
reading side, which expires quotes through msem.quotes.services.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from msem.payments.models import PaymentRequest
from msem.quotes.models import Quote

LINK_SALT = "msem.payments.link"


def payment_link_token(payment_request: PaymentRequest) -> str:
    return signing.dumps(
        {"s": payment_request.school_id, "r": payment_request.pk, "v": payment_request.quote_version}, salt=LINK_SALT
    )


def payment_url(payment_request: PaymentRequest) -> str:
    return settings.MSEM_BASE_URL + reverse(
        "public_site:pay",
        kwargs={"language": payment_request.quote.language, "token": payment_link_token(payment_request)},
    )


def payment_request_waiting(quote: Quote) -> PaymentRequest | None:
    """The request the client can pay now: waiting, made for the quote as it is, its link not expired.

    The quote's page offers it and the acceptance e-mail gives its link: both
    say the same next step. A link past its date would only say it expired.
    """
    return (
        PaymentRequest.objects.for_school(quote.school_id)
        .filter(
            quote=quote,
            status=PaymentRequest.Status.PENDING,
            quote_version=quote.version,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at", "-id")
        .first()
    )
