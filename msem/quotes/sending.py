"""The e-mail that sends a quote: the school's "Envoi de devis" text, the summary, the link, the PDF."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from msem.accounts.models import User
from msem.catalog.models import Product
from msem.inquiries.notifications import client_email_queue
from msem.mailing.client_mail import school_mail_compose
from msem.mailing.composition import ComposedMail
from msem.mailing.models import MailKind, OutgoingEmail
from msem.mailing.outbox import Attachment
from msem.mailing.placeholders import ALLOWED_BY_KIND, validate_placeholders
from msem.mailing.selectors import mail_templates_by_kind_and_language
from msem.payments.pay_link import payment_request_waiting
from msem.payments.resending import quote_email_about
from msem.platform.labels import labelled
from msem.quotes.formatting import format_date, format_money
from msem.quotes.models import Quote, QuoteLine
from msem.quotes.pdf import quote_pdf


def quote_url(quote: Quote) -> str:
    return settings.MSEM_BASE_URL + reverse(
        "public_site:quote",
        kwargs={"language": quote.language, "school_slug": quote.school.slug, "token": quote.link_token},
    )


def quote_values(quote: Quote) -> dict[str, str]:
    """The placeholders of the quote e-mail, written in the client's language."""
    language = quote.language
    return {
        "client_name": quote.inquiry.client_name,
        "reference": quote.inquiry.reference,
        "quote_number": quote.number,
        "quote_link": quote_url(quote),
        "valid_until": format_date(quote.valid_until, language),
        "amount": format_money(quote.totals().including_vat, language),
    }


def _dates(line: QuoteLine, language: str) -> str:
    start = format_date(line.start_date, language)
    if line.end_date is None or line.end_date == line.start_date:
        return start
    return _("from %(start)s to %(end)s") % {"start": start, "end": format_date(line.end_date, language)}


def _quantity_and_price(line: QuoteLine, language: str) -> str:
    """What the unit price counts, in words: lessons, hours, or each participant."""
    values = {"count": line.quantity, "price": format_money(line.unit_price, language)}
    if line.pricing_unit == Product.PricingUnit.PER_LESSON:
        return ngettext("%(count)d lesson at %(price)s", "%(count)d lessons at %(price)s each", line.quantity) % values
    if line.pricing_unit == Product.PricingUnit.PER_HOUR:
        return ngettext("%(count)d hour at %(price)s", "%(count)d hours at %(price)s an hour", line.quantity) % values
    return ngettext("%(price)s per person", "%(count)d times %(price)s per person", line.quantity) % values


def quote_line_summary(line: QuoteLine, language: str) -> str:
    """One line of the quote as the client reads it in the e-mail: dates, participants, quantity and price, total."""
    participants = ngettext("%(count)d participant", "%(count)d participants", line.participants) % {
        "count": line.participants
    }
    parts = (
        line.name(language),
        _dates(line, language),
        participants,
        _quantity_and_price(line, language),
        _("total %(amount)s") % {"amount": format_money(line.total, language)},
    )
    return "• " + " — ".join(parts)


def quote_summary(quote: Quote) -> str:
    language = quote.language
    with translation.override(language):
        lines = [f"{_('Quote')} {quote.number}"]
        lines += [quote_line_summary(line, language) for line in quote.lines.all()]
        lines.append(labelled(_("Total including VAT"), format_money(quote.totals().including_vat, language)))
    return "\n".join(lines)


def quote_what_follows(quote: Quote, *, with_pdf: bool) -> str:
    """The fixed words after the summary: the PDF attached, and that accepting charges nothing.

    The school's text is its own and may say neither; a family hesitates to accept what might
    charge them. Accepting is said in the quote page's words, under its "Accept the quote"
    button, and, as there, not when a payment link already waits (the page offers it instead).
    In the active language.
    """
    sentences = []
    if with_pdf:
        sentences.append(_("The quote is attached to this e-mail as a PDF."))
    if payment_request_waiting(quote) is None:
        sentences.append(
            _(
                "Accepting charges nothing: %(school)s will then send you a link by e-mail to pay; "
                "your booking is confirmed once the quote is fully paid."
            )
            % {"school": quote.school.name}
        )
    return "\n".join(sentences)


def quote_email_compose(
    *,
    quote: Quote,
    with_pdf: bool,
    subject: str | None = None,
    body: str | None = None,
    reminder: bool = False,
) -> ComposedMail:
    """The secretary's text (or the school's "Envoi de devis"), the quote's summary, what follows, the
    signature and the footer. `with_pdf`: the quote goes as a PDF attached to the e-mail."""
    allowed = ALLOWED_BY_KIND[MailKind.QUOTE]
    for text in (subject, body):
        if text is not None:
            validate_placeholders(text, allowed=allowed)
    if body is None:
        template = mail_templates_by_kind_and_language(
            school=quote.school, kinds=(MailKind.QUOTE,), language=quote.language
        ).get((MailKind.QUOTE, quote.language))
        body = template.body if template else ""
    with translation.override(quote.language):
        link_label = _("View your quote")
        what_follows = quote_what_follows(quote, with_pdf=with_pdf)
    return school_mail_compose(
        school=quote.school,
        kind=MailKind.QUOTE,
        language=quote.language,
        values=quote_values(quote),
        subject=subject,
        body="\n\n".join(part for part in (body.strip(), quote_summary(quote), what_follows) if part),
        reminder=reminder,
        link_labels={quote_url(quote): link_label},
    )


def quote_email_queue(
    *, quote: Quote, actor: User, subject: str | None = None, body: str | None = None, reminder: bool = False
) -> OutgoingEmail:
    mail = quote_email_compose(quote=quote, with_pdf=True, subject=subject, body=body, reminder=reminder)
    return client_email_queue(
        inquiry=quote.inquiry,
        actor=actor,
        kind=OutgoingEmail.Kind.QUOTE,
        language=quote.language,
        mail=mail,
        attachments=[Attachment(f"{quote.number}.pdf", "application/pdf", quote_pdf(quote))],
        about=quote_email_about(quote),
    )
