"""Card payments through Stripe Checkout, with the official `stripe` library.

The client is sent to a Checkout Session for exactly the requested amount;
the payment counts only when Stripe's signed webhook says the session is
paid, and each webhook event is applied once.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from msem.payments.models import Payment, PaymentRequest, ProviderEvent
from msem.payments.not_applied import card_payment_not_applied
from msem.payments.services import PaymentRefused, payment_record

logger = logging.getLogger(__name__)
# Stripe closes a Checkout Session after 24 h at most.
LONGEST_SESSION = timedelta(hours=23)


class WebhookRejected(Exception):
    """The request is not a genuine Stripe event."""


def stripe_available() -> bool:
    return bool(settings.MSEM_STRIPE_SECRET_KEY)


def _client() -> stripe.StripeClient:
    base_addresses = {"api": settings.MSEM_STRIPE_API_BASE} if settings.MSEM_STRIPE_API_BASE else {}
    return stripe.StripeClient(settings.MSEM_STRIPE_SECRET_KEY, base_addresses=base_addresses)  # type: ignore[arg-type]


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_exact())


def checkout_session_start(*, payment_request: PaymentRequest, success_url: str, cancel_url: str) -> str:
    """A Checkout Session for the request's amount; returns the address to send the client to."""
    quote = payment_request.quote
    expires_at = min(payment_request.expires_at, timezone.now() + LONGEST_SESSION)
    session = _client().v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": _cents(payment_request.amount),
                        "product_data": {"name": f"{quote.school.name} — {payment_request.reference}"},
                    },
                    "quantity": 1,
                }
            ],
            "client_reference_id": payment_request.reference,
            "customer_email": quote.inquiry.email,
            "locale": quote.language,
            "metadata": {
                "school": str(payment_request.school_id),
                "payment_request": str(payment_request.pk),
                "quote_version": str(payment_request.quote_version),
            },
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": int(max(expires_at, timezone.now() + timedelta(minutes=31)).timestamp()),
        },
        # The same request and version give the same session, however often the client clicks.
        options={"idempotency_key": f"{payment_request.reference}-v{payment_request.quote_version}"},
    )
    return str(session.url)


def webhook_apply(*, payload: bytes, signature: str) -> str:
    """Verify and apply one Stripe event; returns what was done (for the log and the test)."""
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.MSEM_STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as error:
        raise WebhookRejected(str(error)) from error
    known = ProviderEvent.objects.filter(provider=Payment.Provider.STRIPE, event_id=event.id)
    if known.exists():
        return "already applied"
    try:
        # The event is recorded with its effect, or not at all: if applying it
        # fails, Stripe's next delivery tries again.
        with transaction.atomic():
            record = ProviderEvent.objects.create(provider=Payment.Provider.STRIPE, event_id=event.id, kind=event.type)
            outcome = _apply(event)
            ProviderEvent.objects.filter(pk=record.pk).update(outcome=outcome[:200])
    except IntegrityError:
        return "already applied"  # the same event delivered twice at once
    return outcome


def _apply(event: stripe.Event) -> str:
    if event.type != "checkout.session.completed":
        return f"ignored {event.type}"
    session = event.data.object.to_dict()
    if session.get("payment_status") != "paid":
        return "session not paid yet"
    metadata = session.get("metadata") or {}
    try:
        school_id = int(metadata["school"])
        request_id = int(metadata["payment_request"])
    except (KeyError, TypeError, ValueError):
        return "no payment request in the metadata"
    if session.get("currency") != "eur":
        return f"refused: currency {session.get('currency')}"
    amount = Decimal(int(session.get("amount_total") or 0)) / 100
    reference = str(session.get("payment_intent") or session.get("id"))
    try:
        payment_record(
            school=school_id,
            payment_request_id=request_id,
            provider=Payment.Provider.STRIPE,
            provider_reference=reference,
            amount=amount,
        )
    except PaymentRequest.DoesNotExist as error:
        # No request of that school by that id: nobody at a school to tell, the operator's log says it.
        logger.error("Stripe payment %s for request %s not applied: %s", reference, request_id, error)
        return f"refused: {error}"
    except PaymentRefused as error:
        # The money was taken but cannot be counted: the school is told, in the dossier and by e-mail.
        logger.error("Stripe payment %s for request %s not applied: %s", reference, request_id, error)
        card_payment_not_applied(
            payment_request=PaymentRequest.objects.for_school(school_id).get(pk=request_id),
            provider=Payment.Provider.STRIPE,
            provider_reference=reference,
            received=amount,
            refused=error,
        )
        return f"refused: {error}"
    return f"applied {reference}"
