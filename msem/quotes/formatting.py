"""Amounts and dates as the client reads them, in French or in English."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from msem.quotes.pricing import to_cents

NARROW_NO_BREAK_SPACE = "\u202f"
NO_BREAK_SPACE = "\u00a0"


def format_money(amount: Decimal, language: str) -> str:
    """1 234,50 € in French, €1,234.50 in English."""
    units, cents = f"{to_cents(amount):,.2f}".split(".")
    if language == "en":
        return f"€{units}.{cents}"
    return f"{units.replace(',', NARROW_NO_BREAK_SPACE)},{cents}{NO_BREAK_SPACE}€"


def format_rate(rate: Decimal, language: str) -> str:
    """A VAT rate without its trailing zeros: 20 and 5,5 in French, 20 and 5.5 in English."""
    figure = f"{rate.normalize():f}"
    return figure if language == "en" else figure.replace(".", ",")


def format_date(day: date, language: str) -> str:
    return day.strftime("%d/%m/%Y") if language != "en" else day.strftime("%d %b %Y").lstrip("0")


def format_time(moment: time, language: str) -> str:
    """09:12 in both languages: the school's clock, as its booking confirmations write it."""
    return moment.strftime("%H:%M")
