"""catalog_import: products upserted by code, prices by (price list, product, start of season), all or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from msem.catalog.importing import CatalogImportError, catalog_file_read
from msem.catalog.models import Catalog, CatalogPrice, Product
from msem.catalog.selectors import price_for
from msem.catalog.services import catalog_import, catalogs_sync
from tests.catalog.helpers import HEADER, csv_file, import_lines, product_line

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def public_prices(school) -> list[tuple[str, Decimal, date]]:
    return list(
        CatalogPrice.objects.for_school(school)
        .filter(catalog__isnull=True)
        .order_by("product__code", "valid_from")
        .values_list("product__code", "unit_price", "valid_from")
    )


def test_a_first_import_creates_the_products_and_their_public_prices(school):
    report = import_lines(school, product_line("CC-OURSON"), product_line("CC-FLOCON", "199,00", name="Flocon"))

    assert (report.products_created, report.prices_created) == (2, 2)
    flocon = Product.objects.for_school(school).get(code="CC-FLOCON")
    assert (flocon.name_fr, flocon.name_en, flocon.kind, flocon.active) == (
        "Flocon – 6 matinées",
        "Flocon – 6 mornings",
        "collective",
        True,
    )
    assert price_for(school=school, catalog=None, product=flocon, on=date(2027, 2, 10)).unit_price == Decimal("199.00")
    assert report.price_list == "Public price list"


def test_importing_again_changes_the_price_and_the_names_without_duplicates(school):
    import_lines(school, product_line("CC-OURSON", "189,00"), product_line("CC-FLOCON", "199,00", name="Flocon"))

    report = import_lines(
        school,
        product_line("CC-OURSON", "195,00", name="Ourson (4–6 ans)"),
        product_line("CC-FLOCON", "199,00", name="Flocon"),
    )

    assert Product.objects.for_school(school).count() == 2
    assert public_prices(school) == [
        ("CC-FLOCON", Decimal("199.00"), date(2026, 12, 1)),
        ("CC-OURSON", Decimal("195.00"), date(2026, 12, 1)),
    ]
    assert Product.objects.for_school(school).get(code="CC-OURSON").name_fr == "Ourson (4–6 ans) – 6 matinées"
    assert [(row.code, row.product, row.price) for row in report.rows] == [
        ("CC-OURSON", "updated", "updated"),
        ("CC-FLOCON", "unchanged", "unchanged"),
    ]


def test_a_new_season_is_a_new_price_beside_the_old_one(school):
    import_lines(school, product_line("CC-OURSON", "189,00"))
    import_lines(school, product_line("CC-OURSON", "194,00", season="2027-12-01;2028-04-15"))

    ourson = Product.objects.for_school(school).get(code="CC-OURSON")
    assert price_for(school=school, catalog=None, product=ourson, on=date(2027, 1, 5)).unit_price == Decimal("189.00")
    assert price_for(school=school, catalog=None, product=ourson, on=date(2028, 1, 5)).unit_price == Decimal("194.00")


def test_a_catalog_import_sets_catalog_prices_and_leaves_the_public_list_alone(school):
    catalogs_sync(school=school, codes=["CE-ALPES"])
    ce_alpes = Catalog.objects.for_school(school).get(code="CE-ALPES")
    import_lines(school, product_line("CC-OURSON", "189,00"))

    report = import_lines(
        school, product_line("CC-OURSON", "170,00"), product_line("HP-JOUR", "480,00"), catalog=ce_alpes
    )

    ourson = Product.objects.for_school(school).get(code="CC-OURSON")
    exclusive = Product.objects.for_school(school).get(code="HP-JOUR")
    day = date(2027, 1, 5)
    assert price_for(school=school, catalog=ce_alpes, product=ourson, on=day).unit_price == Decimal("170.00")
    assert price_for(school=school, catalog=None, product=ourson, on=day).unit_price == Decimal("189.00")
    assert price_for(school=school, catalog=None, product=exclusive, on=day) is None
    assert report.price_list == "CE-ALPES"


def test_one_bad_row_stores_nothing_and_names_its_row(school):
    import_lines(school, product_line("CC-OURSON", "189,00"))
    content = csv_file(product_line("CC-OURSON", "150,00"), product_line("CC-NEW"), product_line("CC-BAD", "-1"))

    with pytest.raises(CatalogImportError) as caught:
        catalog_import(school=school, catalog=None, rows=catalog_file_read(content=content))

    assert [str(problem) for problem in caught.value.problems] == ["Row 4, price: The price “-1” is negative."]
    assert public_prices(school) == [("CC-OURSON", Decimal("189.00"), date(2026, 12, 1))]
    assert not Product.objects.for_school(school).filter(code="CC-NEW").exists()


def test_the_catalog_must_be_a_live_catalog_of_the_school(school, other_school):
    catalogs_sync(school=other_school, codes=["CE-ALPES"])
    foreign = Catalog.objects.for_school(other_school).get()
    catalogs_sync(school=school, codes=["TO-NEIGE"])
    removed = Catalog.objects.for_school(school).get()
    catalogs_sync(school=school, codes=[])

    for catalog in (foreign, removed):
        with pytest.raises(CatalogImportError, match="is not one of this school's catalogs"):
            import_lines(school, product_line("CC-OURSON"), catalog=catalog)

    assert not Product.objects.exists()
    assert not CatalogPrice.objects.exists()


def test_products_of_another_school_with_the_same_code_are_not_touched(school, other_school):
    import_lines(other_school, product_line("CC-OURSON", "210,00", name="Ourson Autre"))

    import_lines(school, product_line("CC-OURSON", "189,00"))

    theirs = Product.objects.for_school(other_school).get(code="CC-OURSON")
    assert theirs.name_fr == "Ourson Autre – 6 matinées"
    assert public_prices(other_school) == [("CC-OURSON", Decimal("210.00"), date(2026, 12, 1))]
    assert public_prices(school) == [("CC-OURSON", Decimal("189.00"), date(2026, 12, 1))]


def test_columns_left_out_keep_what_the_product_has(school):
    header = HEADER + ";description_fr;duration_fr;active"
    line = product_line("CC-OURSON") + ";Dès 4 ans;6 × 2 h 30;false"
    catalog_import(school=school, catalog=None, rows=catalog_file_read(content=csv_file(line, header=header)))

    import_lines(school, product_line("CC-OURSON", "190,00"))

    ourson = Product.objects.for_school(school).get(code="CC-OURSON")
    assert (ourson.description_fr, ourson.duration_fr, ourson.active) == ("Dès 4 ans", "6 × 2 h 30", False)


def test_an_updated_product_records_when(school):
    import_lines(school, product_line("CC-OURSON"))
    before = timezone.now()

    import_lines(school, product_line("CC-OURSON", name="Ourson bis"))

    assert Product.objects.for_school(school).get(code="CC-OURSON").updated_at >= before
