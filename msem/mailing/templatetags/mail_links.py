"""`urlize` for the texts of e-mails, remembered: a school's signature and footer recur in every e-mail."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.html import urlize
from django.utils.safestring import SafeData, SafeString, mark_safe

register = template.Library()


@lru_cache(maxsize=2048)
def _linked(text: str) -> str:
    # Django's urlize runs several regular expressions per word: a footer costs
    # more than the rest of the acknowledgement.
    return urlize(text, nofollow=True, autoescape=True)


@register.filter(is_safe=True, needs_autoescape=True)
def urlize_text(value: str, autoescape: bool = True) -> SafeString:
    """Like `|urlize` on plain text: escaped, with links on web and e-mail addresses."""
    if not autoescape or isinstance(value, SafeData):
        # Rare, and urlize treats them differently: not remembered.
        return mark_safe(urlize(value, nofollow=True, autoescape=autoescape))  # noqa: S308 (as the urlize filter)
    return mark_safe(_linked(str(value)))  # noqa: S308 (escaped by urlize)
