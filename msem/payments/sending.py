"""The payment-request e-mail and its reminders, in the client's language."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from msem.accounts.models import User
from msem.inquiries.notifications import client_email_queue
from msem.mailing.client_mail import school_mail_compose
from msem.mailing.composition import ComposedMail
from msem.mailing.models import MailKind, OutgoingEmail
from msem.mailing.placeholders import ALLOWED_BY_KIND, validate_placeholders
from msem.payments.models import PaymentRequest
from msem.payments.pay_link import payment_url
from msem.quotes.formatting import format_date, format_money


def payment_values(payment_request: PaymentRequest) -> dict[str, str]:
    quote = payment_request.quote
    language = quote.language
    return {
        "client_name": quote.inquiry.client_name,
        "reference": quote.inquiry.reference,
        "quote_number": quote.number,
        "payment_link": payment_url(payment_request),
        "amount": format_money(payment_request.amount, language),
        "expires_on": format_date(timezone.localtime(payment_request.expires_at).date(), language),
    }


def payment_email_compose(
    *, payment_request: PaymentRequest, subject: str | None = None, body: str | None = None, reminder: bool = False
) -> ComposedMail:
    """The school's "Demande de paiement" text (or the one the secretary adjusted), with the link."""
    allowed = ALLOWED_BY_KIND[MailKind.PAYMENT_REQUEST]
    for text in (subject, body):
        if text is not None:
            validate_placeholders(text, allowed=allowed)
    quote = payment_request.quote
    with translation.override(quote.language):
        link_label = _("Pay %(amount)s") % {"amount": format_money(payment_request.amount, quote.language)}
    return school_mail_compose(
        school=quote.school,
        kind=MailKind.PAYMENT_REQUEST,
        language=quote.language,
        values=payment_values(payment_request),
        subject=subject,
        body=body,
        reminder=reminder,
        link_labels={payment_url(payment_request): link_label},
    )


def payment_email_queue(
    *,
    payment_request: PaymentRequest,
    actor: User,
    subject: str | None = None,
    body: str | None = None,
    reminder: bool = False,
) -> OutgoingEmail:
    mail = payment_email_compose(payment_request=payment_request, subject=subject, body=body, reminder=reminder)
    quote = payment_request.quote
    return client_email_queue(
        inquiry=quote.inquiry, actor=actor, kind=OutgoingEmail.Kind.PAYMENT_REQUEST, language=quote.language, mail=mail
    )
