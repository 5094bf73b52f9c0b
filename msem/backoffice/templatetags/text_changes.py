"""A changed text in the history, its removed words marked in "Before" and its added ones in "After".

A manager who edits one sentence of an e-mail text finds, in the history, the whole text twice: the
sentence she looks for is somewhere in two columns of paragraphs. Words are compared (difflib), and
the ones removed or added are wrapped in <del> and <ins>, which the stylesheet highlights. Its
generated content says "removed:" or "added:" to a screen reader (`data-said`, in the page's
language), out of sight and out of the text a copy takes. Everything else is escaped, its line
breaks kept.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

register = template.Library()

# Words and the spaces between them, so that joining the tokens gives the text back exactly.
_TOKENS = re.compile(r"\s+|\S+")


def _html(text: str) -> str:
    return escape(text).replace("\r\n", "\n").replace("\n", "<br>")


def _segments(before: str, after: str) -> list[tuple[bool, str, str]]:
    """(changed, old text, new text) runs; a run of spaces alone between two changes joins them."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    segments: list[tuple[bool, str, str]] = []
    for operation, old_start, old_end, new_start, new_end in SequenceMatcher(
        a=old, b=new, autojunk=False
    ).get_opcodes():
        segments.append((operation != "equal", "".join(old[old_start:old_end]), "".join(new[new_start:new_end])))
    joined: list[tuple[bool, str, str]] = []
    for index, (changed, old_text, new_text) in enumerate(segments):
        between_changes = 0 < index < len(segments) - 1 and segments[index + 1][0]
        if joined and joined[-1][0] and (changed or (between_changes and not old_text.strip())):
            _, previous_old, previous_new = joined.pop()
            joined.append((True, previous_old + old_text, previous_new + new_text))
        else:
            joined.append((changed, old_text, new_text))
    return joined


def _marked(before: str, after: str, *, side: str) -> SafeString:
    if not before or not after:  # added or removed whole: nothing to compare
        return mark_safe(_html(before if side == "before" else after))  # noqa: S308 (escaped by _html)
    element, said = (
        ("del", pgettext("a changed text", "removed:"))
        if side == "before"
        else (
            "ins",
            pgettext("a changed text", "added:"),
        )
    )
    parts = []
    for changed, old_text, new_text in _segments(before, after):
        text = old_text if side == "before" else new_text
        if not changed:
            parts.append(_html(text))
        elif text.strip():
            parts.append(f'<{element} data-said="{escape(said)}">{_html(text)}</{element}>')
        else:
            parts.append(_html(text))
    return mark_safe("".join(parts))  # noqa: S308 (every text part escaped by _html)


@register.simple_tag
def text_before(before: str, after: str) -> SafeString:
    """`before`, its words that `after` no longer has in <del>."""
    return _marked(before, after, side="before")


@register.simple_tag
def text_after(before: str, after: str) -> SafeString:
    """`after`, its words that `before` did not have in <ins>."""
    return _marked(before, after, side="after")
