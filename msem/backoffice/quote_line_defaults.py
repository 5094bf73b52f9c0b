"""What the "Ajouter une prestation" form of a draft quote starts with.

A quote of several lines is usually built from one price list, for one stay and
one group: the next line starts from the last one added (its price list, dates
and participants), not from the public price list and the dossier's stay again.
A line refused comes back as it was typed, with its errors next to the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from msem.catalog.selectors import PUBLIC
from msem.inquiries.models import Inquiry
from msem.quotes.models import QuoteLine

# The session key of a line refused, until the panel shows it once.
REFUSED_LINE = "quote_line_refused"
TYPED_FIELDS = ("price_list", "search", "start_date", "end_date", "participants", "quantity")


@dataclass
class LineDefaults:
    price_list: str = PUBLIC
    search: str = ""
    start_date: str = ""
    end_date: str = ""
    participants: str = "1"
    quantity: str = "1"
    errors: list[str] = field(default_factory=list)


def line_refused(session: SessionBase, *, quote_id: int, data: Any, errors: list[str]) -> None:
    """Keep what was typed and why it was refused, for the panel to show next to the form."""
    session[REFUSED_LINE] = {
        "quote": quote_id,
        "values": {name: str(data.get(name, ""))[:100] for name in TYPED_FIELDS},
        "errors": errors,
    }


def line_defaults(
    *, session: SessionBase, inquiry: Inquiry, quote_id: int | None, lines: list[QuoteLine], today: date
) -> LineDefaults:
    refused = session.get(REFUSED_LINE)
    if refused and refused.get("quote") == quote_id:
        del session[REFUSED_LINE]
        return LineDefaults(**refused["values"], errors=refused["errors"])
    if lines:
        last = max(lines, key=lambda line: line.pk)
        starts = last.start_date if last.start_date >= today else today
        return LineDefaults(
            price_list=str(last.catalog_id) if last.catalog_id else PUBLIC,
            start_date=starts.isoformat(),
            end_date=last.end_date.isoformat() if last.end_date and last.end_date >= starts else "",
            participants=str(last.participants),
        )
    stay_starts = inquiry.arrival_date if inquiry.arrival_date and inquiry.arrival_date >= today else today
    return LineDefaults(
        start_date=stay_starts.isoformat(),
        end_date=inquiry.departure_date.isoformat() if inquiry.departure_date else "",
        participants=str(inquiry.participants or 1),
    )
