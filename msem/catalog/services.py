"""Writes of the catalog domain."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from msem.catalog.importing import (
    CatalogImportError,
    ImportedRow,
    ImportProblem,
    ImportReport,
    Outcome,
    ProductRow,
    SourceRow,
    rows_validate,
)
from msem.catalog.models import Catalog, CatalogPrice, Product, normalize_catalog_code, validate_catalog_code
from msem.catalog.selectors import catalogs_live
from msem.schools.models import School


def catalogs_sync(*, school: School, codes: Sequence[str]) -> None:
    """Make the school's live 4807 catalogs exactly `codes`, in that order.

    A removed code typed again brings its catalog back (with its history);
    a code no longer listed is removed softly: quotes keep their catalog.
    """
    normalized = [normalize_catalog_code(code) for code in codes]
    for code in normalized:
        validate_catalog_code(code)
    duplicates = sorted({code for code in normalized if normalized.count(code) > 1})
    if duplicates:
        raise ValidationError(
            _("The catalog code %(codes)s is listed twice.") % {"codes": ", ".join(duplicates)},
            code="duplicate_catalog",
        )
    scoped = Catalog.objects.for_school(school)
    scoped.live().exclude(code__in=normalized).update(removed_at=timezone.now())
    live = {catalog.code: catalog for catalog in scoped.live()}
    for position, code in enumerate(normalized):
        catalog = live.get(code)
        if catalog is None:
            catalog = scoped.filter(code=code).order_by("-removed_at").first() or Catalog(school=school, code=code)
            catalog.removed_at = None
        elif catalog.position == position:
            continue
        catalog.position = position
        catalog.save()


def catalog_account_name_set(*, school: School, code: str, account_name: str) -> Catalog:
    """Record the name of the 4807 account behind a live catalog code of the school."""
    catalog = Catalog.objects.for_school(school).live().get(code=normalize_catalog_code(code))
    if catalog.account_name != account_name:
        catalog.account_name = account_name
        catalog.save(update_fields=["account_name"])
    return catalog


_PRODUCT_FIELDS = (
    "kind",
    "name_fr",
    "name_en",
    "pricing_unit",
    "description_fr",
    "description_en",
    "duration_fr",
    "duration_en",
    "active",
)


def _product_apply(product: Product, row: ProductRow) -> bool:
    """Copy the row onto the product; True if anything changed. A value left out of the file is kept."""
    changed = False
    for name in _PRODUCT_FIELDS:
        value = getattr(row, name)
        if value is not None and getattr(product, name) != value:
            setattr(product, name, value)
            changed = True
    return changed


@transaction.atomic
def catalog_import(*, school: School, catalog: Catalog | None, rows: Sequence[SourceRow]) -> ImportReport:
    """Upsert products and their prices in one price list (`catalog` None: the public one), all or nothing.

    Products are matched by code, prices by (price list, product, valid_from).
    Raises CatalogImportError, storing nothing, when any row is wrong or the
    catalog is not a live catalog of the school.
    """
    # The settings page locks this row too: a catalog can't be removed halfway
    # through an import, and two imports of the same school queue here.
    School.objects.select_for_update().get(pk=school.pk)
    if catalog is not None and not catalogs_live(school=school).filter(pk=catalog.pk).exists():
        raise CatalogImportError(
            [
                ImportProblem(
                    row=None,
                    column="",
                    message=_("The 4807 catalog %(code)s is not one of this school's catalogs.")
                    % {"code": catalog.code},
                )
            ]
        )
    checked = rows_validate(rows)
    now = timezone.now()
    products = {
        product.code: product
        for product in Product.objects.for_school(school).filter(code__in=[row.code for row in checked])
    }
    product_outcomes: dict[str, Outcome] = {}
    new_products, changed_products = [], []
    for row in checked:
        product = products.get(row.code)
        if product is None:
            product = Product(school=school, code=row.code)
            _product_apply(product, row)
            products[row.code] = product
            new_products.append(product)
            product_outcomes[row.code] = "created"
        elif _product_apply(product, row):
            product.updated_at = now
            changed_products.append(product)
            product_outcomes[row.code] = "updated"
        else:
            product_outcomes[row.code] = "unchanged"
    # PostgreSQL and SQLite (3.35+) return the new ids, which the prices below need.
    Product.objects.bulk_create(new_products)
    Product.objects.bulk_update(changed_products, [*_PRODUCT_FIELDS, "updated_at"])

    list_prices = CatalogPrice.objects.for_school(school).filter(product__in=[products[row.code] for row in checked])
    list_prices = (
        list_prices.filter(catalog=catalog) if catalog is not None else list_prices.filter(catalog__isnull=True)
    )
    prices = {(price.product_id, price.valid_from): price for price in list_prices}
    new_prices, changed_prices, imported = [], [], []
    for row in checked:
        product = products[row.code]
        price = prices.get((product.pk, row.valid_from))
        price_outcome: Outcome
        if price is None:
            new_prices.append(
                CatalogPrice(
                    school=school,
                    catalog=catalog,
                    product=product,
                    unit_price=row.price,
                    valid_from=row.valid_from,
                    valid_until=row.valid_until,
                )
            )
            price_outcome = "created"
        elif price.unit_price != row.price or price.valid_until != row.valid_until:
            price.unit_price, price.valid_until, price.updated_at = row.price, row.valid_until, now
            changed_prices.append(price)
            price_outcome = "updated"
        else:
            price_outcome = "unchanged"
        imported.append(
            ImportedRow(number=row.number, code=row.code, product=product_outcomes[row.code], price=price_outcome)
        )
    CatalogPrice.objects.bulk_create(new_prices)
    CatalogPrice.objects.bulk_update(changed_prices, ["unit_price", "valid_until", "updated_at"])
    label = str(catalog) if catalog is not None else _("Public price list")
    return ImportReport(price_list=label, rows=imported)
