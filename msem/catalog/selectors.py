"""Reads of the catalog domain: the price lists of a school and what they sell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
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


@dataclass(frozen=True)
class PriceListEntry:
    """One line of a price list as the Catalogs page shows it, in the reader's language."""

    code: str
    name: str
    kind: str
    pricing_unit: str
    duration: str
    price: Decimal
    valid_from: date
    valid_until: date
    active: bool
    # For a 4807 catalog: not on the public price list for that season, and in no other catalog either.
    only_in_this_catalog: bool = False
    not_on_public_list: bool = False


def _overlapping_prices(school: School) -> QuerySet[CatalogPrice]:
    return CatalogPrice.objects.for_school(school).filter(
        product=OuterRef("product"), valid_from__lte=OuterRef("valid_until"), valid_until__gte=OuterRef("valid_from")
    )


def price_list_entries(
    *, school: School, catalog: Catalog | None, language: str, ending_after: date | None = None
) -> list[PriceListEntry]:
    """Every product of a price list (inactive ones too), one line per season; `ending_after` hides past seasons."""
    prices = _prices_of(school, catalog)
    if ending_after is not None:
        prices = prices.filter(valid_until__gte=ending_after)
    if catalog is not None:
        prices = prices.annotate(
            on_public_list=Exists(_overlapping_prices(school).filter(catalog__isnull=True)),
            in_other_catalogs=Exists(
                _overlapping_prices(school)
                .filter(catalog__isnull=False, catalog__removed_at__isnull=True)
                .exclude(catalog=catalog)
            ),
        )
    kind_order = {kind: position for position, kind in enumerate(Product.Kind.values)}
    # Sorted here, not in SQL: by kind as the model lists them, then by the name the reader sees.
    ordered = sorted(
        prices,
        key=lambda price: (
            kind_order.get(price.product.kind, len(kind_order)),
            price.product.name(language).casefold(),
            price.product.code,
            price.valid_from,
        ),
    )
    entries = []
    for price in ordered:
        product = price.product
        not_on_public_list = catalog is not None and not price.on_public_list  # type: ignore[attr-defined]
        entries.append(
            PriceListEntry(
                code=product.code,
                name=product.name(language),
                kind=product.get_kind_display(),
                pricing_unit=product.get_pricing_unit_display(),
                duration=product.duration(language),
                price=price.unit_price,
                valid_from=price.valid_from,
                valid_until=price.valid_until,
                active=product.active,
                only_in_this_catalog=not_on_public_list and not price.in_other_catalogs,  # type: ignore[attr-defined]
                not_on_public_list=not_on_public_list,
            )
        )
    return entries
