"""Reading a price list from a file (CSV or JSON) and checking it row by row.

Nothing here writes: `catalog_file_read` turns the bytes of a file into
rows of text, `rows_validate` turns them into typed rows or lists every
problem at once. `catalog_import` (services.py) stores them, all or nothing.
The format is described in docs/catalog-import.md.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from msem.catalog.models import Product
from msem.platform.first_of_month import date_format
from msem.validators import validate_no_control_characters, validate_single_line

REQUIRED_COLUMNS = ("code", "kind", "name_fr", "name_en", "pricing_unit", "price", "valid_from", "valid_until")
OPTIONAL_COLUMNS = ("description_fr", "description_en", "duration_fr", "duration_en", "active")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# A school's whole offer is a few hundred products: a bigger file is a mistake
# (or an attempt to make one request hold the database for long).
MAX_ROWS = 5000
MAX_PRICE = Decimal("99999999.99")  # what CatalogPrice.unit_price (10 digits, 2 decimals) holds

_PRICE = re.compile(r"\A(?P<sign>[-−])?(?P<units>\d+)(?:[.,](?P<cents>\d{1,2}))?\Z")
_ISO_DATE = re.compile(r"\A(\d{4})-(\d{1,2})-(\d{1,2})\Z")
_FRENCH_DATE = re.compile(r"\A(\d{1,2})/(\d{1,2})/(\d{4})\Z")
# Thousands separators a spreadsheet may write: space, no-break space, narrow no-break space.
_SPACES = re.compile(r"[ \u00a0\u202f]")
_TRUE = {"true", "1", "yes", "y", "oui", "o", "vrai"}
_FALSE = {"false", "0", "no", "n", "non", "faux"}


@dataclass(frozen=True)
class ImportProblem:
    row: int | None  # None: the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class SourceRow:
    """One product row of a file, as text.

    `number` is what the person who wrote the file sees: the spreadsheet row
    for a CSV file (the header is row 1), the position in the list for JSON
    (the first object is 1). `values` holds only the columns the file has.
    """

    number: int
    values: Mapping[str, str]
    # What was wrong with the row as read (a list where text belongs, a cell
    # outside the named columns …), reported with the row's other problems.
    defects: tuple[ImportProblem, ...] = ()


class CatalogImportError(Exception):
    """The file can't be imported; nothing was stored. `problems` says where and why."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class ProductRow:
    """A checked row. Optional text left out of the file is None: the product keeps what it has."""

    number: int
    code: str
    kind: str
    name_fr: str
    name_en: str
    pricing_unit: str
    price: Decimal
    valid_from: date
    valid_until: date
    description_fr: str | None = None
    description_en: str | None = None
    duration_fr: str | None = None
    duration_en: str | None = None
    active: bool | None = None


Outcome = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class ImportedRow:
    number: int
    code: str
    product: Outcome
    price: Outcome


@dataclass(frozen=True)
class ImportReport:
    """What an import did, row by row, in one price list."""

    price_list: str
    rows: list[ImportedRow] = field(default_factory=list)

    def _count(self, what: Literal["product", "price"], outcome: Outcome) -> int:
        return sum(1 for row in self.rows if getattr(row, what) == outcome)

    @property
    def products_created(self) -> int:
        return self._count("product", "created")

    @property
    def products_updated(self) -> int:
        return self._count("product", "updated")

    @property
    def prices_created(self) -> int:
        return self._count("price", "created")

    @property
    def prices_updated(self) -> int:
        return self._count("price", "updated")

    @property
    def prices_unchanged(self) -> int:
        return self._count("price", "unchanged")

    def summary(self) -> str:
        rows = ngettext("%(list)s: %(count)s row imported.", "%(list)s: %(count)s rows imported.", len(self.rows)) % {
            "list": self.price_list,
            "count": len(self.rows),
        }
        counts = _(
            "Products: %(products_created)s created, %(products_updated)s updated. "
            "Prices: %(prices_created)s created, %(prices_updated)s updated, %(prices_unchanged)s unchanged."
        ) % {
            "products_created": self.products_created,
            "products_updated": self.products_updated,
            "prices_created": self.prices_created,
            "prices_updated": self.prices_updated,
            "prices_unchanged": self.prices_unchanged,
        }
        return f"{rows} {counts}"


# --- Reading the file --------------------------------------------------------------------


def _file_error(message: str) -> CatalogImportError:
    return CatalogImportError([ImportProblem(row=None, column="", message=message)])


def _column_name(raw: str) -> str:
    return re.sub(r"[\s-]+", "_", raw.strip().lower())


