"""Field validators shared by the domain apps.

Text typed by staff or clients ends up in e-mail headers (names, subjects,
addresses) and in pages; these validators refuse what must never get there.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Django's message says "email" (in French "courriel"); the product says "e-mail" on every screen.
# Forms give it to their EmailFields: error_messages={"invalid": E_MAIL_INVALID}.
E_MAIL_INVALID = _("Enter a valid e-mail address.")

# Control characters, line and paragraph separators: anything that could
# start a new header line or hide text. Tabs are refused too, they have no
# business in a one-line label.
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
# RFC 2047 encoded-words can smuggle CR/LF past a naive check once decoded.
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


def validate_single_line(value: str) -> None:
    """For text typed by people that may reach a header: one plain line."""
    if _LINE_BREAKING.search(value) or _ENCODED_WORD.search(value):
        raise ValidationError(
            _("Line breaks, control characters and encoded words are not allowed here."),
            code="not_single_line",
        )


def validate_header_value(value: str) -> None:
    """For a header value we composed (it may hold encoded words): no line breaks, ever."""
    if _LINE_BREAKING.search(value):
        raise ValidationError("line break in an e-mail header", code="header_line_break")


def validate_no_control_characters(value: str) -> None:
    """For multi-line text: line breaks are fine, other control characters are not."""
    for character in value:
        if character in "\n\r\t":
            continue
        if unicodedata.category(character) == "Cc":
            raise ValidationError(_("This text contains control characters."), code="control_character")


def validate_website_origins(value: str) -> None:
    for line in value.splitlines():
        origin = line.strip()
        if not origin:
            continue
        parts = urlsplit(origin)
        if (
            parts.scheme not in {"http", "https"}
            or not parts.hostname
            or parts.path not in {"", "/"}
            or parts.query
            or parts.fragment
            or parts.username
        ):
            raise ValidationError(
                _("“%(origin)s” is not a website origin such as https://www.example.com."),
                code="invalid_origin",
                params={"origin": origin},
            )


def validate_iban(value: str) -> None:
    """The ISO 13616 check: country, check digits, and the mod-97 rule."""
    compact = value.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", compact):
        raise ValidationError(_("Enter an IBAN, e.g. FR76 3000 6000 0112 3456 7890 189."), code="invalid_iban")
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(character, 36)) for character in rearranged)
    if int(digits) % 97 != 1:
        raise ValidationError(_("This IBAN is not valid: check its digits."), code="invalid_iban")
