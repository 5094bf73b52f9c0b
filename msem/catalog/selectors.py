from __future__ import annotations

from django.db.models import QuerySet

from msem.catalog.models import Catalog
from msem.schools.models import School


def catalogs_live(*, school: School) -> QuerySet[Catalog]:
    return Catalog.objects.for_school(school).live()
