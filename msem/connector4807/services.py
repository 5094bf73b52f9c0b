"""Catalog codes checked against 4807, price lists synchronised from it, pushes retried."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from msem.catalog.importing import CatalogImportError, SourceRow, rows_validate
from msem.catalog.models import Catalog, CatalogPrice, Product
from msem.catalog.selectors import catalogs_live
from msem.catalog.services import catalog_import
from msem.connector4807.gateway import GatewayUnreachable, RemoteProduct, gateway_for
from msem.connector4807.models import SalePush
from msem.connector4807.pushing import SALE_PUSHES
from msem.outbox.worker import outbox_retry
from msem.schools.models import School

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CodeCheck:
    """What 4807 says of a catalog code typed in the settings page."""

    KNOWN = "known"
    UNKNOWN = "unknown"
    UNREACHABLE = "unreachable"  # 4807 did not answer: keep the code, check it later
    UNVERIFIABLE = "unverifiable"  # no 4807 gateway configured (embedded mode)

    status: str
    account_name: str = ""


def catalog_code_check(*, school: School, code: str) -> CodeCheck:
    gateway = gateway_for(school)
    if not gateway.verifies_codes:
        return CodeCheck(CodeCheck.UNVERIFIABLE)
    try:
        account = gateway.account_lookup(code)
    except GatewayUnreachable as error:
        logger.warning("4807 unreachable while checking %s for %s: %s", code, school.slug, error)
        return CodeCheck(CodeCheck.UNREACHABLE)
    if account is None:
        return CodeCheck(CodeCheck.UNKNOWN)
    return CodeCheck(CodeCheck.KNOWN, account_name=account.name)


def catalogs_verify(*, school: School) -> int:
    """Check the school's codes not verified yet; returns how many 4807 confirmed."""
    verified = 0
    for catalog in catalogs_live(school=school).filter(verification=Catalog.Verification.NOT_VERIFIED):
        check = catalog_code_check(school=school, code=catalog.code)
        if check.status == CodeCheck.KNOWN:
            Catalog.objects.filter(pk=catalog.pk).update(
                account_name=check.account_name, verification=Catalog.Verification.VERIFIED
            )
            verified += 1
    return verified


@dataclass
class SyncReport:
    lists: int = 0
    changed: int = 0
    unchanged: int = 0
    removed_prices: int = 0
    deactivated: int = 0
    problems: list[str] = field(default_factory=list)


def _rows(products: list[RemoteProduct]) -> list[SourceRow]:
    return [SourceRow(number=index, values=product.values) for index, product in enumerate(products, start=1)]


def price_lists_sync(*, school: School) -> SyncReport:
    """Fetch the public list and each catalog from 4807 and make Msem's prices match.

    Unchanged data rewrites nothing; a price 4807 no longer lists is removed
    and a product left without any price becomes inactive. Quotes are not
    touched: their lines keep the prices they froze.
    """
    gateway = gateway_for(school)
    report = SyncReport()
    seen: set[int] = set()
    for catalog in [None, *catalogs_live(school=school)]:
        code = catalog.code if catalog else None
        try:
            rows = _rows(gateway.products(code))
            with transaction.atomic():
                imported = catalog_import(school=school, catalog=catalog, rows=rows)
                listed = _list_prices(school, catalog)
                current = {(row.code, row.valid_from) for row in rows_validate(rows)}
                stale = [
                    price.pk
                    for price in listed.select_related("product")
                    if (price.product.code, price.valid_from) not in current
                ]
                report.removed_prices += CatalogPrice.objects.filter(pk__in=stale).delete()[0]
        except (GatewayUnreachable, CatalogImportError) as error:
            report.problems.append(f"{code or 'public'}: {error}")
            continue
        report.lists += 1
        report.changed += sum(1 for row in imported.rows if "unchanged" not in (row.product, row.price))
        report.unchanged += sum(1 for row in imported.rows if row.product == row.price == "unchanged")
        seen.update(listed.values_list("product_id", flat=True))
    # Only a complete picture of 4807 says that a product is gone everywhere.
    if not report.problems:
        report.deactivated = (
            Product.objects.for_school(school)
            .filter(active=True)
            .exclude(pk__in=seen)
            .update(active=False, updated_at=timezone.now())
        )
    return report


def _list_prices(school: School, catalog: Catalog | None) -> QuerySet[CatalogPrice]:
    prices = CatalogPrice.objects.for_school(school)
    return prices.filter(catalog=catalog) if catalog is not None else prices.filter(catalog__isnull=True)


def sale_push_retry(*, school: School, push_id: int) -> bool:
    """ "Réessayer": a push that failed for good goes back to the queue."""
    push = SalePush.objects.for_school(school).get(pk=push_id)
    return outbox_retry(push, SALE_PUSHES)


@task(queue_name="connector4807")
def verify_catalog_codes(school_id: int) -> int:
    return catalogs_verify(school=School.objects.get(pk=school_id))


@task(queue_name="connector4807")
def sync_price_lists(school_id: int) -> dict[str, int]:
    report = price_lists_sync(school=School.objects.get(pk=school_id))
    if report.problems:
        logger.warning("price list sync of school %s: %s", school_id, "; ".join(report.problems))
    return {"lists": report.lists, "changed": report.changed, "removed_prices": report.removed_prices}
