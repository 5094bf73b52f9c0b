"""How an e-mail to a client is put together: text, then signature, then the legal footer.

The same three parts give the plain-text version and the HTML version; the
HTML one escapes everything the school or the client typed.

A French e-mail's text, signature and footer get the no-break spaces of French punctuation, as our
own French does: a secretary types "Bonjour !" with an ordinary space, and the client's mail program
may then put the "!" alone at the start of a line; an apostrophe typed between two letters becomes
the typographic one (l’école). The subject line is sent as typed: it is one line,
never wrapped, and the school searches its sent mail for it. The values filled in (a client's name,
a link) are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils.html import escape

from msem.mailing.placeholders import fill_placeholders
from msem.platform.french_spacing import french_typography

FOOTER_SEPARATOR = "—" * 24
# Remembered: a school's signature, footer and default texts recur in every e-mail it sends, and a
# text typed with the keyboard's apostrophes costs about 100 µs a mail to typeset (in the form's POST).
_french_typography = lru_cache(maxsize=2048)(french_typography)
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]+")


@dataclass(frozen=True)
class ComposedMail:
    subject: str
    text: str
    html: str = ""


def mail_compose(
    *,
    subject: str,
    body: str,
    signature: str,
    footer: str,
    values: Mapping[str, str],
    language: str = "fr",
    with_html: bool = False,
    link_labels: Mapping[str, str] | None = None,
) -> ComposedMail:
    """The e-mail's text and, `with_html`, its HTML part.

    `link_labels` gives a label to a link of the text: in the HTML part the
    link shows as a button with that label instead of its address, that a
    phone's screen would not hold; the text part keeps the address.
    """
    if language == "fr":
        body, signature, footer = map(_french_typography, (body, signature, footer))
    filled_subject = _LINE_BREAKS.sub(" ", fill_placeholders(subject, values)).strip()
    filled_body = fill_placeholders(body, values).strip()
    filled_signature = fill_placeholders(signature, values).strip()
    filled_footer = fill_placeholders(footer, values).strip()
    text = "\n\n".join(part for part in (filled_body, filled_signature) if part)
    if filled_footer:
        text = f"{text}\n\n{FOOTER_SEPARATOR}\n{filled_footer}"
    html = ""
    if with_html:
        html = render_to_string(
            "mail/client_message.html",
            {
                "language": language,
                "subject": filled_subject,
                "body": filled_body,
                "signature": filled_signature,
                "footer": filled_footer,
            },
        )
        html = _labelled_links(html, link_labels or {})
    return ComposedMail(subject=filled_subject, text=text + "\n", html=html)


LINK_BUTTON_STYLE = (
    "display:inline-block;padding:10px 20px;margin:4px 0;background:#0d3b66;color:#ffffff;"
    "border-radius:6px;font-weight:bold;text-decoration:none;"
)


def _labelled_links(html: str, labels: Mapping[str, str]) -> str:
    """Each labelled link as `urlize` made it (its address as its text) becomes a button with its label."""
    for url, label in labels.items():
        address = escape(url)
        html = html.replace(
            f'<a href="{address}" rel="nofollow">{address}</a>',
            f'<a href="{address}" rel="nofollow" style="{LINK_BUTTON_STYLE}">{escape(label)}</a>',
        )
    return html
