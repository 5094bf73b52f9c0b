from __future__ import annotations

from datetime import date, datetime, time

from django import template
from django.utils import timezone, translation

from msem.quotes.formatting import format_date, format_time

register = template.Library()


@register.filter
def client_date(value: date | datetime | None) -> str:
    """A day on the client's pages as the client's e-mails and PDF write it: 16/12/2026, or 16 Dec 2026.

    Day-first numbers are what a French reader expects; an English reader
    may be British or American, so the month is spelled out.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    # No-break spaces: on a narrow phone "16 Dec 2026" moves down whole, never "16 Dec" and "2026" apart.
    return format_date(value, translation.get_language() or "fr").replace(" ", "\u00a0")


@register.filter
def client_time(value: time | None) -> str:
    """A time of day on the client's pages as the PDF writes it: 09:12."""
    if value is None:
        return ""
    return format_time(value, translation.get_language() or "fr")