def catalog_file_read(*, content: bytes) -> list[SourceRow]:
    """The rows of a CSV or JSON file (UTF-8, with or without BOM); CatalogImportError if unreadable."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(
            _("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and try again.")
        ) from None
    stripped = text.lstrip()
    if not stripped:
        raise _file_error(_("The file is empty."))
    # A CSV file starts with its header row, never with a bracket.
    rows = _read_json(stripped) if stripped[0] in "[{" else _read_csv(text)
    if not rows:
        raise _file_error(_("The file lists no product."))
    if len(rows) > MAX_ROWS:
        raise _file_error(
            _("The file lists %(count)s products; at most %(max)s can be imported at once: split it.")
            % {"count": len(rows), "max": MAX_ROWS}
        )
    return rows


def _check_columns(columns: Sequence[str], *, required: bool) -> None:
    problems = []
    unknown = sorted({column for column in columns if column not in COLUMNS})
    if unknown:
        problems.append(
            _("Unknown columns: %(unknown)s. The columns are: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(COLUMNS)}
        )
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if required and missing:
        problems.append(_("Missing columns: %(missing)s.") % {"missing": ", ".join(missing)})
    if problems:
        raise CatalogImportError([ImportProblem(row=None, column="", message=message) for message in problems])


def _separator(header_line: str) -> str:
    # Column names hold neither separator, so the header row tells which one the file uses.
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _read_csv(text: str) -> list[SourceRow]:
    header_line = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(header_line))
    try:
        records = list(reader)
    except csv.Error as error:
        raise _file_error(_("The CSV file can't be read: %(error)s") % {"error": error}) from None
    # Blank lines before the header are skipped but still counted, as a spreadsheet counts them.
    first = next((index for index, record in enumerate(records) if any(cell.strip() for cell in record)), None)
    if first is None:
        raise _file_error(_("The file is empty."))
    header = [_column_name(cell) for cell in records[first]]
    named = [column for column in header if column]
    duplicates = sorted({column for column in named if named.count(column) > 1})
    if duplicates:
        raise _file_error(_("These columns appear twice: %(columns)s.") % {"columns": ", ".join(duplicates)})
    _check_columns(named, required=True)
    rows = []
    for index, record in enumerate(records[first + 1 :], start=first + 2):
        if not any(cell.strip() for cell in record):
            continue
        values = {column: "" for column in named}
        defects: tuple[ImportProblem, ...] = ()
        for position, cell in enumerate(record):
            column = header[position] if position < len(header) else ""
            if column:
                values[column] = cell
            elif cell.strip() and not defects:
                defects = (
                    ImportProblem(row=index, column="", message=_("This row has a value in a column without a name.")),
                )
        rows.append(SourceRow(number=index, values=values, defects=defects))
    return rows


def _json_text(value: object) -> str | None:
    """A JSON value as the text a CSV cell would hold; None for a list or an object."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | Decimal):
        return str(value)
    return None


def _read_json(text: str) -> list[SourceRow]:
    try:
        # Decimal, not float: 189.10 must stay 189.10.
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise _file_error(
            _("The file is not valid JSON (line %(line)s, column %(column)s: %(error)s).")
            % {"line": error.lineno, "column": error.colno, "error": error.msg}
        ) from None
    if not isinstance(data, list):
        raise _file_error(_("A JSON file must hold a list of objects, one per product."))
    _check_columns(
        [_column_name(key) for item in data if isinstance(item, dict) for key in item],
        required=False,
    )
    rows = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            message = _("This item is not an object with the product's columns.")
            rows.append(SourceRow(number=number, values={}, defects=(ImportProblem(number, "", message),)))
            continue
        values: dict[str, str] = {}
        defects = []
        for key, value in item.items():
            column = _column_name(key)
            text_value = _json_text(value)
            if text_value is None:
                message = _("Write a text or a number here, not a list or an object.")
                defects.append(ImportProblem(row=number, column=column, message=message))
            values[column] = text_value or ""
        rows.append(SourceRow(number=number, values=values, defects=tuple(defects)))
    return rows


# --- Checking the rows --------------------------------------------------------------------


