"""The receipt the client gets for each payment, in the dossier's language.

Our own words (a school has no "receipt" text to edit), then the school's
signature and legal footer, as in every e-mail to a client. It is queued by
payment_record only when a payment is recorded for the first time, so a
replayed webhook or a double click sends no second receipt.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from msem.inquiries.notifications import AUTO_GENERATED_HEADERS, client_email_queue
from msem.mailing.client_mail import school_mail_compose
from msem.mailing.composition import ComposedMail
from msem.mailing.models import MailKind, OutgoingEmail
from msem.payments.models import Payment
from msem.payments.pay_link import payment_request_waiting
from msem.platform.labels import labelled
from msem.quotes.formatting import format_date, format_money
from msem.quotes.next_step import quote_next_step


def payment_receipt_compose(*, payment: Payment, remaining: Decimal) -> ComposedMail:
    """Amount, date, means, references, and what is left to pay and how (or that the quote is fully paid)."""
    payment_request = payment.payment_request
    quote = payment_request.quote
    inquiry = quote.inquiry
    language = inquiry.language
    with translation.override(language):
        # Placeholders, not %-formatting: the client's name is filled in last and never read as a placeholder.
        subject = _("Payment received for your quote {quote_number}")
        details = [
            labelled(_("Amount received"), "{amount}"),
            labelled(_("Date"), format_date(timezone.localdate(payment.received_at), language)),
            labelled(_("Means of payment"), payment.get_provider_display()),
            labelled(_("Payment reference"), payment_request.reference),
            labelled(_("Quote"), "{quote_number}"),
            labelled(_("Your request"), "{reference}"),
        ]
        if remaining > 0:
            # What to do about it, in the payment page's and the acceptance e-mail's words: a family reading
            # "Left to pay" alone does not know whether to wait for a link or to pay somewhere.
            next_step = quote_next_step(
                quote=quote, waiting=payment_request_waiting(quote), left_to_pay=remaining, language=language
            )
            balance = labelled(_("Left to pay"), format_money(remaining, language)) + "\n\n" + next_step
        else:
            balance = _("Your quote is now fully paid: your booking is confirmed.")
        body = "\n\n".join(
            [
                _("Hello {client_name},"),
                _("We have received your payment of {amount} for the quote {quote_number}. Thank you!"),
                "\n".join(details),
                balance,
            ]
        )
    return school_mail_compose(
        school=quote.school,
        kind=MailKind.PAYMENT_REQUEST,
        language=language,
        values={
            "client_name": inquiry.client_name,
            "reference": inquiry.reference,
            "quote_number": quote.number,
            "amount": format_money(payment.amount, language),
        },
        subject=subject,
        body=body,
    )


def payment_receipt_queue(*, payment: Payment, remaining: Decimal) -> OutgoingEmail:
    """Queued in the payment's transaction, in the dossier's timeline; an automatic e-mail, marked as one."""
    inquiry = payment.payment_request.quote.inquiry
    return client_email_queue(
        inquiry=inquiry,
        actor=None,
        kind=OutgoingEmail.Kind.PAYMENT_RECEIPT,
        language=inquiry.language,
        mail=payment_receipt_compose(payment=payment, remaining=remaining),
        headers=AUTO_GENERATED_HEADERS,
    )
