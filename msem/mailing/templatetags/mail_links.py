"""`urlize` for the texts of e-mails, remembered: a school's signature and footer recur in every e-mail."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.html import Urlizer
from django.utils.regex_helper import _lazy_re_compile
from django.utils.safestring import SafeData, SafeString, mark_safe

register = template.Library()


class MailUrlizer(Urlizer):
    """Django's urlizer, except that an apostrophe inside a word does not end it.

    Django splits words at every apostrophe, so an address such as o'brien@esf-exemple.fr
    was linked as brien@esf-exemple.fr. An apostrophe opening or closing a quote still
    ends the word: 'www.esf-exemple.fr' keeps its quotes outside the link.
    """

    word_split_re = _lazy_re_compile(r"""([\s<>"]+|(?<!\w)'+|'+(?!\w))""")


_urlize = MailUrlizer()


@lru_cache(maxsize=2048)
def _linked(text: str) -> str:
    # Django's urlize runs several regular expressions per word: a footer costs
    # more than the rest of the acknowledgement.
    return _urlize(text, nofollow=True, autoescape=True)


@register.filter(is_safe=True, needs_autoescape=True)
def urlize_text(value: str, autoescape: bool = True) -> SafeString:
    """Like `|urlize` on plain text: escaped, with links on web and e-mail addresses."""
    if not autoescape or isinstance(value, SafeData):
        # Rare, and urlize treats them differently: not remembered.
        return mark_safe(_urlize(value, nofollow=True, autoescape=autoescape))  # noqa: S308 (as the urlize filter)
    return mark_safe(_linked(str(value)))  # noqa: S308 (escaped by urlize)
