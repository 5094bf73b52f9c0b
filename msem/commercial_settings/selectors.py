"""Reads of a school's commercial settings, as the settings page and its audit see them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from msem.catalog.selectors import catalogs_live
from msem.inquiries.selectors import categories_live, subjects_live
from msem.mailing.selectors import mail_templates_by_kind_and_language
from msem.quotes.models import Quote, QuoteLine
from msem.sales.models import Sale
from msem.schools.models import School


def commercial_settings_snapshot(*, school: School) -> dict[str, Any]:
    """The settings as plain JSON data: what an audit record keeps before and after a save."""
    return {
        "subjects": [
            {"id": s.pk, "label_fr": s.label_fr, "label_en": s.label_en, "email": s.email}
            for s in subjects_live(school=school)
        ],
        "mail_texts": {
            f"{kind}.{language}": {"subject": t.subject, "body": t.body}
            for (kind, language), t in sorted(mail_templates_by_kind_and_language(school=school).items())
        },
        "categories": [
            {"id": c.pk, "code": c.code, "label_fr": c.label_fr, "label_en": c.label_en}
            for c in categories_live(school=school)
        ],
        "catalogs": [c.code for c in catalogs_live(school=school)],
    }


# A quote still in play: the catalog is what its lines were priced from, and a draft may get more lines.
OPEN_QUOTE_STATUSES = (Quote.Status.DRAFT, Quote.Status.SENT, Quote.Status.ACCEPTED)


@dataclass(frozen=True)
class CatalogUse:
    """What still uses a live 4807 catalog: what the manager is told before removing it."""

    open_quotes: int  # draft, sent or accepted quotes with at least one line from the catalog
    drafts: int  # among them, the drafts
    sales: int  # sales made with it (reported, or to be reported, to 4807 with its code)

    @property
    def in_use(self) -> bool:
        return bool(self.open_quotes or self.sales)


def _count(rows: QuerySet[Any], counted: str) -> Coalesce:
    """A correlated count per catalog, 0 when there is none."""
    per_catalog = rows.order_by().values("catalog").annotate(n=Count(counted, distinct=True)).values("n")
    return Coalesce(Subquery(per_catalog, output_field=IntegerField()), Value(0))


def catalogs_use(*, school: School) -> dict[str, CatalogUse]:
    """Each live catalog's use, by code, read in one query for all the school's catalogs."""
    lines = QuoteLine.objects.for_school(school).filter(catalog=OuterRef("pk"), quote__status__in=OPEN_QUOTE_STATUSES)
    counted = catalogs_live(school=school).annotate(
        open_quotes=_count(lines, "quote"),
        drafts=_count(lines.filter(quote__status=Quote.Status.DRAFT), "quote"),
        sales=_count(Sale.objects.for_school(school).filter(catalog=OuterRef("pk")), "pk"),
    )
    return {
        code: CatalogUse(open_quotes=open_quotes, drafts=drafts, sales=sales)
        for code, open_quotes, drafts, sales in counted.values_list("code", "open_quotes", "drafts", "sales")
    }
