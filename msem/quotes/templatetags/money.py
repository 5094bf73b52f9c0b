from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import translation

from msem.quotes.formatting import format_money, format_rate

register = template.Library()


@register.filter
def money(amount: Decimal | str | None, language: str = "") -> str:
    """{{ amount|money }} in the page's language, or {{ amount|money:quote.language }}.

    Amounts kept as text (in timeline events) are accepted too.
    """
    if amount is None or amount == "":
        return ""
    return format_money(Decimal(str(amount)), language or translation.get_language() or "fr")


@register.filter
def vat_rate(rate: Decimal, language: str = "") -> str:
    """{{ quote.vat_rate|vat_rate }}: 20, 5.5 or 5,5, as the quote's PDF writes it (not floatformat's 5.50)."""
    return format_rate(rate, language or translation.get_language() or "fr")
