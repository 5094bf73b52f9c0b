"""The payment-request e-mail and its reminders, in the client's language."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from msem.accounts.models import User
from msem.inquiries.notifications import client_email_queue
from msem.mailing.client_mail import school_mail_compose
from msem.mailing.composition import ComposedMail
from msem.mailing.models import MailKind, OutgoingEmail
from msem.mailing.placeholders import ALLOWED_BY_KIND, validate_placeholders
from msem.mailing.selectors import mail_templates_by_kind_and_language
from msem.payments.models import Payment, PaymentRequest
from msem.payments.pay_link import payment_url
from msem.payments.resending import payment_email_about
from msem.platform.labels import labelled
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


def payment_summary(payment_request: PaymentRequest) -> str:
    """What the amount asked is: the quote's total, what was paid before, this request, and what it leaves.

    "Please pay 113,40 €" alone did not tell a family that it was a deposit on a quote of 378,00 €, nor
    that 264,60 € would still be due; nor, for the balance, that the booking is then fully paid.
    """
    quote = payment_request.quote
    language = quote.language
    total = quote.totals().including_vat
    # Counted here, not with payments.services.amount_paid: that module imports this one.
    paid = Payment.objects.for_school(quote.school_id).filter(payment_request__quote=quote).exclude(
        payment_request=payment_request
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    left = max(total - paid - payment_request.amount, Decimal("0.00"))
    with translation.override(language):
        if payment_request.kind == PaymentRequest.Kind.DEPOSIT:
            asked = _("Deposit requested")
        elif payment_request.kind == PaymentRequest.Kind.BALANCE:
            asked = _("Balance requested")
        else:
            asked = _("Amount requested")
        lines = [f"{_('Quote')} {quote.number}", labelled(_("Total including VAT"), format_money(total, language))]
        if paid:
            lines.append(labelled(_("Already paid"), format_money(paid, language)))
        lines.append(labelled(asked, format_money(payment_request.amount, language)))
        if left:
            lines.append(labelled(_("Left to pay afterwards"), format_money(left, language)))
        else:
            lines.append(_("Once this payment is made, your quote is fully paid."))
    return "\n".join(lines)


def payment_email_compose(
    *, payment_request: PaymentRequest, subject: str | None = None, body: str | None = None, reminder: bool = False
) -> ComposedMail:
    """The school's "Demande de paiement" text (or the one the secretary adjusted), with the link, then what it pays."""
    allowed = ALLOWED_BY_KIND[MailKind.PAYMENT_REQUEST]
    for text in (subject, body):
        if text is not None:
            validate_placeholders(text, allowed=allowed)
    quote = payment_request.quote
    if body is None:
        template = mail_templates_by_kind_and_language(
            school=quote.school, kinds=(MailKind.PAYMENT_REQUEST,), language=quote.language
        ).get((MailKind.PAYMENT_REQUEST, quote.language))
        body = template.body if template else ""
    with translation.override(quote.language):
        link_label = _("Pay %(amount)s") % {"amount": format_money(payment_request.amount, quote.language)}
    return school_mail_compose(
        school=quote.school,
        kind=MailKind.PAYMENT_REQUEST,
        language=quote.language,
        values=payment_values(payment_request),
        subject=subject,
        body=f"{body.strip()}\n\n{payment_summary(payment_request)}",
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
        inquiry=quote.inquiry,
        actor=actor,
        kind=OutgoingEmail.Kind.PAYMENT_REQUEST,
        language=quote.language,
        mail=mail,
        about=payment_email_about(payment_request),
    )
