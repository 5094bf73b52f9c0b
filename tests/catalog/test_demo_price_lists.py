"""The demo school's price lists: a public list for the winter being sold, and two 4807 catalogs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from msem.catalog.importing import catalog_file_read, rows_validate
from msem.catalog.models import Catalog, CatalogPrice, Product
from msem.catalog.selectors import price_for, priced_products
from msem.demo.services import DEMO_PRICE_LISTS, PRICE_LISTS_DIR, demo_school_ensure, demo_season


@pytest.mark.parametrize(
    ("today", "season"),
    [
        (date(2026, 11, 29), (date(2026, 12, 1), date(2027, 4, 15))),
        (date(2026, 12, 24), (date(2026, 12, 1), date(2027, 4, 15))),
        (date(2027, 2, 14), (date(2026, 12, 1), date(2027, 4, 15))),
        (date(2027, 4, 15), (date(2026, 12, 1), date(2027, 4, 15))),
        (date(2027, 4, 16), (date(2027, 12, 1), date(2028, 4, 15))),
        (date(2027, 7, 1), (date(2027, 12, 1), date(2028, 4, 15))),
    ],
)
def test_the_demo_season_is_the_winter_being_sold(today, season):
    assert demo_season(today) == season


def test_the_demo_files_describe_each_product_the_same_way():
    """Each file upserts the products it lists: a catalog file must not rename a public product."""
    described: dict[str, tuple] = {}
    for file_name, _code, _name in DEMO_PRICE_LISTS:
        for row in rows_validate(catalog_file_read(content=(PRICE_LISTS_DIR / file_name).read_bytes())):
            description = (row.kind, row.name_fr, row.name_en, row.description_fr, row.description_en, row.pricing_unit)
            assert described.setdefault(row.code, description) == description, row.code


@pytest.mark.django_db
def test_the_demo_school_has_its_public_list_and_two_catalogs():
    school = demo_school_ensure().school
    today = timezone.localdate()
    valid_from, valid_until = demo_season(today)
    in_season = valid_from + (valid_until - valid_from) / 2

    public = list(priced_products(school=school, catalog=None, on=in_season))
    assert len(public) >= 12
    assert {price.valid_from for price in public} == {valid_from}
    assert {price.valid_until for price in public} == {valid_until}
    by_code = {price.product.code: price.unit_price for price in public}
    assert Decimal(150) <= by_code["CC-OURSON"] <= Decimal(260)
    assert Decimal(50) <= by_code["CP-1H"] <= Decimal(80)
    assert Decimal(350) <= by_code["CP-JOURNEE"] <= Decimal(500)

    catalogs = {catalog.code: catalog for catalog in Catalog.objects.for_school(school).live()}
    assert {code: catalog.account_name for code, catalog in catalogs.items()} == {
        "CE-ALPES": "Comité d’entreprise Alpes Industrie",
        "TO-NEIGE-2026": "Neige & Soleil Voyages",
    }
    ourson = Product.objects.for_school(school).get(code="CC-OURSON")
    ce_price = price_for(school=school, catalog=catalogs["CE-ALPES"], product=ourson, on=in_season)
    assert ce_price.unit_price == pytest.approx(by_code["CC-OURSON"] * Decimal("0.9"), abs=Decimal(2))

    exclusive = Product.objects.for_school(school).get(name_en="Private off-piste day")
    lists_selling_it = set(
        CatalogPrice.objects.for_school(school).filter(product=exclusive).values_list("catalog__code", flat=True)
    )
    assert lists_selling_it == {"TO-NEIGE-2026"}
