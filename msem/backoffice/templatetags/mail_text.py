"""{{ text|mail_text }}: an e-mail's text as the back office shows it in a <pre>, its footer's rule marked.

The rule (msem/mailing/composition.py's FOOTER_SEPARATOR) is 24 dashes that a phone's narrow box broke
onto two lines, two rules; marked, the stylesheet keeps it on one line, cut at the box's edge.
"""

from __future__ import annotations

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from msem.mailing.composition import FOOTER_SEPARATOR

register = template.Library()


@register.filter
def mail_text(text: str) -> SafeString:
    rule = format_html('<span class="mail-rule">{}</span>', FOOTER_SEPARATOR)
    lines = [rule if line == FOOTER_SEPARATOR else escape(line) for line in str(text).split("\n")]
    return mark_safe("\n".join(lines))  # noqa: S308 (each line escaped above, the rule's markup our own)
