from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def iban_print(iban: str) -> str:
    """FR76 3000 6000 0112 3456 7890 189: the IBAN in groups of four, as banks print it (ISO 13616).

    Easier to copy by hand than 27 characters in a row, and it wraps on a phone's screen.
    """
    compact = "".join(iban.split()).upper()
    return " ".join(compact[start : start + 4] for start in range(0, len(compact), 4))
