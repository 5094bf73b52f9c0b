"""The first of the month as French writes it: "1er sept.", wherever a day is written with its month's name.

Django's "j" writes the day as a number, and French writes the first of a month "1er" (1er septembre,
1er déc. 2026; then 2 déc., 3 déc.). Only where the month is named and only in French: 01/09/2026 and
"1 Sept 2026" stay as they are. Every date of the back office and of the e-mails goes through here: the
templates' |date (msem/platform/templatetags/dates.py) and the dates written in Python.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils import dateformat, formats
from django.utils.translation import get_language

# The day of the month, and the letters that write a month's name, as Django's format letters
# (a letter after a backslash is written as itself, as Django's DateFormat reads it).
_DAY = re.compile(r"(?<!\\)j")
_MONTH_NAME = re.compile(r"(?<!\\)[bEFMN]")
# Django's "S" writes English's ordinal suffix ("1st"): a format with it says the day its own way.
_ORDINAL = re.compile(r"(?<!\\)S")
FIRST = "1er"


def is_french(language: str | None) -> bool:
    return (language or "").split("-")[0] == "fr"


def day_number(day: date, language: str | None = None) -> str:
    """A day of the month before its month's name ("1er" in French), "21" in "21 → 28 déc."."""
    if day.day == 1 and is_french(language or get_language()):
        return FIRST
    return str(day.day)


def names_the_month(fmt: str) -> bool:
    """Whether a format writes the day before its month's name (no ordinal of its own): "j N Y", not "d/m/Y"."""
    return bool(_MONTH_NAME.search(fmt)) and not _ORDINAL.search(fmt)


def day_format(fmt: str, value: date, language: str | None = None) -> str:
    """`fmt` (Django's letters) to write `value` with: "j" written "1er" on a French first of the month."""
    if getattr(value, "day", None) != 1 or not is_french(language or get_language()):
        return fmt
    if not names_the_month(fmt):
        return fmt  # 1/9/2026: no month's name, no "1er"
    return _DAY.sub(r"1\\e\\r", fmt)


def date_format(value: date | datetime, fmt: str = "DATE_FORMAT", language: str | None = None) -> str:
    """Django's formats.date_format with French's first of the month; `fmt` a format's name or its letters.

    With `language`, the formats of that language (the dashboard writes its charts in the page's).
    """
    letters = formats.get_format(fmt, language) if language else formats.get_format(fmt)
    return dateformat.format(value, day_format(str(letters), value, language))
