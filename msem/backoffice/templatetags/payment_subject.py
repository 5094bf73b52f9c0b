"""What the payment form says under its subject line (msem.mailing.client_mail.subject_naming_the_quote)."""

from __future__ import annotations

from django import template

from msem.mailing.client_mail import quote_number_suffix
from msem.quotes.models import Quote

register = template.Library()


@register.filter
def subject_suffix(quote: Quote) -> str:
    """ "(quote DEV-2026-00001)", in the client's language: what a subject line without the number ends with."""
    return quote_number_suffix(language=quote.language, quote_number=quote.number)
