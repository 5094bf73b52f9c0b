"""What the "Ajouter une prestation" form of a draft quote starts with.

A quote of several lines is usually built from one price list, for one stay and
one group: the next line starts from the last one added (its price list, dates
and participants), not from the public price list and the dossier's stay again.
A line refused comes back as it was typed, with its errors next to the form;
so does a change of a line's dates, participants or quantity, next to that line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from msem.catalog.selectors import PUBLIC
from msem.inquiries.models import Inquiry
from msem.quotes.models import QuoteLine

# The session key of a line refused (added, or changed), until the panel shows it once.
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
    # The fields the errors are about, for the form to mark them (aria-invalid) and focus the first.
    invalid: list[str] = field(default_factory=list)


@dataclass
class LineEdit:
    """A line of a draft quote and what its "Edit" form shows: its own values, or the ones refused."""

    line: QuoteLine
    values: LineDefaults


def line_refused(
    session: SessionBase,
    *,
    quote_id: int,
    data: Any,
    errors: list[str],
    line_id: int | None = None,
    invalid: list[str] | None = None,
) -> None:
    """Keep what was typed and why it was refused, for the panel to show next to the form.

    `line_id` is the line whose change was refused; none for a line to add. `invalid` names the
    fields in error (none known: the errors are about the line as a whole).
    """
    session[REFUSED_LINE] = {
        "quote": quote_id,
        "line": line_id,
        "values": {name: str(data.get(name, ""))[:100] for name in TYPED_FIELDS},
        "errors": errors,
        "invalid": [name for name in invalid or [] if name in TYPED_FIELDS],
    }


def _refused_values(refused: dict[str, Any]) -> LineDefaults:
    return LineDefaults(**refused["values"], errors=refused["errors"], invalid=refused.get("invalid", []))


def line_defaults(
    *, session: SessionBase, inquiry: Inquiry, quote_id: int | None, lines: list[QuoteLine], today: date
) -> LineDefaults:
    refused = session.get(REFUSED_LINE)
    if refused and refused.get("quote") == quote_id and not refused.get("line"):
        del session[REFUSED_LINE]
        return _refused_values(refused)
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


def line_edits(*, session: SessionBase, quote_id: int | None, lines: list[QuoteLine]) -> list[LineEdit]:
    """Each line's "Edit" form: the line as it is, or for a change refused, the values typed and why."""
    refused = session.get(REFUSED_LINE) or {}
    refused_line = refused.get("line") if refused.get("quote") == quote_id else None
    if refused_line:
        del session[REFUSED_LINE]
    return [
        LineEdit(
            line=line,
            values=_refused_values(refused)
            if line.pk == refused_line
            else LineDefaults(
                start_date=line.start_date.isoformat(),
                end_date=line.end_date.isoformat() if line.end_date else "",
                participants=str(line.participants),
                quantity=str(line.quantity),
            ),
        )
        for line in lines
    ]
