"""The ways a school's clients can pay a payment request's link, as the payment page offers them.

The payment page shows each one available; the back office says, before a payment request is
sent, when none is: the link would only ask the client to contact the school.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from msem.payments.stripe_checkout import stripe_available
from msem.schools.models import School


@dataclass(frozen=True)
class PaymentMeans:
    card: bool
    sandbox: bool
    bank_transfer: bool

    @property
    def any(self) -> bool:
        return self.card or self.sandbox or self.bank_transfer


def payment_means(*, school: School) -> PaymentMeans:
    """Card with Stripe (the platform's), the demo's sandbox, and a bank transfer once the school has an IBAN."""
    return PaymentMeans(
        card=stripe_available(),
        sandbox=settings.MSEM_PAYMENT_SANDBOX,
        bank_transfer=bool(school.iban),
    )