class _RowChecker:
    """Reads one row's values, noting every problem instead of stopping at the first."""

    def __init__(self, row: SourceRow) -> None:
        self.row = row
        self.problems: list[ImportProblem] = list(row.defects)

    def problem(self, column: str, message: str) -> None:
        self.problems.append(ImportProblem(row=self.row.number, column=column, message=message))

    def given(self, column: str) -> bool:
        return column in self.row.values

    def text(self, column: str, *, max_length: int | None = None, multiline: bool = False) -> str:
        value = self.row.values.get(column, "").strip()
        if max_length is not None and len(value) > max_length:
            self.problem(
                column,
                _("At most %(max)s characters (this one has %(length)s).") % {"max": max_length, "length": len(value)},
            )
        try:
            (validate_no_control_characters if multiline else validate_single_line)(value)
        except ValidationError as error:
            self.problem(column, " ".join(error.messages))
        return value

    def required(self, column: str, *, max_length: int) -> str:
        value = self.text(column, max_length=max_length)
        already_wrong = any(problem.column == column for problem in self.problems)
        if not value and not already_wrong:
            self.problem(column, _("A value is required."))
        return value

    def optional(self, column: str, *, max_length: int | None = None, multiline: bool = False) -> str | None:
        if not self.given(column):
            return None
        return self.text(column, max_length=max_length, multiline=multiline)

    def choice(self, column: str, choices: Sequence[str], message: str) -> str:
        value = self.required(column, max_length=40).lower()
        if value and value not in choices:
            self.problem(column, message % {"value": value, "choices": ", ".join(choices)})
        return value

    def price(self, column: str) -> Decimal:
        raw = self.required(column, max_length=40)
        if not raw:
            return Decimal(0)
        match = _PRICE.match(_SPACES.sub("", raw.removesuffix("€")))
        if match is None:
            self.problem(column, _("“%(value)s” is not a price: write it like 189,00 or 189.00.") % {"value": raw})
            return Decimal(0)
        if match["sign"]:
            self.problem(column, _("The price “%(value)s” is negative.") % {"value": raw})
            return Decimal(0)
        price = Decimal(f"{match['units']}.{match['cents'] or '0'}").quantize(Decimal("0.01"))
        if price > MAX_PRICE:
            self.problem(column, _("The price “%(value)s” is too large.") % {"value": raw})
            return Decimal(0)
        return price

    def date(self, column: str) -> date | None:
        raw = self.required(column, max_length=40)
        if not raw:
            return None
        if match := _ISO_DATE.match(raw):
            year, month, day = match.groups()
        elif match := _FRENCH_DATE.match(raw):
            day, month, year = match.groups()
        else:
            self.problem(
                column, _("“%(value)s” is not a date: write it like 2026-12-20 or 20/12/2026.") % {"value": raw}
            )
            return None
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            self.problem(column, _("“%(value)s” is not a day of the calendar.") % {"value": raw})
            return None

    def boolean(self, column: str) -> bool | None:
        raw = self.optional(column)
        if not raw:
            return None
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        self.problem(column, _("“%(value)s” is neither true nor false.") % {"value": raw})
        return None


def _field_length(name: str) -> int:
    model_field = Product._meta.get_field(name)
    if not isinstance(model_field, models.CharField) or model_field.max_length is None:
        raise TypeError(f"Product.{name} is not a text field of limited length")
    return model_field.max_length


def _row_validate(row: SourceRow) -> tuple[ProductRow | None, list[ImportProblem]]:
    check = _RowChecker(row)
    if not row.values and row.defects:
        return None, check.problems
    code = check.required("code", max_length=_field_length("code"))
    if code and any(character.isspace() for character in code):
        check.problem("code", _("A product code has no spaces."))
    kind = check.choice("kind", Product.Kind.values, _("Unknown kind “%(value)s”: use one of %(choices)s."))
    name_fr = check.required("name_fr", max_length=_field_length("name_fr"))
    name_en = check.required("name_en", max_length=_field_length("name_en"))
    pricing_unit = check.choice(
        "pricing_unit", Product.PricingUnit.values, _("Unknown pricing unit “%(value)s”: use one of %(choices)s.")
    )
    price = check.price("price")
    valid_from = check.date("valid_from")
    valid_until = check.date("valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        check.problem(
            "valid_until",
            _("The season ends (%(until)s) before it starts (%(from)s).")
            % {"until": date_format(valid_until, "DATE_FORMAT"), "from": date_format(valid_from, "DATE_FORMAT")},
        )
    description_fr = check.optional("description_fr", multiline=True)
    description_en = check.optional("description_en", multiline=True)
    duration_fr = check.optional("duration_fr", max_length=_field_length("duration_fr"))
    duration_en = check.optional("duration_en", max_length=_field_length("duration_en"))
    active = check.boolean("active")
    if check.problems or valid_from is None or valid_until is None:
        return None, check.problems
    return (
        ProductRow(
            number=row.number,
            code=code,
            kind=kind,
            name_fr=name_fr,
            name_en=name_en,
            pricing_unit=pricing_unit,
            price=price,
            valid_from=valid_from,
            valid_until=valid_until,
            description_fr=description_fr,
            description_en=description_en,
            duration_fr=duration_fr,
            duration_en=duration_en,
            active=active,
        ),
        [],
    )


def rows_validate(rows: Sequence[SourceRow]) -> list[ProductRow]:
    """The rows, checked; CatalogImportError listing every problem of every row if any is wrong."""
    if not rows:
        raise _file_error(_("The file lists no product."))
    checked: list[ProductRow] = []
    problems: list[ImportProblem] = []
    first_row_of_code: dict[str, int] = {}
    for row in rows:
        product_row, row_problems = _row_validate(row)
        problems += row_problems
        code = row.values.get("code", "").strip()
        if code:
            if code in first_row_of_code:
                problems.append(
                    ImportProblem(
                        row=row.number,
                        column="code",
                        message=_("The code “%(code)s” is already on row %(row)s: list each product once.")
                        % {"code": code, "row": first_row_of_code[code]},
                    )
                )
            else:
                first_row_of_code[code] = row.number
        if product_row is not None:
            checked.append(product_row)
    if problems:
        raise CatalogImportError(problems)
    return checked
