"""Writes of the catalog domain."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from msem.catalog.models import Catalog, normalize_catalog_code, validate_catalog_code
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
