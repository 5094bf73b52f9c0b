"""Money a card provider took that Msem could not count: the school is told, not only the server's log.

A client can pay a Checkout page opened before a secretary replaced or cancelled its request, reopened
its quote, or after its link's date: Stripe takes the money, and Msem refuses to count it against a
request that no longer waits (msem.payments.services.payment_record). Nobody at the school reads the
server's log, so the money would sit in the school's Stripe account with nobody told. The dossier's
timeline says it, and each manager gets an e-mail saying what happened and what to do (refund it, or
keep it and say so to the client).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from msem.accounts.models import Membership, Role
from msem.inquiries.notifications import email_event_record
from msem.mailing.models import OutgoingEmail
from msem.mailing.outbox import email_enqueue
from msem.mailing.staff_mail import staff_mail_render
from msem.payments.events import payment_event
from msem.payments.models import PaymentRequest
from msem.payments.services import PaymentRefused


def card_payment_not_applied(
    *,
    payment_request: PaymentRequest,
    provider: str,
    provider_reference: str,
    received: Decimal,
    refused: PaymentRefused,
) -> None:
    """The dossier's timeline line and the managers' e-mails; once per provider event (its caller's guarantee)."""
    request = PaymentRequest.objects.select_related("quote__inquiry", "school").get(pk=payment_request.pk)
    event = payment_event(
        request,
        None,
        "not_applied",
        provider=provider,
        provider_reference=provider_reference,
        received=str(received),
        quote=request.quote.number,
        reason=refused.reason,
        status=request.status,
    )
    inquiry = request.quote.inquiry
    school = request.school
    url = settings.MSEM_BASE_URL + reverse(
        "backoffice:inquiry", kwargs={"school_slug": school.slug, "reference": inquiry.reference}
    )
    managers = Membership.objects.for_school(school).filter(role=Role.MANAGER).select_related("user")
    for membership in managers:
        context = {"request": request, "inquiry": inquiry, "school": school, "event": event, "url": url}
        language = membership.user.language
        mail = staff_mail_render("card_payment_not_applied", context, language=language, with_html=False)
        email = email_enqueue(
            school=school,
            kind=OutgoingEmail.Kind.ALERT,
            language=language,
            to_email=membership.user.email,
            subject=mail.subject,
            text_body=mail.text,
        )
        email_event_record(inquiry, email)
