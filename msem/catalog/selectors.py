"""Reads of the catalog domain: the price lists of a school and what they sell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from msem.catalog.models import Catalog, CatalogPrice, Product
from msem.schools.models import School

PUBLIC = "public"


def catalogs_live(*, school: School) -> QuerySet[Catalog]:
    return Catalog.objects.for_school(school).live()


@dataclass(frozen=True)
class PriceList:
    """ "Tarif public" or one 4807 catalog, as the "Cours de ski" panel offers them."""

    key: str  # "public" or the catalog's id
    label: str
    catalog: Catalog | None


def price_lists(*, school: School) -> list[PriceList]:
    lists = [PriceList(key=PUBLIC, label=_("Public price list"), catalog=None)]
    lists += [
        PriceList(key=str(catalog.pk), label=str(catalog), catalog=catalog) for catalog in catalogs_live(school=school)
    ]
    return lists


def price_list_by_key(*, school: School, key: str) -> PriceList | None:
    return next((price_list for price_list in price_lists(school=school) if price_list.key == key), None)


def _prices_of(school: School, catalog: Catalog | None) -> QuerySet[CatalogPrice]:
    prices = CatalogPrice.objects.for_school(school).select_related("product")
    return prices.filter(catalog=catalog) if catalog is not None else prices.filter(catalog__isnull=True)


def priced_products(
    *, school: School, catalog: Catalog | None, on: date | None = None, search: str = ""
) -> QuerySet[CatalogPrice]:
    """The active products of a price list with their price valid on a day (or not yet over)."""
    prices = _prices_of(school, catalog).filter(product__active=True)
    if on is not None:
        prices = prices.filter(valid_from__lte=on, valid_until__gte=on)
    if search := search.strip():
        prices = prices.filter(
            Q(product__code__icontains=search)
            | Q(product__name_fr__icontains=search)
            | Q(product__name_en__icontains=search)
        )
    return prices.order_by("product__kind", "product__name_fr", "valid_from")


def price_for(*, school: School, catalog: Catalog | None, product: Product, on: date) -> CatalogPrice | None:
    """The product's price in that list on that day; None when the list does not sell it then."""
    return (
        _prices_of(school, catalog)
        .filter(product=product, product__active=True, valid_from__lte=on, valid_until__gte=on)
        .order_by("-valid_from")
        .first()
    )


def products_of_school(*, school: School) -> QuerySet[Product]:
    return Product.objects.for_school(school).order_by("kind", "name_fr")
