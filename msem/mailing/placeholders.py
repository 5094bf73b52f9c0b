"""The {placeholders} a school may use in its e-mail texts.

A whitelist, checked when the text is saved, and filled by plain substitution
when the e-mail is composed: never a template language, so a text typed in the
settings page can neither run code nor reach data it was not given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from msem.mailing.models import MailKind
from msem.quotes.formatting import format_date, format_money

# Anything between braces is meant as a placeholder; "{{" and "}}" write a
# literal brace.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}")


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: Promise


PLACEHOLDERS: dict[str, Placeholder] = {
    p.name: p
    for p in [
        Placeholder("client_name", _("the client's first and last name")),
        Placeholder("school_name", _("the name of your school")),
        Placeholder("reference", _("the reference of the request")),
        Placeholder("quote_number", _("the number of the quote")),
        Placeholder("quote_link", _("the link to the quote")),
        Placeholder("valid_until", _("the last day the quote can be accepted")),
        Placeholder("payment_link", _("the payment link")),
        Placeholder("amount", _("the amount to pay")),
        Placeholder("expires_on", _("the last day the payment link works")),
    ]
}

_COMMON = ("client_name", "school_name", "reference")
ALLOWED_BY_KIND: dict[str, tuple[str, ...]] = {
    MailKind.ACKNOWLEDGEMENT: _COMMON,
    MailKind.SIGNATURE: ("school_name",),
    MailKind.QUOTE: (*_COMMON, "quote_number", "quote_link", "valid_until", "amount"),
    MailKind.PAYMENT_REQUEST: (*_COMMON, "quote_number", "payment_link", "amount", "expires_on"),
}
# The legal footer is appended to every e-mail, whatever its kind.
ALLOWED_IN_FOOTER: tuple[str, ...] = ("school_name",)


def placeholders_used(text: str) -> list[str]:
    return [match.group(1) for match in _TOKEN.finditer(text) if match.group(1) is not None]


def validate_placeholders(text: str, *, allowed: tuple[str, ...]) -> None:
    errors = []
    # A brace left alone is a placeholder half typed ("{client_name" or "reference}"): it would
    # reach the client as typed, so it is refused like an unknown name.
    outside_placeholders = _TOKEN.sub("", text)
    if "{" in outside_placeholders or "}" in outside_placeholders:
        errors.append(
            ValidationError(
                gettext(
                    "A brace is alone: write a placeholder between two braces, as {client_name}, "
                    "and a brace meant as text twice, as {{ or }}."
                ),
                code="lone_brace",
            )
        )
    unknown = sorted({name for name in placeholders_used(text) if name not in allowed})
    if unknown:
        errors.append(
            ValidationError(
                ngettext(
                    "Unknown placeholder: %(unknown)s. You can use: %(allowed)s.",
                    "Unknown placeholders: %(unknown)s. You can use: %(allowed)s.",
                    len(unknown),
                )
                % {
                    "unknown": ", ".join("{%s}" % name for name in unknown),
                    "allowed": ", ".join("{%s}" % name for name in allowed),
                },
                code="unknown_placeholder",
            )
        )
    if errors:
        raise ValidationError(errors)


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Replace each known placeholder; an unknown one is left as typed."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = match.group(1)
        return str(values[name]) if name in values else token

    return _TOKEN.sub(replace, text)


def example_values(language: str) -> dict[str, str]:
    """What each placeholder becomes in a preview or a test e-mail, written as a client of `language` reads it."""
    return {
        "client_name": "Claire Martin",
        "school_name": "ESF Val Neige",
        "reference": "DEM-2026-00042",
        "quote_number": "DEV-2026-00017",
        "quote_link": f"https://msem.example/{language}/demo/quote/…/",
        "valid_until": format_date(date(2026, 12, 20), language),
        "payment_link": f"https://msem.example/{language}/pay/…/",
        "amount": format_money(Decimal("480.00"), language),
        "expires_on": format_date(date(2026, 12, 22), language),
    }
