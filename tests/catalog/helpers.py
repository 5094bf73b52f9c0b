from __future__ import annotations

from msem.catalog.importing import ImportReport, catalog_file_read
from msem.catalog.models import Catalog
from msem.catalog.services import catalog_import
from msem.schools.models import School

HEADER = "code;kind;name_fr;name_en;pricing_unit;price;valid_from;valid_until"


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *lines, ""]).encode("utf-8")


def product_line(
    code: str, price: str = "189,00", *, name: str = "Ourson", season: str = "01/12/2026;15/04/2027"
) -> str:
    return f"{code};collective;{name} – 6 matinées;{name} – 6 mornings;per_person;{price};{season}"


def import_lines(school: School, *lines: str, catalog: Catalog | None = None) -> ImportReport:
    return catalog_import(school=school, catalog=catalog, rows=catalog_file_read(content=csv_file(*lines)))
