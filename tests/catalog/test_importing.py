"""Reading a price-list file: the formats a secretary's spreadsheet or a script produce."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from msem.catalog.importing import CatalogImportError, catalog_file_read, rows_validate

HEADER = "code;kind;name_fr;name_en;pricing_unit;price;valid_from;valid_until"
OURSON = "CC-OURSON;collective;Ourson – 6 matinées;Ourson – 6 mornings;per_person;189,00;01/12/2026;15/04/2027"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def read(text: str, *, bom: bool = False) -> list:
    content = text.encode("utf-8")
    return rows_validate(catalog_file_read(content=(b"\xef\xbb\xbf" if bom else b"") + content))


def problems(text: str) -> list[str]:
    with pytest.raises(CatalogImportError) as caught:
        read(text)
    return [str(problem) for problem in caught.value.problems]


def test_a_french_spreadsheet_semicolons_decimal_comma_french_dates_and_a_bom():
    (row,) = read(f"{HEADER}\r\n{OURSON}\r\n", bom=True)
    assert row.code == "CC-OURSON"
    assert row.name_fr == "Ourson – 6 matinées"
    assert row.price == Decimal("189.00")
    assert row.valid_from == date(2026, 12, 1)
    assert row.valid_until == date(2027, 4, 15)
    assert row.number == 2


def test_commas_decimal_point_and_iso_dates_without_bom():
    text = (
        "code,kind,name_fr,name_en,pricing_unit,price,valid_from,valid_until\n"
        'CP-1H,private,"Cours particulier 1 h, 1–2 pers.",Private lesson 1 h,per_lesson,69.5,2026-12-01,2027-04-15\n'
    )
    (row,) = read(text)
    assert row.name_fr == "Cours particulier 1 h, 1–2 pers."
    assert row.price == Decimal("69.50")
    assert row.pricing_unit == "per_lesson"
    assert (row.valid_from, row.valid_until) == (date(2026, 12, 1), date(2027, 4, 15))


@pytest.mark.parametrize(
    ("written", "price"),
    [("189", "189.00"), ("189,5", "189.50"), ("1 250,00", "1250.00"), ("1\u202f250,00 €", "1250.00"), ("0", "0.00")],
)
def test_prices_as_spreadsheets_write_them(written, price):
    (row,) = read(f"{HEADER}\n{OURSON.replace('189,00', written)}\n")
    assert row.price == Decimal(price)


def test_columns_in_any_order_with_optional_ones_and_blank_lines():
    text = (
        "price;code;name_en;name_fr;kind;pricing_unit;valid_until;valid_from;duration_fr;active;\n"
        "\n"
        "59,00;CP-CREUSE;Off-peak private hour;Heure creuse;private;per_hour;2027-04-15;2026-12-01;1 h;non;\n"
    )
    (row,) = read(text)
    assert row.number == 3
    assert row.code == "CP-CREUSE"
    assert row.duration_fr == "1 h"
    assert row.duration_en is None  # not in the file: the product keeps its own
    assert row.active is False


def test_json_a_list_of_objects_with_numbers_and_booleans():
    text = json.dumps(
        [
            {
                "code": "HP-JOURNEE",
                "kind": "private",
                "name_fr": "Journée hors-piste privée",
                "name_en": "Private off-piste day",
                "pricing_unit": "per_lesson",
                "price": 480.1,
                "valid_from": "2026-12-01",
                "valid_until": "15/04/2027",
                "active": True,
            }
        ]
    )
    (row,) = read(text)
    assert row.price == Decimal("480.10")
    assert row.active is True
    assert row.number == 1


def test_every_problem_of_every_row_is_listed_with_its_row_number():
    bad_rows = [
        "CC-A;lesson;A;A;per_person;189,00;01/12/2026;15/04/2027",  # row 3: unknown kind
        "CC-B;collective;B;B;per_person;-5;01/12/2026;15/04/2027",  # row 4: negative price
        "CC-C;collective;C;C;per_person;18x;01/12/2026;15/04/2027",  # row 5: malformed price
        "CC-D;collective;D;D;per_person;10;15/04/2027;01/12/2026",  # row 6: ends before it starts
        "CC-E;collective;;E;per_person;10;01/12/2026;15/04/2027",  # row 7: no French name
        "CC-OURSON;collective;F;F;per_person;10;01/12/2026;15/04/2027",  # row 8: code already on row 2
        "CC-G;collective;G;G;per_day;10;31/02/2027;2027-13-01",  # row 9: unit, two dates
    ]
    found = problems("\n".join([HEADER, OURSON, *bad_rows]))
    assert found == [
        "Row 3, kind: Unknown kind “lesson”: use one of collective, private, group, other.",
        "Row 4, price: The price “-5” is negative.",
        "Row 5, price: “18x” is not a price: write it like 189,00 or 189.00.",
        "Row 6, valid_until: The season ends (1\u00a0Dec\u00a02026) before it starts (15\u00a0Apr\u00a02027).",
        "Row 7, name_fr: A value is required.",
        "Row 8, code: The code “CC-OURSON” is already on row 2: list each product once.",
        "Row 9, pricing_unit: Unknown pricing unit “per_day”: use one of per_person, per_lesson, per_hour.",
        "Row 9, valid_from: “31/02/2027” is not a day of the calendar.",
        "Row 9, valid_until: “2027-13-01” is not a day of the calendar.",
    ]


def test_missing_and_unknown_columns_are_told_once_for_the_file():
    found = problems("code;kind;name_fr;prix\nA;collective;A;10\n")
    assert found == [
        "Unknown columns: prix. The columns are: code, kind, name_fr, name_en, pricing_unit, price, valid_from, "
        "valid_until, description_fr, description_en, duration_fr, duration_en, active.",
        "Missing columns: name_en, pricing_unit, price, valid_from, valid_until.",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (HEADER.encode(), "The file lists no product."),
        ("code;nom\né;x".encode("cp1252"), "The file is not UTF-8 text."),
        (b'[{"code": "A",}]', "The file is not valid JSON"),
        (b'{"code": "A"}', "A JSON file must hold a list of objects"),
    ],
)
def test_unreadable_files(content, message):
    with pytest.raises(CatalogImportError) as caught:
        rows_validate(catalog_file_read(content=content))
    assert str(caught.value).startswith(message)


def test_json_items_that_are_not_products():
    with pytest.raises(CatalogImportError) as caught:
        read(json.dumps(["CC-OURSON", {"code": ["A", "B"], "kind": "private"}]))
    found = [str(problem) for problem in caught.value.problems]
    assert found[0] == "Row 1: This item is not an object with the product's columns."
    assert "Row 2, code: Write a text or a number here, not a list or an object." in found
    assert "Row 2, name_fr: A value is required." in found


def test_a_value_under_no_column_is_refused():
    found = problems(f"{HEADER}\n{OURSON};stray\n")
    assert found == ["Row 2: This row has a value in a column without a name."]


def test_a_name_on_two_lines_is_refused():
    text = f'{HEADER}\nCC-A;collective;"Ourson\nFlocon";Ourson;per_person;10;01/12/2026;15/04/2027\n'
    assert problems(text) == ["Row 2, name_fr: Line breaks, control characters and encoded words are not allowed here."]


@pytest.mark.parametrize("language", ["csv", "json"])
def test_the_examples_of_the_documentation_are_valid(language):
    text = (Path(__file__).resolve().parents[2] / "docs" / "catalog-import.md").read_text()
    example = re.search(rf"```{language}\n(.*?)```", text, re.DOTALL)
    assert example is not None
    rows = read(example.group(1))
    assert len(rows) >= 2
