"""The example price list a manager downloads from the Catalogues page, to fill in and import.

A new school has nothing to start its file from but the page's hint: column names in English and
values (kind, pricing_unit) she would have to guess. The example is a file the import accepts as
it is, saved the way a French spreadsheet saves CSV (";" between columns, decimal comma, a
byte-order mark so that Excel reads the accents), dated for the coming or current season.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from msem.catalog.importing import COLUMNS

# One line per kind of product a ski school sells, each pricing unit shown once.
_ROWS = (
    {
        "code": "CC-OURSON",
        "kind": "collective",
        "name_fr": "Ourson – 6 matinées",
        "name_en": "Ourson (first badge) – 6 mornings",
        "duration_fr": "6 × 2 h 30",
        "duration_en": "6 × 2.5 h",
        "pricing_unit": "per_person",
        "price": "189,00",
    },
    {
        "code": "CP-1H",
        "kind": "private",
        "name_fr": "Cours particulier 1 h (1–2 pers.)",
        "name_en": "Private lesson 1 h (1–2 people)",
        "duration_fr": "1 h",
        "duration_en": "1 h",
        "pricing_unit": "per_lesson",
        "price": "72,00",
    },
    {
        "code": "GR-CLUB",
        "kind": "group",
        "name_fr": "Moniteur pour un groupe, à l’heure",
        "name_en": "Instructor for a group, by the hour",
        "duration_fr": "",
        "duration_en": "",
        "pricing_unit": "per_hour",
        "price": "55,00",
    },
)


def season_of(today: date) -> tuple[date, date]:
    """The season a price list written today is for: from May on, the winter to come."""
    start_year = today.year if today.month >= 5 else today.year - 1
    return date(start_year, 12, 1), date(start_year + 1, 4, 15)


def catalog_example_csv(*, today: date) -> bytes:
    valid_from, valid_until = season_of(today)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for row in _ROWS:
        writer.writerow(
            {
                **row,
                "description_fr": "",
                "description_en": "",
                "valid_from": valid_from.strftime("%d/%m/%Y"),
                "valid_until": valid_until.strftime("%d/%m/%Y"),
                "active": "oui",
            }
        )
    return "\ufeff".encode() + out.getvalue().encode()
