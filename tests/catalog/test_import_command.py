"""manage.py import_catalog FILE --school SLUG (--catalog CODE | --public)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from msem.catalog.models import Catalog, CatalogPrice, Product
from msem.catalog.services import catalogs_sync
from tests.catalog.helpers import csv_file, product_line

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _french_by_default():
    """As in the operator's shell, where the deployment's default French is active: the command answers in English."""
    with translation.override("fr"):
        yield


@pytest.fixture
def price_file(tmp_path):
    def write(*lines: str, name: str = "prices.csv") -> str:
        path = tmp_path / name
        path.write_bytes(csv_file(*lines))
        return str(path)

    return write


def test_imports_the_public_price_list(school, price_file, capsys):
    call_command("import_catalog", price_file(product_line("CC-OURSON")), "--school", school.slug, "--public")

    price = CatalogPrice.objects.for_school(school).get()
    assert (price.catalog, price.product.code, price.unit_price) == (None, "CC-OURSON", Decimal("189.00"))
    assert "Public price list: 1 row imported. Products: 1 created" in capsys.readouterr().out


def test_imports_into_a_catalog_by_its_code_typed_in_any_case(school, price_file):
    catalogs_sync(school=school, codes=["CE-ALPES"])

    call_command(
        "import_catalog", price_file(product_line("CC-OURSON")), "--school", school.slug, "--catalog", "ce-alpes"
    )

    assert CatalogPrice.objects.for_school(school).get().catalog == Catalog.objects.for_school(school).get()


def test_a_catalog_the_school_does_not_have_says_to_add_it_in_the_settings(school, other_school, price_file):
    catalogs_sync(school=other_school, codes=["CE-ALPES"])

    with pytest.raises(CommandError) as caught:
        call_command("import_catalog", price_file(product_line("A")), "--school", school.slug, "--catalog", "CE-ALPES")

    assert "ESF Val Neige has no 4807 catalog CE-ALPES. Add the code in Paramètres" in str(caught.value)
    assert not Product.objects.exists()


def test_an_invalid_file_lists_the_rows_and_stores_nothing(school, price_file):
    path = price_file(product_line("CC-OURSON"), product_line("CC-FLOCON", "18,999"))

    with pytest.raises(CommandError) as caught:
        call_command("import_catalog", path, "--school", school.slug, "--public")

    assert str(caught.value).splitlines() == [
        "Nothing was imported. Correct the file and import it again:",
        "  Row 3, price: “18,999” is not a price: write it like 189,00 or 189.00.",
    ]
    assert not Product.objects.exists()


def test_the_target_list_must_be_chosen(school, price_file):
    with pytest.raises(CommandError, match="one of the arguments --catalog --public is required"):
        call_command("import_catalog", price_file(product_line("A")), "--school", school.slug)


def test_unknown_school_and_missing_file(school, tmp_path):
    with pytest.raises(CommandError, match="No school has the slug “nowhere”"):
        call_command("import_catalog", str(tmp_path / "x.csv"), "--school", "nowhere", "--public")
    with pytest.raises(CommandError, match="Can't read"):
        call_command("import_catalog", str(tmp_path / "x.csv"), "--school", school.slug, "--public")
