from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import translation

from msem.quotes.formatting import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, language: str = "") -> str:
    """{{ amount|money }} in the page's language, or {{ amount|money:quote.language }}."""
    if amount is None:
        return ""
    return format_money(amount, language or translation.get_language() or "fr")
