"""The dossier's timeline lines of payment requests: sent, reminded, replaced, cancelled, paid.

Apart from msem.payments.services, which reads quotes through msem.quotes.services:
reopening or cancelling a quote writes these lines too.
"""

from __future__ import annotations

from msem.accounts.models import User
from msem.inquiries.models import InquiryEvent
from msem.payments.models import PaymentRequest


def payment_event(payment_request: PaymentRequest, actor: User | None, action: str, **data: object) -> InquiryEvent:
    return InquiryEvent.objects.create(
        school_id=payment_request.school_id,
        inquiry_id=payment_request.quote.inquiry_id,
        kind=InquiryEvent.Kind.PAYMENT,
        actor=actor,
        data={"action": action, "reference": payment_request.reference, "amount": str(payment_request.amount), **data},
    )
