"""A reference inside a sentence of the client's pages, kept on one line."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def whole_reference(value: str) -> SafeString:
    """DEV-2026-00087-P1 is never cut at one of its hyphens on a phone ("DEV-" / "2026-00087-P1").

    Its hyphens stay hyphens (not U+2011): the client copies the reference for a bank transfer.
    """
    return format_html('<span class="public-reference-inline">{}</span>', value)
