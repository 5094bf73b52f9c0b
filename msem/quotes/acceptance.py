"""The client's confirmation that his quote is accepted, in the quote's language.

He accepted it on its page, where nobody at the school was watching: the
e-mail is his record of it. Our own words (a school has no text to edit for
it), the quote's summary as the quote e-mail words it, and the next step in the
words of the quote's page after acceptance (msem.quotes.next_step): pay the
request waiting, with its link, or wait for the school's. Then the school's signature and legal footer,
as in every e-mail to a client. quote_accept queues it only when the quote
becomes accepted, so a double click or a replayed POST sends nothing more.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from msem.inquiries.notifications import AUTO_GENERATED_HEADERS, client_email_queue
from msem.mailing.client_mail import school_mail_compose
from msem.mailing.composition import ComposedMail
from msem.mailing.models import MailKind, OutgoingEmail
from msem.payments.models import PaymentRequest
from msem.payments.pay_link import payment_request_waiting, payment_url
from msem.quotes.formatting import format_date, format_money
from msem.quotes.models import Quote
from msem.quotes.next_step import quote_next_step
from msem.quotes.sending import quote_summary, quote_url


def _next_step(quote: Quote, waiting: PaymentRequest | None, pay_link: str) -> str:
    """In the active language: the quote's page's own words, then the link to pay and until when it works."""
    language = quote.language
    # Money received on a sent quote accepts it (payment_record): one accepted here has none, and
    # what is left to pay is the whole total.
    step = quote_next_step(quote=quote, waiting=waiting, left_to_pay=quote.totals().including_vat, language=language)
    if waiting is None:
        return step
    validity = _("This link is valid until %(day)s.") % {
        "day": format_date(timezone.localtime(waiting.expires_at).date(), language)
    }
    return f"{step}\n{pay_link}\n{validity}"


def quote_acceptance_compose(*, quote: Quote) -> ComposedMail:
    """Thanks, the quote's summary and total, the next step, the link to the quote's page."""
    language = quote.language
    waiting = payment_request_waiting(quote)
    page = quote_url(quote)  # the versioned link the client has (Quote.link_token)
    pay_link = payment_url(waiting) if waiting is not None else ""
    with translation.override(language):
        # Placeholders, not %-formatting, for the client's name: filled in last, never read as a placeholder.
        subject = _("Your quote {quote_number} is accepted")
        body = "\n\n".join(
            [
                _("Hello {client_name},"),
                _("You accepted this quote on %(day)s. Thank you!")
                % {"day": format_date(timezone.localdate(quote.accepted_at), language)},
                quote_summary(quote),
                _next_step(quote, waiting, pay_link),
                _("Your quote and its PDF stay at this address:") + f"\n{page}",
            ]
        )
        link_labels = {page: _("View your quote")}
        if waiting is not None:
            link_labels[pay_link] = _("Pay %(amount)s") % {"amount": format_money(waiting.amount, language)}
    return school_mail_compose(
        school=quote.school,
        kind=MailKind.QUOTE,
        language=language,
        values={
            "client_name": quote.inquiry.client_name,
            "reference": quote.inquiry.reference,
            "quote_number": quote.number,
        },
        subject=subject,
        body=body,
        link_labels=link_labels,
    )


def quote_acceptance_queue(*, quote: Quote) -> OutgoingEmail:
    """Queued in the acceptance's transaction, in the dossier's timeline; an automatic e-mail, marked as one."""
    return client_email_queue(
        inquiry=quote.inquiry,
        actor=None,
        kind=OutgoingEmail.Kind.QUOTE_ACCEPTED,
        language=quote.language,
        mail=quote_acceptance_compose(quote=quote),
        headers=AUTO_GENERATED_HEADERS,
    )
