"""Figures of the dashboard as a French or English reader expects them, on the page and in CSV files."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from msem.platform.first_of_month import date_format
from msem.quotes.formatting import NARROW_NO_BREAK_SPACE, NO_BREAK_SPACE, format_money

EMPTY = "—"


def _number(value: float | Decimal, places: int, *, grouping: bool) -> str:
    """The active language's decimal mark and thousands separator, from Django's locale formats.

    Written out here rather than by formats.number_format(), whose generic
    work, repeated for the hundreds of figures of a page, showed in its time.
    """
    language = get_language()  # once, not for each format
    decimal_mark = formats.get_format("DECIMAL_SEPARATOR", language)
    if not grouping:
        return f"{value:.{places}f}".replace(".", decimal_mark)
    thousands = formats.get_format("THOUSAND_SEPARATOR", language)
    return f"{value:,.{places}f}".replace(",", "\0").replace(".", decimal_mark).replace("\0", thousands)


def integer(value: int) -> str:
    """1 234 in French, 1,234 in English."""
    return _number(value, 0, grouping=True)


def percent(value: float | None, language: str) -> str:
    """42,5 % in French, 42.5% in English."""
    if value is None:
        return EMPTY
    number = _number(round(value, 1), 1, grouping=False)
    return f"{number}%" if language == "en" else f"{number}{NARROW_NO_BREAK_SPACE}%"


def labelled(label: str, value: str, language: str) -> str:
    """A bar's value on hover: "Tarif public : 378,00 €" in French (a no-break space before the colon)."""
    return f"{label}: {value}" if language == "en" else f"{label}{NO_BREAK_SPACE}: {value}"


def money(value: Decimal, language: str) -> str:
    return format_money(value, language)


def money_rounded(value: Decimal, language: str) -> str:
    """To the euro, for a figure read at a glance: 128 773 € in French, €128,773 in English."""
    euros = integer(int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    return f"€{euros}" if language == "en" else f"{euros}{NO_BREAK_SPACE}€"


# The space after a number, before its unit ("48 min"): the line may break between "10 h" and
# "48 min", never inside one.
_NUMBER_SPACE = re.compile(r"(?<=\d) ")


def duration(seconds: float | None) -> str:
    """A wait as a secretary says it: 40 min, 3 h 05 min, 2 d 4 h; each number kept with its unit."""
    if seconds is None:
        return EMPTY
    minutes = round(seconds / 60)
    if minutes < 1:
        return _("less than a minute")
    if minutes < 60:
        text = _("%(minutes)d min") % {"minutes": minutes}
    else:
        hours, minutes = divmod(minutes, 60)
        if hours < 48:
            text = _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
        else:
            days, hours = divmod(hours, 24)
            text = _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    return _NUMBER_SPACE.sub(NO_BREAK_SPACE, text)


def whole_days(hours: int) -> int | None:
    """48 hours are said "2 days", as a secretary says them; 36 stay hours (None)."""
    days, rest = divmod(hours, 24)
    return days if days and not rest else None


def day(value: date, language: str) -> str:
    """A calendar day as the whole back office writes it (config/formats): 7 déc. 2026, 7 Dec 2026."""
    return date_format(value, "DATE_FORMAT", language)


def moment(value: datetime, language: str) -> str:
    """A moment as the whole back office writes it (config/formats): 7 déc. 2026, 14:05."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT", language)


def short_day(value: date, language: str) -> str:
    """An axis label: 15/01 in French, 15 Jan in English."""
    return value.strftime("%d/%m") if language != "en" else f"{value.day} {value.strftime('%b')}"


# --- The same figures for a spreadsheet: no grouping, the language's decimal mark -------------


def csv_decimal(value: float | Decimal | None, places: int) -> str:
    if value is None:
        return ""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return _number(rounded, places, grouping=False)


def csv_hours(seconds: float | None) -> str:
    return "" if seconds is None else csv_decimal(seconds / 3600, 2)
